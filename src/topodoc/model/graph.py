"""The model's relations: every reference an object makes, typed, with where it is written.

The rules, the views and the extension's cross-links all walk these (the views index them
once per model). A relation points from the object that states it to the one it names:
``runs_on`` (guest -> machine), ``member`` (cluster -> machine),
``depends_on``, ``etcd`` (kubernetes -> external etcd cluster), ``managed_by``,
``attached`` (machine -> network), ``uses`` (disk -> pool), ``provided_by`` / ``backing`` /
``used_by`` (storage -> ...),
``in_domain`` (host -> failure domain or site), ``parent``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from topodoc.model.objects import Located, Obj
from topodoc.model.problems import Location


class Written(NamedTuple):
    """Where a reference is written: field ``name`` (item ``item`` of a list) of ``owner``.
    The location is worked out only when asked for: most references are never reported."""

    owner: Located
    name: str
    item: int | None = None

    @property
    def loc(self) -> Location:
        if self.item is not None and (where := self.owner.locs.get(
                f"{self.name}[{self.item}]")) is not None:
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
    if obj.kind == "vm":
        for fd, where in _each(obj, "failure_domains", obj.failure_domains):
            yield obj.id, "in_domain", fd, where
    if obj.kind == "cluster" and obj.ceph:
        for name in ("public_network", "cluster_network"):
            if network := getattr(obj.ceph, name):
                yield obj.id, "ceph_network", network, Written(obj.ceph, name)
    if obj.kind != "network":
        return
    for record in obj.dns.records if obj.dns else ():
        for target, where in _each(record, "targets", record.targets):
            yield obj.id, "resolves", target, where
    for source in obj.vf_pool:
        yield obj.id, "vf_pool", source.host, Written(source, "host")


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
