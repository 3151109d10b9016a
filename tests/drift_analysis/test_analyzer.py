"""The pure analyzer: states, joins across sources, ignore rules, severities, order."""

from __future__ import annotations

import random

from topodoc.drift.analyzer import analyze
from topodoc.drift.ignore import IgnoreRules
from topodoc.drift.matching import same
from topodoc.drift.resources import Resource, SourceResult
from topodoc.drift.severity import Severities

from .drift_scenario import ETCD, K8S, LIBVIRT, NOVA, GiB, build_scenario


def vm(name, source=LIBVIRT, **attrs):
    return Resource(f"vm:{name}", "vm", attrs, source)


def check(expected, *sources, ignore=(), severities=()):
    return analyze(
        expected, list(sources), IgnoreRules.load(patterns=ignore), Severities(severities)
    )


def run(expected, *sources, ignore=(), severities=()):
    return check(expected, *sources, ignore=ignore, severities=severities).findings


def states(findings):
    return [(f.key, f.state, f.attribute) for f in findings]


def test_scenario_has_every_state():
    scenario = build_scenario()
    found = analyze(scenario.expected, scenario.sources, scenario.rules, scenario.severities)
    assert states(found.findings) == [
        ("hypervisor:zcloud", "ok", None),
        ("vm:z-k8s-m-1", "changed", "memory"),
        ("vm:z-k8s-m-1", "changed", "flavor"),
        ("vm:z-k8s-m-2", "ok", None),
        ("vm:z-k8s-n-3", "missing", None),
        ("vm:z-test-1", "unexpected", None),
        ("storage-pool:images", "ok", None),
        ("os-hypervisor:zcloud", "ok", None),
        ("k8s-node:z-k8s/z-k8s-m-1", "unverifiable", None),
        ("etcd-member:z-etcd/z-etcd-1", "ok", None),
        ("etcd-member:z-etcd/z-etcd-2", "missing", None),
    ]
    assert [(i.finding.ref, i.rule.text, i.rule.reason, i.rule.origin) for i in found.ignored] == [
        (
            "vm:z-k8s-m-2.autostart",
            "vm:z-k8s-m-2.autostart",
            "autostart off while its disk moves to the new pool",
            "topology/lab.yaml:42:7",
        ),
        ("vm:z-tmp-1", "vm:z-tmp-*", "throwaway test VMs come and go", ".topodocignore:2"),
    ]
    by_ref = {f.ref: f for f in found.findings}
    memory = by_ref["vm:z-k8s-m-1.memory"]
    assert (memory.expected, memory.actual, memory.source) == (16 * GiB, 8 * GiB, LIBVIRT)
    assert memory.hint == "expected 16GiB, found 8GiB"
    flavor = by_ref["vm:z-k8s-m-1.flavor"]
    assert (flavor.expected, flavor.actual, flavor.source) == ("m1.large", "m1.xlarge", NOVA)
    assert by_ref["vm:z-k8s-n-3"].hint == (
        f"not defined on {LIBVIRT}; was it renamed or undefined?"
    )
    assert by_ref["k8s-node:z-k8s/z-k8s-m-1"].hint == (
        f"{K8S} unreachable: connection refused | port 6443"
    )
    assert by_ref["etcd-member:z-etcd/z-etcd-2"].severity == "critical"
    assert by_ref["vm:z-test-1"].source == LIBVIRT


def test_ok_compares_only_stated_attributes():
    live = SourceResult(
        LIBVIRT,
        "libvirt",
        "test:///",
        resources=[vm("a", state="running", vcpu=8, memory=GiB, cpu_mode="host-model")],
    )
    assert states(run([vm("a", state="running")], live)) == [("vm:a", "ok", None)]
    assert states(run([vm("a")], live)) == [("vm:a", "ok", None)]


def test_lists_compared_sorted_numbers_and_booleans_exactly():
    live = SourceResult(
        LIBVIRT,
        "libvirt",
        "test:///",
        resources=[vm("a", interfaces=["b", "a"], vcpu=4, autostart=True, memory=GiB)],
    )
    assert states(run([vm("a", interfaces=["a", "b"], vcpu=4, autostart=True)], live)) == [
        ("vm:a", "ok", None)
    ]
    found = run([vm("a", interfaces=["a", "c"], vcpu=4.5, autostart=1, memory=GiB + 1)], live)
    assert states(found) == [
        ("vm:a", "changed", "vcpu"),
        ("vm:a", "changed", "memory"),
        ("vm:a", "changed", "autostart"),
        ("vm:a", "changed", "interfaces"),
    ]
    interfaces = found[-1]
    assert (interfaces.expected, interfaces.actual) == (["a", "c"], ["a", "b"])
    assert interfaces.hint == "lacks c; has extra b"
    assert not same(True, 1) and not same(1, True) and not same("4", 4) and same(4, 4.0)


