"""Semantic rules on small topologies: each rule fires at the node it is about, and only then."""

from __future__ import annotations

import json

import pytest

from topodoc.model.sizes import (
    SizeError,
    close,
    format_rounded,
    format_size,
    parse_size,
    tolerance,
    total,
)
from topodoc.reading.load import load_topology
from topodoc.reading.rules import RULES, SILENCEABLE

HOSTS = """\
    version: 1
    hosts:
      - id: h1
        cpu: {sockets: 1, cores: 8, threads: 2}
        memory: 64GiB
        nested_virt: true
      - id: h2
        cpu: {sockets: 1, cores: 8, threads: 2}
        memory: 64GiB
      - id: h3
        cpu: {sockets: 1, cores: 8, threads: 2}
        memory: 64GiB
    """


def rules_of(r) -> list[str]:
    return [p["rule"] for p in r.problems]


# --- ids, labels, references -----------------------------------------------------------------


def test_unique_ids_across_files(topo, run):
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        vms:
          - id: v1
            runs_on: h1
            platform: libvirt
          - id: h2
            runs_on: h1
            platform: libvirt
        views:
          - id: h1
        """,
        }
    )
    r = run("validate", path)
    assert r.code == 1
    assert r.where("duplicate-id") == "topo/b.yaml:6:9"
    assert r.problem("duplicate-id")["message"] == "id 'h2' is already used at topo/a.yaml:7:9"
    assert rules_of(r) == ["duplicate-id"]  # a view may share an object's id


def test_duplicate_view_ids(topo, run):
    path = topo(
        {"a.yaml": "version: 1\nviews: [{id: v}]\n", "b.yaml": "version: 1\nviews:\n  - id: v\n"}
    )
    r = run("validate", path)
    assert r.where("duplicate-id") == "topo/b.yaml:3:9"


def test_duplicate_id_of_an_object_with_schema_errors_is_reported(topo, run):
    path = topo(
        {
            "a.yaml": "version: 1\nhosts:\n  - id: x\n    memroy: 1GiB\n",
            "b.yaml": "version: 1\nsites:\n  - id: x\n",
        }
    )
    r = run("validate", path)
    assert rules_of(r) == ["unknown-key", "duplicate-id"]
    assert r.where("duplicate-id") == "topo/b.yaml:3:9"


def test_problem_after_the_last_item_does_not_drop_it(topo, run):
    """A schema error in a later section must not throw the previous list's last item away."""
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - id: h1
          - id: h2
            label: same
        vms:
          - id: v1
            runs_on: h2
            platform: libvirt
            bogus: 1
        sites:
          - id: s1
            label: Same
        """
        }
    )
    r = run("validate", path)
    assert rules_of(r) == ["unknown-key", "duplicate-label"]
    assert r.where("duplicate-label") == "topo/a.yaml:13:12"
    assert "3 objects" in r.err
    loaded = load_topology(path)
    assert sorted(loaded.model.objects) == ["h1", "h2", "s1"]


def test_duplicate_labels_case_insensitive(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - {id: h1, label: hpe_dl360_gen9}
          - {id: h2, label: HPE_DL360_Gen9}
          - {id: h3, label: other}
        """
        }
    )
    r = run("validate", path)
    assert r.code == 1
    assert r.where("duplicate-label") == "topo/a.yaml:4:21"
    assert (
        r.problem("duplicate-label")["message"] == "label 'HPE_DL360_Gen9' is already used by 'h1'"
    )


def test_unknown_refs_with_did_you_mean(topo, run):
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        vms:
          - {id: web-1, runs_on: h11, platform: libvirt}
        services:
          - id: svc
            runs_on: [web-1, web-2]
            depends_on: [nothing-like-it]
        clusters:
          - id: c
            type: generic
            members: [{machine: web1, roles: [x]}]
        views:
          - {id: v, root: h4, include: [h1, web-l]}
        """,
        }
    )
    r = run("validate", path)
    assert r.code == 1
    got = [(p["line"], p["col"], p["message"]) for p in r.problems]
    assert got == [
        ("3", "26", "web-1: runs_on names 'h11', which is not defined; did you mean 'h1'?"),
        ("6", "22", "svc: runs_on names 'web-2', which is not defined; did you mean 'web-1'?"),
        ("7", "18", "svc: depends_on names 'nothing-like-it', which is not defined"),
        ("11", "25", "c: member names 'web1', which is not defined; did you mean 'web-1'?"),
        ("13", "19", "view v: root names 'h4', which is not defined"),
        ("13", "37", "view v: include names 'web-l', which is not defined; did you mean 'web-1'?"),
    ]
    assert set(rules_of(r)) == {"unknown-ref"}


def test_a_view_no_diagram_can_show_is_an_error_at_its_depth(topo, run):
    """``2.0`` is an integer to JSON Schema, not a depth: the view is left out, located."""
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        views:
          - {id: near, root: h1, depth: 1}
          - id: far
            root: h1
            depth: 2.0
        """,
        }
    )
    r = run("validate", path)
    assert r.code == 1
    got = [(p["rule"], p["line"], p["col"], p["message"]) for p in r.problems]
    assert got == [
        ("schema", "6", "12", "view far: depth must be a whole number >= 0, not 2.0"),
    ]
    model = load_topology(path).model
    assert list(model.views) == ["near"] and model.views["near"].selection.depth == 1


