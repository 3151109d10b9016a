"""The Kubernetes collector: the real kubernetes client over HTTP to the loopback API server."""

from __future__ import annotations

import dataclasses

import pytest
from collector_lab import write_kubeconfig

from tests.servers.etcd_server import free_port
from tests.servers.kubernetes_api import KubernetesAPI, KubernetesData, node
from topodoc.drift.collectors import Collection, ReadOnlyViolation
from topodoc.drift.collectors.kubernetes import _guard, collect

kubernetes = pytest.importorskip("kubernetes")
NODES = "/api/v1/nodes"
PODS = "/api/v1/namespaces/kube-system/pods"


def paths(api):
    return [r.path for r in api.requests]


def test_nodes_and_etcd_servers_with_pagination(kubernetes_api, kubernetes_spec):
    kubernetes_api.data.nodes[4] = node(
        "z-k8s-n-2",
        ("worker", "ingress"),
        ready=False,
        cpu="8",
        memory="32Gi",
        internal_ip="10.0.0.5",
        container_runtime="cri-o://1.30.1",
    )
    result = collect(kubernetes_spec, frozenset())
    assert (result.status, result.error) == ("ok", None)
    got = {r.key: r for r in result.resources}
    assert sorted(got) == ["k8s-etcd:z-k8s"] + [
        f"k8s-node:z-k8s/z-k8s-{n}" for n in ("m-1", "m-2", "m-3", "n-1", "n-2")
    ]
    master = got["k8s-node:z-k8s/z-k8s-m-1"].attrs
    assert master == {
        "roles": ["control-plane"],
        "ready": True,
        "kubelet_version": "v1.30.2",
        "container_runtime": "containerd://1.7.2",
        "cpu": 16,
        "memory": 65536 * 1024,
        "addresses": ["Hostname:z-k8s-m-1", "InternalIP:10.0.0.1"],
        "system_uuid": kubernetes_api.data.nodes[0]["status"]["nodeInfo"]["systemUUID"],
    }
    worker = got["k8s-node:z-k8s/z-k8s-n-2"].attrs
    assert (worker["roles"], worker["ready"], worker["cpu"], worker["memory"]) == (
        ["ingress", "worker"],
        False,
        8,
        32 * 2**30,
    )
    assert worker["container_runtime"] == "cri-o://1.30.1"
    assert got["k8s-etcd:z-k8s"].attrs == {
        "servers": ["https://10.0.0.11:2379", "https://10.0.0.12:2379"],
        "hosts": ["10.0.0.11", "10.0.0.12"],
    }
    # 5 nodes in pages of 2, 3 apiserver pods in pages of 2
    assert sum(p.startswith(NODES) for p in paths(kubernetes_api)) == 3
    assert sum(p.startswith(PODS) for p in paths(kubernetes_api)) == 2
    assert "labelSelector=component%3Dkube-apiserver" in paths(kubernetes_api)[-1]
    assert result.api_calls == len(kubernetes_api.requests) == 5


def test_served_objects_are_complete_for_the_typed_client(kubernetes_api, kubernetes_spec):
    """The loopback objects pass the client's own model validation (required fields)."""
    api_client = kubernetes.config.new_client_from_config(
        config_file=kubernetes_spec.options["kubeconfig"], persist_config=False
    )
    try:
        core = kubernetes.client.CoreV1Api(api_client)
        nodes = core.list_node(limit=10)  # pages of 2: the models are built from raw JSON
        assert nodes.items[0].status.node_info.container_runtime_version == "containerd://1.7.2"
        pod = core.list_namespaced_pod("kube-system").items[0]
        assert pod.spec.containers[0].command[0] == "kube-apiserver"
        version = kubernetes.client.VersionApi(api_client).get_code()
        assert version.git_version == "v1.30.2"
    finally:
        api_client.close()
    assert "/version/" in paths(kubernetes_api)


@pytest.mark.parametrize("status", [403, 404])
def test_etcd_servers_unknown_when_pods_cannot_be_listed(kubernetes_api, kubernetes_spec, status):
    kubernetes_api.fail(PODS, status)
    result = collect(kubernetes_spec, frozenset())
    assert result.status == "ok"
    etcd = [r for r in result.resources if r.kind == "k8s-etcd"]
    assert [(r.key, r.attrs) for r in etcd] == [
        ("k8s-etcd:z-k8s", {"servers": None, "hosts": None})
    ]


def test_other_pod_errors_fail_the_source(kubernetes_api, kubernetes_spec):
    kubernetes_api.fail(PODS, 500, message="etcdserver: request timed out")
    result = collect(kubernetes_spec, frozenset())
    assert (result.status, result.resources) == ("error", [])
    assert result.error == "HTTP 500 Internal Server Error: etcdserver: request timed out"


