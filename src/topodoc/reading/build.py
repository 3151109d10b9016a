"""From parsed, schema-checked files to one :class:`~topodoc.model.objects.Model`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from topodoc.model import objects as m
from topodoc.model.kinds import REGISTRY
from topodoc.model.problems import Location, Problem
from topodoc.model.selection import Selection, ViewError
from topodoc.model.sizes import SizeError, parse_size
from topodoc.reading.depth import too_deep
from topodoc.reading.schema import SECTIONS, invalid_items, validate
from topodoc.reading.sources import Sources
from topodoc.reading.yamlpos import NodeLocations, YList, YMap

SECTION_KIND = {kind.section: kind.name for kind in REGISTRY}
#: Sections of named things that are not objects: each has ids of its own.
NAMED = {"views": "view", "scenarios": "scenario"}


class _Builder:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def locs(self, item: YMap) -> NodeLocations:
        """Where each field's value is written; ``field[i]`` for list items."""
        return NodeLocations(item)

    def size(self, item: YMap, key: str) -> int | None:
        value = item.get(key)
        if value is None:
            return None
        try:
            return parse_size(value)
        except SizeError as exc:
            self.problems.append(Problem("size-format", "error", str(exc), item.loc(key)))
            return None

    def common(self, item: YMap) -> dict[str, Any]:
        return {
            "id": item["id"],
            "loc": item.loc(),
            "locs": self.locs(item),
            "name": item.get("name", ""),
            "description": item.get("description", "").strip(),
            "tags": tuple(item.get("tags", ())),
            "label": item.get("label"),
            "silence": tuple(
                m.Silence(rule=s["rule"], reason=s["reason"], loc=s.loc(), locs=self.locs(s))
                for s in item.get("silence", ())
            ),
            "expected_drift": tuple(
                m.ExpectedDrift(
                    pattern=e.get("pattern", "*"),
                    reason=e["reason"],
                    loc=e.loc(),
                    locs=self.locs(e),
                )
                for e in item.get("expected_drift", ())
            ),
            "status": item.get("status", "active"),
        }

    def nics(self, item: YMap) -> tuple[m.Nic, ...]:
        out = []
        for n in item.get("nics", ()):
            written = n.get("address")
            addresses = list(written) if isinstance(written, list) else [written] * bool(written)
            out.append(
                m.Nic(
                    loc=n.loc(),
                    locs=self.locs(n),
                    name=n.get("name"),
                    type=n.get("type"),
                    master=n.get("master"),
                    network=n.get("network"),
                    address=addresses[0] if addresses else None,
                    aliases=tuple(addresses[1:]),
                    mac=n.get("mac"),
                    speed=n.get("speed"),
                    options=dict(n.get("options", {})),
                    description=n.get("description", "").strip(),
                )
            )
        return tuple(out)

    def ranges(self, item: YMap, key: str) -> tuple[m.Range, ...]:
        return tuple(
            m.Range(
                loc=r.loc(),
                locs=self.locs(r),
                start=r["start"],
                end=r["end"],
                name=r.get("name"),
                purpose=r.get("purpose"),
                description=r.get("description", "").strip(),
            )
            for r in item.get(key, ())
        )

    def dns(self, item: YMap) -> m.Dns | None:
        dns = item.get("dns")
        if dns is None:
            return None
        return m.Dns(
            loc=dns.loc(),
            locs=self.locs(dns),
            domain=dns.get("domain"),
            servers=tuple(dns.get("servers", ())),
            records=tuple(
                m.DnsRecord(
                    loc=r.loc(),
                    locs=self.locs(r),
                    name=r["name"],
                    addresses=tuple(r.get("addresses", ())),
                    targets=tuple(r.get("targets", ())),
                    description=r.get("description", "").strip(),
                )
                for r in dns.get("records", ())
            ),
        )

    def disks(self, item: YMap) -> tuple[m.Disk, ...]:
        return tuple(
            m.Disk(
                loc=d.loc(),
                locs=self.locs(d),
                size=self.size(d, "size"),
                name=d.get("name"),
                type=d.get("type"),
                model=d.get("model"),
                pool=d.get("pool"),
                description=d.get("description", "").strip(),
            )
            for d in item.get("disks", ())
        )

    def devices(self, item: YMap) -> tuple[m.Device, ...]:
        return tuple(
            m.Device(
                loc=d.loc(),
                locs=self.locs(d),
                name=d["name"],
                type=d.get("type"),
                pci=d.get("pci"),
                pci_id=d.get("pci_id"),
                model=d.get("model"),
                disk=d.get("disk"),
                vfs=d.get("vfs"),
                vgpus=d.get("vgpus"),
                vgpu_type=d.get("vgpu_type"),
                description=d.get("description", "").strip(),
            )
            for d in item.get("devices", ())
        )

    def passthrough(self, item: YMap) -> tuple[m.Passthrough, ...]:
        return tuple(
            m.Passthrough(
                loc=p.loc(),
                locs=self.locs(p),
                device=p["device"],
                vf=p.get("vf"),
                slices=p.get("slices"),
                description=p.get("description", "").strip(),
            )
            for p in item.get("passthrough", ())
        )

    def machine(self, item: YMap) -> dict[str, Any]:
        return {**self.common(item), "hostname": item.get("hostname"), "nics": self.nics(item)}

    def overcommit(self, item: YMap) -> dict[str, Any]:
        over = item.get("overcommit", {})
        return {"overcommit_cpu": over.get("cpu"), "overcommit_memory": over.get("memory")}

    def site(self, item: YMap) -> m.Site:
        return m.Site(**self.common(item), location=item.get("location"))

    def failure_domain(self, item: YMap) -> m.FailureDomain:
        return m.FailureDomain(
            **self.common(item), type=item["type"], site=item.get("site"), parent=item.get("parent")
        )

    def cpu(self, item: YMap) -> m.Cpu | None:
        cpu = item.get("cpu")
        if isinstance(cpu, int):  # a bare logical CPU count
            return m.Cpu(loc=item.loc("cpu"), count=cpu)
        if not cpu:
            return None
        return m.Cpu(
            loc=cpu.loc(),
            locs=self.locs(cpu),
            sockets=cpu.get("sockets"),
            cores=cpu.get("cores"),
            threads=cpu.get("threads", 1),
            count=cpu.get("count"),
            model=cpu.get("model"),
        )

    def host(self, item: YMap) -> m.Host:
        return m.Host(
            **self.machine(item),
            **self.overcommit(item),
            site=item.get("site"),
            failure_domains=tuple(item.get("failure_domains", ())),
            vendor=item.get("vendor"),
            model=item.get("model"),
            serial=item.get("serial"),
            cpu=self.cpu(item),
            memory=self.size(item, "memory"),
            disks=self.disks(item),
            devices=self.devices(item),
            bmc=dict(item.get("bmc", {})),
            os=dict(item.get("os", {})),
            nested_virt=item.get("nested_virt", False),
        )

    def vm(self, item: YMap) -> m.VM:
        return m.VM(
            **self.machine(item),
            **self.overcommit(item),
            runs_on=item["runs_on"],
            platform=item["platform"],
            failure_domains=tuple(item.get("failure_domains", ())),
            managed_by=item.get("managed_by"),
            vcpu=item.get("vcpu"),
            vcpupin=tuple(
                m.Pin(loc=p.loc(), locs=self.locs(p), vcpu=p["vcpu"], cpuset=p["cpuset"])
                for p in item.get("vcpupin", ())
            ),
            numa_node=item.get("numa_node"),
            cpu_mode=item.get("cpu_mode"),
            firmware=item.get("firmware"),
            machine_type=item.get("machine_type"),
            memory=self.size(item, "memory"),
            memory_max=self.size(item, "memory_max"),
            domain=item.get("domain"),
            disks=self.disks(item),
            passthrough=self.passthrough(item),
            nested_virt=item.get("nested_virt", False),
            autostart=item.get("autostart"),
            state=item.get("state"),
            template=item.get("template", False),
            flavor=item.get("flavor"),
            os=dict(item.get("os", {})),
        )

    def container(self, item: YMap) -> m.Container:
        return m.Container(
            **self.machine(item),
            runs_on=item["runs_on"],
            runtime=item.get("runtime"),
            image=item.get("image"),
        )

    def cluster(self, item: YMap) -> m.Cluster:
        etcd = item.get("etcd", {})
        ceph = item.get("ceph")
        aliases = m.ROLE_ALIASES.get(item["type"], {})
        return m.Cluster(
            **self.common(item),
            type=item["type"],
            version=item.get("version"),
            api_endpoint=item.get("api_endpoint"),
            container_runtime=dict(item.get("container_runtime", {})),
            history=tuple(
                m.Release(
                    loc=r.loc(),
                    locs=self.locs(r),
                    version=r["version"],
                    date=r["date"],
                    description=r.get("description", ""),
                )
                for r in item.get("history", ())
            ),
            ceph=m.Ceph(
                loc=ceph.loc(),
                locs=self.locs(ceph),
                fsid=ceph.get("fsid"),
                public_network=ceph.get("public_network"),
                cluster_network=ceph.get("cluster_network"),
            )
            if ceph
            else None,
            members=tuple(
                m.Member(
                    loc=x.loc(),
                    locs=self.locs(x),
                    machine=x["machine"],
                    roles=tuple(aliases.get(r, r) for r in x["roles"]),
                    osds=tuple(
                        m.Osd(loc=o.loc(), locs=self.locs(o), id=o["id"], device=o.get("device"))
                        for o in x.get("osds", ())
                    ),
                )
                for x in item["members"]
            ),
            etcd_mode=etcd.get("mode"),
            etcd_cluster=etcd.get("cluster"),
            depends_on=tuple(item.get("depends_on", ())),
        )

    def service(self, item: YMap) -> m.Service:
        return m.Service(
            **self.common(item),
            runs_on=tuple(item["runs_on"]),
            type=item.get("type"),
            depends_on=tuple(item.get("depends_on", ())),
            version=item.get("version"),
            url=item.get("url"),
        )

    def network(self, item: YMap) -> m.Network:
        return m.Network(
            **self.common(item),
            type=item["type"],
            subnet=item.get("subnet"),
            gateway=item.get("gateway"),
            vlan=item.get("vlan"),
            bridge=item.get("bridge"),
            parent=item.get("parent"),
            forward=item.get("forward"),
            vf_pool=tuple(
                m.VfSource(loc=v.loc(), locs=self.locs(v), host=v["host"], device=v["device"])
                for v in item.get("vf_pool", ())
            ),
            dns=self.dns(item),
            dhcp=self.ranges(item, "dhcp"),
            pools=self.ranges(item, "pools"),
        )

    def storage(self, item: YMap) -> m.Storage:
        return m.Storage(
            **self.common(item),
            type=item["type"],
            provided_by=item["provided_by"],
            size=self.size(item, "size"),
            backing=tuple(item.get("backing", ())),
            used_by=tuple(item.get("used_by", ())),
            replicas=item.get("replicas"),
            min_replicas=item.get("min_replicas"),
        )

    def view(self, item: YMap) -> m.View | None:
        """The view; ``None``, with a problem, when no diagram could show its selection (the
        schema checks the rest: only a depth such as ``2.0``, an integer to JSON Schema)."""
        try:
            selection = Selection(
                layers=tuple(item.get("layers", ())),
                kinds=tuple(item.get("kinds", ())),
                tags=tuple(item.get("tags", ())),
                root=item.get("root"),
                depth=item.get("depth"),
                include=tuple(item.get("include", ())),
                exclude=tuple(item.get("exclude", ())),
                direction=item.get("direction", "TB"),
                title=item.get("title", ""),
                level=item.get("level", "detail"),
            )
        except ViewError as exc:
            message = f"view {item['id']}: {exc}"
            self.problems.append(Problem("schema", "error", message, item.loc("depth")))
            return None
        return m.View(
            loc=item.loc(),
            locs=self.locs(item),
            id=item["id"],
            description=item.get("description", ""),
            selection=selection,
        )

    def scenario(self, item: YMap) -> m.Scenario:
        return m.Scenario(
            loc=item.loc(),
            locs=self.locs(item),
            id=item["id"],
            name=item.get("name", ""),
            description=item.get("description", ""),
            fail=tuple(item["fail"]),
        )

    def live(self, parts: list[tuple[YMap, set[tuple[str, int]]]]) -> m.Live:
        sources: dict[str, m.LiveSource] = {}
        timeout = 30.0
        severity: list[str] = []
        timeout_at: Location | None = None
        fields = {
            "libvirt": ("hypervisor", "uri"),
            "openstack": ("cluster", "cloud"),
            "kubernetes": ("cluster", "context"),
            "etcd": ("cluster", "endpoints"),
        }
        for part, bad in parts:  # entries the schema rejected are skipped here
            if (
                isinstance(part.get("timeout"), (int, float))
                and not isinstance(part["timeout"], bool)
                and part["timeout"] > 0
            ):
                if timeout_at is not None:
                    self.problems.append(
                        Problem(
                            "duplicate-id",
                            "error",
                            f"live.timeout is already set at {timeout_at}; set it in one file",
                            part.loc("timeout", of_key=True),
                        )
                    )
                timeout, timeout_at = float(part["timeout"]), part.loc("timeout", of_key=True)
            if isinstance(part.get("severity"), YList):
                severity.extend(s for s in part["severity"] if isinstance(s, str))
            for kind, (target, uri) in fields.items():
                entries = part.get(kind)
                for index, entry in enumerate(entries if isinstance(entries, YList) else ()):
                    if (f"live.{kind}", index) in bad or not isinstance(entry, YMap):
                        continue
                    options = {k: str(v) for k, v in entry.items() if k not in (target, uri)}
                    value = entry[uri]
                    source = m.LiveSource(
                        loc=entry.loc(),
                        locs=self.locs(entry),
                        kind=kind,
                        target=entry[target],
                        uri=",".join(value) if isinstance(value, list) else value,
                        options=options,
                    )
                    if source.id in sources:
                        self.problems.append(
                            Problem(
                                "duplicate-id",
                                "error",
                                f"live.{kind}: {target} "
                                f"{source.target!r} already has a source at "
                                f"{sources[source.id].loc}",
                                entry.loc(target),
                            )
                        )
                        continue
                    sources[source.id] = source
        return m.Live(tuple(sources[k] for k in sorted(sources)), timeout, tuple(severity))