def test_unknown_ref_in_live(topo, run):
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        live:
          libvirt:
            - {hypervisor: h4, uri: "qemu+ssh://h4/system"}
            - {hypervisor: h1, uri: "qemu+ssh://h1/system"}
          kubernetes:
            - {cluster: h2, context: admin}
        """,
        }
    )
    r = run("validate", path)
    assert [(p["line"], p["col"], p["rule"], p["message"]) for p in r.problems] == [
        ("4", "20", "unknown-ref", "live.libvirt: hypervisor 'h4' is not defined"),
        ("7", "17", "ref-kind", "live.kubernetes: 'h2' is not a kubernetes cluster"),
    ]


def test_live_sources_declared_twice(topo, run):
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        live:
          timeout: 10
          libvirt: [{hypervisor: h1, uri: "qemu:///system"}]
        """,
            "c.yaml": """\
        version: 1
        live:
          timeout: 20
          libvirt: [{hypervisor: h1, uri: "qemu+ssh://h1/system"}]
        """,
        }
    )
    r = run("validate", path)
    assert r.code == 1
    assert [(p["file"], p["line"], p["col"], p["message"]) for p in r.problems] == [
        (
            "topo/c.yaml",
            "3",
            "3",
            "live.timeout is already set at topo/b.yaml:3:3; set it in one file",
        ),
        (
            "topo/c.yaml",
            "4",
            "26",
            "live.libvirt: hypervisor 'h1' already has a source at topo/b.yaml:4:13",
        ),
    ]


@pytest.mark.parametrize(
    "snippet, line, col, message",
    [
        (
            "vms: [{id: v, runs_on: n, platform: libvirt}]",
            3,
            24,
            "v: runs_on must name a host or vm, but 'n' is a network",
        ),
        (
            "containers: [{id: c, runs_on: n}]",
            3,
            31,
            "c: runs_on must name a host or vm, but 'n' is a network",
        ),
        (
            "clusters: [{id: c, type: generic, members: [{machine: n, roles: [x]}]}]",
            3,
            55,
            "c: member must name a host or vm or container, but 'n' is a network",
        ),
        (
            "hosts: [{id: x, nics: [{network: h1}]}]",
            3,
            34,
            "x: attached must name a network, but 'h1' is a host",
        ),
        (
            "hosts: [{id: x, site: n}]",
            3,
            23,
            "x: in_domain must name a site or failure_domain, but 'n' is a network",
        ),
        (
            "storage: [{id: s, type: disk, provided_by: n}]",
            3,
            44,
            "s: provided_by must name a host or vm or container or cluster, but 'n' is a network",
        ),
    ],
)
def test_ref_kinds(topo, run, snippet, line, col, message):
    path = topo(
        {"a.yaml": HOSTS, "b.yaml": f"version: 1\nnetworks: [{{id: n, type: bridge}}]\n{snippet}\n"}
    )
    r = run("validate", path)
    assert r.code == 1
    assert r.where("ref-kind") == f"topo/b.yaml:{line}:{col}"
    assert r.problem("ref-kind")["message"] == message


# --- placement and nested virtualization -----------------------------------------------------


