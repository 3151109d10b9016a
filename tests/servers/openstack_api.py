"""A loopback OpenStack: Keystone v3 tokens, Nova and Neutron, in their documented shapes.

Shapes follow the api-ref samples (nova/doc/api_samples: servers-detail-resp,
flavors-detail-resp, hypervisors-detail-resp; keystone auth token responses; neutron
networks/subnets). One server, three path prefixes: ``/identity/v3``, ``/compute/v2.1``,
``/network/v2.0``. Nova answers microversions up to ``max_microversion`` (>= 2.47 embeds the
flavor in servers, >= 2.88 drops hypervisor capacity like real Nova); lists page with
``limit``/``marker`` and ``*_links`` rel=next.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urlencode

from . import LoopbackServer, Reply

PROJECT_ID = "6f70656e737461636b20342065766572"
USER_ID = "fa2ddf6c6fd3489a9a4a9c3f6e9d27d1"
STAMP = "2026-01-01T00:00:00Z"
HOST_STATES = ("ACTIVE", "ACTIVE", "ACTIVE", "SHUTOFF", "PAUSED", "ERROR")


def _id(kind: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"topodoc-test/{kind}/{n}"))


def flavor(fid: str, name: str, vcpus: int, ram_mb: int, disk_gb: int) -> dict[str, Any]:
    """A flavor as flavors/detail returns it (2.1 fields)."""
    return {
        "OS-FLV-DISABLED:disabled": False,
        "OS-FLV-EXT-DATA:ephemeral": 0,
        "disk": disk_gb,
        "id": fid,
        "name": name,
        "os-flavor-access:is_public": True,
        "ram": ram_mb,
        "rxtx_factor": 1.0,
        "swap": "",
        "vcpus": vcpus,
        "links": [
            {"href": f"http://openstack.example.com/v2.1/flavors/{fid}", "rel": "self"},
            {"href": f"http://openstack.example.com/flavors/{fid}", "rel": "bookmark"},
        ],
    }


def server(
    n: int,
    name: str,
    flavor_id: str,
    host: str,
    status: str = "ACTIVE",
    network: str = "private",
    address: str = "192.168.1.30",
) -> dict[str, Any]:
    """A server as servers/detail returns it at microversion 2.1, with the admin fields."""
    sid = _id("server", n)
    power = {"ACTIVE": 1, "PAUSED": 3, "SHUTOFF": 4}.get(status, 0)
    return {
        "OS-DCF:diskConfig": "AUTO",
        "OS-EXT-AZ:availability_zone": "nova",
        "OS-EXT-SRV-ATTR:host": host,
        "OS-EXT-SRV-ATTR:hypervisor_hostname": f"{host}.lab",
        "OS-EXT-SRV-ATTR:instance_name": f"instance-{n:08x}",
        "OS-EXT-STS:power_state": power,
        "OS-EXT-STS:task_state": None,
        "OS-EXT-STS:vm_state": status.lower(),
        "OS-SRV-USG:launched_at": "2026-01-01T00:00:00.000000",
        "OS-SRV-USG:terminated_at": None,
        "accessIPv4": "",
        "accessIPv6": "",
        "addresses": {
            network: [
                {
                    "OS-EXT-IPS-MAC:mac_addr": f"fa:16:3e:{n >> 16 & 255:02x}:"
                    f"{n >> 8 & 255:02x}:{n & 255:02x}",
                    "OS-EXT-IPS:type": "fixed",
                    "addr": address,
                    "version": 4,
                }
            ]
        },
        "config_drive": "",
        "created": STAMP,
        "flavor": {
            "id": flavor_id,
            "links": [
                {"href": f"http://openstack.example.com/flavors/{flavor_id}", "rel": "bookmark"}
            ],
        },
        "hostId": uuid.uuid5(uuid.NAMESPACE_DNS, host).hex * 2,
        "id": sid,
        "image": {
            "id": "70a599e0-31e7-49b7-b260-868f441e862b",
            "links": [
                {
                    "href": "http://openstack.example.com/images/70a599e0-31e7-49b7-b260-868f441e862b",
                    "rel": "bookmark",
                }
            ],
        },
        "key_name": None,
        "links": [
            {"href": f"http://openstack.example.com/v2.1/servers/{sid}", "rel": "self"},
            {"href": f"http://openstack.example.com/servers/{sid}", "rel": "bookmark"},
        ],
        "metadata": {},
        "name": name,
        "os-extended-volumes:volumes_attached": [],
        "progress": 0,
        "security_groups": [{"name": "default"}],
        "status": status,
        "tenant_id": PROJECT_ID,
        "updated": STAMP,
        "user_id": USER_ID,
    }


def hypervisor(
    n: int, host: str, vcpus: int, memory_mb: int, state: str = "up", status: str = "enabled"
) -> dict[str, Any]:
    """A hypervisor as os-hypervisors/detail returns it before microversion 2.88."""
    return {
        "cpu_info": json.dumps(
            {
                "arch": "x86_64",
                "model": "Haswell",
                "vendor": "Intel",
                "features": ["vmx"],
                "topology": {"cores": vcpus, "threads": 1, "sockets": 1},
            }
        ),
        "current_workload": 0,
        "disk_available_least": 900,
        "free_disk_gb": 1000,
        "free_ram_mb": memory_mb - 512,
        "host_ip": f"10.0.1.{n}",
        "hypervisor_hostname": f"{host}.lab",
        "hypervisor_type": "QEMU",
        "hypervisor_version": 8002000,
        "id": n,
        "local_gb": 1000,
        "local_gb_used": 0,
        "memory_mb": memory_mb,
        "memory_mb_used": 512,
        "running_vms": 0,
        "service": {"disabled_reason": None, "host": host, "id": 100 + n},
        "state": state,
        "status": status,
        "vcpus": vcpus,
        "vcpus_used": 0,
    }


def network(n: int, name: str, subnet_ids: list[str], status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "admin_state_up": True,
        "availability_zone_hints": [],
        "availability_zones": ["nova"],
        "created_at": STAMP,
        "description": "",
        "dns_domain": "",
        "id": _id("network", n),
        "ipv4_address_scope": None,
        "ipv6_address_scope": None,
        "is_default": False,
        "l2_adjacency": True,
        "mtu": 1450,
        "name": name,
        "port_security_enabled": True,
        "project_id": PROJECT_ID,
        "provider:network_type": "vxlan",
        "provider:physical_network": None,
        "provider:segmentation_id": 1000 + n,
        "qos_policy_id": None,
        "revision_number": 2,
        "router:external": False,
        "shared": False,
        "status": status,
        "subnets": subnet_ids,
        "tags": [],
        "tenant_id": PROJECT_ID,
        "updated_at": STAMP,
        "vlan_transparent": None,
    }


def subnet(n: int, name: str, network_id: str, cidr: str) -> dict[str, Any]:
    prefix = cidr.rsplit(".", 1)[0]
    return {
        "allocation_pools": [{"end": f"{prefix}.254", "start": f"{prefix}.2"}],
        "cidr": cidr,
        "created_at": STAMP,
        "description": "",
        "dns_nameservers": [],
        "dns_publish_fixed_ip": False,
        "enable_dhcp": True,
        "gateway_ip": f"{prefix}.1",
        "host_routes": [],
        "id": _id("subnet", n),
        "ip_version": 4,
        "ipv6_address_mode": None,
        "ipv6_ra_mode": None,
        "name": name,
        "network_id": network_id,
        "project_id": PROJECT_ID,
        "revision_number": 0,
        "segment_id": None,
        "service_types": [],
        "subnetpool_id": None,
        "tags": [],
        "tenant_id": PROJECT_ID,
        "updated_at": STAMP,
    }


@dataclass
class OpenStackData:
    """What the loopback cloud holds, as API dicts."""

    servers: list[dict[str, Any]] = field(default_factory=list)
    flavors: list[dict[str, Any]] = field(default_factory=list)
    hypervisors: list[dict[str, Any]] = field(default_factory=list)
    networks: list[dict[str, Any]] = field(default_factory=list)
    subnets: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def generate(cls, servers: int = 6, hypervisors: int = 3) -> OpenStackData:
        """A cloud of ``servers`` servers (``vm-0001``...) over ``hypervisors`` compute nodes."""
        flavors = [
            flavor("1", "m1.small", 1, 2048, 20),
            flavor("2", "m1.medium", 2, 4096, 40),
            flavor("3", "m1.large", 4, 8192, 80),
        ]
        hosts = [f"z-os-c-{i}" for i in range(1, hypervisors + 1)]
        subnets = [
            subnet(1, "private-v4", _id("network", 1), "192.168.1.0/24"),
            subnet(2, "private-v4b", _id("network", 1), "192.168.2.0/24"),
            subnet(3, "public-v4", _id("network", 2), "203.0.113.0/24"),
        ]
        return cls(
            servers=[
                server(
                    i,
                    f"vm-{i:04d}",
                    flavors[i % 3]["id"],
                    hosts[i % len(hosts)],
                    HOST_STATES[i % len(HOST_STATES)],
                    address=f"192.168.{1 + i // 250}.{2 + i % 250}",
                )
                for i in range(1, servers + 1)
            ],
            flavors=flavors,
            hypervisors=[hypervisor(i, h, 16, 65536) for i, h in enumerate(hosts, 1)],
            networks=[
                network(1, "private", [subnets[0]["id"], subnets[1]["id"]]),
                network(2, "public", [subnets[2]["id"]], status="DOWN"),
            ],
            subnets=subnets,
        )


class OpenStackAPI(LoopbackServer):
    """Keystone + Nova + Neutron on one loopback port.

    Tokens come from ``POST /identity/v3/auth/tokens`` with the configured user and password.
    ``expire_first_token_after(n)`` makes the first token answer 401 after ``n`` uses, once;
    the client must authenticate again.
    """

    def __init__(
        self,
        data: OpenStackData | None = None,
        *,
        username: str = "admin",
        password: str = "secret",
        max_microversion: str = "2.87",
        page_size: int = 1000,
        region: str = "RegionOne",
        **server: Any,
    ) -> None:
        super().__init__(**server)
        self.data = data or OpenStackData.generate()
        self.username, self.password, self.region = username, password, region
        self.max_microversion = max_microversion
        self.page_size = page_size  # Nova's max_limit
        self._tokens: dict[str, int | None] = {}  # token -> uses left (None: unlimited)
        self._first_token_uses: int | None = None
        self._issued = 0
        self._services_url: str | None = None

    def serve_services_from(self, other: OpenStackAPI) -> None:
        """Name ``other`` (another host) for Nova and Neutron in this Keystone's catalog, as
        real clouds do; ``other`` accepts the tokens this Keystone issues."""
        self._services_url = other.url
        other._tokens = self._tokens

    def expire_first_token_after(self, uses: int) -> None:
        self._first_token_uses = uses

    def error_body(self, status: int, message: str) -> Any:
        name = {
            400: "badRequest",
            401: "unauthorized",
            403: "forbidden",
            404: "itemNotFound",
            406: "notAcceptable",
        }.get(status, "computeFault")
        return {name: {"code": status, "message": message}}

    # -- routing -------------------------------------------------------------------------
    def respond(
        self, method: str, path: str, query: dict[str, list[str]], headers: Message, body: bytes
    ) -> Reply:
        path = path.rstrip("/") or "/"
        if method == "POST" and path == "/identity/v3/auth/tokens":
            return self._issue_token(body)
        versions = self._versions(path)
        if versions is not None:
            return Reply(200, versions)
        if method != "GET":
            return Reply(405, self.error_body(405, f"{method} is not served here"))
        if not self._authorised(headers.get("X-Auth-Token", "")):
            return Reply(
                401,
                {
                    "error": {
                        "code": 401,
                        "title": "Unauthorized",
                        "message": "The request you have made requires authentication.",
                    }
                },
            )
        if path.startswith("/compute/v2.1/"):
            return self._nova(path.removeprefix("/compute/v2.1"), query, headers)
        lists = {"/network/v2.0/networks": "networks", "/network/v2.0/subnets": "subnets"}
        if path in lists:
            name = lists[path]
            return Reply(200, self._page(name, getattr(self.data, name), query, path))
        return Reply(404, self.error_body(404, f"{path} not found"))

    # -- keystone ------------------------------------------------------------------------
    def _issue_token(self, body: bytes) -> Reply:
        try:
            user = json.loads(body)["auth"]["identity"]["password"]["user"]
        except (ValueError, KeyError, TypeError):
            return Reply(
                400,
                {
                    "error": {
                        "code": 400,
                        "title": "Bad Request",
                        "message": "Expecting to find auth in request body.",
                    }
                },
            )
        if (user.get("name"), user.get("password")) != (self.username, self.password):
            return Reply(
                401,
                {
                    "error": {
                        "code": 401,
                        "title": "Unauthorized",
                        "message": "The request you have made requires authentication.",
                    }
                },
            )
        token = uuid.uuid4().hex
        with self._lock:
            self._issued += 1
            self._tokens[token] = self._first_token_uses if self._issued == 1 else None
        return Reply(
            201,
            {
                "token": {
                    "methods": ["password"],
                    "audit_ids": [uuid.uuid4().hex[:22]],
                    "expires_at": "2099-01-01T00:00:00.000000Z",
                    "issued_at": STAMP,
                    "is_domain": False,
                    "user": {
                        "domain": {"id": "default", "name": "Default"},
                        "id": USER_ID,
                        "name": self.username,
                        "password_expires_at": None,
                    },
                    "project": {
                        "domain": {"id": "default", "name": "Default"},
                        "id": PROJECT_ID,
                        "name": "admin",
                    },
                    "roles": [
                        {"id": "51cc68287d524c759f47c811e6463340", "name": "admin"},
                        {"id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "reader"},
                    ],
                    "catalog": self._catalog(),
                }
            },
            {"X-Subject-Token": token},
        )

    def _authorised(self, token: str) -> bool:
        with self._lock:
            if token not in self._tokens:
                return False
            uses = self._tokens[token]
            if uses is not None:
                if uses <= 0:
                    del self._tokens[token]
                    return False
                self._tokens[token] = uses - 1
            return True

    def _catalog(self) -> list[dict[str, Any]]:
        def service(kind: str, name: str, path: str) -> dict[str, Any]:
            base = self.url if kind == "identity" else self._services_url or self.url
            return {
                "id": uuid.uuid5(uuid.NAMESPACE_URL, kind).hex,
                "name": name,
                "type": kind,
                "endpoints": [
                    {
                        "id": uuid.uuid5(uuid.NAMESPACE_URL, kind + i).hex,
                        "interface": i,
                        "region": self.region,
                        "region_id": self.region,
                        "url": f"{base}{path}",
                    }
                    for i in ("public", "internal", "admin")
                ],
            }

        return [
            service("identity", "keystone", "/identity/v3"),
            service("compute", "nova", "/compute/v2.1"),
            service("network", "neutron", "/network"),
        ]

    # -- version discovery ---------------------------------------------------------------
    def _versions(self, path: str) -> Any:
        def link(p: str) -> list[dict[str, str]]:
            return [{"href": f"{self.url}{p}/", "rel": "self"}]

        identity = {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": link("/identity/v3"),
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
            ],
        }
        compute = {
            "id": "v2.1",
            "status": "CURRENT",
            "version": self.max_microversion,
            "min_version": "2.1",
            "updated": "2013-07-23T11:33:21Z",
            "links": link("/compute/v2.1"),
            "media-types": [
                {
                    "base": "application/json",
                    "type": "application/vnd.openstack.compute+json;version=2.1",
                }
            ],
        }
        neutron = {"id": "v2.0", "status": "CURRENT", "links": link("/network/v2.0")}
        return {
            "/identity": {"versions": {"values": [identity]}},
            "/identity/v3": {"version": identity},
            "/compute": {"versions": [compute]},
            "/compute/v2.1": {"version": compute},
            "/network": {"versions": [neutron]},
            "/network/v2.0": {
                "resources": [
                    {"name": n, "collection": f"{n}s", "links": link(f"/network/v2.0/{n}s")}
                    for n in ("network", "subnet", "port")
                ]
            },
        }.get(path)

    # -- nova ----------------------------------------------------------------------------
    def _nova(self, path: str, query: dict[str, list[str]], headers: Message) -> Reply:
        asked = (
            headers.get("OpenStack-API-Version", "").removeprefix("compute ").strip()
            or headers.get("X-OpenStack-Nova-API-Version", "")
            or "2.1"
        )
        version = self.max_microversion if asked == "latest" else asked
        if _mv(version) > _mv(self.max_microversion):
            return Reply(
                406, self.error_body(406, f"Version {version} is not supported by the API.")
            )
        echo = {
            "OpenStack-API-Version": f"compute {version}",
            "X-OpenStack-Nova-API-Version": version,
            "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
        }
        full = f"/compute/v2.1{path}"
        if path == "/servers/detail":
            servers = self.data.servers
            if _mv(version) >= (2, 47):
                servers = [self._embed_flavor(s) for s in servers]
            return Reply(200, self._page("servers", servers, query, full), echo)
        if path == "/flavors/detail":
            return Reply(200, self._page("flavors", self.data.flavors, query, full), echo)
        if path == "/os-hypervisors/detail":
            hypervisors = self.data.hypervisors
            if _mv(version) >= (2, 88):
                gone = {
                    "current_workload",
                    "cpu_info",
                    "vcpus",
                    "vcpus_used",
                    "free_disk_gb",
                    "disk_available_least",
                    "local_gb",
                    "local_gb_used",
                    "free_ram_mb",
                    "memory_mb",
                    "memory_mb_used",
                    "running_vms",
                }
                hypervisors = [{k: v for k, v in h.items() if k not in gone} for h in hypervisors]
            return Reply(200, self._page("hypervisors", hypervisors, query, full), echo)
        return Reply(404, self.error_body(404, f"{full} not found"), echo)

    def _embed_flavor(self, srv: dict[str, Any]) -> dict[str, Any]:
        flv = next(f for f in self.data.flavors if f["id"] == srv["flavor"]["id"])
        return {
            **srv,
            "flavor": {
                "disk": flv["disk"],
                "ephemeral": 0,
                "extra_specs": {},
                "original_name": flv["name"],
                "ram": flv["ram"],
                "swap": 0,
                "vcpus": flv["vcpus"],
            },
        }

    def _page(
        self, name: str, items: list[dict[str, Any]], query: dict[str, list[str]], path: str
    ) -> dict[str, Any]:
        """One page, Nova/Neutron style: a full page carries a ``*_links`` rel=next."""
        limit = min(int(query.get("limit", [self.page_size])[0]), self.page_size)
        start = 0
        if "marker" in query:
            ids = [item["id"] for item in items]
            start = ids.index(query["marker"][0]) + 1 if query["marker"][0] in ids else len(ids)
        page = items[start : start + limit]
        document: dict[str, Any] = {name: page}
        if len(page) == limit:
            params = {k: v[0] for k, v in query.items()} | {
                "limit": limit,
                "marker": page[-1]["id"],
            }
            document[f"{name}_links"] = [
                {"href": f"{self.url}{path}?{urlencode(params)}", "rel": "next"}
            ]
        return document


def _mv(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    return int(major), int(minor or 0)
