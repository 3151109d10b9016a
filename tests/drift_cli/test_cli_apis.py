"""``topodoc drift`` end to end with all four sources: libvirt's test driver, the real
openstacksdk and kubernetes clients against the loopback servers of tests/servers, and a
real etcd. A sentinel password and token are planted in clouds.yaml and the kubeconfig;
they must never appear anywhere, and the servers must see nothing but reads."""

from __future__ import annotations

import json
import logging
import socket
import time
from pathlib import Path

import pytest

from tests.servers.etcd_server import ETCD, EtcdServer, free_port
from tests.servers.kubernetes_api import KubernetesAPI, KubernetesData, apiserver_pod, node
from tests.servers.openstack_api import (
    OpenStackAPI,
    OpenStackData,
    flavor,
    hypervisor,
    server,
)
from tests.support.cli import run_process as topodoc_process

from .lab import Lab, write_lab

pytest.importorskip("libvirt")
pytest.importorskip("openstack")
pytest.importorskip("kubernetes")
pytestmark = pytest.mark.filterwarnings(
    "ignore::PendingDeprecationWarning", "ignore::DeprecationWarning"
)

PASSWORD = "pw-SENTINEL-cli-5e1d07"
TOKEN = "tok-SENTINEL-cli-93ab4c"
SENTINELS = (PASSWORD, TOKEN)
TOKENS_PATH = "/identity/v3/auth/tokens"

#: Kubernetes on the lab (web-1 the control plane, h2 a worker) with external etcd on h1.
K8S_ETCD_YAML = """\
version: 1
clusters:
  - id: k8s
    type: kubernetes
    etcd: {{mode: external, cluster: etcd}}
    members:
      - {{machine: web-1, roles: [control-plane]}}
      - {{machine: h2, roles: [worker]}}
  - id: etcd
    type: etcd
    members:
      - {{machine: h1, roles: [member]}}
live:
  kubernetes:
    - {{cluster: k8s, context: {context}, kubeconfig: "{kubeconfig}"}}
  etcd:
    - {{cluster: etcd, endpoints: ["{etcd}"]}}
"""


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory):
    """A real etcd whose one member is named like the host it is documented on (h1)."""
    if not Path(ETCD).is_file():
        pytest.skip(f"{ETCD} is absent (Debian: apt-get install etcd-server)")
    with EtcdServer(tmp_path_factory.mktemp("etcd"), name="h1") as server:
        yield server


def cloud_data() -> OpenStackData:
    """The cloud as documented: tenant-1 (m1.small: 1 vCPU, 1 GiB) on compute-1."""
    return OpenStackData(
        servers=[server(1, "tenant-1", "1", "compute-1")],
        flavors=[flavor("1", "m1.small", 1, 1024, 10)],
        hypervisors=[hypervisor(1, "compute-1", 4, 8192)],
    )


def cluster_data(etcd_url: str) -> KubernetesData:
    """The cluster as documented: web-1 (2 vCPUs) and h2 (2 CPUs, hostname h2.lab)."""
    return KubernetesData(
        nodes=[
            node("web-1", ("control-plane",), cpu="2"),
            node("h2.lab", ("worker",), cpu="2", internal_ip="10.0.0.2"),
        ],
        pods=[apiserver_pod("web-1", [etcd_url])],
    )


@pytest.fixture
def nova():
    with OpenStackAPI(cloud_data(), password=PASSWORD, page_size=2) as api:
        yield api


@pytest.fixture
def kube(etcd):
    with KubernetesAPI(cluster_data(etcd.client_url), token=TOKEN, page_size=1) as api:
        yield api