def test_placement_cycle(topo, run):
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        vms:
          - {id: va, runs_on: vb, platform: libvirt, nested_virt: true}
          - {id: vb, runs_on: vc, platform: libvirt, nested_virt: true}
          - {id: vc, runs_on: va, platform: libvirt, nested_virt: true}
          - {id: vd, runs_on: vd, platform: libvirt, nested_virt: true}
          - {id: ve, runs_on: vb, platform: libvirt}
          - {id: vf, runs_on: ve, platform: libvirt}
        """,
        }
    )
    r = run("validate", path)
    assert r.code == 1
    cycles = [p for p in r.problems if p["rule"] == "placement-cycle"]  # ve, vf: no cycle
    assert [(p["line"], p["col"], p["message"]) for p in cycles] == [
        ("3", "23", "placement cycle: va -> vb -> vc -> va"),
        ("6", "23", "placement cycle: vd -> vd"),
    ]


NESTED = """\
    version: 1
    vms:
      - id: l1
        runs_on: h1
        platform: libvirt
        nested_virt: {l1}
      - id: l2
        runs_on: l1
        platform: libvirt
        nested_virt: {l2}
      - id: l3
        runs_on: l2
        platform: openstack
    """


def nested(h1: bool, l1: bool, l2: bool) -> dict[str, str]:
    hosts = HOSTS.replace("nested_virt: true", f"nested_virt: {str(h1).lower()}")
    return {"a.yaml": hosts, "b.yaml": NESTED.format(l1=str(l1).lower(), l2=str(l2).lower())}


def test_nested_virt_three_levels_all_enabled(topo, run):
    r = run("validate", topo(nested(True, True, True)))
    assert r.code == 0, r.out


def test_nested_virt_missing_on_the_second_level(topo, run):
    r = run("validate", topo(nested(True, True, False)))
    assert r.code == 1
    assert r.where("nested-virt") == "topo/b.yaml:10:18"
    assert (
        r.problem("nested-virt")["message"]
        == "l2: nested_virt is off, but it hosts VMs (l3); set nested_virt: true"
    )


def test_nested_virt_missing_on_the_first_level(topo, run):
    r = run("validate", topo(nested(True, False, True)))
    assert r.code == 1
    assert r.where("nested-virt") == "topo/b.yaml:6:18"
    assert (
        r.problem("nested-virt")["message"]
        == "l1: nested_virt is off, but it hosts VMs (l2); set nested_virt: true"
    )


def test_nested_virt_missing_on_the_physical_host(topo, run):
    r = run("validate", topo(nested(False, True, True)))
    assert r.code == 1
    assert r.where("nested-virt") == "topo/a.yaml:6:18"
    assert (
        r.problem("nested-virt")["message"]
        == "h1: nested_virt is off, but l1, which runs on it, hosts VMs (l2); set nested_virt: true"
    )


def test_nested_virt_missing_everywhere_reports_each_level_once(topo, run):
    r = run("validate", topo(nested(False, False, False)))
    assert [(p["file"], p["line"]) for p in r.problems if p["rule"] == "nested-virt"] == [
        ("topo/a.yaml", "6"),
        ("topo/b.yaml", "6"),
        ("topo/b.yaml", "10"),
    ]


def test_nested_virt_not_written_points_at_the_vm(topo, run):
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        vms:
          - id: l1
            runs_on: h1
            platform: libvirt
          - {id: l2, runs_on: l1, platform: libvirt}
        """,
        }
    )
    r = run("validate", path)
    assert r.where("nested-virt") == "topo/b.yaml:3:5"


# --- capacity --------------------------------------------------------------------------------


def guests(host_extra: str, *vms: tuple[int, str]) -> dict[str, str]:
    host = f"""\
        version: 1
        hosts:
          - id: h
            cpu: {{sockets: 2, cores: 4, threads: 2}}
            memory: 64GiB
            {host_extra}
        """
    lines = ["version: 1", "vms:"]
    for index, (vcpu, memory) in enumerate(vms):
        lines.append(
            f"  - {{id: g{index}, runs_on: h, platform: libvirt, vcpu: {vcpu}, memory: {memory}}}"
        )
    return {"a.yaml": host, "b.yaml": "\n".join(lines) + "\n"}


def test_capacity_within_limits(topo, run):
    r = run("validate", topo(guests("", (32, "32GiB"), (32, "32GiB"))))
    assert r.code == 0, r.out
    assert r.problems == []


def test_capacity_cpu_past_default_overcommit(topo, run):
    r = run("validate", topo(guests("", (32, "1GiB"), (33, "1GiB"))))
    assert r.code == 0  # a warning
    assert r.where("capacity-cpu") == "topo/a.yaml:3:5"
    p = r.problem("capacity-cpu")
    assert p["severity"] == "warning"
    assert p["message"] == "h: guests have 65 vCPUs, over 16 CPUs x overcommit 4 = 64"


def test_capacity_cpu_with_its_own_ratio(topo, run):
    r = run("validate", topo(guests("overcommit: {cpu: 1}", (16, "1GiB"))))
    assert r.problems == []
    r = run("validate", topo(guests("overcommit: {cpu: 1}", (16, "1GiB"), (1, "1GiB"))))
    assert (
        r.problem("capacity-cpu")["message"]
        == "h: guests have 17 vCPUs, over 16 CPUs x overcommit 1 = 16"
    )