def test_join_prefers_own_source_and_falls_back_to_others():
    libvirt = SourceResult(
        LIBVIRT, "libvirt", "test:///", resources=[vm("a", state="running", hypervisor="zcloud")]
    )
    nova = SourceResult(
        NOVA,
        "openstack",
        "http://nova",
        resources=[vm("a", NOVA, state="ACTIVE", hypervisor="other", flavor="m1")],
    )
    found = run([vm("a", state="running", hypervisor="zcloud", flavor="m1")], libvirt, nova)
    assert states(found) == [("vm:a", "ok", None)]
    found = run([vm("a", state="running", flavor="m2")], libvirt, nova)
    assert [(f.attribute, f.actual, f.source) for f in found] == [("flavor", "m1", NOVA)]


def test_stated_attribute_no_source_reports_is_unverifiable():
    libvirt = SourceResult(LIBVIRT, "libvirt", "test:///", resources=[vm("a", state="running")])
    nova = SourceResult(NOVA, "openstack", "http://nova", status="timeout", error="after 30 s")
    found = run([vm("a", state="running", flavor="m1")], libvirt, nova)
    assert [(f.state, f.attribute, f.expected, f.hint) for f in found] == [
        (
            "unverifiable",
            "flavor",
            "m1",
            f"no source reported flavor; not checked: {NOVA} (timeout)",
        )
    ]


def test_attribute_a_source_cannot_see_is_unverifiable_not_changed():
    """The Kubernetes collector reports etcd servers as None when kube-system is closed."""
    etcd = Resource("k8s-etcd:k8s", "k8s-etcd", {"servers": ["https://h1:2379"]}, K8S)
    k8s = SourceResult(
        K8S,
        "kubernetes",
        "lab-admin",
        resources=[Resource("k8s-etcd:k8s", "k8s-etcd", {"servers": None}, K8S)],
    )
    found = run([etcd], k8s)
    assert [(f.key, f.state, f.attribute, f.hint) for f in found] == [
        ("k8s-etcd:k8s", "unverifiable", "servers", "no source reported servers")
    ]


def test_unverifiable_is_never_missing():
    down = SourceResult(
        LIBVIRT,
        "libvirt",
        "qemu+ssh://zcloud/system",
        status="refused",
        error="ssh: connection refused",
    )
    nova = SourceResult(NOVA, "openstack", "http://nova", resources=[vm("a", NOVA)])
    found = run([vm("a", state="running"), vm("b"), vm("c", "libvirt:elsewhere")], down, nova)
    assert states(found) == [
        ("vm:a", "unverifiable", None),
        ("vm:b", "unverifiable", None),
        ("vm:c", "unverifiable", None),
    ]
    hints = [f.hint for f in found]
    assert hints[0] == f"{LIBVIRT} refused: ssh: connection refused"
    assert hints[2] == "libvirt:elsewhere was not checked; is it configured?"
    assert {f.severity for f in found} == {"error"}


def test_missing_when_own_source_does_not_see_it():
    libvirt = SourceResult(LIBVIRT, "libvirt", "test:///")
    nova = SourceResult(NOVA, "openstack", "http://nova", resources=[vm("a", NOVA)])
    (found,) = run([vm("a")], libvirt, nova)
    assert (found.state, found.severity) == ("missing", "error")
    assert found.hint.endswith(f"(seen only by {NOVA})")


def test_unexpected_inventory_kinds_always_other_kinds_only_if_documented():
    live = SourceResult(
        LIBVIRT,
        "libvirt",
        "test:///",
        resources=[
            vm("stray"),
            Resource("libvirt-network:default", "libvirt-network", {}, LIBVIRT),
            Resource("storage-pool:scratch", "storage-pool", {}, LIBVIRT),
            Resource("storage-pool:images", "storage-pool", {}, LIBVIRT),
        ],
    )
    pool = Resource("storage-pool:images", "storage-pool", {}, LIBVIRT)
    assert states(run([pool], live)) == [
        ("vm:stray", "unexpected", None),
        ("storage-pool:images", "ok", None),
        ("storage-pool:scratch", "unexpected", None),
    ]
    assert states(run([], live)) == [("vm:stray", "unexpected", None)]


def test_unexpected_seen_by_several_sources_is_one_finding():
    libvirt = SourceResult(LIBVIRT, "libvirt", "test:///", resources=[vm("x")])
    nova = SourceResult(NOVA, "openstack", "http://nova", resources=[vm("x", NOVA)])
    (found,) = run([], nova, libvirt)
    assert (found.source, found.hint) == (
        LIBVIRT,
        f"seen by {LIBVIRT}, {NOVA} but not in the topology; document or ignore it",
    )


