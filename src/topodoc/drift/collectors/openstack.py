"""OpenStack collector: Nova servers, hypervisors and flavors; Neutron networks and subnets.

It uses openstacksdk's authenticated adapters and reads raw JSON (SDK objects cost 2-3 ms
each), following ``*_links`` rel=next pagination. Read-only by construction: a guard on the
session's transport lets out only GET and Keystone's ``POST .../auth/tokens``; anything
else raises before it is sent. Servers are read at microversion 2.47 when Nova offers it
(the flavor is embedded), else 2.1 with the flavor looked up in the flavor list;
hypervisors at 2.1, where they still carry ``vcpus`` and ``memory_mb``. ``all_tenants``
needs an admin (or reader) role; without it Nova answers 403 and the source is forbidden.
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

from topodoc.drift.collectors import (
    Collection,
    ReadOnlyViolation,
    SourceFailure,
    config_file_secrets,
    http_failure,
    run,
)
from topodoc.drift.collectors.responses import (
    each,
    host_of,
    objects,
    parse_json,
    read_body,
    refuse_redirect,
)
from topodoc.drift.resources import SourceResult
from topodoc.util.secrets import secret_values

if TYPE_CHECKING:
    from topodoc.drift.resources import SourceSpec

SERVER_STATES = {"ACTIVE": "running", "SHUTOFF": "shutoff", "PAUSED": "paused"}
PAGE_LIMIT = 1000
Json = dict[str, Any]  # an object of an API answer
EMBEDDED_FLAVOR = (2, 47)
MiB, GiB = 2**20, 2**30


def collect(spec: SourceSpec, skip_kinds: Set[str]) -> SourceResult:
    """Collect cloud ``spec.uri`` (a clouds.yaml cloud; options: clouds_yaml, region)."""
    return run(spec, skip_kinds, _collect, _classify)


def _classify(exc: Exception) -> tuple[str, str] | None:
    from keystoneauth1 import exceptions as ksa
    from openstack import exceptions as sdk

    while isinstance(exc, ksa.DiscoveryFailure) and isinstance(exc.__context__, Exception):
        exc = exc.__context__  # discovery failed because the connection did: say that
    if isinstance(exc, ksa.ConnectTimeout):
        return "timeout", str(exc)
    if isinstance(exc, ksa.ConnectFailure):
        return ("refused" if "refused" in str(exc).lower() else "unreachable"), str(exc)
    if isinstance(exc, ksa.http.Unauthorized | ksa.http.Forbidden):
        return "forbidden", f"HTTP {exc.http_status}: {exc.message}"
    if isinstance(exc, ksa.http.HttpError):
        return "error", f"HTTP {exc.http_status}: {exc.message}"
    if isinstance(exc, ksa.ClientException | sdk.SDKException):
        return "error", str(exc)
    return None


def _collect(col: Collection) -> None:
    from openstack import connection

    conn = connection.Connection(config=_cloud_region(col))
    try:
        _read(col, conn)
    finally:
        conn.close()


def _cloud_region(col: Collection) -> Any:
    """The cloud's configuration, its secrets learnt and its session guarded."""
    from openstack.config import loader

    opts, path = col.spec.options, col.spec.options.get("clouds_yaml")
    if path:
        col.learn(config_file_secrets(path, "clouds.yaml"))
        config = loader.OpenStackConfig(config_files=[path], secure_files=[], load_envvars=False)
    else:
        config = loader.OpenStackConfig()
    # no region: "" is what get_one assumes (the cloud's only or default region)
    region = config.get_one(
        cloud=col.spec.uri, api_timeout=col.spec.timeout_s, region_name=opts.get("region") or ""
    )
    col.learn(secret_values(region.config))
    _guard(col, region.get_session().session, region.config["auth"].get("auth_url") or "")
    return region


