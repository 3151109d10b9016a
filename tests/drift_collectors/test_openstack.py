"""The OpenStack collector: the real openstacksdk over HTTP to the loopback cloud."""

from __future__ import annotations

import dataclasses

import pytest
from collector_lab import write_clouds_yaml

from tests.servers.etcd_server import free_port
from topodoc.drift.collectors import Collection, ReadOnlyViolation
from topodoc.drift.collectors.openstack import _cloud_region, collect

pytest.importorskip("openstack")
# openstacksdk warns about its own internal calls (service_type, influxdb): not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
MiB, GiB = 2**20, 2**30
SERVERS = "/compute/v2.1/servers/detail"


def paths(api, method="GET"):
    return [r.path for r in api.requests if r.method == method]


def test_whole_cloud_with_pagination(openstack_api, openstack_spec):
    result = collect(openstack_spec, frozenset())
    assert (result.status, result.error) == ("ok", None)
    got = {r.key: r for r in result.resources}
    assert sorted(k for k in got if k.startswith("vm:")) == [f"vm:vm-{i:04d}" for i in range(1, 8)]
    vm1 = got["vm:vm-0001"]
    assert vm1.attrs == {
        "state": "running",
        "openstack_id": openstack_api.data.servers[0]["id"],
        "hypervisor": "z-os-c-2.lab",
        "flavor": "m1.medium",
        "vcpu": 2,
        "memory": 4096 * MiB,
    }
    assert vm1.parent == "os-hypervisor:zc-os/z-os-c-2.lab"
    states = [got[f"vm:vm-{i:04d}"].attrs["state"] for i in range(1, 8)]
    assert states == ["running", "running", "shutoff", "paused", "error", "running", "running"]
    assert got["os-hypervisor:zc-os/z-os-c-1.lab"].attrs == {
        "state": "up",
        "status": "enabled",
        "vcpus": 16,
        "memory": 64 * GiB,
    }
    assert got["os-flavor:zc-os/m1.large"].attrs == {
        "vcpus": 4,
        "memory": 8 * GiB,
        "disk": 80 * GiB,
    }
    assert got["os-network:zc-os/private"].attrs == {
        "status": "ACTIVE",
        "subnets": ["private-v4", "private-v4b"],
    }
    assert got["os-network:zc-os/public"].attrs["status"] == "DOWN"
    assert got["os-subnet:zc-os/public-v4"].attrs == {"cidr": "203.0.113.0/24", "network": "public"}
    # 7 servers in pages of 3: 3 + 3 + 1, the marker of each page's last server followed
    server_pages = [p for p in paths(openstack_api) if p.startswith(SERVERS)]
    assert len(server_pages) == 3
    assert f"marker={openstack_api.data.servers[5]['id']}" in server_pages[2]
    assert result.api_calls == len(openstack_api.requests)


def test_flavors_looked_up_below_microversion_2_47(openstack_api, openstack_spec):
    embedded = collect(openstack_spec, frozenset({"os-flavor"}))
    assert not [p for p in paths(openstack_api) if "/flavors/" in p]  # not needed, not asked
    openstack_api.reset()
    openstack_api.max_microversion = "2.46"
    looked_up = collect(openstack_spec, frozenset({"os-flavor"}))
    assert [p for p in paths(openstack_api) if "/flavors/" in p]
    servers = [r for r in openstack_api.requests if r.path.startswith(SERVERS)]
    assert {r.headers["X-OpenStack-Nova-API-Version"] for r in servers} == {"2.1"}
    assert [r.to_json() for r in looked_up.resources] == [r.to_json() for r in embedded.resources]


def test_skipped_kinds_are_not_requested(openstack_api, openstack_spec):
    result = collect(openstack_spec, frozenset({"vm", "os-flavor", "os-network", "os-subnet"}))
    assert {r.kind for r in result.resources} == {"os-hypervisor"}
    assert not [
        p
        for p in paths(openstack_api)
        if p.startswith(("/network/", SERVERS, "/compute/v2.1/flavors"))
    ]


def test_expired_token_means_one_401_then_a_new_token(openstack_api, openstack_spec):
    openstack_api.expire_first_token_after(2)
    result = collect(openstack_spec, frozenset())
    assert result.status == "ok" and len(result.resources) == 18
    assert len(paths(openstack_api, "POST")) == 2
    tokens = [
        r.headers.get("X-Auth-Token")
        for r in openstack_api.requests
        if r.path.startswith("/compute/v2.1/") and r.path != "/compute/v2.1/"
    ]
    assert len(set(tokens)) == 2


@pytest.mark.parametrize(
    "status, expected", [(401, "forbidden"), (403, "forbidden"), (404, "error"), (500, "error")]
)
def test_http_errors(openstack_api, openstack_spec, status, expected):
    openstack_api.fail(SERVERS, status, times=None, message="Policy says no")
    result = collect(openstack_spec, frozenset())
    assert (result.status, result.resources) == (expected, [])
    assert result.error == f"GET /compute/v2.1/servers/detail: HTTP {status}: Policy says no"


def test_wrong_password_is_forbidden(openstack_api, tmp_path, openstack_spec):
    clouds = write_clouds_yaml(tmp_path, f"{openstack_api.url}/identity/v3", password="nope")
    result = collect(
        dataclasses.replace(openstack_spec, options={"clouds_yaml": str(clouds)}), frozenset()
    )
    assert result.status == "forbidden" and "401" in result.error


def test_refused_and_bad_configuration(tmp_path, openstack_spec):
    clouds = write_clouds_yaml(tmp_path, f"http://127.0.0.1:{free_port()}/identity/v3")
    spec = dataclasses.replace(openstack_spec, options={"clouds_yaml": str(clouds)})
    assert collect(spec, frozenset()).status == "refused"
    unknown = collect(dataclasses.replace(spec, uri="nocloud"), frozenset())
    assert unknown.status == "error" and "nocloud" in unknown.error
    missing = dataclasses.replace(spec, options={"clouds_yaml": str(tmp_path / "none.yaml")})
    assert collect(missing, frozenset()).error.startswith("clouds.yaml ")


def test_only_reads_and_token_requests_leave(openstack_api, openstack_spec):
    collect(openstack_spec, frozenset())
    sent = {(r.method, r.path.partition("?")[0]) for r in openstack_api.requests}
    assert {m for m, _ in sent} == {"GET", "POST"}
    assert {p for m, p in sent if m == "POST"} == {"/identity/v3/auth/tokens"}


def test_the_guard_stops_writes_before_sending(openstack_api, openstack_spec):
    from openstack import connection

    conn = connection.Connection(config=_cloud_region(Collection(openstack_spec, frozenset())))
    for call in (
        lambda: conn.compute.post("/servers", json={"server": {}}),
        lambda: conn.compute.delete("/servers/x"),
        lambda: conn.network.put("/networks/x", json={}),
    ):
        with pytest.raises(ReadOnlyViolation, match="read-only"):
            call()
    assert paths(openstack_api, "POST") == ["/identity/v3/auth/tokens"]
    assert {r.method for r in openstack_api.requests} <= {"GET", "POST"}
