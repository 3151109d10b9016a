"""Generate a realistic synthetic lab topology in topodoc's format.

    python benchmarks/generate.py --objects 10000 --seed 1 -o /tmp/lab10k [--errors K]

The lab has sites, racks and power feeds, physical hosts, first-level VMs (some of them
nested-virtualization OpenStack computes), second-level OpenStack VMs, Kubernetes clusters
with external etcd (control plane and etcd spread over racks), an OpenStack cluster per site,
Ceph, services, networks with unique addresses, storage and named views. It is valid by
construction (no errors; ``topodoc validate`` exits 0); ``--errors K`` then injects K
distinct errors (unknown references, addresses outside their subnet, duplicate ids, bad
sizes), each of which ``validate`` must report with its location.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import sys
from itertools import islice
from pathlib import Path

import yaml

HOSTS_PER_RACK = 20
VMS_PER_HOST = 6
SECOND_LEVEL_PER_COMPUTE = 6


class Lab:
    """Builds the objects of one lab, file by file, counting them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.files: dict[str, dict] = {}
        self.count = 0
        self.subnet_index = 0

    def add(self, file: str, section: str, obj: dict) -> dict:
        doc = self.files.setdefault(file, {"version": 1})
        doc.setdefault(section, []).append(obj)
        if section != "views":
            self.count += 1
        return obj

    def network(self, file: str, net_id: str) -> ipaddress.IPv4Network:
        """A new /16 subnet (10.N.0.0/16) named ``net_id``."""
        subnet = ipaddress.ip_network(f"10.{self.subnet_index}.0.0/16")
        self.subnet_index += 1
        self.add(
            file,
            "networks",
            {
                "id": net_id,
                "type": "subnet",
                "subnet": str(subnet),
                "gateway": str(subnet.network_address + 1),
            },
        )
        return subnet


def generate(objects: int, seed: int) -> Lab:
    rng = random.Random(seed)
    lab = Lab(rng)
    site_no = 0
    while lab.count < objects:
        site_no += 1
        _site(lab, site_no, objects)
    for view_id, layers in (
        ("lab", []),
        ("physical", ["physical", "failure-domains"]),
        ("kubernetes", ["physical", "virtualization", "kubernetes"]),
        ("openstack", ["physical", "virtualization", "openstack"]),
        ("storage", ["physical", "storage"]),
    ):
        view = {"id": view_id, "title": view_id}
        if layers:
            view["layers"] = layers
        lab.add("views.yaml", "views", view)
    return lab


