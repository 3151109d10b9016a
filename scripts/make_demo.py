"""Regenerate the demo lab behind ``topodoc drift --demo`` from ``topology/``.

Writes ``src/topodoc/demo/``: a copy of ``topology/`` (what ``--demo`` checks), one libvirt
test-driver node file per hypervisor of the topology's live part, and a recording of
OpenStack, Kubernetes and etcd as the collectors would have seen them; then applies the
DELIBERATE DRIFT listed in ``DRIFT`` so the demo report shows every state. Run it after
changing topology/ (the test suite fails while the demo is stale):

    .venv/bin/python scripts/make_demo.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import uuid
from pathlib import Path
from xml.sax.saxutils import escape

from topodoc.drift.resources import Resource, SourceResult
from topodoc.drift.snapshot import write_snapshot
from topodoc.model.objects import VM, Host, Model
from topodoc.reading.load import load_topology
from topodoc.util.atomic import write_text

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "topodoc" / "demo"
TAKEN_AT = "2026-11-26T08:00:00Z"

#: The deliberate drift, as a person would describe it; each line is applied below.
DRIFT = [
    "z-k8s-m-2 was resized to 16GiB of memory on zcloud-2 (changed memory)",
    "z-k8s-m-3 is shut off on zcloud-3 (changed state)",
    "kvm-k8s-3 is not defined on zcloud (missing)",
    "os-compute-2 lost its vmx CPU feature (changed nested_virt)",
    "a scratch VM nobody documented runs on zcloud-3 (unexpected)",
    "os-elastic-1 is running although documented as shut off (changed state)",
    "a server left over from a Terraform test run, tf-test-1 (unexpected)",
    "Kubernetes node zcloud-3 is NotReady (changed ready)",
    "etcd did not answer within the timeout (unverifiable)",
]


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.topodoc-demo"))


def _domain(
    vm: VM,
    *,
    memory: int | None = None,
    running: bool = True,
    vmx: bool | None = None,
    nova: tuple[str, str] | None = None,
) -> str:
    memory_kib = (memory or vm.memory or 2**30) // 1024
    nested = vm.nested_virt if vmx is None else vmx
    cpu = (
        "<cpu mode='host-passthrough'><feature policy='require' name='vmx'/></cpu>"
        if nested
        else "<cpu mode='host-model'><feature policy='disable' name='vmx'/></cpu>"
    )
    name = vm.id
    metadata = ""
    if nova:
        name, flavor = f"instance-{nova[0]}", nova[1]
        metadata = (
            "<metadata><nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/"
            f"nova/1.1'><nova:name>{escape(vm.id)}</nova:name><nova:flavor "
            f"name='{escape(flavor)}'/></nova:instance></metadata>"
        )
    disks = "".join(
        f"<disk type='file' device='disk'><source file='/var/lib/libvirt/images/{vm.id}-"
        f"{d.name or 'vda'}.qcow2'/><target dev='{d.name or 'vda'}' bus='virtio'/></disk>"
        for d in vm.disks
    )
    nics = "".join("<interface type='bridge'><source bridge='br0'/></interface>" for _ in vm.nics)
    return (
        "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
        f"<name>{escape(name)}</name><uuid>{_uuid(vm.id)}</uuid>{metadata}"
        f"<memory unit='KiB'>{memory_kib}</memory><vcpu placement='static'>{vm.vcpu or 1}"
        f"</vcpu><os><type arch='x86_64'>hvm</type></os>{cpu}<devices>{disks}{nics}</devices>"
        f"{'' if running else '<test:runstate>5</test:runstate>'}</domain>\n"
    )


def _node(model: Model, target: str) -> str:
    machine = model.objects[target]
    if isinstance(machine, Host) and machine.cpu and machine.cpu.shape:
        sockets, cores, threads = machine.cpu.sockets, machine.cpu.cores, machine.cpu.threads
    elif isinstance(machine, Host) and machine.cpu and machine.cpu.logical:
        sockets, cores, threads = 1, machine.cpu.logical, 1  # a bare logical CPU count
    else:
        sockets, cores, threads = 1, machine.vcpu or 1, 1
    memory_kib = (machine.memory or 2**30) // 1024
    domains = []
    for child in model.children.get(target, ()):
        vm = model.objects[child]
        if not isinstance(vm, VM) or not vm.active:
            continue  # a planned VM is not built yet, a retired one is gone
        if vm.id == "kvm-k8s-3":  # DRIFT: missing
            continue
        kwargs: dict = {}
        if vm.id == "z-k8s-m-2":
            kwargs["memory"] = 16 * 2**30  # DRIFT: changed memory
        if vm.id == "z-k8s-m-3":
            kwargs["running"] = False  # DRIFT: changed state
        if vm.id == "os-compute-2":
            kwargs["vmx"] = False  # DRIFT: changed nested_virt
        if vm.platform == "openstack":
            kwargs["nova"] = (_uuid(vm.id)[:8], vm.flavor or "m1.small")
            # DRIFT: os-elastic-1 runs (Nova and its compute node's libvirt agree)
            kwargs["running"] = vm.state != "shutoff" or vm.id == "os-elastic-1"
        domains.append(_domain(vm, **kwargs))
    if target == "zcloud-3":  # DRIFT: unexpected
        scratch = VM(
            id="scratch",
            runs_on=target,
            platform="libvirt",
            vcpu=2,
            memory=4 * 2**30,
            loc=machine.loc,
        )
        domains.append(_domain(scratch))
    return (
        "<node>\n"
        f"  <cpu><mhz>2300</mhz><model>x86_64</model><active>{sockets * cores * threads}"
        f"</active><nodes>1</nodes><sockets>{sockets}</sockets><cores>{cores}</cores>"
        f"<threads>{threads}</threads></cpu>\n"
        f"  <memory>{memory_kib}</memory>\n" + "".join(domains) + "</node>\n"
    )


def _openstack(model: Model, cluster_id: str, uri: str) -> SourceResult:
    resources = []
    vms = [
        vm
        for vm in model.of_kind("vm")
        if vm.platform == "openstack" and vm.managed_by == cluster_id and vm.active
    ]
    for vm in vms:
        running = vm.state != "shutoff" or vm.id == "os-elastic-1"  # DRIFT: changed state
        resources.append(
            Resource(
                f"vm:{vm.id}",
                "vm",
                {
                    "hypervisor": model.objects[vm.runs_on].node_name,
                    "state": "running" if running else "shutoff",
                    "vcpu": vm.vcpu,
                    "memory": vm.memory,
                    "flavor": vm.flavor,
                    "openstack_id": _uuid(vm.id),
                },
                f"openstack:{cluster_id}",
            )
        )
    resources.append(
        Resource(
            "vm:tf-test-1",
            "vm",
            {  # DRIFT: unexpected
                "hypervisor": "os-compute-1",
                "state": "running",
                "vcpu": 1,
                "memory": 2**31,
                "flavor": "m1.small",
                "openstack_id": _uuid("tf-test-1"),
            },
            f"openstack:{cluster_id}",
        )
    )
    for machine_id in dict.fromkeys(model.objects[cluster_id].machines("compute")):
        machine = model.objects[machine_id]
        resources.append(
            Resource(
                f"os-hypervisor:{cluster_id}/{machine.node_name}",
                "os-hypervisor",
                {
                    "state": "up",
                    "status": "enabled",
                    "vcpus": machine.vcpu,
                    "memory": machine.memory,
                },
                f"openstack:{cluster_id}",
            )
        )
    return SourceResult(f"openstack:{cluster_id}", "openstack", uri, "ok", None, 1.8, 5, resources)


def _kubernetes(model: Model, cluster_id: str, uri: str, etcd_uri: str) -> SourceResult:
    cluster = model.objects[cluster_id]
    runtime = cluster.container_runtime
    # the version the topology states, else one of that runtime's (Kubernetes 1.25 with Docker
    # through cri-dockerd reports docker://20.10.24)
    runtime_version = f"{runtime.get('name', 'containerd')}://{runtime.get('version', '20.10.24')}"
    resources = []
    for machine_id in dict.fromkeys(cluster.machines()):
        machine = model.objects[machine_id]
        if not machine.active:
            continue
        roles = sorted({r for m in cluster.members if m.machine == machine_id for r in m.roles})
        cpus = machine.cpu.logical if isinstance(machine, Host) else machine.vcpu
        address = next((n.address for n in machine.nics if n.address), None)
        resources.append(
            Resource(
                f"k8s-node:{cluster_id}/{machine.node_name}",
                "k8s-node",
                {
                    "roles": roles,
                    "ready": machine_id != "zcloud-3",  # DRIFT: NotReady
                    "kubelet_version": "v1.25.16",
                    "container_runtime": runtime_version,
                    "cpu": cpus,
                    "memory": machine.memory,
                    "addresses": sorted([f"Hostname:{machine.node_name}", f"InternalIP:{address}"]),
                    "system_uuid": _uuid(machine_id),
                },
                f"kubernetes:{cluster_id}",
            )
        )
    resources.append(
        Resource(
            f"k8s-etcd:{cluster_id}",
            "k8s-etcd",
            {"servers": sorted(etcd_uri.split(","))},
            f"kubernetes:{cluster_id}",
        )
    )
    return SourceResult(
        f"kubernetes:{cluster_id}", "kubernetes", uri, "ok", None, 0.6, 2, resources
    )


def _copy_topology(out: Path) -> None:
    """``out/topology/``: the YAML files of topology/, byte for byte, and nothing else."""
    folder = out / "topology"
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in (ROOT / "topology").iterdir() if p.suffix in (".yaml", ".yml"))
    for stale in set(folder.iterdir()) - {folder / p.name for p in sources}:
        stale.unlink()
    for source in sources:
        shutil.copyfile(source, folder / source.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT}")
    out = parser.parse_args(argv).out
    loaded = load_topology(ROOT / "topology")
    if not loaded.ok:
        print("\n".join(map(str, loaded.errors)), file=sys.stderr)
        return 1
    model = loaded.model
    _copy_topology(out)
    (out / "libvirt").mkdir(parents=True, exist_ok=True)
    nodes = {out / "libvirt" / f"{s.target}.xml" for s in model.live.sources if s.kind == "libvirt"}
    for stale in set((out / "libvirt").iterdir()) - nodes:
        stale.unlink()
    recorded = []
    sources = {s.id: s for s in model.live.sources}
    for source in model.live.sources:
        if source.kind == "libvirt":
            write_text(out / "libvirt" / f"{source.target}.xml", _node(model, source.target))
        elif source.kind == "openstack":
            recorded.append(_openstack(model, source.target, source.uri))
        elif source.kind == "kubernetes":
            etcd = sources.get(f"etcd:{model.objects[source.target].etcd_cluster}")
            recorded.append(_kubernetes(model, source.target, source.uri, etcd.uri if etcd else ""))
        elif source.kind == "etcd":  # DRIFT: unverifiable (what a run's timeout says)
            recorded.append(
                SourceResult(
                    source.id,
                    "etcd",
                    source.uri,
                    "timeout",
                    "no complete answer within 30 s",
                    30.0,
                    1,
                    [],
                )
            )
    write_snapshot(out / "recording.json", recorded, taken_at=TAKEN_AT)
    write_text(
        out / "topodocignore",
        (
            "# The demo's ignore rules (topodoc drift --demo).\n"
            "\n"
            "# libvirt's test driver loads every domain with autostart off and cannot be told\n"
            "# otherwise, so the demo cannot check autostart.\n"
            "vm:*.autostart\n"
        ),
    )
    write_text(out / "DRIFT.json", json.dumps(DRIFT, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
