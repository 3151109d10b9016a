"""``topodoc drift`` compares the container runtime a Kubernetes cluster documents with each
node's ``containerRuntimeVersion``, read by the real kubernetes client from the loopback
API server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.servers.kubernetes_api import KubernetesAPI, KubernetesData, node

pytest.importorskip("kubernetes")
pytestmark = pytest.mark.filterwarnings(
    "ignore::PendingDeprecationWarning", "ignore::DeprecationWarning"
)

TOKEN = "tok-runtime-8c1f"

TOPOLOGY = """\
version: 1
hosts: [{{id: n1}}, {{id: n2}}]
clusters:
  - id: k
    type: kubernetes
    container_runtime: {runtime}
    members:
      - {{machine: n1, roles: [control-plane]}}
      - {{machine: n2, roles: [worker]}}
live:
  kubernetes:
    - {{cluster: k, context: lab-admin, kubeconfig: "{kubeconfig}"}}
"""


@pytest.fixture(scope="module")
def kube():
    """Two nodes; n2 runs a newer containerd than n1."""
    data = KubernetesData(
        nodes=[
            node("n1", ("control-plane",), container_runtime="containerd://1.7.13"),
            node("n2", (), container_runtime="containerd://1.7.20"),
        ]
    )
    with KubernetesAPI(data, token=TOKEN) as api:
        yield api


def check(topodoc, tmp_path: Path, kube: KubernetesAPI, runtime: str) -> list[tuple]:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\n"
        f'clusters:\n- name: lab\n  cluster: {{server: "{kube.url}"}}\n'
        f"users:\n- name: admin\n  user: {{token: {TOKEN}}}\n"
        "contexts:\n- name: lab-admin\n  context: {cluster: lab, user: admin}\n"
    )
    (tmp_path / "topology").mkdir()
    (tmp_path / "topology" / "lab.yaml").write_text(
        TOPOLOGY.format(runtime=runtime, kubeconfig=kubeconfig)
    )
    run = topodoc("drift", tmp_path / "topology", "-o", f"json={tmp_path / 'r.json'}")
    data = json.loads((tmp_path / "r.json").read_text())
    assert run.code == data["summary"]["exit_code"], run.err
    assert {s["id"]: s["status"] for s in data["sources"]} == {"kubernetes:k": "ok"}
    return [
        (f["key"], f["state"], f["attribute"], f["hint"])
        for f in data["findings"]
        if f["state"] != "ok"
    ]


@pytest.mark.parametrize(
    "runtime",
    ["{name: containerd}", '{name: containerd, version: "1.7"}'],
)
def test_runtime_as_documented(topodoc, tmp_path: Path, kube, runtime: str) -> None:
    assert check(topodoc, tmp_path, kube, runtime) == []


def test_runtime_version_drift_is_seen_per_node(topodoc, tmp_path: Path, kube) -> None:
    runtime = '{name: containerd, version: "1.7.13"}'
    assert check(topodoc, tmp_path, kube, runtime) == [
        (
            "k8s-node:k/n2",
            "changed",
            "container_runtime",
            "expected containerd://1.7.13, found containerd://1.7.20",
        )
    ]


def test_another_runtime_is_drift(topodoc, tmp_path: Path, kube) -> None:
    found = check(topodoc, tmp_path, kube, "{name: cri-o}")
    assert [(key, attribute, hint) for key, _, attribute, hint in found] == [
        ("k8s-node:k/n1", "container_runtime", "expected cri-o, found containerd://1.7.13"),
        ("k8s-node:k/n2", "container_runtime", "expected cri-o, found containerd://1.7.20"),
    ]
