"""All four collectors at once: timeouts that spare the others, and secrets that never leak."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest
from collector_lab import SENTINEL_ETCD, SENTINEL_PASSWORD, SENTINEL_TOKEN, SENTINELS

from topodoc.drift.collect import collect_all
from topodoc.drift.resources import SourceSpec
from topodoc.drift.snapshot import write_snapshot

pytest.importorskip("libvirt")
pytest.importorskip("openstack")  # imported now, so its ~1 s import is not timed below
pytest.importorskip("kubernetes")
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")

SERVERS = "/compute/v2.1/servers/detail"


@pytest.fixture
def lab(libvirt_uris, openstack_spec, kubernetes_spec, etcd):
    return [
        SourceSpec("libvirt:zcloud", "libvirt", "zcloud", libvirt_uris["zcloud"]),
        openstack_spec,
        kubernetes_spec,
        SourceSpec("etcd:z-etcd", "etcd", "z-etcd", etcd.client_url),
    ]


def test_a_slow_source_times_out_and_the_others_finish(lab, openstack_api):
    openstack_api.delay(SERVERS, 30.0)
    specs = [dataclasses.replace(s, timeout_s=1.0) if s.kind == "openstack" else s for s in lab]
    lines: list[str] = []
    started = time.monotonic()
    results = collect_all(specs, progress=lines.append)
    elapsed = time.monotonic() - started
    assert {r.id: r.status for r in results} == {
        "etcd:z-etcd": "ok",
        "kubernetes:z-k8s": "ok",
        "libvirt:zcloud": "ok",
        "openstack:zc-os": "timeout",
    }
    assert elapsed < 3.0
    assert any(line.startswith("openstack:zc-os timeout: ") for line in lines)
    assert [r.id for r in results] == sorted(r.id for r in results)


def test_the_hard_timeout_cuts_a_source_whose_every_request_is_quick(lab, openstack_api):
    """Each page answers within the client's timeout; all pages together do not."""
    openstack_api.delay(SERVERS, 0.3)
    specs = [dataclasses.replace(s, timeout_s=0.6) if s.kind == "openstack" else s for s in lab]
    started = time.monotonic()
    results = {r.id: r for r in collect_all(specs, max_workers=2)}
    elapsed = time.monotonic() - started
    cut = results["openstack:zc-os"]
    assert (cut.status, cut.error) == ("timeout", "no complete answer within 0.6 s")
    assert all(r.status == "ok" for sid, r in results.items() if sid != "openstack:zc-os")
    assert elapsed < 2.0  # not the 3 x 0.3 s of pages plus the rest


def test_planted_secrets_never_show(
    lab, openstack_api, kubernetes_api, etcd, tmp_path, caplog, capfd
):
    caplog.set_level(logging.DEBUG)
    with_credentials = etcd.client_url.replace("http://", f"http://root:{SENTINEL_ETCD}@")
    specs = [dataclasses.replace(s, uri=with_credentials) if s.kind == "etcd" else s for s in lab]
    lines: list[str] = []
    results = collect_all(specs, progress=lines.append)
    assert {r.status for r in results} == {"ok"}
    # servers that echo the secrets back in their error messages
    openstack_api.fail(SERVERS, 500, times=None, message=f"bad password {SENTINEL_PASSWORD}")
    kubernetes_api.fail("/api/v1/nodes", 500, message=f"token {SENTINEL_TOKEN} is odd")
    failed = collect_all(specs, progress=lines.append)
    errors = {r.id: r.error for r in failed if r.status != "ok"}
    assert errors == {
        "openstack:zc-os": "GET /compute/v2.1/servers/detail: HTTP 500: bad password ***",
        "kubernetes:z-k8s": "HTTP 500 Internal Server Error: token *** is odd",
    }
    snapshots = [tmp_path / "ok.json", tmp_path / "failed.json"]
    for path, saved in zip(snapshots, (results, failed), strict=True):
        write_snapshot(path, saved, taken_at="2026-01-01T00:00:00Z")
    out, err = capfd.readouterr()
    seen = "\n".join(
        [
            str([r.to_json() for r in results + failed]),
            *lines,
            *(path.read_text() for path in snapshots),
            caplog.text,
            out,
            err,
        ]
    )
    assert "GET /compute/v2.1/servers/detail" in seen  # the places looked at are not empty
    for sentinel in SENTINELS:
        assert sentinel not in seen
