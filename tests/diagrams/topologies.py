"""Topologies for the diagram and table tests, as YAML text."""

from __future__ import annotations

from pathlib import Path

import yaml

from topodoc.model.objects import Model
from topodoc.reading.load import load_topology

#: Two hosts in a site (one rack, one power feed), a VM with a nested VM, a container, two
#: clusters, a service, storage and a network. Chinese in one name.
SMALL = """\
version: 1
sites:
  - {id: s1, name: Site One}
failure_domains:
  - {id: rack-a, type: rack, site: s1}
  - {id: power-a, type: power, site: s1}
networks:
  - {id: net1, type: bridge, subnet: 10.0.0.0/24}
hosts:
  - id: h1
    name: 主机 一
    site: s1
    failure_domains: [rack-a, power-a]
    cpu: {sockets: 1, cores: 8, threads: 2}
    memory: 64GiB
    nested_virt: true
    nics: [{name: eth0, network: net1, address: 10.0.0.1}]
  - {id: h2, site: s1, failure_domains: [rack-a], cpu: {sockets: 1, cores: 4}, memory: 32GiB}
vms:
  - {id: v1, runs_on: h1, platform: libvirt, vcpu: 4, memory: 16GiB, nested_virt: true,
     nics: [{network: net1, address: 10.0.0.11}]}
  - {id: v2, runs_on: v1, platform: openstack, vcpu: 2, memory: 4GiB, tags: [k8s]}
  - {id: v3, runs_on: h2, platform: libvirt, vcpu: 2, memory: 2GiB, tags: [k8s]}
containers:
  - {id: c1, runs_on: h2, runtime: docker}
clusters:
  - id: k1
    type: kubernetes
    etcd: {mode: stacked}
    tags: [k8s]
    members:
      - {machine: v2, roles: [control-plane, etcd]}
      - {machine: v3, roles: [worker]}
  - id: db
    type: etcd
    members: [{machine: h1, roles: [member]}, {machine: h2, roles: [member]}]
services:
  - {id: web, runs_on: [c1], depends_on: [db]}
storage:
  - {id: pool1, type: directory, provided_by: h1, size: 1TB, used_by: [v1]}
"""


def shuffled_small(reverse: bool) -> dict[str, str]:
    """SMALL in two files; with ``reverse`` the files and every list in them swap order."""
    data = yaml.safe_load(SMALL)
    sections = [k for k in data if k != "version"]
    parts = [sections[:4], sections[4:]]
    files = {}
    for name, keys in zip(("a.yaml", "b.yaml"), reversed(parts) if reverse else parts, strict=True):
        files[name] = yaml.safe_dump(
            {"version": 1, **{k: data[k][::-1] if reverse else data[k] for k in keys}},
            allow_unicode=True,
            sort_keys=False,
        )
    return files


def load_valid(path: Path) -> Model:
    loaded = load_topology(path)
    assert loaded.ok, [str(p) for p in loaded.errors]
    return loaded.model


def big_yaml(hosts: int = 20, vms: int = 2000, clusters: int = 10) -> str:
    """``hosts`` hosts, ``vms`` VMs spread over them, ``clusters`` Kubernetes clusters each
    with an even share of the VMs as members (a third of them control-plane)."""
    lines = ["version: 1", "networks:", "  - {id: net, type: bridge}", "hosts:"]
    lines += [
        f"  - {{id: h{h:02d}, cpu: {{sockets: 2, cores: 32, threads: 2}}, memory: 4TiB, "
        "nested_virt: true, overcommit: {cpu: 16, memory: 2}}"
        for h in range(hosts)
    ]
    lines.append("vms:")
    lines += [
        f"  - {{id: vm-{v:04d}, runs_on: h{v % hosts:02d}, platform: libvirt, vcpu: 2, "
        f"memory: 4GiB, nics: [{{network: net}}]}}"
        for v in range(vms)
    ]
    lines.append("clusters:")
    for c in range(clusters):
        lines += [
            f"  - id: k{c:02d}",
            "    type: kubernetes",
            "    etcd: {mode: stacked}",
            "    members:",
        ]
        lines += [
            f"      - {{machine: vm-{v:04d}, roles: "
            f"[{'control-plane, etcd' if v % 3 == 0 else 'worker'}]}}"
            for v in range(c, vms, clusters)
        ]
    return "\n".join(lines) + "\n"
