"""A small lab for the CLI tests: a topology and libvirt test-driver node files that match it.

Three hypervisors: the hosts ``h1`` and ``h2`` and, one level down, ``compute-1`` (a VM on
``h1`` that is itself a hypervisor with its own ``live.libvirt`` entry). :func:`write_lab`
writes the topology and node files in sync; tests pass ``drift`` to change the lab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

TEST_NS = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
GiB_KiB = 2**20

TOPOLOGY = """\
version: 1
hosts:
  - id: h1
    cpu: {{sockets: 1, cores: 4, threads: 2}}
    memory: 32GiB
    nested_virt: true
  - id: h2
    hostname: h2.lab
    cpu: {{sockets: 1, cores: 2}}
vms:
  - id: web-1
    runs_on: h1
    platform: libvirt
    vcpu: 2
    memory: 2GiB
    state: running
    autostart: false
  - id: compute-1
    hostname: compute-1.lab
    runs_on: h1
    platform: libvirt
    vcpu: 4
    memory: 8GiB
    nested_virt: true
  - id: inner-1
    runs_on: compute-1
    platform: libvirt
    vcpu: 1
    memory: 1GiB
    state: running
  - id: db-1
    runs_on: h2
    platform: libvirt
    vcpu: 2
    memory: 4GiB
    state: shutoff
live:
  timeout: 20
  libvirt:
    - {{hypervisor: h1, uri: "{h1}"}}
    - {{hypervisor: h2, uri: "{h2}"}}
    - {{hypervisor: compute-1, uri: "{compute-1}"}}
"""

#: An OpenStack cloud on compute-1 with one server, tenant-1 (a Nova instance in compute-1's
#: libvirt); the cloud's source fails (no clouds.yaml) unless a test points it elsewhere.
CLOUD_YAML = """\
version: 1
clusters:
  - id: cloud
    type: openstack
    members:
      - {machine: compute-1, roles: [compute]}
vms:
  - id: tenant-1
    runs_on: compute-1
    platform: openstack
    managed_by: cloud
    flavor: m1.small
    vcpu: 1
    memory: 1GiB
    state: running
live:
  openstack:
    - {cluster: cloud, cloud: lab, clouds_yaml: /nonexistent/clouds.yaml}
"""

#: The lab's domains per hypervisor, in sync with TOPOLOGY:
#: name -> (vcpu, GiB, running, vmx[, nova flavor]).
DOMAINS: dict[str, dict[str, tuple[int, int, bool, bool]]] = {
    "h1": {"web-1": (2, 2, True, False), "compute-1": (4, 8, True, True)},
    "h2": {"db-1": (2, 4, False, False)},
    "compute-1": {"inner-1": (1, 1, True, False)},
}
#: Logical CPUs per hypervisor, as the topology states them.
CPUS = {"h1": (1, 4, 2), "h2": (1, 2, 1), "compute-1": (1, 4, 1)}


def domain(
    name: str, vcpu: int, gib: int, running: bool = True, vmx: bool = False, nova: str | None = None
) -> str:
    """A test-driver domain; ``vmx``: nested virtualization passed through; ``nova``: the
    flavor of a Nova instance (the domain is then ``instance-...`` with Nova metadata)."""
    metadata = ""
    if nova:
        metadata = (
            "<metadata><nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/"
            f"nova/1.1'><nova:name>{escape(name)}</nova:name><nova:flavor "
            f"name='{nova}'/></nova:instance></metadata>"
        )
        name = f"instance-{sum(map(ord, name)):08x}"
    cpu = (
        "<cpu mode='host-passthrough'><feature policy='require' name='vmx'/></cpu>"
        if vmx
        else "<cpu mode='host-model'><feature policy='disable' name='vmx'/></cpu>"
    )
    return (
        f"  <domain type='test' {TEST_NS}><name>{escape(name)}</name>{metadata}"
        f"<memory unit='KiB'>{gib * GiB_KiB}</memory><vcpu>{vcpu}</vcpu>"
        f"<os><type arch='x86_64'>hvm</type></os>{cpu}<devices><interface type='bridge'>"
        f"<source bridge='br0'/></interface></devices>"
        f"{'' if running else '<test:runstate>5</test:runstate>'}</domain>\n"
    )


def node(sockets: int, cores: int, threads: int, domains: str, extra: str = "") -> str:
    return (
        f"<node>\n  <cpu><mhz>2400</mhz><model>x86_64</model>"
        f"<active>{sockets * cores * threads}</active><nodes>1</nodes>"
        f"<sockets>{sockets}</sockets><cores>{cores}</cores><threads>{threads}</threads>"
        f"</cpu>\n  <memory>{32 * GiB_KiB}</memory>\n{domains}{extra}</node>\n"
    )


#: A network and a storage pool on h1 (not documented: not inventory kinds, never reported).
H1_EXTRA = (
    "  <network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/>"
    "</network>\n  <pool type='dir'><name>images</name><target><path>/var/lib/libvirt/"
    "images</path></target></pool>\n"
)


@dataclass
class Lab:
    """Where a written lab lives."""

    root: Path
    topology: Path  # the topology directory
    nodes: dict[str, Path] = field(default_factory=dict)  # hypervisor -> node file

    def uri(self, hypervisor: str) -> str:
        return f"test://{self.nodes[hypervisor]}"


def write_lab(
    root: Path,
    *,
    drift: dict[str, dict[str, tuple | None]] | None = None,
    extra_yaml: str = "",
    cloud: bool = False,
) -> Lab:
    """The lab under ``root``: ``topology/lab.yaml`` and ``nodes/HYPERVISOR.xml``.

    ``drift`` changes domains per hypervisor: ``{"h1": {"web-1": None}}`` removes one,
    ``{"h2": {"stray": (1, 1, True, False)}}`` adds or replaces one. ``extra_yaml``: a
    second topology file, ``topology/extra.yaml``. ``cloud`` adds the OpenStack cloud of
    CLOUD_YAML in ``topology/cloud.yaml``, its server in compute-1's libvirt.
    """
    if cloud:
        drift = {**(drift or {})}
        drift["compute-1"] = {
            "tenant-1": (1, 1, True, False, "m1.small"),
            **(drift.get("compute-1") or {}),
        }
    lab = Lab(root, root / "topology")
    (root / "nodes").mkdir(parents=True, exist_ok=True)
    lab.topology.mkdir(parents=True, exist_ok=True)
    for hypervisor, domains in DOMAINS.items():
        domains = dict(domains)
        for name, spec in ((drift or {}).get(hypervisor) or {}).items():
            if spec is None:
                domains.pop(name, None)
            else:
                domains[name] = spec
        text = "".join(domain(name, *spec) for name, spec in domains.items())
        path = root / "nodes" / f"{hypervisor}.xml"
        path.write_text(node(*CPUS[hypervisor], text, H1_EXTRA if hypervisor == "h1" else ""))
        lab.nodes[hypervisor] = path
    text = TOPOLOGY.format(**{h: lab.uri(h) for h in lab.nodes})
    (lab.topology / "lab.yaml").write_text(text)
    if cloud:
        (lab.topology / "cloud.yaml").write_text(CLOUD_YAML)
    if extra_yaml:
        (lab.topology / "extra.yaml").write_text(extra_yaml)
    return lab
