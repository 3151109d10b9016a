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

from topodoc.drift.collectors import (
    Collection,
    ReadOnlyViolation,
    SourceFailure,
    config_file_secrets,
    run,
)
from topodoc.drift.collectors.responses import each, objects, parse_json, read_body, refuse_redirect
from topodoc.drift.resources import SourceResult, server_url

if TYPE_CHECKING:
    from topodoc.drift.resources import SourceSpec

PAGE_LIMIT = 500
ROLE_PREFIX = "node-role.kubernetes.io/"
#: Role labels read as another: ``master`` is ``control-plane`` before Kubernetes 1.20 (and
#: beside it on k3s and EKS).
ROLE_ALIASES = {"master": "control-plane"}
ETCD_SERVERS_ARG = "--etcd-servers="
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


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
        config_file=path,
        context=col.spec.uri or None,
        persist_config=False,
        client_configuration=configuration,
    )
    try:
        for value in (*configuration.api_key.values(), configuration.password):
            if value:
                col.learn({value, value.removeprefix("Bearer ")})
        _guard(col, api_client.rest_client)
        core = client.CoreV1Api(api_client)
        nodes: list[dict[str, Any]] = []

        def node_list() -> list[dict[str, Any]]:
            if not nodes:
                nodes.extend(_list_all(col, core.list_node, "GET /api/v1/nodes"))
            return nodes

        if col.wants("k8s-node"):
            each(node_list(), "GET /api/v1/nodes", lambda node: _add_node(col, node))
        if col.wants("k8s-etcd"):
            _add_etcd(col, core, node_list)
    finally:
        api_client.close()


