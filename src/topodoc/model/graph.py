"""The model's relations: every reference an object makes, typed, with where it is written.

The rules, the views and the extension's cross-links all walk these (the views index them
once per model). A relation points from the object that states it to the one it names:
``runs_on`` (guest -> machine), ``member`` (cluster -> machine),
``depends_on``, ``etcd`` (kubernetes -> external etcd cluster), ``managed_by``,
``attached`` (machine -> network), ``uses`` (disk -> pool), ``provided_by`` / ``backing`` /
``used_by`` (storage -> ...),
``in_domain`` (host -> failure domain or site), ``parent``.
:class:`Relations` indexes them once per model (:attr:`topodoc.model.objects.Model.relations`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from topodoc.model.kinds import MACHINE_KINDS
from topodoc.model.objects import (
    VM,
    AnyObj,
    Cluster,
    Container,
    FailureDomain,
    Host,
    Located,
    Machine,
    Model,
    Network,
    Obj,
    Service,
    Storage,
)
from topodoc.model.problems import Location


class Written(NamedTuple):
    """Where a reference is written: field ``name`` (item ``item`` of a list) of ``owner``.
    The location is worked out only when asked for: most references are never reported."""

    owner: Located
    name: str
    item: int | None = None

    @property
    def loc(self) -> Location:
        if (
            self.item is not None
            and (where := self.owner.locs.get(f"{self.name}[{self.item}]")) is not None
        ):
            return where
        return self.owner.at(self.name)


Ref = tuple[str, str, str, Written]  # (source id, relation, target id, where it is written)


def _each(obj: Located, name: str, values: tuple[str, ...]) -> Iterator[tuple[str, Written]]:
    for index, value in enumerate(values):
        yield value, Written(obj, name, index)


def undrawn_references(obj: Obj) -> Iterator[Ref]:
    """References diagrams do not draw: the failure domains a VM is in (``in_domain``: a VM
    is drawn inside its host, not its domain), what a network's DNS names resolve to
    (``resolves``: machines or clusters), whose VFs it hands out (``vf_pool``: hosts), and a
    Ceph cluster's networks (``ceph_network``)."""
    if isinstance(obj, VM):
        for fd, where in _each(obj, "failure_domains", obj.failure_domains):
            yield obj.id, "in_domain", fd, where
    if isinstance(obj, Cluster) and obj.ceph:
        for name in ("public_network", "cluster_network"):
            if network := getattr(obj.ceph, name):
                yield obj.id, "ceph_network", network, Written(obj.ceph, name)
    if not isinstance(obj, Network):
        return
    for record in obj.dns.records if obj.dns else ():
        for target, where in _each(record, "targets", record.targets):
            yield obj.id, "resolves", target, where
    for source in obj.vf_pool:
        yield obj.id, "vf_pool", source.host, Written(source, "host")


def references(obj: Obj) -> Iterator[Ref]:
    """Every reference ``obj`` makes, with the relation and where it is written."""
    oid = obj.id
    if isinstance(obj, FailureDomain | Host) and obj.site:
        yield oid, "in_domain", obj.site, Written(obj, "site")
    if isinstance(obj, FailureDomain | Network) and obj.parent:
        yield oid, "parent", obj.parent, Written(obj, "parent")
    if isinstance(obj, Host):
        for fd, where in _each(obj, "failure_domains", obj.failure_domains):
            yield oid, "in_domain", fd, where
        if obj.bmc.get("network"):
            yield oid, "attached", obj.bmc["network"], Written(obj, "bmc")
    if isinstance(obj, VM | Container):
        yield oid, "runs_on", obj.runs_on, Written(obj, "runs_on")
    if isinstance(obj, VM) and obj.managed_by:
        yield oid, "managed_by", obj.managed_by, Written(obj, "managed_by")
    for nic in obj.nics if isinstance(obj, Machine) else ():
        if nic.network:
            yield oid, "attached", nic.network, Written(nic, "network")
    for disk in obj.disks if isinstance(obj, Host | VM) else ():
        if disk.pool:
            yield oid, "uses", disk.pool, Written(disk, "pool")
    if isinstance(obj, Cluster):
        for member in obj.members:
            yield oid, "member", member.machine, Written(member, "machine")
        if obj.etcd_cluster:
            yield oid, "etcd", obj.etcd_cluster, Written(obj, "etcd")
    if isinstance(obj, Cluster | Service):
        for dep, where in _each(obj, "depends_on", obj.depends_on):
            yield oid, "depends_on", dep, where
    if isinstance(obj, Service):
        for machine, where in _each(obj, "runs_on", obj.runs_on):
            yield oid, "runs_on", machine, where
    if isinstance(obj, Storage):
        yield oid, "provided_by", obj.provided_by, Written(obj, "provided_by")
        for backing, where in _each(obj, "backing", obj.backing):
            yield oid, "backing", backing, where
        for user, where in _each(obj, "used_by", obj.used_by):
            yield oid, "used_by", user, where


def _placed_on(model: Model, obj: AnyObj, relation: str, target: str) -> bool:
    """Whether ``obj`` is placed on (or grouped under) ``target`` by this relation."""
    if relation == "runs_on":
        return isinstance(obj, VM | Container) or (
            isinstance(obj, Service) and len(obj.runs_on) == 1
        )
    if relation == "provided_by":
        return model.objects[target].kind in MACHINE_KINDS
    return relation == "in_domain" or (relation == "parent" and isinstance(obj, FailureDomain))


@dataclass(frozen=True)
class Relations:
    """The model's relations: each object's references (without their locations), and as a
    diagram view follows them from its root."""

    refs: Mapping[str, tuple[tuple[str, str, str], ...]]  # id -> (source, relation, target)
    placed: Mapping[str, set[str]]  # machine or group -> what is placed on or in it
    links: Mapping[str, set[str]]  # followed both ways, except groups (downwards only)

    @classmethod
    def of(cls, model: Model) -> Relations:
        refs: dict[str, tuple[tuple[str, str, str], ...]] = {}
        placed: dict[str, set[str]] = {}
        links: dict[str, set[str]] = {}
        for obj in model:
            refs[obj.id] = tuple((s, r, t) for s, r, t, _ in references(obj))
            for source, relation, target in refs[obj.id]:
                if target not in model.objects:
                    continue
                if _placed_on(model, obj, relation, target):
                    placed.setdefault(target, set()).add(source)
                links.setdefault(target, set()).add(source)
                if relation not in ("in_domain", "parent") or isinstance(obj, Network):
                    links.setdefault(source, set()).add(target)
        return cls(refs, placed, links)
