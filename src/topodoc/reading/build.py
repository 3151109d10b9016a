"""From parsed, schema-checked files to one :class:`~topodoc.model.objects.Model`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from topodoc.model import objects as m
from topodoc.model.kinds import REGISTRY
from topodoc.model.problems import Location, Problem
from topodoc.model.sizes import SizeError, parse_size
from topodoc.reading.schema import SECTIONS, invalid_items, validate
from topodoc.reading.sources import Sources
from topodoc.reading.yamlpos import NodeLocations, YList, YMap

SECTION_KIND = {kind.section: kind.name for kind in REGISTRY}


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
            "id": item["id"], "loc": item.loc(), "locs": self.locs(item),
            "name": item.get("name", ""), "description": item.get("description", "").strip(),
            "tags": tuple(item.get("tags", ())), "label": item.get("label"),
            "silence": tuple(m.Silence(rule=s["rule"], reason=s["reason"], loc=s.loc(),
                                       locs=self.locs(s)) for s in item.get("silence", ())),
            "expected_drift": tuple(
                m.ExpectedDrift(pattern=e.get("pattern", "*"), reason=e["reason"], loc=e.loc(),
                                locs=self.locs(e)) for e in item.get("expected_drift", ())),
        }

    def nics(self, item: YMap) -> tuple[m.Nic, ...]:
        return tuple(m.Nic(loc=n.loc(), locs=self.locs(n), name=n.get("name"),
                           network=n.get("network"), address=n.get("address"),
                           mac=n.get("mac"), speed=n.get("speed"))
                     for n in item.get("nics", ()))

    def disks(self, item: YMap) -> tuple[m.Disk, ...]:
        return tuple(m.Disk(loc=d.loc(), locs=self.locs(d), size=self.size(d, "size") or 0,
                            name=d.get("name"), type=d.get("type"), model=d.get("model"),
                            pool=d.get("pool"))
                     for d in item.get("disks", ()))

    def machine(self, item: YMap) -> dict[str, Any]:
        return {**self.common(item), "hostname": item.get("hostname"), "nics": self.nics(item)}

    def overcommit(self, item: YMap) -> dict[str, Any]:
        over = item.get("overcommit", {})
        return {"overcommit_cpu": over.get("cpu"), "overcommit_memory": over.get("memory")}

    def site(self, item: YMap) -> m.Site:
        return m.Site(**self.common(item), location=item.get("location"))

    def failure_domain(self, item: YMap) -> m.FailureDomain:
        return m.FailureDomain(**self.common(item), type=item["type"], site=item.get("site"),
                               parent=item.get("parent"))

    def host(self, item: YMap) -> m.Host:
        cpu = item.get("cpu")
        return m.Host(
            **self.machine(item), **self.overcommit(item), site=item.get("site"),
            failure_domains=tuple(item.get("failure_domains", ())), vendor=item.get("vendor"),
            model=item.get("model"), serial=item.get("serial"),
            cpu=m.Cpu(loc=cpu.loc(), locs=self.locs(cpu), sockets=cpu["sockets"],
                      cores=cpu["cores"], threads=cpu.get("threads", 1), model=cpu.get("model"))
            if cpu else None,
            memory=self.size(item, "memory"), disks=self.disks(item),
            bmc=dict(item.get("bmc", {})), os=dict(item.get("os", {})),
            nested_virt=item.get("nested_virt", False),
        )

    def vm(self, item: YMap) -> m.VM:
        return m.VM(
            **self.machine(item), **self.overcommit(item), runs_on=item["runs_on"],
            platform=item["platform"], managed_by=item.get("managed_by"), vcpu=item.get("vcpu"),
            memory=self.size(item, "memory"), disks=self.disks(item),
            nested_virt=item.get("nested_virt", False), autostart=item.get("autostart"),
            state=item.get("state"), flavor=item.get("flavor"), os=dict(item.get("os", {})),
        )

    def container(self, item: YMap) -> m.Container:
        return m.Container(**self.machine(item), runs_on=item["runs_on"],
                           runtime=item.get("runtime"), image=item.get("image"))

    def cluster(self, item: YMap) -> m.Cluster:
        etcd = item.get("etcd", {})
        return m.Cluster(
            **self.common(item), type=item["type"], version=item.get("version"),
            members=tuple(m.Member(loc=x.loc(), locs=self.locs(x), machine=x["machine"],
                                   roles=tuple(x["roles"])) for x in item["members"]),
            etcd_mode=etcd.get("mode"), etcd_cluster=etcd.get("cluster"),
            depends_on=tuple(item.get("depends_on", ())),
        )

    def service(self, item: YMap) -> m.Service:
        return m.Service(**self.common(item), runs_on=tuple(item["runs_on"]),
                         type=item.get("type"), depends_on=tuple(item.get("depends_on", ())),
                         version=item.get("version"), url=item.get("url"))

    def network(self, item: YMap) -> m.Network:
        return m.Network(**self.common(item), type=item["type"], subnet=item.get("subnet"),
                         gateway=item.get("gateway"), vlan=item.get("vlan"),
                         bridge=item.get("bridge"), parent=item.get("parent"))

    def storage(self, item: YMap) -> m.Storage:
        return m.Storage(**self.common(item), type=item["type"], provided_by=item["provided_by"],
                         size=self.size(item, "size"), backing=tuple(item.get("backing", ())),
                         used_by=tuple(item.get("used_by", ())), replicas=item.get("replicas"))

    def view(self, item: YMap) -> m.View:
        return m.View(
            loc=item.loc(), locs=self.locs(item), id=item["id"], title=item.get("title", ""),
            description=item.get("description", ""), layers=tuple(item.get("layers", ())),
            kinds=tuple(item.get("kinds", ())), tags=tuple(item.get("tags", ())),
            root=item.get("root"), depth=item.get("depth"), include=tuple(item.get("include", ())),
            exclude=tuple(item.get("exclude", ())), direction=item.get("direction", "TB"),
        )

    def live(self, parts: list[tuple[YMap, set[tuple[str, int]]]]) -> m.Live:
        sources: dict[str, m.LiveSource] = {}
        timeout = 30.0
        severity: list[str] = []
        timeout_at: Location | None = None
        fields = {"libvirt": ("hypervisor", "uri"), "openstack": ("cluster", "cloud"),
                  "kubernetes": ("cluster", "context"), "etcd": ("cluster", "endpoints")}
        for part, bad in parts:  # entries the schema rejected are skipped here
            if isinstance(part.get("timeout"), (int, float)) and \
                    not isinstance(part["timeout"], bool) and part["timeout"] > 0:
                if timeout_at is not None:
                    self.problems.append(Problem(
                        "duplicate-id", "error", f"live.timeout is already set at {timeout_at}; "
                        "set it in one file", part.loc("timeout", of_key=True)))
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
                        loc=entry.loc(), locs=self.locs(entry), kind=kind, target=entry[target],
                        uri=",".join(value) if isinstance(value, list) else value,
                        options=options)
                    if source.id in sources:
                        self.problems.append(Problem(
                            "duplicate-id", "error", f"live.{kind}: {target} "
                            f"{source.target!r} already has a source at "
                            f"{sources[source.id].loc}", entry.loc(target)))
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
    views: dict[str, m.View] = {}
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
            make: Callable[[YMap], Any] = getattr(builder, SECTION_KIND.get(section, "view"))
            for index, item in enumerate(items):
                obj_id = item.get("id") if isinstance(item, YMap) else None
                if not isinstance(obj_id, str):
                    continue
                seen_key = f"view:{obj_id}" if section == "views" else obj_id
                if seen_key in first_seen:
                    problems.append(Problem(
                        "duplicate-id", "error", f"id {obj_id!r} is already used at "
                        f"{first_seen[seen_key]}", item.loc("id"), obj_id))
                    continue
                first_seen[seen_key] = item.loc("id")
                if (section, index) in bad:
                    broken_ids.add(obj_id)
                    continue
                built = make(item)
                (views if section == "views" else objects)[obj_id] = built
        live = doc.get("live")
        if isinstance(live, YMap):
            lives.append((live, bad))
    model = m.Model(
        objects=dict(sorted(objects.items())), views=dict(sorted(views.items())),
        live=builder.live(lives), files=tuple(sources.documents), digest=sources.digest,
        visited=tuple(sources.visited),
    )
    return model, problems, broken_ids - set(objects)