def build_model(sources: Sources) -> tuple[m.Model, list[Problem], set[str]]:
    """The model, the problems found building it, and ids declared by objects left out of it.

    Objects with schema errors are left out of the model (their ids are returned so that
    references to them are not reported a second time as dangling).
    """
    builder = _Builder()
    problems = builder.problems
    objects: dict[str, m.AnyObj] = {}
    named: dict[str, dict[str, Any]] = {section: {} for section in NAMED}
    broken_ids: set[str] = set()
    lives: list[tuple[YMap, set[tuple[str, int]]]] = []
    first_seen: dict[str, Location] = {}
    for doc in sources.documents.values():
        doc_problems = validate(doc)
        problems.extend(doc_problems)
        bad = invalid_items(doc) if doc_problems else set()
        for section in SECTIONS:
            items = doc.get(section)
            if not isinstance(items, YList):
                continue
            make: Callable[[YMap], Any] = getattr(
                builder, SECTION_KIND.get(section) or NAMED[section]
            )
            for index, item in enumerate(items):
                obj_id = item.get("id") if isinstance(item, YMap) else None
                if not isinstance(obj_id, str):
                    continue
                seen_key = f"{NAMED[section]}:{obj_id}" if section in NAMED else obj_id
                if seen_key in first_seen:
                    problems.append(
                        Problem(
                            "duplicate-id",
                            "error",
                            f"id {obj_id!r} is already used at {first_seen[seen_key]}",
                            item.loc("id"),
                            obj_id,
                        )
                    )
                    continue
                first_seen[seen_key] = item.loc("id")
                if (section, index) in bad or (made := make(item)) is None:
                    broken_ids.add(obj_id)  # schema errors, or a view no diagram can show
                    continue
                (named.get(section, objects))[obj_id] = made
        live = doc.get("live")
        if isinstance(live, YMap):
            lives.append((live, bad))
    deep, deep_problems = too_deep(objects)
    problems.extend(deep_problems)
    broken_ids |= deep
    model = m.Model(
        objects=dict(sorted((k, v) for k, v in objects.items() if k not in deep)),
        views=dict(sorted(named["views"].items())),
        live=builder.live(lives),
        files=tuple(sources.documents),
        digest=sources.digest,
        visited=tuple(sources.visited),
        scenarios=dict(sorted(named["scenarios"].items())),
    )
    return model, problems, broken_ids - set(model.objects)