class Apis:
    """The lab wired to the loopback servers."""

    def __init__(
        self,
        root: Path,
        nova: OpenStackAPI,
        kube: KubernetesAPI,
        etcd: EtcdServer,
        *,
        context: str = "lab-admin",
        etcd_endpoint: str | None = None,
    ) -> None:
        self.root, self.nova, self.kube, self.etcd = root, nova, kube, etcd
        self.clouds_yaml = root / "clouds.yaml"
        self.clouds_yaml.write_text(
            "clouds:\n  lab:\n    auth:\n"
            f"      auth_url: {nova.url}/identity/v3\n      username: admin\n"
            f"      password: {PASSWORD}\n      project_name: admin\n"
            "      user_domain_name: Default\n      project_domain_name: Default\n"
            "    region_name: RegionOne\n    identity_api_version: 3\n"
        )
        self.kubeconfig = root / "kubeconfig"
        self.kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\n"
            f'clusters:\n- name: lab\n  cluster: {{server: "{kube.url}"}}\n'
            f"users:\n- name: admin\n  user: {{token: {TOKEN}}}\n"
            "contexts:\n- name: lab-admin\n  context: {cluster: lab, user: admin}\n"
            "current-context: lab-admin\n"
        )
        self.lab: Lab = write_lab(
            root / "lab",
            cloud=True,
            extra_yaml=K8S_ETCD_YAML.format(
                context=context, kubeconfig=self.kubeconfig, etcd=etcd_endpoint or etcd.client_url
            ),
        )
        self.out = root / "out"
        self.out.mkdir()

    def args(self, *extra: object) -> list[object]:
        """The drift arguments: the topology, clouds.yaml, every output format to files."""
        return [
            self.lab.topology,
            "--clouds-yaml",
            self.clouds_yaml,
            "--timeout",
            "10",
            "-o",
            f"json={self.out / 'drift.json'}",
            "-o",
            f"junit={self.out / 'drift.xml'}",
            "-o",
            f"markdown={self.out / 'drift.md'}",
            "-o",
            "console=-",
            *extra,
        ]

    def report(self) -> dict:
        return json.loads((self.out / "drift.json").read_text())

    def assert_no_secret(self, *texts: str) -> None:
        everything = "".join(texts) + "".join(
            p.read_text(errors="replace") for p in self.out.rglob("*") if p.is_file()
        )
        for sentinel in SENTINELS:
            assert sentinel not in everything

    def assert_read_only(self) -> None:
        requests = self.nova.requests + self.kube.requests
        assert requests, "the servers were never asked"
        writes = [
            (r.method, r.path)
            for r in requests
            if r.method != "GET" and not (r.method == "POST" and r.path == TOKENS_PATH)
        ]
        assert writes == []
        assert {r.method for r in self.kube.requests} == {"GET"}


def not_ok(data: dict) -> set[tuple]:
    return {(f["key"], f["state"], f["attribute"]) for f in data["findings"] if f["state"] != "ok"}


def test_every_source_in_sync(topodoc, tmp_path: Path, nova, kube, etcd) -> None:
    apis = Apis(tmp_path, nova, kube, etcd)
    run = topodoc("drift", *apis.args())
    assert run.code == 0, run.out + run.err
    data = apis.report()
    assert {s["id"]: s["status"] for s in data["sources"]} == {
        "etcd:etcd": "ok",
        "kubernetes:k8s": "ok",
        "libvirt:compute-1": "ok",
        "libvirt:h1": "ok",
        "libvirt:h2": "ok",
        "openstack:cloud": "ok",
    }
    ok = {f["key"] for f in data["findings"] if f["state"] == "ok"}
    assert {
        "vm:tenant-1",
        "os-hypervisor:cloud/compute-1.lab",
        "k8s-node:k8s/web-1",
        "k8s-node:k8s/h2.lab",
        "k8s-etcd:k8s",
        "etcd-member:etcd/h1",
    } <= ok
    assert not_ok(data) == set()
    assert data["summary"]["coverage"]["ratio"] == 1.0
    sources = {s["id"]: s for s in data["sources"]}
    assert sources["openstack:cloud"]["api_calls"] >= 4  # token, servers (2 pages), ...
    assert sources["kubernetes:k8s"]["api_calls"] >= 3  # two pages of nodes, the pods
    apis.assert_no_secret(run.out, run.err)
    apis.assert_read_only()
    assert any(r.method == "POST" and r.path == TOKENS_PATH for r in nova.requests)
    # every page was read: the second node exists only on page 2
    assert any("continue=" in r.path for r in kube.requests)


def test_drift_seen_through_every_api(topodoc, tmp_path: Path, nova, kube, etcd) -> None:
    nova.data.servers = [
        server(1, "tenant-1", "1", "compute-1", "SHUTOFF"),
        server(2, "tf-test-1", "1", "compute-1"),
    ]
    kube.data.nodes[1] = node("h2.lab", ("worker",), cpu="2", ready=False)
    kube.data.nodes.append(node("stray-node", ("worker",)))
    kube.data.pods = [apiserver_pod("web-1", [etcd.client_url, "https://10.9.9.9:2379"])]
    apis = Apis(tmp_path, nova, kube, etcd)
    run = topodoc("drift", *apis.args())
    assert run.code == 1, run.out + run.err
    assert not_ok(apis.report()) == {
        ("vm:tenant-1", "changed", "state"),
        ("vm:tf-test-1", "unexpected", None),
        ("k8s-node:k8s/h2.lab", "changed", "ready"),
        ("k8s-node:k8s/stray-node", "unexpected", None),
        ("k8s-etcd:k8s", "changed", "servers"),
    }
    assert "has extra https://10.9.9.9:2379" in run.out
    apis.assert_no_secret(run.out, run.err)
    apis.assert_read_only()