def _guard(col: Collection, http: Any, auth_url: str) -> None:
    """Let only reads (and Keystone token requests) leave ``http``, count them, and read
    every answer through :mod:`.responses`: bounded, before the deadline, no redirect to
    another host. A 401 from Keystone to a request without a token (its version document,
    the token request) fails the source at once: keystoneauth would ask again for a token
    while holding its own lock, and hang until the timeout."""
    keystone = auth_url.rstrip("/").removesuffix("/v3").removesuffix("/v2.0")
    for adapter in {id(a): a for a in http.adapters.values()}.values():  # one per scheme

        def send(request: Any, *args: Any, _send: Any = adapter.send, **kwargs: Any) -> Any:
            path = urlsplit(request.url).path
            if request.method != "GET" and not (
                request.method == "POST" and path.rstrip("/").endswith("/auth/tokens")
            ):
                raise ReadOnlyViolation(request.method, path)
            col.api_calls += 1
            col.learn([request.headers.get("X-Auth-Token") or ""])
            response = _send(request, *args, **{**kwargs, "stream": True})
            try:
                _read_answer(col, request, response, keystone)
            except BaseException:
                response.raw.close()  # half read: the connection goes, not back to the pool
                raise
            response.raw.release_conn()
            return response

        adapter.send = send


def _read_answer(col: Collection, request: Any, response: Any, keystone: str) -> None:
    """Read ``response``'s body into it, or raise a SourceFailure (see :func:`_guard`)."""
    what = f"{request.method} {urlsplit(request.url).path}"
    col.learn([response.headers.get("X-Subject-Token") or ""])
    refuse_redirect(
        response.status_code, response.headers.get("Location"), request.url, what, same_host_ok=True
    )
    response._content = read_body(
        lambda n: response.raw.read(n, decode_content=True), what, col.deadline
    )
    response._content_consumed = True
    if (
        response.status_code == 401
        and "X-Auth-Token" not in request.headers
        and request.url.startswith(keystone)
    ):
        raise SourceFailure(
            "forbidden", f"authentication failed: {what}: HTTP 401: {_error_message(response)}"
        )


def _read(col: Collection, conn: Any) -> None:
    target = col.spec.target
    servers, flavors = [], []
    if col.wants("vm"):
        endpoint = conn.compute.get_endpoint_data()
        embedded = bool(
            endpoint and endpoint.max_microversion and endpoint.max_microversion >= EMBEDDED_FLAVOR
        )
        query = urlencode({"all_tenants": "True", "limit": PAGE_LIMIT})
        servers = _get_all(
            conn.compute, f"/servers/detail?{query}", "servers", "2.47" if embedded else "2.1"
        )
    if col.wants("os-flavor") or any("vcpus" not in (s.get("flavor") or {}) for s in servers):
        flavors = _get_all(conn.compute, f"/flavors/detail?limit={PAGE_LIMIT}", "flavors", "2.1")
    flavor_by_id = {f.get("id"): f for f in flavors}
    each(servers, "GET /servers/detail", lambda srv: _add_server(col, srv, flavor_by_id))
    each(
        flavors,
        "GET /flavors/detail",
        lambda flv: col.add(
            "os-flavor",
            f"{target}/{flv['name']}",
            {"vcpus": flv["vcpus"], "memory": flv["ram"] * MiB, "disk": flv["disk"] * GiB},
        ),
    )
    if col.wants("os-hypervisor"):
        each(
            _get_all(conn.compute, "/os-hypervisors/detail", "hypervisors", "2.1"),
            "GET /os-hypervisors/detail",
            lambda hyp: _add_hypervisor(col, hyp),
        )
    if col.wants("os-network", "os-subnet"):
        networks = _get_all(conn.network, f"/networks?limit={PAGE_LIMIT}", "networks")
        subnets = _get_all(conn.network, f"/subnets?limit={PAGE_LIMIT}", "subnets")
        _add_networks(col, networks, subnets)


def _add_hypervisor(col: Collection, hyp: Json) -> None:
    attrs = {"state": hyp.get("state"), "status": hyp.get("status")}
    if "vcpus" in hyp:
        attrs["vcpus"] = hyp["vcpus"]
    if "memory_mb" in hyp:
        attrs["memory"] = hyp["memory_mb"] * MiB
    col.add("os-hypervisor", f"{col.spec.target}/{hyp['hypervisor_hostname']}", attrs)