def _guard(col: Collection, rest: Any) -> None:
    """Let only GET requests leave the REST client; count them; read every answer through
    :mod:`.responses` (bounded, before the deadline, no redirect followed)."""
    import urllib3

    request, send = rest.request, rest.pool_manager.request

    def guarded(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if method != "GET":
            raise ReadOnlyViolation(method, urlsplit(url).path)
        col.api_calls += 1
        return request(method, url, *args, **kwargs)

    def bounded(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        what = f"{method} {urlsplit(url).path}"
        try:
            response = send(
                method, url, *args, **{**kwargs, "preload_content": False, "redirect": False}
            )
        except urllib3.exceptions.SSLError as exc:  # the client would turn it into an
            raise SourceFailure("error", _tls_message(what, exc)) from None  # AttributeError
        try:
            refuse_redirect(response.status, response.headers.get("Location"), url, what)
            body = read_body(lambda n: response.read(n, decode_content=True), what, col.deadline)
        except BaseException:
            response.close()  # half read: the connection goes, not back to the pool
            raise
        response.release_conn()
        response._body = body  # what .data returns, for the client and its ApiException
        return response

    rest.request, rest.pool_manager.request = guarded, bounded


def _tls_message(what: str, exc: Exception) -> str:
    reason = str(exc.args[0] if exc.args else exc)
    if "CERTIFICATE_VERIFY_FAILED" in reason:
        return (
            f"{what}: TLS: the API server's certificate is not trusted ({reason}); name "
            "the CA that signed it in the kubeconfig (certificate-authority or "
            "certificate-authority-data)"
        )
    return f"{what}: TLS: {reason}"


def _list_all(
    col: Collection, list_fn: Callable[..., Any], what: str, **kwargs: Any
) -> list[dict[str, Any]]:
    """Every item of a paginated list call (``what``: its request, for messages), as raw
    JSON; an answer that is not a list of objects is a SourceFailure naming what it lacks."""
    items: list[dict[str, Any]] = []
    token = None
    while True:
        response = list_fn(
            limit=PAGE_LIMIT,
            _continue=token,
            _preload_content=False,
            _request_timeout=col.spec.timeout_s,
            **kwargs,
        )
        document = parse_json(response.data, what)
        kind = document.get("kind") if isinstance(document, dict) else None
        if isinstance(kind, str) and kind and not kind.endswith("List"):
            raise SourceFailure(
                "error", f"{what}: the answer is one {kind}, not a list (no 'items' field)"
            )
        items += objects(document, "items", what)
        metadata = document.get("metadata")
        token = metadata.get("continue") if isinstance(metadata, dict) else None
        if not token:
            return items


def _add_node(col: Collection, node: dict[str, Any]) -> None:
    from kubernetes.utils import parse_quantity

    labels = node["metadata"].get("labels") or {}
    status = node.get("status") or {}
    info = status.get("nodeInfo") or {}
    capacity = status.get("capacity") or {}
    attrs: dict[str, Any] = {
        "roles": _roles(labels),
        "ready": any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in status.get("conditions") or []
        ),
        "kubelet_version": info.get("kubeletVersion"),
        "container_runtime": info.get("containerRuntimeVersion"),
        "addresses": sorted(f"{a['type']}:{a['address']}" for a in status.get("addresses") or []),
        "system_uuid": info.get("systemUUID"),
    }
    for name in ("cpu", "memory"):
        if name in capacity:
            attrs[name] = int(parse_quantity(capacity[name]))
    col.add("k8s-node", f"{col.spec.target}/{node['metadata']['name']}", attrs)


def _roles(labels: dict[str, str]) -> list[str]:
    """A node's roles from its ``node-role.kubernetes.io/ROLE`` labels, legacy names read as
    today's; a node with no role label is a worker (kubeadm and kubespray label none)."""
    roles = {
        ROLE_ALIASES.get(role, role)
        for key in labels
        if key.startswith(ROLE_PREFIX) and (role := key.removeprefix(ROLE_PREFIX))
    }
    return sorted(roles or {"worker"})


def _add_etcd(col: Collection, core: Any, node_list: Callable[[], list[dict[str, Any]]]) -> None:
    """``k8s-etcd``: the etcd ``servers`` of the API servers, as configured, and the
    ``hosts`` they are on: a loopback server (kubeadm's stacked etcd, ``127.0.0.1:2379``)
    is on the API server's own node, read as that node's InternalIP."""
    from kubernetes.client.exceptions import ApiException

    try:
        pods = _list_all(
            col,
            core.list_namespaced_pod,
            "GET /api/v1/namespaces/kube-system/pods",
            namespace="kube-system",
            label_selector="component=kube-apiserver",
        )
    except ApiException as exc:
        if exc.status in (403, 404):  # not allowed to look: unknown, not an error of the source
            col.add("k8s-etcd", col.spec.target, {"servers": None, "hosts": None})
            return
        raise
    servers: set[str] = set()
    hosts: set[str] = set()
    for pod in pods:
        spec = pod.get("spec") or {}
        for container in spec.get("containers") or []:
            for arg in (container.get("command") or []) + (container.get("args") or []):
                if arg.startswith(ETCD_SERVERS_ARG):
                    urls = [
                        server_url(u)
                        for u in arg.removeprefix(ETCD_SERVERS_ARG).split(",")
                        if u.strip()
                    ]
                    servers.update(urls)
                    hosts.update(_host(url, spec.get("nodeName"), node_list) for url in urls)
    col.add(
        "k8s-etcd",
        col.spec.target,
        {"servers": sorted(servers) or None, "hosts": sorted(hosts) or None},
    )


def _host(url: str, node_name: str | None, node_list: Callable[[], list[dict[str, Any]]]) -> str:
    """The host of ``url``; a loopback one is node ``node_name``'s InternalIP when known."""
    host = urlsplit(url).hostname or ""
    if not node_name or host not in LOOPBACK:
        return host
    for node in node_list():
        if (node.get("metadata") or {}).get("name") == node_name:
            ips = [
                a.get("address")
                for a in (node.get("status") or {}).get("addresses") or []
                if a.get("type") == "InternalIP" and a.get("address")
            ]
            return ips[0] if ips else host
    return host