def test_refused_forbidden_and_slow_sources_are_unverifiable(
    topodoc, tmp_path: Path, nova, kube, etcd
) -> None:
    nova.delay("/compute/v2.1/servers/detail", 30.0)
    kube.token = "another-token"  # the kubeconfig's token is refused: 401
    apis = Apis(tmp_path, nova, kube, etcd)
    started = time.monotonic()
    run = topodoc("drift", *apis.args("--timeout", "2"))
    assert time.monotonic() - started < 8
    assert run.code == 2, run.out + run.err
    sources = {s["id"]: s for s in apis.report()["sources"]}
    assert sources["openstack:cloud"]["status"] == "timeout"
    assert sources["kubernetes:k8s"]["status"] == "forbidden"
    assert "401" in sources["kubernetes:k8s"]["error"]
    assert sources["etcd:etcd"]["status"] == "ok"  # one failing source stops no other
    assert not_ok(apis.report()) == {
        ("vm:tenant-1", "unverifiable", None),
        ("os-hypervisor:cloud/compute-1.lab", "unverifiable", None),
        ("k8s-node:k8s/web-1", "unverifiable", None),
        ("k8s-node:k8s/h2.lab", "unverifiable", None),
        ("k8s-etcd:k8s", "unverifiable", None),
    }
    assert run.out.startswith("topodoc drift: INCOMPLETE")
    apis.assert_no_secret(run.out, run.err)
    apis.assert_read_only()


def test_overrides_say_where_to_read_not_what_is_documented(
    topodoc, tmp_path: Path, nova, kube, etcd
) -> None:
    nowhere = "http://127.0.0.1:9"  # nothing listens there
    apis = Apis(tmp_path, nova, kube, etcd, context="no-such-context", etcd_endpoint=nowhere)
    (apis.lab.topology / "cloud.yaml").write_text(
        (apis.lab.topology / "cloud.yaml").read_text().replace("cloud: lab", "cloud: nowhere")
    )
    before = topodoc("drift", *apis.args())
    assert before.code == 2
    statuses = {s["id"]: s["status"] for s in apis.report()["sources"]}
    assert statuses["etcd:etcd"] == "refused"
    assert statuses["kubernetes:k8s"] == "error" and statuses["openstack:cloud"] == "error"
    run = topodoc(
        "drift",
        *apis.args(
            "--os-cloud", "lab", "--kube-context", "lab-admin", "--etcd", f"etcd={etcd.client_url}"
        ),
    )
    data = apis.report()
    assert {s["status"] for s in data["sources"]} == {"ok"}, run.err
    # the API server uses the real etcd, the topology documents another: drift
    assert run.code == 1
    assert not_ok(data) == {("k8s-etcd:k8s", "changed", "servers")}
    finding = next(f for f in data["findings"] if f["key"] == "k8s-etcd:k8s")
    assert (finding["expected"], finding["actual"]) == ([nowhere], [etcd.client_url])
    apis.assert_no_secret(before.out, before.err, run.out, run.err)


def test_snapshot_records_no_secret_and_checks_offline(
    topodoc, tmp_path: Path, nova, kube, etcd
) -> None:
    apis = Apis(tmp_path, nova, kube, etcd)
    snap = apis.out / "live.json"
    run = topodoc("snapshot", apis.lab.topology, "--clouds-yaml", apis.clouds_yaml, "-o", snap)
    assert run.code == 0, run.err
    assert "6 sources" in run.err
    recorded = json.loads(snap.read_text())
    assert {s["status"] for s in recorded["sources"]} == {"ok"}
    asked = len(nova.requests) + len(kube.requests)
    check = topodoc(
        "drift", apis.lab.topology, "--snapshot", snap, "-o", f"json={apis.out / 'offline.json'}"
    )
    assert check.code == 0, check.out
    assert len(nova.requests) + len(kube.requests) == asked  # offline: nobody asked
    apis.assert_no_secret(run.out, run.err, check.out, check.err)
    apis.assert_read_only()