def _get_all(adapter: Any, url: str, key: str, microversion: str | None = None) -> list[Json]:
    """Every item of a paginated list, as raw JSON (``microversion``: Nova's, or None).

    A next-page link must stay on the host that gave it: the token goes with it."""
    items: list[Json] = []
    seen: set[str] = set()
    while url:
        seen.add(url)
        response = adapter.get(url, microversion=microversion, raise_exc=False)
        what = f"GET {urlsplit(response.url).path}"
        if response.status_code >= 400:
            raise http_failure(response.status_code, what, _error_message(response))
        document = parse_json(response.content, what)
        items += objects(document, key, what)
        links = document.get(f"{key}_links") or []
        url = next(
            (
                link.get("href") or ""
                for link in links
                if isinstance(link, dict) and link.get("rel") == "next"
            ),
            "",
        )
        if url and host_of(urljoin(response.url, url)) != host_of(response.url):
            raise SourceFailure(
                "error",
                f"{what}: the next page link leads from "
                f"{host_of(response.url)} to another host, "
                f"{host_of(urljoin(response.url, url))}: refused (the token "
                "goes to the host asked only)",
            )
        if url in seen:
            raise SourceFailure("error", f"GET {key}: the next page link repeats itself")
    return items


def _error_message(response: Any) -> str:
    """The message of an OpenStack error body (``{"itemNotFound": {"message": ...}}``)."""
    try:
        return str(next(v["message"] for v in response.json().values() if "message" in v) or "")
    except (ValueError, AttributeError, TypeError, StopIteration):
        return response.reason or ""


def _add_server(col: Collection, srv: Json, flavor_by_id: dict[str | None, Json]) -> None:
    target = col.spec.target
    attrs: dict[str, Any] = {
        "state": SERVER_STATES.get(srv["status"], srv["status"].lower()),
        "openstack_id": srv["id"],
    }
    host = srv.get("OS-EXT-SRV-ATTR:hypervisor_hostname") or srv.get("OS-EXT-SRV-ATTR:host")
    if host:
        attrs["hypervisor"] = host
    flavor: Json = srv.get("flavor") or {}
    if "vcpus" not in flavor:
        flavor = flavor_by_id.get(flavor.get("id", ""), {})
    if flavor:
        attrs.update(
            flavor=flavor.get("original_name") or flavor.get("name"),
            vcpu=flavor["vcpus"],
            memory=flavor["ram"] * MiB,
        )
    col.add("vm", srv["name"], attrs, f"os-hypervisor:{target}/{host}" if host else None)


def _add_networks(col: Collection, networks: list[Json], subnets: list[Json]) -> None:
    target = col.spec.target
    net_names: dict[str, str] = {}
    subnet_names: dict[str, str] = {}

    def name_network(net: Json) -> None:
        net_names[net["id"]] = net.get("name") or net["id"]

    def name_subnet(sub: Json) -> None:
        subnet_names[sub["id"]] = sub.get("name") or sub["cidr"]

    def add_network(net: Json) -> None:
        col.add(
            "os-network",
            f"{target}/{net_names[net['id']]}",
            {
                "status": net.get("status"),
                "subnets": sorted(subnet_names.get(i, i) for i in net.get("subnets") or []),
            },
        )

    def add_subnet(sub: Json) -> None:
        network = net_names.get(sub["network_id"], sub["network_id"])
        col.add(
            "os-subnet",
            f"{target}/{subnet_names[sub['id']]}",
            {"cidr": sub["cidr"], "network": network},
            f"os-network:{target}/{network}",
        )

    for items, what, add in (
        (networks, "GET /networks", name_network),
        (subnets, "GET /subnets", name_subnet),
        (networks, "GET /networks", add_network),
        (subnets, "GET /subnets", add_subnet),
    ):
        each(items, what, add)
