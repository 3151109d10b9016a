"""Host networking: interfaces enslaved to bridges and bonds, several addresses per interface,
libvirt forward modes, VF pools, DNS names, DHCP ranges and address pools."""

from __future__ import annotations

import json

from topodoc.reading.load import load_topology
from topodoc.tables.table import build_table

LAB = """\
    version: 1
    hosts:
      - id: h1
        devices: [{name: ens1f0, type: nic, vfs: 8}]
        nics:
          - {name: eno1, type: ethernet, master: br0}
          - {name: eno2, type: ethernet, master: br0}
          - name: br0
            type: bridge
            network: lab
            address: [192.168.6.200, 192.168.6.250]
            options: {stp: false, forward_delay: 0}
    vms:
      - {id: m1, runs_on: h1, platform: libvirt, nics: [{network: lab, address: 192.168.6.101}]}
      - {id: m2, runs_on: h1, platform: libvirt, nics: [{network: lab, address: 192.168.6.102}]}
    clusters:
      - id: k
        type: kubernetes
        api_endpoint: k-api.lab.example:6443
        members: [{machine: m1, roles: [control-plane]}, {machine: m2, roles: [control-plane]}]
    networks:
      - id: lab
        type: bridge
        bridge: br0
        forward: bridge
        subnet: 192.168.6.0/24
        dhcp: [{start: 192.168.6.50, end: 192.168.6.99}]
        pools: [{name: lb, start: 192.168.6.240, end: 192.168.6.249, purpose: metallb}]
        dns:
          domain: lab.example
          servers: [192.168.6.200]
          records:
            - {name: k-api, targets: [k]}
            - {name: gw, addresses: [192.168.6.1]}
      - id: vf-pool
        type: subnet
        forward: hostdev
        vf_pool: [{host: h1, device: ens1f0}]
    """


def test_a_bridged_host_with_dns_names_validates(topo, run):
    path = topo({"lab.yaml": LAB})
    r = run("validate", path)
    assert r.problems == [], r.out
    model = load_topology(path).model
    assert model.resolve("lab", model.objects["lab"].dns.records[0]) == (
        "192.168.6.101",
        "192.168.6.102",
    )
    addresses = build_table(
        model, "addresses", ["address", "machine", "nic"], "machine=h1,address=192.*"
    )
    assert [row.values for row in addresses.rows] == [
        ("192.168.6.200", "h1", "br0"),
        ("192.168.6.250", "h1", "br0"),
    ]
    networks = build_table(model, "networks", ["id", "forward", "domain", "dhcp", "pools"])
    assert [row.values for row in networks.rows] == [
        (
            "lab",
            "bridge",
            "lab.example",
            "192.168.6.50-192.168.6.99",
            "lb 192.168.6.240-192.168.6.249",
        ),
        ("vf-pool", "hostdev", "", "", ""),
    ]


def test_networking_mistakes(topo, run):
    lab = (
        LAB.replace(
            "{name: eno1, type: ethernet, master: br0}", "{name: eno1, type: ethernet, master: br1}"
        )
        .replace(
            "address: [192.168.6.200, 192.168.6.250]", "address: [192.168.6.200, 192.168.6.245]"
        )
        .replace("targets: [k]", "targets: [k, h1, vf-pool]")
        .replace("device: ens1f0}]", "device: ens1f1}]")
        .replace("end: 192.168.6.99", "end: 192.168.6.9")
    )
    r = run("validate", topo({"lab.yaml": lab}))
    assert r.code == 1
    assert [(p["rule"], p["message"]) for p in r.problems] == [
        (
            "nic-master",
            "h1: eno1 is enslaved to 'br1', which is not another interface of it; "
            "did you mean 'br0'?",
        ),
        (
            "address-pool",
            "h1: fixed address 192.168.6.245 lies in lab's pool lb, which hands it out too",
        ),
        ("address-invalid", "lab: DHCP range starts at 192.168.6.50, after its end 192.168.6.9"),
        (
            "ref-kind",
            "lab: resolves must name a host or vm or container or cluster, but "
            "'vf-pool' is a network",
        ),
        (
            "passthrough",
            "vf-pool: vf_pool names h1:ens1f1, which is not a device with SR-IOV VFs (vfs)",
        ),
    ]


def test_a_dns_target_without_an_address_on_the_network(topo, run):
    r = run("validate", topo({"lab.yaml": LAB.replace("targets: [k]", "targets: [k, zz]")}))
    assert r.problem("unknown-ref")["message"] == "lab: resolves names 'zz', which is not defined"
    r = run(
        "validate",
        topo(
            {
                "lab.yaml": LAB.replace(
                    "      - {id: m2,",
                    "      - {id: m3, runs_on: h1, platform: libvirt}\n      - {id: m2,",
                ).replace("targets: [k]", "targets: [k, m3]")
            },
            "other",
        ),
    )
    assert r.problem("dns-record")["message"] == (
        "lab: DNS name k-api resolves to m3, which has no address on lab"
    )


def test_export_round_trips_the_networking_fields(topo, run):
    data = json.loads(run("export", topo({"lab.yaml": LAB})).out)
    objects = {o["id"]: o for o in data["objects"]}
    assert objects["h1"]["nics"][2] == {
        "name": "br0",
        "type": "bridge",
        "network": "lab",
        "address": "192.168.6.200",
        "aliases": ["192.168.6.250"],
        "options": {"forward_delay": 0, "stp": False},
    }
    lab = objects["lab"]
    assert lab["dns"] == {
        "domain": "lab.example",
        "servers": ["192.168.6.200"],
        "records": [
            {"name": "k-api", "targets": ["k"]},
            {"name": "gw", "addresses": ["192.168.6.1"]},
        ],
    }
    assert lab["pools"] == [
        {"start": "192.168.6.240", "end": "192.168.6.249", "name": "lb", "purpose": "metallb"}
    ]
    assert objects["k"]["api_endpoint"] == "k-api.lab.example:6443"