def test_real_process_with_every_source(tmp_path: Path, nova, kube, etcd) -> None:
    apis = Apis(tmp_path, nova, kube, etcd)
    run = topodoc_process("drift", *apis.args(), cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    assert run.out.startswith("topodoc drift: in sync")
    assert "reading 6 sources" in run.err
    apis.assert_no_secret(run.out, run.err)
    apis.assert_read_only()


def test_etcd_alone_with_credentials_in_its_url_and_a_hanging_endpoint(
    topodoc, tmp_path: Path, nova, kube, etcd
) -> None:
    apis = Apis(tmp_path, nova, kube, etcd)
    secret = "etcd-SENTINEL-cli-0d4f"
    port = int(etcd.client_url.rsplit(":", 1)[1])
    run = topodoc(
        "drift", *apis.args("--only", "etcd", "--etcd", f"http://root:{secret}@127.0.0.1:{port}")
    )
    assert run.code == 0, run.out + run.err
    data = apis.report()
    assert [s["uri"] for s in data["sources"]] == [f"http://root@127.0.0.1:{port}"]
    assert secret not in run.out + run.err + (apis.out / "drift.json").read_text()
    # an endpoint that accepts the connection and never answers: cut by the timeout
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        started = time.monotonic()
        run = topodoc(
            "drift",
            *apis.args(
                "--only",
                "etcd",
                "--timeout",
                "1",
                "--etcd",
                f"http://127.0.0.1:{silent.getsockname()[1]}",
            ),
        )
        assert time.monotonic() - started < 5
    assert run.code == 2
    source = apis.report()["sources"][0]
    assert source["status"] == "timeout", source
    assert not_ok(apis.report()) == {("etcd-member:etcd/h1", "unverifiable", None)}


# -- secrets planted in every form a user can give them, looked for in every output ---------
# The clouds.yaml password, the kubeconfig token, a live.etcd URL whose password holds "/",
# a URL without a scheme with a password, and the Keystone token obtained at run time, which
# Nova echoes in its error. Searched: stdout and stderr of drift, snapshot and export, every
# report format, the snapshot file, and every log record the client libraries write at DEBUG.

SLASHED = "etcd/SENTINEL/slash-77c1"
NO_SCHEME = "etcd-SENTINEL-noscheme-4a90"


def test_no_planted_secret_leaves_the_process(
    topodoc, tmp_path: Path, nova, kube, etcd, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    nova.fail(
        "/compute/v2.1/servers/detail",
        500,
        times=None,
        message="token {token} is not valid for this request",
    )
    kube.fail("/api/v1/nodes", 500, times=None, message="bearer {token} was refused")
    dead = [free_port(), free_port()]
    apis = Apis(
        tmp_path,
        nova,
        kube,
        etcd,
        etcd_endpoint=(
            f'http://root:{SLASHED}@127.0.0.1:{dead[0]}", "root:{NO_SCHEME}@127.0.0.1:{dead[1]}'
        ),
    )
    drift = topodoc("drift", *apis.args("--verbose"))
    assert drift.code == 2, drift.out + drift.err
    data = apis.report()
    statuses = {s["id"]: s["status"] for s in data["sources"]}
    assert (statuses["openstack:cloud"], statuses["kubernetes:k8s"], statuses["etcd:etcd"]) == (
        "error",
        "error",
        "refused",
    )
    # the servers echoed the secrets: they are in the errors, masked
    assert "token *** is not valid" in drift.out and "bearer *** was refused" in drift.out
    assert f"http://127.0.0.1:{dead[0]}: connection refused" in drift.out
    assert f"http://127.0.0.1:{dead[1]}: connection refused" in drift.out  # http:// implied
    uri = next(s["uri"] for s in data["sources"] if s["id"] == "etcd:etcd")
    assert uri == f"http://root@127.0.0.1:{dead[0]},root@127.0.0.1:{dead[1]}"
    snapshot = topodoc(
        "snapshot",
        apis.lab.topology,
        "--clouds-yaml",
        apis.clouds_yaml,
        "-o",
        apis.out / "snapshot.json",
    )
    export = topodoc("export", apis.lab.topology)
    assert f"root:***@127.0.0.1:{dead[0]}" in export.out

    issued = [r.headers["X-Auth-Token"] for r in nova.requests if "X-Auth-Token" in r.headers]
    assert issued, "Nova was never asked with a token"
    planted = {PASSWORD, TOKEN, SLASHED, NO_SCHEME, *issued}
    outputs = {
        "drift stdout": drift.out,
        "drift stderr": drift.err,
        "snapshot stderr": snapshot.err,
        "export": export.out,
        "logs": "\n".join(r.getMessage() for r in caplog.records),
        **{path.name: path.read_text() for path in apis.out.iterdir()},
    }
    assert {"drift.json", "drift.xml", "drift.md", "snapshot.json"} <= set(outputs)
    leaks = {
        (name, secret) for name, text in outputs.items() for secret in planted if secret in text
    }
    assert leaks == set()
    assert any("***" in text for text in outputs.values())
