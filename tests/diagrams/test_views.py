"""Selecting what a diagram shows: layers, kinds, tags, root and depth, include/exclude."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from topodoc.diagrams.views import Edge, layer_objects, select, selection_for_view
from topodoc.model.selection import LAYERS, Selection, ViewError

from .topologies import load_valid, shuffled_small


def shown(model, **options) -> set[str]:
    return set(select(model, Selection(**options)).ids)


def edges(selected) -> set[tuple[str, str, str]]:
    return {(e.source, e.relation, e.target) for e in selected.edges}


# -- the real lab ---------------------------------------------------------------------------


def test_every_view_of_the_lab_selects(lab):
    for view in lab.views:
        selected = select(lab, selection_for_view(lab, view))
        assert selected.ids == tuple(sorted(selected.ids)) and selected.ids, view
        assert set(selected.parent) <= set(selected.ids)
        assert {e.source for e in selected.edges} | {e.target for e in selected.edges} <= set(
            selected.ids
        )


def test_whole_lab_nests_hosts_vms_and_second_level_vms(lab):
    selected = select(lab, selection_for_view(lab, "lab"))
    assert set(selected.ids) == set(lab.objects)
    assert selected.parent["os-k8s-m-1"] == "os-compute-1"
    assert selected.parent["os-compute-1"] == "zcloud"
    assert selected.parent["zcloud"] == "home-rack"  # the first listed domain
    assert selected.parent["home-rack"] == "home-lab"
    assert selected.ancestors("os-k8s-m-1") == ["os-compute-1", "zcloud", "home-rack", "home-lab"]
    # the other failure domain is an edge; placement is nesting, never an edge
    assert ("zcloud", "in_domain", "home-power") in edges(selected)
    assert not any(
        e.relation == "runs_on" and lab.objects[e.source].kind == "vm" for e in selected.edges
    )
    assert ("z-k8s", "member", "zcloud") in edges(selected)
    assert ("os-k8s-m-1", "attached", "os-selfservice") in edges(selected)
    member = next(e for e in selected.edges if (e.source, e.target) == ("os-k8s", "os-k8s-m-1"))
    assert member.label == "control-plane, etcd"


def test_single_machine_services_and_machine_storage_sit_inside_the_machine(lab):
    selected = select(lab, Selection())
    assert selected.parent["stratis"] == "zcloud"
    assert selected.parent["zcloud-stratis"] == "zcloud"
    assert selected.parent["terraform"] == "dev"
    assert "kvm" not in selected.parent  # runs on three hosts: edges instead
    assert {("kvm", "runs_on", h) for h in ("zcloud", "zcloud-2", "zcloud-3")} <= edges(selected)


def test_physical_view_is_hosts_in_failure_domains(lab):
    assert set(select(lab, selection_for_view(lab, "physical")).ids) == {
        "home-lab",
        "home-rack",
        "home-power",
        "zcloud",
        "zcloud-2",
        "zcloud-3",
    }


def test_physical_layer_alone(lab):
    selected = select(lab, Selection(layers=("physical",)))
    assert set(selected.ids) == {"home-lab", "zcloud", "zcloud-2", "zcloud-3"}
    assert selected.children["home-lab"] == ("zcloud", "zcloud-2", "zcloud-3")
    assert selected.edges == ()


def test_virtualization_layer(lab):
    ids = shown(lab, layers=("virtualization",))
    assert {"ovirt-engine", "os-ctl-1", "os-compute-1", "z-k8s-m-1", "dev", "zcloud-ovirt"} <= ids
    assert "zcloud" in ids  # the oVirt cluster's host member
    assert not ids & {"os-k8s-m-1", "os-elastic-1", "zcloud-openstack", "z-k8s"}


def test_openstack_layer(lab):
    ids = shown(lab, layers=("openstack",))
    assert ids == {
        "zcloud-openstack",
        "os-ctl-1",
        "os-ctl-2",
        "os-ctl-3",
        "os-compute-1",
        "os-compute-2",
        "os-compute-3",
        "os-k8s-m-1",
        "os-k8s-m-2",
        "os-k8s-m-3",
        "os-k8s-n-1",
        "os-k8s-n-2",
        "os-elastic-1",
    }
    selected = select(lab, Selection(layers=("openstack",)))
    assert selected.parent["os-elastic-1"] == "os-compute-3"


def test_kubernetes_layer_has_clusters_members_and_their_etcd(lab):
    ids = shown(lab, layers=("kubernetes",))
    assert {"z-k8s", "os-k8s", "kvm-k8s", "z-etcd", "z-k8s-m-1", "zcloud", "os-k8s-n-1"} <= ids
    assert not ids & {"zcloud-openstack", "z-ceph", "os-compute-1", "home-lab"}
    selected = select(lab, Selection(layers=("kubernetes",)))
    # os-compute-1 is not shown: its second-level VM sits in the nearest shown machine
    assert selected.parent["os-k8s-m-1"] == "zcloud"
    assert ("z-k8s", "etcd", "z-etcd") in edges(selected)


def test_storage_layer(lab):
    ids = shown(lab, layers=("storage",))
    assert {"z-ceph", "z-gluster", "ceph-k8s-volumes", "zcloud-stratis", "stratis"} <= ids
    assert not ids & {"z-k8s", "kvm", "z-etcd"}


def test_services_view_keeps_tagged_clusters_and_their_hosts(lab):
    selected = select(lab, selection_for_view(lab, "services"))
    assert set(selected.ids) == {
        "home-lab",
        "zcloud",
        "zcloud-2",
        "zcloud-3",
        "z-etcd",
        "z-ceph",
        "z-gluster",
        "z-vitess",
        "z-rabbitmq",
        "z-kafka",
    }
    assert ("z-vitess", "depends_on", "z-etcd") in edges(selected)


def test_network_layer_draws_attachments_only_with_it(lab):
    without = select(lab, Selection(layers=("physical",)))
    with_net = select(lab, Selection(layers=("physical", "network")))
    assert not any(e.relation == "attached" for e in without.edges)
    assert ("zcloud", "attached", "lab-net") in edges(with_net)
    assert ("os-selfservice", "parent", "lab-net") in edges(with_net)


def test_failure_domains_layer(lab):
    ids = shown(lab, layers=("failure-domains",))
    assert ids == {"home-lab", "home-rack", "home-power", "zcloud", "zcloud-2", "zcloud-3"}


def test_root_without_depth_is_what_is_placed_on_it_and_related(lab):
    selected = select(lab, selection_for_view(lab, "zcloud-stack"))
    ids = set(selected.ids)
    assert {
        "zcloud",
        "os-k8s-m-1",
        "os-compute-1",
        "dev",
        "zcloud-openstack",
        "zcloud-ovirt",
    } <= ids
    assert not ids & {"zcloud-2", "z-k8s-m-2", "home-lab", "os-k8s"}
    assert selected.roots == ("zcloud", "zcloud-openstack", "zcloud-ovirt")


def test_root_with_depth(lab):
    assert shown(lab, root="zcloud", depth=0) == {"zcloud"}
    one = shown(lab, root="zcloud", depth=1)
    assert {"os-compute-1", "z-etcd", "lab-net", "stratis"} <= one
    assert not one & {"os-k8s-m-1", "zcloud-2", "home-lab"}  # groups only downwards
    two = shown(lab, root="zcloud", depth=2)
    assert {"os-k8s-m-1", "zcloud-2"} <= two  # zcloud-2 through z-etcd
    assert shown(lab, root="home-rack", depth=1) == {"home-rack", "zcloud", "zcloud-2", "zcloud-3"}


def test_root_is_kept_outside_its_layers(lab):
    assert "lab-net" in shown(lab, root="lab-net", layers=("physical",))


def test_kinds_and_tags(lab):
    assert shown(lab, kinds=("cluster",)) == {c.id for c in lab.of_kind("cluster")}
    tagged = shown(lab, tags=("second-level",))
    # second-level VMs bring the machines they run on, down to the site
    assert {"os-elastic-1", "os-compute-3", "zcloud", "home-rack", "home-lab"} <= tagged
    assert "z-k8s-m-1" not in tagged
    only_vms = shown(lab, kinds=("vm",), tags=("second-level",))
    assert "zcloud" not in only_vms and "os-compute-3" in only_vms


def test_include_and_exclude(lab):
    ids = shown(lab, layers=("physical",), include=("lab-net",), exclude=("zcloud-3",))
    assert ids == {"home-lab", "zcloud", "zcloud-2", "lab-net"}
    # excluding a machine leaves out what is placed on it
    ids = shown(lab, layers=("virtualization",), exclude=("os-compute-1",))
    assert "os-compute-1" not in ids and "os-compute-2" in ids


# -- small topologies -----------------------------------------------------------------------


def test_small_topology_nesting_and_edges(small):
    selected = select(small, Selection())
    assert selected.parent == {
        "v2": "v1",
        "v1": "h1",
        "c1": "h2",
        "v3": "h2",
        "h1": "rack-a",
        "h2": "rack-a",
        "rack-a": "s1",
        "power-a": "s1",
        "pool1": "h1",
        "web": "c1",
    }
    assert edges(selected) >= {
        ("k1", "member", "v2"),
        ("db", "member", "h1"),
        ("web", "depends_on", "db"),
        ("pool1", "used_by", "v1"),
        ("h1", "in_domain", "power-a"),
        ("v1", "attached", "net1"),
    }
    assert ("h1", "in_domain", "rack-a") not in edges(selected)  # shown by nesting
    assert selected.edges == tuple(
        sorted(selected.edges, key=lambda e: (e.source, e.target, e.relation))
    )


def test_deepest_failure_domain_groups_a_host(topology):
    model = topology("""\
        version: 1
        sites: [{id: s}]
        failure_domains:
          - {id: room, type: room, site: s}
          - {id: rack, type: rack, parent: room}
          - {id: pdu, type: power, site: s}
        hosts: [{id: h, site: s, failure_domains: [pdu, rack]}]
        """)
    selected = select(model, Selection())
    assert selected.ancestors("h") == ["rack", "room", "s"]
    assert edges(selected) == {("h", "in_domain", "pdu")}
    # without failure domains the host sits in its site
    assert select(model, Selection(layers=("physical",))).parent == {"h": "s"}


def test_selection_is_independent_of_file_order(write_topology):
    one = load_valid(write_topology(shuffled_small(False), "one"))
    two = load_valid(write_topology(shuffled_small(True), "two"))
    for selection in (Selection(), Selection(root="h1", depth=2), Selection(tags=("k8s",))):
        assert select(one, selection) == select(two, selection)


def test_unknown_names_raise_view_errors_with_hints(lab):
    with pytest.raises(
        ViewError,
        match=r"unknown view 'zcloud-stak'; did you mean "
        r"'zcloud-stack'\? \(views and layers: failure-domains, kubernetes, lab,",
    ):
        selection_for_view(lab, "zcloud-stak")
    with pytest.raises(ViewError, match="unknown layer 'phsical'; did you mean 'physical'"):
        Selection(layers=("phsical",))
    with pytest.raises(ViewError, match="unknown kind 'vms'; did you mean 'vm'"):
        Selection(kinds=("vms",))
    with pytest.raises(ViewError, match="unknown direction"):
        Selection(direction="UP")
    with pytest.raises(ViewError, match="depth must be"):
        Selection(depth=-1)
    with pytest.raises(
        ViewError,
        match=r"unknown object \(in root\) 'zclod'; did you mean "
        r"'zcloud'\?$",
    ):
        select(lab, Selection(root="zclod"))
    with pytest.raises(ViewError, match=r"\(in exclude\) 'nope'"):
        select(lab, Selection(exclude=("nope",)))
    with pytest.raises(ViewError, match="unknown layer"):
        dataclasses.replace(Selection(), layers=("bogus",))


def test_from_options_reads_loose_values():
    selection = Selection.from_options(
        layers="physical, network",
        kinds=["host"],
        tags=None,
        root=" zcloud ",
        depth="2",
        direction="lr",
        include="a b",
        title="T",
    )
    assert selection == Selection(
        layers=("physical", "network"),
        kinds=("host",),
        root="zcloud",
        depth=2,
        include=("a", "b"),
        direction="LR",
        title="T",
    )
    assert Selection.from_options(depth="", root="") == Selection()
    with pytest.raises(ViewError, match="depth must be"):
        Selection.from_options(depth="two")
    with pytest.raises(ViewError, match="unknown layer 'fisical'"):
        Selection.from_options(layers="fisical")


def test_a_view_holds_its_selection(lab):
    selection = selection_for_view(lab, "zcloud-stack")
    assert selection is lab.views["zcloud-stack"].selection
    same = Selection(
        layers=("physical", "virtualization", "openstack"),
        root="zcloud",
        title="DL360 上的嵌套虚拟化",
    )
    # equal by value, so the Sphinx extension's cache of what a selection shows finds it
    assert selection == same and hash(selection) == hash(same)
    assert pickle.loads(pickle.dumps(selection)) == selection  # in pickled doctrees
    # a doctree pickled when Selection was defined in topodoc.diagrams.views still loads
    old = pickle.dumps(selection, protocol=0).replace(
        b"topodoc.model.selection\n", b"topodoc.diagrams.views\n"
    )
    assert old != pickle.dumps(selection, protocol=0) and pickle.loads(old) == selection


def test_every_layer_is_known(lab):
    for layer in LAYERS:
        assert layer_objects(lab, layer) <= set(lab.objects)
    assert Edge("a", "member", "b").label == ""


def test_an_invalid_model_still_draws(write_topology):
    """Sphinx may draw a topology with errors: unknown names are left out, loops are cut."""
    from topodoc.diagrams.dot import render_dot
    from topodoc.reading.load import load_topology
    from topodoc.tables.table import TABLES, available_columns, build_table

    loaded = load_topology(
        write_topology("""\
        version: 1
        hosts: [{id: h}]
        vms:
          - {id: v, runs_on: nowhere, platform: libvirt}
          - {id: a, runs_on: b, platform: libvirt}
          - {id: b, runs_on: a, platform: libvirt}
        clusters:
          - {id: k, type: kubernetes, members: [{machine: ghost, roles: [worker]},
                                                {machine: v, roles: [worker]}]}
        storage:
          - {id: st, type: directory, provided_by: ghost, used_by: [ghost2]}
        """)
    )
    model = loaded.model
    assert not loaded.ok
    assert select(model, Selection(layers=("kubernetes",))).ids == ("k", "v")
    selected = select(model, Selection())
    assert selected.parent == {"a": "b"} and selected.ancestors("b") == []
    assert edges(selected) == {("k", "member", "v"), ("b", "runs_on", "a")}  # the cut link
    assert '"a" [' in render_dot(model, selected).source
    for name in TABLES:
        build_table(model, name, list(available_columns(name)))
