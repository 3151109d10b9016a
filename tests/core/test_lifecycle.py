"""Lifecycle (``status``), shut-off VMs and templates: what capacity counts, what drift expects,
what the tables list apart, and the rule about active objects needing planned ones."""

from __future__ import annotations

from topodoc.drift.expected import expected_resources
from topodoc.reading.load import load_topology
from topodoc.tables.table import build_table

LAB = """\
    version: 1
    hosts:
      - id: h1
        cpu: {sockets: 1, cores: 8, threads: 2}
        memory: 64GiB
    vms:
      - {id: running, runs_on: h1, platform: libvirt, vcpu: 4, memory: 48GiB, state: running}
      - {id: gold, runs_on: h1, platform: libvirt, vcpu: 8, memory: 32GiB, template: true}
      - {id: spare, runs_on: h1, platform: libvirt, vcpu: 8, memory: 32GiB, state: shutoff}
      - {id: next, runs_on: h1, platform: libvirt, vcpu: 8, memory: 32GiB, status: planned}
      - {id: old, runs_on: h1, platform: libvirt, vcpu: 8, memory: 32GiB, status: retired}
    live:
      libvirt:
        - {hypervisor: h1, uri: "test:///default"}
    """


def test_capacity_counts_only_what_runs(topo, run):
    path = topo({"lab.yaml": LAB})
    r = run("validate", path)
    assert r.code == 0, r.out
    assert r.problems == []
    capacity = build_table(
        load_topology(path).model,
        "capacity",
        ["machine", "guests", "not_counted", "vcpus", "memory_allocated"],
    )
    assert [row.values for row in capacity.rows] == [
        ("h1", "1", "gold (template), next (planned), old (retired), spare (shutoff)", "4", "48GiB")
    ]


def test_a_running_vm_over_the_host_is_still_an_error(topo, run):
    path = topo(
        {"lab.yaml": LAB.replace("memory: 48GiB, state: running", "memory: 80GiB, state: running")}
    )
    r = run("validate", path)
    assert r.code == 1
    assert r.problem("capacity-memory")["message"] == (
        "h1: guests have 80GiB of memory, over its physical memory (64GiB)"
    )


def test_planned_and_retired_objects_are_not_expected_by_drift(topo):
    model = load_topology(topo({"lab.yaml": LAB})).model
    keys = [r.key for r in expected_resources(model).resources]
    assert keys == ["hypervisor:h1", "vm:gold", "vm:running", "vm:spare"]


def test_tables_list_planned_objects_apart(topo):
    model = load_topology(topo({"lab.yaml": LAB})).model
    planned = build_table(model, "vms", ["id", "status"], "status=planned")
    assert [row.values for row in planned.rows] == [("next", "planned")]
    active = build_table(model, "vms", ["id"], "status=active")
    assert [row.values[0] for row in active.rows] == ["gold", "running", "spare"]


NEEDS_PLANNED = """\
    version: 1
    hosts:
      - {id: h1, status: planned}
    networks:
      - {id: n1, type: bridge, status: planned}
    vms:
      - id: v1
        runs_on: h1
        platform: libvirt
        nics: [{network: n1}]
        SILENCE
      - {id: v2, runs_on: h1, platform: libvirt, status: planned, nics: [{network: n1}]}
    """


def test_an_active_object_needing_a_planned_one_is_warned(topo, run):
    path = topo({"lab.yaml": NEEDS_PLANNED.replace("SILENCE", "")})
    r = run("validate", path)
    assert r.code == 0
    found = [(p["line"], p["col"], p["message"]) for p in r.problems]
    assert found == [
        ("8", "14", "v1 is active, but runs_on names 'h1', which is only planned"),
        ("10", "22", "v1 is active, but attached names 'n1', which is only planned"),
    ]
    assert {p["rule"] for p in r.problems} == {"planned-dependency"}


def test_planned_dependency_can_be_silenced(topo, run):
    path = topo(
        {
            "lab.yaml": NEEDS_PLANNED.replace(
                "SILENCE", "silence: [{rule: planned-dependency, reason: built with the host}]"
            )
        }
    )
    r = run("validate", path, "--show-silenced")
    assert r.problems == []
    assert "silenced: v1 is active, but runs_on names 'h1'" in r.out


def test_status_is_checked_by_the_schema(topo, run):
    path = topo({"lab.yaml": "version: 1\nhosts:\n  - {id: h1, status: plannd}\n"})
    r = run("validate", path)
    assert r.code == 1
    assert "'plannd' is not one of 'planned', 'active', 'retired'; did you mean 'planned'?" in r.out


def test_a_planned_vm_is_never_missing_in_a_real_drift_check(topo, run):
    """libvirt's test driver has one domain, ``test``: the planned VM is not reported, the
    active one that does not exist is."""
    path = topo(
        {
            "lab.yaml": """\
        version: 1
        hosts:
          - {id: h1, cpu: 16}
        vms:
          - {id: test, runs_on: h1, platform: libvirt, state: running}
          - {id: next, runs_on: h1, platform: libvirt, status: planned}
          - {id: gone, runs_on: h1, platform: libvirt}
        live:
          libvirt:
            - {hypervisor: h1, uri: "test:///default"}
        """
        }
    )
    r = run("drift", path)
    assert r.code == 1
    assert "missing      error    vm:gone" in r.out
    assert "vm:next" not in r.out + r.err
    assert "1 missing" in r.out
