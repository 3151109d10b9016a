"""A loopback Kubernetes API server: complete Node objects, the kube-apiserver Pod, /version.

Objects are complete (every ``nodeInfo`` field, quantities as strings) so the typed client
can deserialise them too. Lists page with ``limit`` and ``continue`` (``metadata.continue``);
requests need ``Authorization: Bearer <token>``; errors are ``Status`` objects.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from . import LoopbackServer, Reply

STAMP = "2026-01-01T00:00:00Z"
REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    410: "Expired",
    500: "InternalError",
}


def node(
    name: str,
    roles: tuple[str, ...] = (),
    *,
    ready: bool = True,
    cpu: str = "16",
    memory: str = "65536Ki",
    internal_ip: str = "10.0.0.1",
    kubelet_version: str = "v1.30.2",
    container_runtime: str = "containerd://1.7.2",
) -> dict[str, Any]:
    """A complete v1 Node."""
    uid = str(uuid.uuid5(uuid.NAMESPACE_DNS, name))
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    labels |= {f"node-role.kubernetes.io/{role}": "" for role in roles}
    taints = (
        [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
        if "control-plane" in roles
        else []
    )

    def condition(kind: str, status: str, reason: str, message: str) -> dict[str, str]:
        return {
            "lastHeartbeatTime": STAMP,
            "lastTransitionTime": STAMP,
            "message": message,
            "reason": reason,
            "status": status,
            "type": kind,
        }

    resources = {
        "cpu": cpu,
        "ephemeral-storage": "102626232Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": memory,
        "pods": "110",
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "creationTimestamp": STAMP,
            "labels": labels,
            "name": name,
            "resourceVersion": "4242",
            "uid": uid,
        },
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"], "taints": taints},
        "status": {
            "addresses": [
                {"address": internal_ip, "type": "InternalIP"},
                {"address": name, "type": "Hostname"},
            ],
            "allocatable": resources,
            "capacity": resources,
            "conditions": [
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition(
                    "Ready",
                    "True" if ready else "False",
                    "KubeletReady" if ready else "KubeletNotReady",
                    "kubelet is posting ready status"
                    if ready
                    else "container runtime network not ready",
                ),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": [
                {
                    "names": [
                        "registry.k8s.io/kube-proxy@sha256:" + "0" * 64,
                        "registry.k8s.io/kube-proxy:v1.30.2",
                    ],
                    "sizeBytes": 29035454,
                }
            ],
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
                "containerRuntimeVersion": container_runtime,
                "kernelVersion": "6.1.0-18-amd64",
                "kubeProxyVersion": kubelet_version,
                "kubeletVersion": kubelet_version,
                "machineID": uid.replace("-", ""),
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": uid,
            },
            "runtimeHandlers": [
                {
                    "features": {"recursiveReadOnlyMounts": True, "userNamespaces": True},
                    "name": "runc",
                }
            ],
        },
    }


def apiserver_pod(node_name: str, etcd_servers: list[str]) -> dict[str, Any]:
    """A complete kube-apiserver static Pod as kubeadm writes it."""
    name = f"kube-apiserver-{node_name}"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "annotations": {"kubernetes.io/config.source": "file"},
            "creationTimestamp": STAMP,
            "labels": {"component": "kube-apiserver", "tier": "control-plane"},
            "name": name,
            "namespace": "kube-system",
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "controller": True,
                    "kind": "Node",
                    "name": node_name,
                    "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, node_name)),
                }
            ],
            "resourceVersion": "4243",
            "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, name)),
        },
        "spec": {
            "containers": [
                {
                    "command": [
                        "kube-apiserver",
                        "--advertise-address=10.0.0.1",
                        "--allow-privileged=true",
                        "--authorization-mode=Node,RBAC",
                        "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                        "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
                        f"--etcd-servers={','.join(etcd_servers)}",
                        "--secure-port=6443",
                        "--service-cluster-ip-range=10.96.0.0/12",
                    ],
                    "image": "registry.k8s.io/kube-apiserver:v1.30.2",
                    "imagePullPolicy": "IfNotPresent",
                    "name": "kube-apiserver",
                    "resources": {"requests": {"cpu": "250m"}},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }
            ],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "hostNetwork": True,
            "nodeName": node_name,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 2000001000,
            "priorityClassName": "system-node-critical",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
        },
        "status": {
            "conditions": [
                {"lastProbeTime": None, "lastTransitionTime": STAMP, "status": "True", "type": t}
                for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "containerStatuses": [
                {
                    "containerID": "containerd://" + "a" * 64,
                    "image": "registry.k8s.io/kube-apiserver:v1.30.2",
                    "imageID": "registry.k8s.io/kube-apiserver@sha256:" + "b" * 64,
                    "lastState": {},
                    "name": "kube-apiserver",
                    "ready": True,
                    "restartCount": 0,
                    "started": True,
                    "state": {"running": {"startedAt": STAMP}},
                }
            ],
            "hostIP": "10.0.0.1",
            "phase": "Running",
            "podIP": "10.0.0.1",
            "podIPs": [{"ip": "10.0.0.1"}],
            "qosClass": "Burstable",
            "startTime": STAMP,
        },
    }


@dataclass
class KubernetesData:
    """What the loopback cluster holds."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    pods: list[dict[str, Any]] = field(default_factory=list)  # in kube-system

    @classmethod
    def generate(
        cls,
        nodes: int = 5,
        masters: int = 3,
        etcd_servers: tuple[str, ...] = ("https://10.0.0.12:2379", "https://10.0.0.11:2379"),
    ) -> KubernetesData:
        """``masters`` control-plane nodes (``z-k8s-m-N``), the rest workers (``z-k8s-n-N``)."""
        names = [f"z-k8s-m-{i}" for i in range(1, masters + 1)]
        names += [f"z-k8s-n-{i}" for i in range(1, nodes - masters + 1)]
        return cls(
            nodes=[
                node(
                    n,
                    ("control-plane",) if n.startswith("z-k8s-m") else (),
                    internal_ip=f"10.0.{i // 250}.{1 + i % 250}",
                    ready=i % 7 != 6,
                )
                for i, n in enumerate(names)
            ],
            pods=[apiserver_pod(n, list(etcd_servers)) for n in names[:masters]],
        )