def test_ignore_rules_with_negation_and_attributes():
    live = SourceResult(
        LIBVIRT,
        "libvirt",
        "test:///",
        resources=[vm("a", memory=GiB, vcpu=2), vm("test-1"), vm("test-keep")],
    )
    expected = [vm("a", memory=2 * GiB, vcpu=4)]
    found = check(expected, live, ignore=["vm:test-*", "!vm:test-keep", "vm:a.memory"])
    assert states(found.findings) == [
        ("vm:a", "changed", "vcpu"),
        ("vm:test-keep", "unexpected", None),
    ]
    assert [(i.finding.ref, i.rule.text) for i in found.ignored] == [
        ("vm:a.memory", "vm:a.memory"),
        ("vm:test-1", "vm:test-*"),
    ]


def test_ok_findings_are_not_ignored():
    live = SourceResult(LIBVIRT, "libvirt", "test:///", resources=[vm("a")])
    found = check([vm("a")], live, ignore=["vm:*"])
    assert states(found.findings) == [("vm:a", "ok", None)] and found.ignored == ()


def test_severity_overrides_apply():
    live = SourceResult(LIBVIRT, "libvirt", "test:///", resources=[vm("a", state="shutoff")])
    (found,) = run([vm("a", state="running")], live)
    assert found.severity == "error"
    (found,) = run([vm("a", state="running")], live, severities=["vm:changed.state=critical"])
    assert (found.severity, found.hint) == ("critical", "expected running, is shutoff")


def test_control_plane_node_missing_is_critical():
    k8s = SourceResult(K8S, "kubernetes", "https://k")
    node = Resource("k8s-node:z-k8s/m-1", "k8s-node", {"roles": ["control-plane", "etcd"]}, K8S)
    worker = Resource("k8s-node:z-k8s/n-1", "k8s-node", {"roles": ["worker"]}, K8S)
    assert [f.severity for f in run([node, worker], k8s)] == ["critical", "error"]


def test_deterministic_whatever_the_input_order():
    scenario = build_scenario()
    first = analyze(scenario.expected, scenario.sources, scenario.rules, scenario.severities)
    rng = random.Random(7)
    for _ in range(5):
        expected, sources = list(scenario.expected), list(scenario.sources)
        rng.shuffle(expected)
        rng.shuffle(sources)
        for s in sources:
            rng.shuffle(s.resources)
        again = analyze(expected, sources, scenario.rules, scenario.severities)
        assert again == first


def test_layer_order_then_key():
    scenario = build_scenario()
    found = analyze(scenario.expected, scenario.sources, scenario.rules, scenario.severities)
    layers = [f.layer for f in found.findings]
    assert layers == sorted(
        layers, key=["virtualization", "storage", "openstack", "kubernetes", "etcd"].index
    )
    assert ETCD in {f.source for f in found.findings}


def member(name, healthy=True):
    return Resource(f"etcd-member:e/{name}", "etcd-member", {"healthy": healthy}, ETCD)


def test_an_etcd_cluster_without_quorum_is_critical():
    documented = [member(n) for n in ("a", "b", "c")]
    one_down = run(
        documented,
        SourceResult(ETCD, "etcd", "u", resources=[member("a"), member("b"), member("c", False)]),
    )
    assert [(f.key, f.severity) for f in one_down if f.state != "ok"] == [
        ("etcd-member:e/c", "warning")
    ]
    two_down = run(
        documented,
        SourceResult(
            ETCD, "etcd", "u", resources=[member("a"), member("b", False), member("c", False)]
        ),
    )
    assert [(f.key, f.severity) for f in two_down if f.state != "ok"] == [
        ("etcd-member:e/b", "critical"),
        ("etcd-member:e/c", "critical"),
    ]
    assert two_down[1].hint.endswith("quorum lost: 1 of 3 members healthy")
    # a user's level stays the user's
    overridden = run(
        documented,
        SourceResult(
            ETCD, "etcd", "u", resources=[member("a"), member("b", False), member("c", False)]
        ),
        severities=["etcd-member:changed=info"],
    )
    assert {f.severity for f in overridden if f.state != "ok"} == {"info"}


def test_coverage_does_not_count_a_resource_with_an_unverifiable_attribute():
    from topodoc.drift.reports.console import render_console
    from topodoc.drift.reports.report import Report

    documented = [vm("a", memory=GiB, vcpu=2), vm("b", vcpu=1)]
    found = check(
        documented,
        SourceResult(LIBVIRT, "libvirt", "u", resources=[vm("a", vcpu=2), vm("b", vcpu=1)]),
    )
    assert [(f.key, f.state, f.attribute) for f in found.findings] == [
        ("vm:a", "unverifiable", "memory"),
        ("vm:b", "ok", None),
    ]
    report = Report.build(found, [], topology="t", checked_at="now")
    assert report.coverage() == (1, 2)
    assert "coverage 1/2 (50%)" in render_console(report)