def test_capacity_memory_past_physical_without_overcommit_is_an_error(topo, run):
    r = run("validate", topo(guests("", (2, "32GiB"), (2, "32GiB"), (1, "512MiB"))))
    assert r.code == 1
    assert r.where("capacity-memory") == "topo/a.yaml:5:13"
    p = r.problem("capacity-memory")
    assert p["severity"] == "error"
    assert p["message"] == "h: guests have 66048MiB of memory, over its physical memory (64GiB)"


def test_capacity_memory_decimal_and_binary_units_differ(topo, run):
    """64GB of guests fit in 64GiB; 64GiB of guests do not fit in 64GB."""
    r = run("validate", topo(guests("", (1, "64GB"))))
    assert r.code == 0
    files = guests("", (1, "64GiB"))
    files["a.yaml"] = files["a.yaml"].replace("memory: 64GiB", "memory: 64GB")
    r = run("validate", topo(files))
    assert r.code == 1
    assert (
        r.problem("capacity-memory")["message"]
        == "h: guests have 64GiB of memory, over its physical memory (64GB)"
    )


def test_capacity_memory_with_overcommit_is_a_warning_past_the_ratio(topo, run):
    extra = "overcommit: {memory: 1.5}"
    r = run("validate", topo(guests(extra, (1, "48GiB"), (1, "48GiB"))))
    assert r.problems == []  # 96GiB = 64GiB x 1.5
    r = run("validate", topo(guests(extra, (1, "48GiB"), (1, "48GiB"), (1, "1GiB"))))
    assert r.code == 0
    p = r.problem("capacity-memory")
    assert p["severity"] == "warning"
    assert (
        p["message"] == "h: guests have 97GiB of memory, over its memory x overcommit 1.5 (96GiB)"
    )


def test_capacity_of_a_vm_hosting_vms(topo, run):
    path = topo(
        {
            "a.yaml": HOSTS,
            "b.yaml": """\
        version: 1
        vms:
          - {id: l1, runs_on: h1, platform: libvirt, vcpu: 2, memory: 8GiB, nested_virt: true}
          - {id: l2a, runs_on: l1, platform: openstack, vcpu: 4, memory: 4GiB}
          - {id: l2b, runs_on: l1, platform: openstack, vcpu: 5, memory: 4GiB}
          - {id: l2c, runs_on: l1, platform: openstack, vcpu: 1, memory: 1MiB}
        """,
        }
    )
    r = run("validate", path)
    assert (
        r.problem("capacity-cpu")["message"]
        == "l1: guests have 10 vCPUs, over 2 CPUs x overcommit 4 = 8"
    )
    assert (
        r.problem("capacity-memory")["message"]
        == "l1: guests have 8193MiB of memory, over its physical memory (8GiB)"
    )
    assert r.where("capacity-memory") == "topo/b.yaml:3:63"


# --- clusters --------------------------------------------------------------------------------


def etcd_cluster(*machines: str, roles: str = "member", kind: str = "etcd") -> str:
    members = ", ".join(f"{{machine: {m}, roles: [{roles}]}}" for m in machines)
    return f"version: 1\nclusters:\n  - id: e\n    type: {kind}\n    members: [{members}]\n"


@pytest.mark.parametrize(
    "machines, message",
    [
        (("h1",), "e: etcd has 1 member; 1 member cannot survive a failure (use 3 or 5)"),
        (("h1", "h2"), "e: etcd has 2 members; 2 members cannot survive a failure (use 3 or 5)"),
        (
            ("h1", "h2", "h3", "v1"),
            "e: etcd has 4 members; an even count adds no fault tolerance "
            "over one member fewer (use 3 or 5)",
        ),
    ],
)
def test_etcd_member_count(topo, run, machines, message):
    vm = "version: 1\nvms: [{id: v1, runs_on: h3, platform: libvirt}]\n"
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": etcd_cluster(*machines), "c.yaml": vm}))
    assert r.code == 0
    assert r.where("etcd-quorum") == "topo/b.yaml:5:14"
    assert r.problem("etcd-quorum")["message"] == message
    assert r.problem("etcd-quorum")["severity"] == "warning"


def test_etcd_with_three_members_on_three_hosts_is_fine(topo, run):
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": etcd_cluster("h1", "h2", "h3")}))
    assert r.code == 0
    assert r.problems == []


def test_stacked_kubernetes_etcd_is_counted(topo, run):
    text = etcd_cluster("h1", "h2", roles="control-plane, etcd", kind="kubernetes")
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": text}))
    assert r.problem("etcd-quorum")["message"].startswith("e: etcd has 2 members")