class KubernetesAPI(LoopbackServer):
    """The core/v1 endpoints the collector reads, behind a bearer token."""

    def __init__(
        self,
        data: KubernetesData | None = None,
        *,
        token: str = "secret-token",
        page_size: int = 500,
        **server: Any,
    ) -> None:
        super().__init__(**server)
        self.data = data or KubernetesData.generate()
        self.token = token
        self.page_size = page_size  # the most a page holds, whatever limit asks

    def error_body(self, status: int, message: str) -> Any:
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": REASONS.get(status, "Unknown"),
            "code": status,
        }

    def respond(
        self, method: str, path: str, query: dict[str, list[str]], headers: Message, body: bytes
    ) -> Reply:
        if headers.get("Authorization") != f"Bearer {self.token}":
            return Reply(401, self.error_body(401, "Unauthorized"))
        if method != "GET":
            return Reply(405, self.error_body(405, f"{method} is not allowed"))
        if path == "/version/" or path == "/version":
            return Reply(
                200,
                {
                    "buildDate": STAMP,
                    "compiler": "gc",
                    "gitCommit": "39683505b630ff2121012f3c5b16215a1449d5ed",
                    "gitTreeState": "clean",
                    "gitVersion": "v1.30.2",
                    "goVersion": "go1.22.4",
                    "major": "1",
                    "minor": "30",
                    "platform": "linux/amd64",
                },
            )
        if path == "/api/v1/nodes":
            return self._list("NodeList", self.data.nodes, query)
        if path == "/api/v1/namespaces/kube-system/pods":
            wanted = dict(
                s.split("=", 1) for s in query.get("labelSelector", [""])[0].split(",") if "=" in s
            )
            pods = [
                p
                for p in self.data.pods
                if all(p["metadata"]["labels"].get(k) == v for k, v in wanted.items())
            ]
            return self._list("PodList", pods, query)
        return Reply(404, self.error_body(404, "the server could not find the requested resource"))

    def _list(self, kind: str, items: list[dict[str, Any]], query: dict[str, list[str]]) -> Reply:
        limit = min(int(query.get("limit", [self.page_size])[0]) or self.page_size, self.page_size)
        start = 0
        if "continue" in query:
            try:
                start = int(base64.urlsafe_b64decode(query["continue"][0]).decode())
            except ValueError:
                return Reply(400, self.error_body(400, "continue key is not valid"))
        page = items[start : start + limit]
        metadata: dict[str, Any] = {"resourceVersion": "4250"}
        if start + limit < len(items):
            metadata["continue"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
            metadata["remainingItemCount"] = len(items) - start - limit
        return Reply(200, {"kind": kind, "apiVersion": "v1", "metadata": metadata, "items": page})
