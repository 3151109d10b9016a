"""The model as a networkx graph: one node per object, one typed edge per relation.

Edges point from the object that states the relation to the one it names:
``runs_on`` (guest -> machine), ``member`` (cluster -> machine, with ``roles``),
``depends_on``, ``etcd`` (kubernetes -> external etcd cluster), ``managed_by``,
``attached`` (machine -> network), ``uses`` (disk -> pool), ``provided_by`` / ``backing`` /
``used_by`` (storage -> ...),
``in_domain`` (host -> failure domain or site), ``parent``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from .model import Located, Model, Obj
from .problems import Location

if TYPE_CHECKING:  # networkx takes a tenth of a second to import: only when a graph is built
    import networkx as nx


class Written(NamedTuple):
    """Where a reference is written: field ``name`` (item ``index`` of a list) of ``owner``.
    The location is worked out only when asked for: most references are never reported."""

    owner: Located
    name: str
    index: int | None = None

    @property
    def loc(self) -> Location:
        if self.index is not None and (item := self.owner.locs.get(
                f"{self.name}[{self.index}]")) is not None:
            return item
        return self.owner.at(self.name)


Ref = tuple[str, str, str, Written]  # (source id, relation, target id, where it is written)


def _each(obj: Located, name: str, values: tuple[str, ...]) -> Iterator[tuple[str, Written]]:
    for index, value in enumerate(values):
        yield value, Written(obj, name, index)


def references(obj: Obj) -> Iterator[Ref]:
    """Every reference ``obj`` makes, with the relation and where it is written."""
    oid = obj.id
    kind = obj.kind
    if kind in ("failure_domain", "host") and obj.site:
        yield oid, "in_domain", obj.site, Written(obj, "site")
    if kind in ("failure_domain", "network") and obj.parent:
        yield oid, "parent", obj.parent, Written(obj, "parent")
    if kind == "host":
        for fd, where in _each(obj, "failure_domains", obj.failure_domains):
            yield oid, "in_domain", fd, where
        if obj.bmc.get("network"):
            yield oid, "attached", obj.bmc["network"], Written(obj, "bmc")
    if kind in ("vm", "container"):
        yield oid, "runs_on", obj.runs_on, Written(obj, "runs_on")
    if kind == "vm" and obj.managed_by:
        yield oid, "managed_by", obj.managed_by, Written(obj, "managed_by")
    for nic in getattr(obj, "nics", ()):
        if nic.network:
            yield oid, "attached", nic.network, Written(nic, "network")
    for disk in getattr(obj, "disks", ()):
        if disk.pool:
            yield oid, "uses", disk.pool, Written(disk, "pool")
    if kind == "cluster":
        for member in obj.members:
            yield oid, "member", member.machine, Written(member, "machine")
        if obj.etcd_cluster:
            yield oid, "etcd", obj.etcd_cluster, Written(obj, "etcd")
    if kind in ("cluster", "service"):
        for dep, where in _each(obj, "depends_on", obj.depends_on):
            yield oid, "depends_on", dep, where
    if kind == "service":
        for machine, where in _each(obj, "runs_on", obj.runs_on):
            yield oid, "runs_on", machine, where
    if kind == "storage":
        yield oid, "provided_by", obj.provided_by, Written(obj, "provided_by")
        for backing, where in _each(obj, "backing", obj.backing):
            yield oid, "backing", backing, where
        for user, where in _each(obj, "used_by", obj.used_by):
            yield oid, "used_by", user, where


def build_graph(model: Model) -> nx.MultiDiGraph:
    """The model's graph; edges to ids that do not exist are left out."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for obj in model:
        graph.add_node(obj.id, kind=obj.kind)
    for obj in model:
        for source, relation, target, _ in references(obj):
            if source in model.objects and target in model.objects:
                attrs = {"rel": relation}
                if relation == "member":
                    attrs["roles"] = tuple(r for mb in obj.members if mb.machine == target
                                           for r in mb.roles)
                graph.add_edge(source, target, key=relation, **attrs)
    return graph


def placement_graph(model: Model) -> nx.DiGraph:
    """Guest -> machine edges only (``runs_on`` of VMs and containers)."""
    import networkx as nx

    graph = nx.DiGraph()
    for obj in model:
        parent = getattr(obj, "runs_on", None)
        if isinstance(parent, str):
            graph.add_edge(obj.id, parent)
    return graph