def test_unknown_cluster_role(topo, run):
    text = etcd_cluster("h1", "h2", "h3", roles="control-plane, etcd", kind="kubernetes")
    text = text.replace(
        "{machine: h3, roles: [control-plane, etcd]}",
        "{machine: h3, roles: [control-plane, wroker]}",
    )
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": text}))
    assert r.code == 1
    assert r.where("cluster-role") == "topo/b.yaml:5:142"  # at the role itself
    assert (
        r.problem("cluster-role")["message"]
        == "e: role 'wroker' is not a kubernetes role (control-plane, worker, etcd); did you mean "
        "'worker'?"
    )


EXTERNAL = """\
    version: 1
    vms:
      - {{id: cp1, runs_on: h1, platform: libvirt}}
      - {{id: cp2, runs_on: h2, platform: libvirt}}
      - {{id: cp3, runs_on: h3, platform: libvirt}}
      - {{id: e1, runs_on: {e1}, platform: libvirt}}
    clusters:
      - id: k
        type: kubernetes
        etcd: {{mode: external, cluster: {etcd}}}
        members:
          - {{machine: cp1, roles: [control-plane]}}
          - {{machine: cp2, roles: [control-plane]}}
          - {{machine: cp3, roles: [control-plane]}}
      - id: e
        type: {etcd_type}
        members:
          - {{machine: {m1}, roles: [{role}]}}
          - {{machine: {m2}, roles: [{role}]}}
          - {{machine: {m3}, roles: [{role}]}}
    """


def external(e1="h1", etcd="e", etcd_type="etcd", m1="e1", m2="h2", m3="h3", role="member"):
    return {
        "a.yaml": HOSTS,
        "b.yaml": EXTERNAL.format(
            e1=e1, etcd=etcd, etcd_type=etcd_type, m1=m1, m2=m2, m3=m3, role=role
        ),
    }


def test_external_etcd_member_on_a_control_plane_machine(topo, run):
    r = run("validate", topo(external(m1="cp1")))
    assert r.code == 1
    assert r.where("external-etcd") == "topo/b.yaml:10:11"
    assert (
        r.problem("external-etcd")["message"]
        == "k: declares external etcd, but etcd member(s) cp1 run on its control-plane machine(s)"
    )


def test_external_etcd_that_is_not_etcd(topo, run):
    r = run("validate", topo(external(etcd_type="generic", role="x")))
    assert r.code == 1
    assert (
        r.problem("external-etcd")["message"]
        == "k: external etcd 'e' is a generic cluster, not etcd"
    )


def test_external_etcd_without_a_cluster(topo, run):
    files = external()
    files["b.yaml"] = files["b.yaml"].replace("{mode: external, cluster: e}", "{mode: external}")
    r = run("validate", topo(files))
    assert r.code == 1
    assert r.where("external-etcd") == "topo/b.yaml:10:11"
    assert "no etcd cluster is named" in r.problem("external-etcd")["message"]


def test_external_etcd_sharing_a_physical_host(topo, run):
    r = run("validate", topo(external()))  # e1 (VM on h1), h2 and h3 host the control plane
    assert r.code == 0
    assert r.where("external-etcd-shared-host") == "topo/b.yaml:10:11"
    p = r.problem("external-etcd-shared-host")
    assert p["severity"] == "warning"
    assert (
        p["message"] == "k: external etcd shares physical host(s) h1, h2, h3 with the "
        "control plane: one host failure takes a control-plane node and an etcd member together"
    )


def test_external_etcd_on_separate_hosts_is_fine(topo, run):
    files = external(m1="x1", m2="x2", m3="x3")
    files["c.yaml"] = "version: 1\nhosts: [{id: x1}, {id: x2}, {id: x3}]\n"
    r = run("validate", topo(files))
    assert r.code == 0
    assert r.problems == []


def test_quorum_members_sharing_a_host(topo, run):
    r = run("validate", topo(external(e1="h2", m2="h2", m3="h3")))
    p = [x for x in r.problems if x["rule"] == "quorum-failure-domain"]
    assert [(x["line"], x["message"]) for x in p] == [
        ("18", "e: 2 of 3 quorum members (member) share host 'h2': losing it loses quorum")
    ]


def test_quorum_members_sharing_a_failure_domain(topo, run):
    hosts = HOSTS.replace("memory: 64GiB\n", "memory: 64GiB\n        failure_domains: [r1]\n", 2)
    files = {
        "a.yaml": hosts,
        "b.yaml": etcd_cluster("h1", "h2", "h3"),
        "c.yaml": "version: 1\nfailure_domains: [{id: r1, type: rack}]\n",
    }
    r = run("validate", topo(files))
    assert r.code == 0
    assert r.where("quorum-failure-domain") == "topo/b.yaml:5:14"
    p = r.problem("quorum-failure-domain")
    assert p["severity"] == "warning"
    assert (
        p["message"]
        == "e: 2 of 3 quorum members (member) share failure domain 'r1': losing it loses quorum"
    )


