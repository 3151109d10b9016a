"""Failure impact: what goes down with a host, a failure domain or any object.

Failure spreads along the model's relations until nothing changes:

- a site or failure domain takes down every host in it (and in the domains below it);
- a machine takes down everything placed on it, at any depth;
- a service goes down when every machine it runs on is down; storage when what provides it
  is, or any storage it is built on (``backing``: a libvirt pool on a Ceph pool, a volume
  group's logical volumes);
- a VM goes down when a pool one of its disks lives in (a disk's ``pool``) is down;
- a cluster goes down when it loses its quorum (half or more of its voting members, see
  ``QUORUM_ROLES``), or all its members when it has no voting role;
- a Kubernetes cluster with external etcd goes down with that etcd's quorum;
- anything that ``depends_on`` something down goes down too.

For each cluster the report gives the fraction of its control plane lost: control-plane role
instances down over all of them (``CONTROL_ROLES``; a Kubernetes cluster counts its
control-plane nodes and its etcd members, stacked or external). This is the measure behind
"one failure hits 1/3 of the control plane". An external etcd cluster that is down (failed
itself, or out of quorum) counts all its members as lost control-plane instances.

Several objects may fail together (:meth:`ImpactAnalysis.impact_of` with several ids); a
topology's ``scenarios`` name such combinations (``two of three data VMs``). A failure
domain takes down the hosts and the VMs that name it in their ``failure_domains``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from topodoc.model.objects import (
    CONTROL_ROLES,
    AnyObj,
    Cluster,
    FailureDomain,
    Model,
    Service,
)
from topodoc.model.roles import quorum_voters


@dataclass(frozen=True)
class ClusterImpact:
    cluster: str
    type: str
    members_down: int
    members: int
    control_down: int
    control: int
    quorum_lost: bool
    down: bool

    @property
    def control_fraction(self) -> Fraction:
        return Fraction(self.control_down, self.control) if self.control else Fraction(0)


@dataclass(frozen=True)
class Impact:
    """What fails with ``failed``: one object, a scenario (its id, kind ``scenario``) or
    objects failing together (``a + b``, kind ``together``); ``objects`` are those that fail."""

    failed: str
    kind: str
    down: tuple[str, ...]  # every object down with it, the failed ones excluded, sorted
    clusters: tuple[ClusterImpact, ...]  # clusters down or with at least one member down
    objects: tuple[str, ...] = ()

    def count(self, model: Model, *kinds: str) -> int:
        return sum(1 for d in self.down if model.objects[d].kind in kinds)


class ImpactAnalysis:
    """Failure propagation over one model, with the reverse indexes built once."""

    def __init__(self, model: Model):
        self.model = model
        self.dependents: dict[str, set[str]] = defaultdict(set)  # X -> what may fail with X
        self.domain_members: dict[str, set[str]] = defaultdict(set)  # hosts and VMs in it
        clusters = model.of_kind("cluster")
        self.members = {c.id: list(dict.fromkeys(c.machines())) for c in clusters}
        self.control = {c.id: self._control(c) for c in clusters}
        self.voters = {c.id: quorum_voters(model, c) for c in clusters}
        for obj in model:
            for dep in getattr(obj, "depends_on", ()):
                self.dependents[dep].add(obj.id)
            if isinstance(obj, Service):
                for machine in obj.runs_on:
                    self.dependents[machine].add(obj.id)
            elif obj.kind == "storage":
                for provider in (obj.provided_by, *obj.backing):
                    self.dependents[provider].add(obj.id)
            elif obj.kind == "cluster":
                for machine in set(self.members[obj.id]) | set(self.voters[obj.id]):
                    self.dependents[machine].add(obj.id)
                if obj.etcd_cluster:
                    self.dependents[obj.etcd_cluster].add(obj.id)
            if obj.kind in ("host", "vm"):
                for domain in self._domains_above(obj):
                    self.domain_members[domain].add(obj.id)
            for pool in {d.pool for d in getattr(obj, "disks", ()) if d.pool}:
                self.dependents[pool].add(obj.id)
        self.clusters_of: dict[str, list[Cluster]] = defaultdict(list)
        for cluster in model.of_kind("cluster"):
            control = [machine for machine, _ in self.control[cluster.id]]
            for machine in dict.fromkeys([*self.members[cluster.id], *control]):
                self.clusters_of[machine].append(cluster)

    def _domains_above(self, machine: Any) -> set[str]:
        """The site and failure domains a host or VM is in, with every domain above them."""
        found: set[str] = set()
        stack = [d for d in (getattr(machine, "site", None), *machine.failure_domains) if d]
        while stack:
            domain = stack.pop()
            if domain in found:
                continue
            found.add(domain)
            obj = self.model.get(domain)
            if isinstance(obj, FailureDomain):
                stack.extend(d for d in (obj.parent, obj.site) if d)
        return found

    def _control(self, cluster: Cluster) -> list[tuple[str, str | None]]:
        """One (machine id, external etcd cluster or None) per control-plane role instance of
        ``cluster``: an external etcd member is lost with its machine or with its cluster."""
        roles = CONTROL_ROLES[cluster.type]
        out: list[tuple[str, str | None]] = [
            (m.machine, None) for m in cluster.members for r in m.roles if r in roles
        ]
        if cluster.type == "kubernetes" and cluster.etcd_mode == "external":
            etcd = self.model.get(cluster.etcd_cluster or "")
            if isinstance(etcd, Cluster):
                out += [(machine, etcd.id) for machine in etcd.machines()]
        return out

    def _fails(self, obj: AnyObj, down: set[str]) -> bool:
        """Whether ``obj`` goes down, given what is down already."""
        if any(dep in down for dep in getattr(obj, "depends_on", ())):
            return True
        if isinstance(obj, Service):
            return bool(obj.runs_on) and all(m in down for m in obj.runs_on)
        if obj.kind == "storage":
            return obj.provided_by in down or any(b in down for b in obj.backing)
        if obj.kind == "vm":
            return any(d.pool in down for d in obj.disks if d.pool)
        if obj.kind == "cluster":
            if obj.etcd_mode == "external" and obj.etcd_cluster in down:
                return True
            voters = self.voters[obj.id]
            if voters:
                return sum(v in down for v in voters) * 2 >= len(voters)
            members = self.members[obj.id]
            return bool(members) and all(m in down for m in members)
        return False

    def down_with(self, *failed: str) -> set[str]:
        """Every object down when the ``failed`` ones are (including them)."""
        down: set[str] = set()
        queue = [x for f in failed for x in (f, *sorted(self.domain_members.get(f, ())))]
        while queue:
            obj_id = queue.pop()
            if obj_id in down:
                continue
            down.add(obj_id)
            queue.extend(self.model.children.get(obj_id, ()))
            for dependent in self.dependents.get(obj_id, ()):
                if dependent not in down and self._fails(self.model.objects[dependent], down):
                    queue.append(dependent)
        return down

    def impact_of(self, *failed: str, name: str | None = None) -> Impact:
        """What fails with the ``failed`` objects together; ``name`` names a scenario."""
        down = self.down_with(*failed)
        touched = {c.id: c for m in down for c in self.clusters_of.get(m, ())}
        touched.update(
            (d, c)
            for d in down  # e.g. down with its etcd
            if isinstance(c := self.model.objects[d], Cluster)
        )
        clusters = []
        for cluster_id in sorted(touched):
            cluster = touched[cluster_id]
            members = self.members[cluster_id]
            control = self.control[cluster_id]
            voters = self.voters[cluster_id]
            lost = cluster_id in failed and bool(voters)  # a failed cluster itself
            lost |= (
                cluster.type == "kubernetes"
                and cluster.etcd_mode == "external"
                and cluster.etcd_cluster in down
            )  # its external etcd is down
            clusters.append(
                ClusterImpact(
                    cluster=cluster.id,
                    type=cluster.type,
                    members_down=sum(m in down for m in members),
                    members=len(members),
                    control_down=sum(m in down or via in down for m, via in control),
                    control=len(control),
                    quorum_lost=lost
                    or (bool(voters) and sum(v in down for v in voters) * 2 >= len(voters)),
                    down=cluster.id in down,
                )
            )
        if name is not None:
            label, kind = name, "scenario"
        elif len(failed) == 1:
            label, kind = failed[0], self.model.objects[failed[0]].kind
        else:
            label, kind = " + ".join(failed), "together"
        return Impact(
            label, kind, tuple(sorted(down - set(failed))), tuple(clusters), tuple(failed)
        )


def failure_domains(model: Model) -> list[str]:
    """The default set to analyse: every physical host, failure domain and site."""
    return [o.id for kind in ("host", "failure_domain", "site") for o in model.of_kind(kind)]


def impact_table(
    model: Model,
    targets: list[str] | None = None,
    together: list[list[str]] | None = None,
    scenarios: list[str] | None = None,
) -> list[Impact]:
    """One row per target (each failing alone), per group of ``together`` (failing at once)
    and per scenario id. With none of them: every host, failure domain and site, then every
    scenario of the topology."""
    analysis = ImpactAnalysis(model)
    if not (targets or together or scenarios):
        targets, scenarios = failure_domains(model), list(model.scenarios)
    rows = [analysis.impact_of(t) for t in targets or ()]
    rows += [analysis.impact_of(*group) for group in together or ()]
    rows += [analysis.impact_of(*model.scenarios[s].fail, name=s) for s in scenarios or ()]
    return rows
