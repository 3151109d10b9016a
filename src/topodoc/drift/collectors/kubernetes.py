"""Kubernetes collector: the nodes, and the etcd servers the API server uses.

One API client per collect (the official client, a kubeconfig and a context), reading raw
JSON (``_preload_content=False``) with ``limit``/``continue`` pagination. Read-only by
construction: a guard on the client's REST layer lets only GET out. The etcd servers come
from the kube-apiserver static pods' ``--etcd-servers=``; where pods in kube-system cannot
be listed (403/404) or none names its etcd servers (a managed control plane), ``k8s-etcd``
reports ``servers`` as unknown (None): the check says unverifiable, never missing, and the
source stays ok.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Set
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from topodoc.drift.collectors import Collection, ReadOnlyViolation, config_file_secrets, run
from topodoc.drift.resources import SourceResult

if TYPE_CHECKING:
    from topodoc.drift.collect import SourceSpec

PAGE_LIMIT = 500
ROLE_PREFIX = "node-role.kubernetes.io/"
ETCD_SERVERS_ARG = "--etcd-servers="


def collect(spec: SourceSpec, skip_kinds: Set[str]) -> SourceResult:
    """Collect the cluster of kube context ``spec.uri`` (option: kubeconfig path)."""
    return run(spec, skip_kinds, _collect, _classify)


def _classify(exc: Exception) -> tuple[str, str] | None:
    import urllib3
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException

    if isinstance(exc, ApiException):
        status = "forbidden" if exc.status in (401, 403) else "error"
        return status, f"HTTP {exc.status} {exc.reason}: {_status_message(exc.body)}"
    if isinstance(exc, ConfigException):
        return "error", f"kubeconfig: {exc}"
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        exc = exc.reason
    if isinstance(exc, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError too
        return ("refused" if "refused" in str(exc).lower() else "unreachable"), str(exc)
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return "timeout", str(exc)
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return ("refused" if "refused" in str(exc).lower() else "unreachable"), str(exc)
    return None


def _status_message(body: Any) -> str:
    """The ``message`` of a Kubernetes Status body, else the body itself."""
    try:
        return str(json.loads(body)["message"])
    except (TypeError, ValueError, KeyError):
        return str(body)


def _collect(col: Collection) -> None:
    from kubernetes import client, config

    path = col.spec.options.get("kubeconfig")
    if path:
        col.learn(config_file_secrets(path, "kubeconfig"))
    configuration = client.Configuration()
    configuration.retries = False  # one try per request: the timeout stays the timeout
    api_client = config.new_client_from_config(
        config_file=path, context=col.spec.uri or None, persist_config=False,
        client_configuration=configuration)
    try:
        for value in (*configuration.api_key.values(), configuration.password):
            if value:
                col.learn({value, value.removeprefix("Bearer ")})
        _guard(col, api_client.rest_client)
        core = client.CoreV1Api(api_client)
        if col.wants("k8s-node"):
            for node in _list_all(col, core.list_node):
                _add_node(col, node)
        if col.wants("k8s-etcd"):
            _add_etcd(col, core)
    finally:
        api_client.close()


def _guard(col: Collection, rest: Any) -> None:
    """Let only GET requests leave the REST client; count them."""
    request = rest.request

    def guarded(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if method != "GET":
            raise ReadOnlyViolation(method, urlsplit(url).path)
        col.api_calls += 1
        return request(method, url, *args, **kwargs)

    rest.request = guarded


def _list_all(col: Collection, list_fn: Callable[..., Any],
              **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list call, as raw JSON."""
    items: list[dict[str, Any]] = []
    token = None
    while True:
        response = list_fn(limit=PAGE_LIMIT, _continue=token, _preload_content=False,
                           _request_timeout=col.spec.timeout_s, **kwargs)
        document = json.loads(response.data)
        items += document.get("items") or []
        token = (document.get("metadata") or {}).get("continue")
        if not token:
            return items


def _add_node(col: Collection, node: dict[str, Any]) -> None:
    from kubernetes.utils import parse_quantity

    labels = node["metadata"].get("labels") or {}
    status = node.get("status") or {}
    info = status.get("nodeInfo") or {}
    capacity = status.get("capacity") or {}
    attrs: dict[str, Any] = {
        "roles": sorted(k.removeprefix(ROLE_PREFIX) for k in labels
                        if k.startswith(ROLE_PREFIX) and k != ROLE_PREFIX),
        "ready": any(c.get("type") == "Ready" and c.get("status") == "True"
                     for c in status.get("conditions") or []),
        "kubelet_version": info.get("kubeletVersion"),
        "container_runtime": info.get("containerRuntimeVersion"),
        "addresses": sorted(f"{a['type']}:{a['address']}" for a in status.get("addresses") or []),
        "system_uuid": info.get("systemUUID"),
    }
    for name in ("cpu", "memory"):
        if name in capacity:
            attrs[name] = int(parse_quantity(capacity[name]))
    col.add("k8s-node", f"{col.spec.target}/{node['metadata']['name']}", attrs)


def _add_etcd(col: Collection, core: Any) -> None:
    from kubernetes.client.exceptions import ApiException

    try:
        pods = _list_all(col, core.list_namespaced_pod, namespace="kube-system",
                         label_selector="component=kube-apiserver")
    except ApiException as exc:
        if exc.status in (403, 404):  # not allowed to look: unknown, not an error of the source
            col.add("k8s-etcd", col.spec.target, {"servers": None})
            return
        raise
    servers = {
        url
        for pod in pods for container in (pod.get("spec") or {}).get("containers") or []
        for arg in (container.get("command") or []) + (container.get("args") or [])
        if arg.startswith(ETCD_SERVERS_ARG)
        for url in arg.removeprefix(ETCD_SERVERS_ARG).split(",") if url
    }
    col.add("k8s-etcd", col.spec.target, {"servers": sorted(servers) or None})