# --- addresses -------------------------------------------------------------------------------


ADDRESSES = """\
    version: 1
    networks:
      - {id: lan, type: bridge, subnet: 10.0.0.0/24, gateway: 10.0.1.1}
      - {id: bad, type: subnet, subnet: 10.0.0.1/24}
      - {id: v6, type: subnet, subnet: "fd00::/64"}
    hosts:
      - id: a
        nics:
          - {network: lan, address: 10.0.0.10}
          - {network: v6, address: "fd00::10"}
      - id: b
        nics:
          - {network: lan, address: 10.0.0.10}
          - {network: lan, address: 10.0.1.10}
          - {network: lan, address: 10.0.0.300}
          - {network: lan, address: 10.0.0.11/24}
          - {network: v6, address: 10.0.0.12}
    """


def test_addresses(topo, run):
    r = run("validate", topo({"a.yaml": ADDRESSES}))
    assert r.code == 1
    got = [(p["line"], p["col"], p["rule"], p["message"]) for p in r.problems]
    assert got == [
        ("3", "59", "address-subnet", "lan: gateway 10.0.1.1 is outside lan's subnet 10.0.0.0/24"),
        ("4", "37", "address-invalid", "bad: subnet '10.0.0.1/24': 10.0.0.1/24 has host bits set"),
        ("13", "33", "address-duplicate", "b: address 10.0.0.10 is already used by 'a' on lan"),
        ("14", "33", "address-subnet", "b: address 10.0.1.10 is outside lan's subnet 10.0.0.0/24"),
        (
            "15",
            "33",
            "address-invalid",
            "b: address '10.0.0.300' is not an IP address (write it without a /prefix)",
        ),
        (
            "16",
            "33",
            "address-invalid",
            "b: address '10.0.0.11/24' is not an IP address (write it without a /prefix)",
        ),
        ("17", "32", "address-subnet", "b: address 10.0.0.12 is outside v6's subnet fd00::/64"),
    ]


def test_same_address_on_different_networks_is_fine(topo, run):
    r = run(
        "validate",
        topo(
            {
                "a.yaml": """\
        version: 1
        networks:
          - {id: n1, type: bridge, subnet: 10.0.0.0/24}
          - {id: n2, type: vlan, subnet: 10.0.0.0/24, vlan: 20}
        hosts:
          - {id: a, nics: [{network: n1, address: 10.0.0.5}]}
          - {id: b, nics: [{network: n2, address: 10.0.0.5}]}
        """
            }
        ),
    )
    assert r.code == 0
    assert r.problems == []


# --- silences --------------------------------------------------------------------------------


SILENCED = """\
    version: 1
    clusters:
      - id: e
        type: etcd
        members: [{machine: h1, roles: [member]}, {machine: h2, roles: [member]}]
        silence:
          - rule: etcd-quorum
            reason: a lab; two members are enough here
          - rule: quorum-failure-domain
            reason: accepted
    """


def test_silence_is_applied_and_listed(topo, run):
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": SILENCED}), "--show-silenced")
    assert r.code == 0
    assert r.problems == []
    assert r.out.splitlines() == [
        "topo/b.yaml:5:14: silenced: e: etcd has 2 members; 2 members cannot survive a failure "
        "(use 3 or 5) [etcd-quorum] -- a lab; two members are enough here",
        "topo/b.yaml:5:14: silenced: e: 1 of 2 quorum members (member) share host 'h1': losing "
        "it loses quorum [quorum-failure-domain] -- accepted",
        "topo/b.yaml:5:14: silenced: e: 1 of 2 quorum members (member) share host 'h2': losing "
        "it loses quorum [quorum-failure-domain] -- accepted",
    ]
    assert "0 errors, 0 warnings, 3 silenced" in r.err
    data = json.loads(run("validate", topo({}), "--format", "json").out)
    assert [(s["rule"], s["reason"], s["silenced_at"]) for s in data["silenced"]] == [
        ("etcd-quorum", "a lab; two members are enough here", "topo/b.yaml:7:9"),
        ("quorum-failure-domain", "accepted", "topo/b.yaml:9:9"),
        ("quorum-failure-domain", "accepted", "topo/b.yaml:9:9"),
    ]