def _site(lab: Lab, no: int, target: int) -> None:
    rng = lab.rng
    site = f"site{no}"
    base = f"{site}/"
    lab.add(base + "site.yaml", "sites", {"id": site, "description": f"Data centre {no}"})
    net = f"{site}-net"
    subnets = [lab.network(base + "site.yaml", f"{net}-{i}") for i in range(4)]
    nics = (
        {"network": f"{net}-{i}", "address": str(ip)}
        for i, subnet in enumerate(subnets)
        for ip in islice(subnet.hosts(), 10, None)
    )
    powers = [f"{site}-power-a", f"{site}-power-b", f"{site}-power-c"]
    for power in powers:
        lab.add(base + "site.yaml", "failure_domains", {"id": power, "type": "power", "site": site})
    remaining = target - lab.count
    # about 1 host per 20 objects: a host with its VMs, second-level VMs and membership
    n_racks = max(3, remaining // (HOSTS_PER_RACK * 20) + 1)
    computes: list[str] = []
    first_level: list[tuple[str, str]] = []  # (vm id, rack)
    hosts: list[tuple[str, str]] = []
    for r in range(n_racks):
        rack = f"{site}-rack{r:03d}"
        rack_file = f"{base}rack{r:03d}.yaml"
        lab.add(rack_file, "failure_domains", {"id": rack, "type": "rack", "site": site})
        for h in range(HOSTS_PER_RACK):
            host = f"{site}-r{r:03d}-h{h:02d}"
            hosts.append((host, rack))
            lab.add(
                rack_file,
                "hosts",
                {
                    "id": host,
                    "site": site,
                    "failure_domains": [rack, powers[r % 3]],
                    "vendor": "HPE",
                    "model": "ProLiant DL360 Gen10",
                    "cpu": {"sockets": 2, "cores": 16, "threads": 2},
                    "memory": "512GiB",
                    "disks": [{"name": "nvme0n1", "size": "3.84TB", "type": "nvme"}],
                    "nics": [{"name": "eno1", **next(nics)}],
                    "nested_virt": True,
                    "tags": ["physical"],
                },
            )
            for v in range(VMS_PER_HOST):
                vm = f"{host}-vm{v}"
                is_compute = v < 2
                lab.add(
                    rack_file,
                    "vms",
                    {
                        "id": vm,
                        "runs_on": host,
                        "platform": "libvirt",
                        "vcpu": 16 if is_compute else 4,
                        "memory": "64GiB" if is_compute else "8GiB",
                        "nested_virt": is_compute,
                        "autostart": True,
                        "nics": [next(nics)],
                        "tags": ["compute"] if is_compute else ["guest"],
                    },
                )
                if is_compute:
                    computes.append(vm)
                else:
                    first_level.append((vm, rack))
            if lab.count >= target:
                break
        if lab.count >= target:
            break
    os_net = f"{site}-tenant"
    tenant = lab.network(base + "openstack.yaml", os_net)
    tenant_addresses = (str(ip) for ip in islice(tenant.hosts(), 10, None))
    controllers = [vm for vm, _ in first_level[:3]]
    lab.add(
        base + "openstack.yaml",
        "clusters",
        {
            "id": f"{site}-openstack",
            "type": "openstack",
            "members": [{"machine": c, "roles": ["controller"]} for c in controllers]
            + [{"machine": c, "roles": ["compute"]} for c in computes],
            "silence": [{"rule": "quorum-failure-domain", "reason": "synthetic"}],
        },
    )
    for compute in computes:
        for s in range(SECOND_LEVEL_PER_COMPUTE):
            if lab.count >= target:
                break
            lab.add(
                base + "openstack.yaml",
                "vms",
                {
                    "id": f"{compute}-i{s}",
                    "runs_on": compute,
                    "platform": "openstack",
                    "managed_by": f"{site}-openstack",
                    "vcpu": 2,
                    "memory": "4GiB",
                    "flavor": "m1.medium",
                    "nics": [{"network": os_net, "address": next(tenant_addresses)}],
                },
            )
    _clusters(lab, site, base, hosts, first_level[3:], rng)


def _clusters(lab: Lab, site: str, base: str, hosts, guests, rng: random.Random) -> None:
    by_rack: dict[str, list[str]] = {}
    for vm, rack in guests:
        by_rack.setdefault(rack, []).append(vm)
    racks = sorted(by_rack)
    host_by_rack: dict[str, list[str]] = {}
    for host, rack in hosts:
        host_by_rack.setdefault(rack, []).append(host)
    k = 0
    while k < 50:
        # one rack from each power feed (racks are fed round-robin), so no feed holds a quorum
        usable = [[r for r in racks[feed::3] if len(by_rack[r]) >= 2] for feed in range(3)]
        if not all(usable):
            break
        k += 1
        chosen = [rng.choice(group) for group in usable]
        cps = [by_rack[r].pop() for r in chosen]
        etcds = [by_rack[r].pop(0) for r in chosen]  # the other end: another host
        workers = [by_rack[r].pop() for r in racks if by_rack[r]][:6]
        cluster = f"{site}-k8s{k}"
        file = f"{base}kubernetes.yaml"
        lab.add(
            file,
            "clusters",
            {
                "id": f"{cluster}-etcd",
                "type": "etcd",
                "members": [{"machine": m, "roles": ["member"]} for m in etcds],
            },
        )
        lab.add(
            file,
            "clusters",
            {
                "id": cluster,
                "type": "kubernetes",
                "etcd": {"mode": "external", "cluster": f"{cluster}-etcd"},
                "members": [{"machine": m, "roles": ["control-plane"]} for m in cps]
                + [{"machine": m, "roles": ["worker"]} for m in workers],
                "tags": ["kubernetes"],
            },
        )
    ceph_hosts = [host_by_rack[r][0] for r in racks[:3]]  # racks 0-2: three power feeds
    lab.add(
        f"{base}storage.yaml",
        "clusters",
        {
            "id": f"{site}-ceph",
            "type": "ceph",
            "members": [{"machine": h, "roles": ["mon", "mgr", "osd"]} for h in ceph_hosts],
        },
    )
    lab.add(
        f"{base}storage.yaml",
        "storage",
        {
            "id": f"{site}-rbd",
            "type": "ceph-pool",
            "provided_by": f"{site}-ceph",
            "replicas": 3,
            "used_by": [f"{site}-openstack"],
        },
    )
    lab.add(
        f"{base}services.yaml",
        "services",
        {
            "id": f"{site}-monitoring",
            "type": "prometheus",
            "runs_on": [ceph_hosts[0]],
            "depends_on": [f"{site}-ceph"],
        },
    )


ERRORS = ("unknown-ref", "address-subnet", "duplicate-id", "size-format")


def inject_errors(lab: Lab, count: int, rng: random.Random) -> list[str]:
    """Break ``count`` distinct objects, one way each; returns what was done."""
    vms = [(file, vm) for file, doc in sorted(lab.files.items()) for vm in doc.get("vms", [])]
    done = []
    for index, (file, vm) in enumerate(rng.sample(vms, count)):
        kind = ERRORS[index % len(ERRORS)]
        if kind == "unknown-ref":
            vm["runs_on"] = vm["runs_on"] + "-typo"
        elif kind == "address-subnet":
            vm["nics"][0]["address"] = "192.0.2.1"
        elif kind == "duplicate-id":
            lab.files[file]["vms"].append(dict(vm))
        else:
            vm["memory"] = "8G"
        done.append(f"{kind}: {vm['id']} in {file}")
    return done


def write(lab: Lab, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, doc in sorted(lab.files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.dump(
                doc,
                Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                sort_keys=False,
                allow_unicode=True,
            ),
            encoding="utf-8",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--errors", type=int, default=0, help="inject this many errors")
    parser.add_argument("-o", "--output", required=True, type=Path)
    args = parser.parse_args(argv)
    lab = generate(args.objects, args.seed)
    injected = inject_errors(lab, args.errors, random.Random(args.seed + 1)) if args.errors else []
    write(lab, args.output)
    print(
        f"{args.output}: {lab.count} objects in {len(lab.files)} files"
        + (f", {len(injected)} injected errors" if injected else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
