"""The etcd collector against the real etcd from Debian, over HTTP and HTTPS."""

from __future__ import annotations

import pytest

from tests.servers.etcd_server import free_port
from topodoc.drift.collectors import Collection, ReadOnlyViolation
from topodoc.drift.collectors.etcd import _healthy, _request, _tls_context, collect
from topodoc.drift.resources import SourceSpec


def spec(uri, **options):
    return SourceSpec("etcd:z-etcd", "etcd", "z-etcd", uri, options, timeout_s=5.0)


def test_members_and_health(etcd):
    result = collect(spec(etcd.client_url), frozenset())
    assert (result.status, result.error) == ("ok", None)
    [member] = result.resources
    assert member.key == "etcd-member:z-etcd/n1"
    assert member.attrs == {
        "peer_urls": [etcd.peer_url],
        "client_urls": [etcd.client_url],
        "healthy": True,
    }
    assert result.api_calls == 2  # member list + one health check


def test_endpoints_tried_in_order(etcd):
    dead = f"http://127.0.0.1:{free_port()}"
    result = collect(spec(f"{dead}, {etcd.client_url}"), frozenset())
    assert result.status == "ok" and len(result.resources) == 1
    assert result.api_calls == 3


def test_no_endpoint_answers():
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    result = collect(spec(",".join(dead)), frozenset())
    assert result.status == "refused"
    assert result.error.startswith(f"{dead[0]}: connection refused") and dead[1] in result.error


def test_credentials_in_urls_are_neither_sent_nor_shown(etcd):
    url = etcd.client_url.replace("http://", "http://root:hunter2-secret@")
    result = collect(spec(url), frozenset())
    assert result.status == "ok"
    assert "hunter2" not in str(result.to_json()) and result.uri.startswith("http://root@")


def test_only_allowlisted_requests_leave():
    col = Collection(spec("http://127.0.0.1:9"), frozenset())
    for method, path in (
        ("POST", "/v3/kv/put"),
        ("POST", "/v3/kv/deleterange"),
        ("GET", "/v3/cluster/member/list"),
        ("POST", "/health"),
    ):
        with pytest.raises(ReadOnlyViolation):
            _request(col, method, "http://127.0.0.1:9", path, _tls_context({}), 1.0)
    assert col.api_calls == 0  # refused before a connection was even tried


def test_unanswered_health_is_unhealthy():
    col = Collection(spec("http://127.0.0.1:9"), frozenset())
    assert _healthy(col, [f"http://127.0.0.1:{free_port()}"], _tls_context({}), 1.0) is False
    assert _healthy(col, [], _tls_context({}), 1.0) is False


def test_tls_with_client_certificates(etcd_tls):
    server, tls = etcd_tls
    good = collect(
        spec(
            server.client_url,
            ca_cert=str(tls.ca),
            cert=str(tls.client_cert),
            key=str(tls.client_key),
        ),
        frozenset(),
    )
    assert good.status == "ok" and good.resources[0].attrs["healthy"] is True
    no_client_cert = collect(spec(server.client_url, ca_cert=str(tls.ca)), frozenset())
    assert no_client_cert.status == "error" and "TLS" in no_client_cert.error
    untrusted = collect(spec(server.client_url), frozenset())
    assert untrusted.status == "error" and "CERTIFICATE_VERIFY_FAILED" in untrusted.error
    missing = collect(spec(server.client_url, cert="/nonexistent.pem"), frozenset())
    assert (missing.status, missing.error) == (
        "error",
        "TLS file cert /nonexistent.pem: no such file",
    )
    no_key = collect(
        spec(
            server.client_url,
            ca_cert=str(tls.ca),
            cert=str(tls.client_cert),
            key="/etc/missing-etcd-client.key",
        ),
        frozenset(),
    )
    assert "key /etc/missing-etcd-client.key: no such file" in no_key.error