def test_silence_of_an_unknown_rule(topo, run):
    text = SILENCED.replace("rule: etcd-quorum", "rule: etcd-quorom")
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": text}))
    assert r.code == 1
    assert r.where("silence-unknown-rule") == "topo/b.yaml:7:15"
    assert (
        r.problem("silence-unknown-rule")["message"]
        == "e: cannot silence 'etcd-quorom': no such silenceable rule; did you mean 'etcd-quorum'?"
    )
    assert r.problem("etcd-quorum")["severity"] == "warning"  # not silenced


def test_silence_of_a_rule_that_cannot_be_silenced(topo, run):
    text = SILENCED.replace("rule: etcd-quorum", "rule: duplicate-id")
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": text}))
    assert r.code == 1
    assert "cannot silence 'duplicate-id'" in r.problem("silence-unknown-rule")["message"]


def test_unused_silence(topo, run):
    text = SILENCED.replace(
        "members: [{machine: h1, roles: [member]}, {machine: h2, roles: [member]}]",
        "members: [{machine: h1, roles: [member]}, {machine: "
        "h2, roles: [member]}, {machine: h3, roles: [member]}]",
    )
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": text}))
    assert r.code == 0
    assert [(p["line"], p["col"], p["severity"], p["message"]) for p in r.problems] == [
        ("7", "9", "warning", "e: silence of 'etcd-quorum' silences nothing; remove it"),
        ("9", "9", "warning", "e: silence of 'quorum-failure-domain' silences nothing; remove it"),
    ]


def test_silence_needs_a_reason(topo, run):
    text = SILENCED.replace("reason: accepted", "reason: ''")
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": text}))
    assert r.code == 1
    assert r.where("schema") == "topo/b.yaml:10:17"


def test_silence_is_per_object(topo, run):
    """A silence on one object does not silence the same rule on another."""
    text = (
        SILENCED.rstrip(" ")
        + """\
      - id: f
        type: etcd
        members: [{machine: h1, roles: [member]}, {machine: h3, roles: [member]}]
    """
    )
    r = run("validate", topo({"a.yaml": HOSTS, "b.yaml": text}))
    assert r.problem("etcd-quorum")["message"].startswith("f: etcd has 2 members")


def test_rules_table_is_consistent():
    assert set(RULES) >= SILENCEABLE
    for rule, (severity, text) in RULES.items():
        assert severity in ("error", "warning"), rule
        assert text and text[0].islower(), rule


# --- sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, size",
    [
        ("64GiB", 64 * 2**30),
        ("64GB", 64 * 10**9),
        ("1.5TiB", 3 * 2**39),
        ("1.5TB", 15 * 10**11),
        ("512MB", 512 * 10**6),
        ("0.5KiB", 512),
        ("1 GiB", 2**30),
        ("7B", 7),
        ("2PiB", 2 * 2**50),
    ],
)
def test_sizes_are_exact(text, size):
    assert parse_size(text) == size


def test_decimal_and_binary_differ():
    assert parse_size("64GiB") - parse_size("64GB") == 4_719_476_736


USE = "(use B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB, or K, M, G, T, P as tools print them)"