@pytest.mark.parametrize(
    "status, expected", [(401, "forbidden"), (403, "forbidden"), (404, "error"), (500, "error")]
)
def test_node_list_errors(kubernetes_api, kubernetes_spec, status, expected):
    kubernetes_api.fail(NODES, status, message=f"nodes is not allowed ({status})")
    result = collect(kubernetes_spec, frozenset())
    assert (result.status, result.resources) == (expected, [])
    assert result.error.startswith(f"HTTP {status} ")
    assert result.error.endswith(f": nodes is not allowed ({status})")


def test_wrong_token_refused_port_bad_kubeconfig(kubernetes_api, kubernetes_spec, tmp_path):
    wrong = write_kubeconfig(tmp_path, kubernetes_api.url, token="nope")
    spec = dataclasses.replace(kubernetes_spec, options={"kubeconfig": str(wrong)})
    assert collect(spec, frozenset()).status == "forbidden"
    closed = write_kubeconfig(tmp_path, f"http://127.0.0.1:{free_port()}")
    spec = dataclasses.replace(kubernetes_spec, options={"kubeconfig": str(closed)})
    refused = collect(spec, frozenset())
    assert refused.status == "refused" and "\n" not in refused.error
    no_context = collect(dataclasses.replace(spec, uri="other"), frozenset())
    assert no_context.status == "error" and no_context.error.startswith("kubeconfig: ")
    (tmp_path / "bad").write_text("clusters: [\n")
    bad = dataclasses.replace(spec, options={"kubeconfig": str(tmp_path / "bad")})
    assert collect(bad, frozenset()).error.startswith(f"kubeconfig {tmp_path / 'bad'}")


def test_skipped_kinds_are_not_requested(kubernetes_api, kubernetes_spec):
    collect(kubernetes_spec, frozenset({"k8s-etcd"}))
    assert paths(kubernetes_api) and all(p.startswith(NODES) for p in paths(kubernetes_api))
    kubernetes_api.reset()
    collect(kubernetes_spec, frozenset({"k8s-node"}))
    assert paths(kubernetes_api) and all(p.startswith(PODS) for p in paths(kubernetes_api))


def test_only_get_leaves_and_the_guard_stops_writes(kubernetes_api, kubernetes_spec):
    collect(kubernetes_spec, frozenset())
    assert {r.method for r in kubernetes_api.requests} == {"GET"}
    kubernetes_api.reset()
    api_client = kubernetes.config.new_client_from_config(
        config_file=kubernetes_spec.options["kubeconfig"], persist_config=False
    )
    try:
        _guard(Collection(kubernetes_spec, frozenset()), api_client.rest_client)
        core = kubernetes.client.CoreV1Api(api_client)
        for call in (
            lambda: core.delete_node("z-k8s-n-1"),
            lambda: core.patch_node("z-k8s-n-1", {"spec": {"unschedulable": True}}),
            lambda: core.create_namespace({"metadata": {"name": "x"}}),
        ):
            with pytest.raises(ReadOnlyViolation):
                call()
    finally:
        api_client.close()
    assert kubernetes_api.requests == []


def test_a_thousand_nodes_read_raw(tmp_path, kubernetes_spec):
    """Benchmark-sized data set: 1,000 nodes in pages of 500, no model building."""
    with KubernetesAPI(KubernetesData.generate(nodes=1000), token="t") as api:
        kubeconfig = write_kubeconfig(tmp_path, api.url, token="t")
        spec = dataclasses.replace(kubernetes_spec, options={"kubeconfig": str(kubeconfig)})
        result = collect(spec, frozenset({"k8s-etcd"}))
    assert result.status == "ok" and len(result.resources) == 1000
    assert result.api_calls == 2
    assert result.duration_s < 5


def test_role_label_conventions_of_real_clusters(kubernetes_api, kubernetes_spec):
    from tests.servers.kubernetes_api import apiserver_pod

    kubernetes_api.data = KubernetesData(
        nodes=[
            node("old-m", ("master",), internal_ip="10.0.0.1"),  # before 1.20
            node("k3s-m", ("control-plane", "master"), internal_ip="10.0.0.2"),  # k3s, EKS
            node("kubeadm-w", (), internal_ip="10.0.0.3"),  # kubeadm: workers unlabelled
            node("edge", ("ingress",), internal_ip="10.0.0.4"),
        ],  # a role of its own
        # kubeadm's stacked etcd: every API server uses the etcd on its own node
        pods=[
            apiserver_pod("old-m", ["https://127.0.0.1:2379"]),
            apiserver_pod("k3s-m", ["https://127.0.0.1:2379/"]),
        ],
    )
    result = collect(kubernetes_spec, frozenset())
    got = {r.key: r.attrs for r in result.resources}
    assert {k: a["roles"] for k, a in got.items() if "roles" in a} == {
        "k8s-node:z-k8s/old-m": ["control-plane"],
        "k8s-node:z-k8s/k3s-m": ["control-plane"],
        "k8s-node:z-k8s/kubeadm-w": ["worker"],
        "k8s-node:z-k8s/edge": ["ingress"],
    }
    assert got["k8s-etcd:z-k8s"] == {
        "servers": ["https://127.0.0.1:2379"],
        "hosts": ["10.0.0.1", "10.0.0.2"],
    }