@pytest.mark.parametrize(
    "text, message",
    [
        ("64Gb", f"unknown size unit 'Gb' in '64Gb' {USE}; did you mean GB?"),
        ("64Gi", f"unknown size unit 'Gi' in '64Gi' {USE}; did you mean GiB?"),
        ("64gib", f"unknown size unit 'gib' in '64gib' {USE}; did you mean GiB?"),
        ("64 bananas", f"unknown size unit 'bananas' in '64 bananas' {USE}"),
        ("64", "'64' is not a size: write a number and a unit, e.g. 64GiB or 512GB"),
        ("1.5B", "'1.5B' is not a whole number of bytes"),
        (
            "1" * 25 + "B",
            "'1111111111111111111111111B' has too many digits for a size (at most 24)",
        ),
    ],
)
def test_bad_sizes(text, message):
    with pytest.raises(SizeError) as info:
        parse_size(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text, size, slack",
    [
        ("258.1G", 2581 * 2**30 // 10, 2**30 // 20),  # as lsblk prints it: binary, rounded
        ("953.89GiB", round(95389 * 2**30 / 100), 2**30 // 200),  # not a whole number of bytes
        ("64G", 64 * 2**30, 2**29),
        ("1.1KiB", 1126, 51),
    ],
)
def test_sizes_as_tools_print_them_are_approximate(text, size, slack):
    parsed = parse_size(text)
    assert (int(parsed), tolerance(parsed), format_size(parsed)) == (size, slack, text)


def test_approximate_sizes_compare_within_their_tolerance():
    assert close(parse_size("258.1G"), parse_size("258.14GiB"))
    assert not close(parse_size("258.1G"), parse_size("258.2GiB"))
    assert not close(parse_size("64GiB"), parse_size("64GB"))
    both = total([parse_size("258.1G"), parse_size("8GiB"), None])
    assert (format_size(both), tolerance(both)) == ("~266.1GiB", 2**30 // 20)


@pytest.mark.parametrize(
    "n, text",
    [
        (64 * 2**30, "64GiB"),
        (64 * 10**9, "64GB"),
        (3 * 2**39, "1536GiB"),
        (0, "0B"),
        (1000, "1KB"),
        (1024, "1KiB"),
        (1023, "1023B"),
    ],
)
def test_format_size(n, text):
    assert format_size(n) == text
    assert parse_size(text) == n


@pytest.mark.parametrize(
    "n, text",
    [
        (64 * 2**30, "64GiB"),  # exact values: as format_size writes them
        (64 * 10**9, "64GB"),
        (1023, "1023B"),
        (parse_size("258.1G"), "258.1G"),  # approximate: as written
        (16771847168, "15.62GiB"),  # format_size: 16378757KiB
        (3 * 2**39, "1.5TiB"),  # format_size: 1536GiB
        (2**34 + 1, "16GiB"),  # format_size: 17179869185B
        (1536, "1.5KiB"),
    ],
)
def test_format_rounded(n, text):
    assert format_rounded(n) == text


@pytest.mark.parametrize(
    "memory, message",
    [
        ("64Gb", f"hosts[0].memory: unknown size unit 'Gb' in '64Gb' {USE}; did you mean GB?"),
        ("1.5TiBs", f"hosts[0].memory: unknown size unit 'TiBs' in '1.5TiBs' {USE}"),
        ("1.5B", "'1.5B' is not a whole number of bytes"),
    ],
)
def test_bad_sizes_in_a_topology(topo, run, memory, message):
    r = run("validate", topo({"a.yaml": f"version: 1\nhosts:\n  - id: h\n    memory: {memory}\n"}))
    assert r.code == 1
    assert r.where("size-format") == "topo/a.yaml:4:13"
    assert r.problem("size-format")["message"] == message


def test_approximate_memory_is_compared_within_its_tolerance(topo, run):
    lab = """\
        version: 1
        hosts:
          - {id: h, cpu: 8, memory: 62.8G, disks: [{name: sda, size: 953.89GiB}, {name: sdb}]}
        vms:
          - {id: v, runs_on: h, platform: libvirt, vcpu: 4, memory: GUEST}
        """
    assert run("validate", topo({"a.yaml": lab.replace("GUEST", "62.84GiB")})).problems == []
    r = run("validate", topo({"a.yaml": lab.replace("GUEST", "62.9GiB")}, "over"))
    assert r.problem("capacity-memory")["message"] == (
        "h: guests have 62.9GiB of memory, over its physical memory (62.8G)"
    )


def test_exact_sizes_reach_the_model(topo):
    topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - id: h
            memory: 1.5TiB
            disks: [{size: 960GB}, {size: 2TiB}]
        """
        }
    )
    host = load_topology("topo").model.objects["h"]
    assert host.memory == 1_649_267_441_664
    assert [d.size for d in host.disks] == [960_000_000_000, 2_199_023_255_552]


def test_did_you_mean_knows_objects_with_schema_errors(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - {id: zcloud, nested_virt: yes}
        vms:
          - {id: v, runs_on: zclod, platform: libvirt}
          - {id: w, runs_on: zcloud, platform: libvirt}
        """
        }
    )
    r = run("validate", path)
    assert [(p["line"], p["rule"], p["message"]) for p in r.problems] == [
        ("3", "schema", "hosts[0].nested_virt: expected a boolean, got string 'yes'"),
        (
            "5",
            "unknown-ref",
            "v: runs_on names 'zclod', which is not defined; did you mean 'zcloud'?",
        ),
    ]  # w's reference to the invalid zcloud is not reported a second time


def test_an_invalid_object_does_not_cascade(topo, run):
    """References and silences that involve an object left out for schema errors are not
    reported again: only the schema error is."""
    path = topo(
        {
            "a.yaml": HOSTS.replace(
                "memory: 64GiB\n        nested_virt: true",
                "memory: 64Gb\n        nested_virt: true",
            ),
            "b.yaml": SILENCED.replace(
                "{machine: h2, roles: [member]}", "{machine: h1, roles: [member]}"
            ),
            "c.yaml": "version: 1\nlive:\n  libvirt: [{hypervisor: h1, uri: 'qemu:///'}]\n",
        }
    )
    r = run("validate", path)
    assert [(p["file"], p["rule"]) for p in r.problems] == [("topo/a.yaml", "size-format")]
