"""Failure impact: what goes down with a host, a failure domain or any object.

Failure spreads along the model's relations until nothing changes:

- a site or failure domain takes down every host in it (and in the domains below it);
- a machine takes down everything placed on it, at any depth;
- a service goes down when every machine it runs on is down; storage when what provides it is;
- a cluster goes down when it loses its quorum (half or more of its voting members, see
  ``QUORUM_ROLES``), or all its members when it has no voting role;
- a Kubernetes cluster with external etcd goes down with that etcd's quorum;
- anything that ``depends_on`` something down goes down too.

For each cluster the report gives the fraction of its control plane lost: control-plane role
instances down over all of them (``CONTROL_ROLES``; a Kubernetes cluster counts its
control-plane nodes and its etcd members, stacked or external). This is the measure behind
"one failure hits 1/3 of the control plane".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from topodoc.model.objects import (
    CONTROL_ROLES,
    AnyObj,
    Cluster,
    FailureDomain,
    Host,
    Model,
    Service,
    Storage,
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
    """What fails with ``failed``."""

    failed: str
    kind: str
    down: tuple[str, ...]  # every object down with it, itself excluded, sorted
    clusters: tuple[ClusterImpact, ...]  # clusters down or with at least one member down

    def count(self, model: Model, *kinds: str) -> int:
        return sum(1 for d in self.down if model.objects[d].kind in kinds)


class ImpactAnalysis:
    """Failure propagation over one model, with the reverse indexes built once."""

    def __init__(self, model: Model):
        self.model = model
        self.dependents: dict[str, set[str]] = defaultdict(set)  # X -> what may fail with X
        self.domain_hosts: dict[str, set[str]] = defaultdict(set)
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
            elif isinstance(obj, Storage):
                self.dependents[obj.provided_by].add(obj.id)
            elif isinstance(obj, Cluster):
                for machine in set(self.members[obj.id]) | set(self.voters[obj.id]):
                    self.dependents[machine].add(obj.id)
                if obj.etcd_cluster:
                    self.dependents[obj.etcd_cluster].add(obj.id)
            elif isinstance(obj, Host):
                for domain in self._domains_above(obj):
                    self.domain_hosts[domain].add(obj.id)
        self.clusters_of: dict[str, list[Cluster]] = defaultdict(list)
        for cluster in model.of_kind("cluster"):
            for machine in dict.fromkeys([*self.members[cluster.id], *self.control[cluster.id]]):
                self.clusters_of[machine].append(cluster)

    def _domains_above(self, host: Host) -> set[str]:
        """The site and failure domains a host is in, with every domain above them."""
        found: set[str] = set()
        stack = [d for d in (host.site, *host.failure_domains) if d]
        while stack:
            domain = stack.pop()
            if domain in found:
                continue
            found.add(domain)
            obj = self.model.get(domain)
            if isinstance(obj, FailureDomain):
                stack.extend(d for d in (obj.parent, obj.site) if d)
        return found

    def _control(self, cluster: Cluster) -> list[str]:
        """One machine id per control-plane role instance of ``cluster``."""
        roles = CONTROL_ROLES[cluster.type]
        out = [m.machine for m in cluster.members for r in m.roles if r in roles]
        if cluster.type == "kubernetes" and cluster.etcd_mode == "external":
            etcd = self.model.get(cluster.etcd_cluster or "")
            if isinstance(etcd, Cluster):
                out += list(etcd.machines())
        return out

    def _fails(self, obj: AnyObj, down: set[str]) -> bool:
        """Whether ``obj`` goes down, given what is down already."""
        if any(dep in down for dep in getattr(obj, "depends_on", ())):
            return True
        if isinstance(obj, Service):
            return bool(obj.runs_on) and all(m in down for m in obj.runs_on)
        if isinstance(obj, Storage):
            return obj.provided_by in down
        if isinstance(obj, Cluster):
            if obj.etcd_mode == "external" and obj.etcd_cluster in down:
                return True
            voters = self.voters[obj.id]
            if voters:
                return sum(v in down for v in voters) * 2 >= len(voters)
            members = self.members[obj.id]
            return bool(members) and all(m in down for m in members)
        return False

    def down_with(self, failed: str) -> set[str]:
        """Every object down when ``failed`` is (including it)."""
        down: set[str] = set()
        queue = [failed, *sorted(self.domain_hosts.get(failed, ()))]
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

    def impact_of(self, failed: str) -> Impact:
        down = self.down_with(failed)
        touched = {c.id: c for m in down for c in self.clusters_of.get(m, ())}
        touched.update((d, c) for d in down  # e.g. down with its etcd
                       if isinstance(c := self.model.objects[d], Cluster))
        clusters = []
        for cluster_id in sorted(touched):
            cluster = touched[cluster_id]
            members = self.members[cluster_id]
            control = self.control[cluster_id]
            voters = self.voters[cluster_id]
            lost = cluster_id == failed and bool(voters)  # the failed cluster itself
            lost |= cluster.type == "kubernetes" and cluster.etcd_mode == "external" \
                and cluster.etcd_cluster in down  # its external etcd is down
            clusters.append(ClusterImpact(
                cluster=cluster.id, type=cluster.type,
                members_down=sum(m in down for m in members), members=len(members),
                control_down=sum(m in down for m in control), control=len(control),
                quorum_lost=lost or (
                    bool(voters) and sum(v in down for v in voters) * 2 >= len(voters)),
                down=cluster.id in down,
            ))
        return Impact(failed, self.model.objects[failed].kind, tuple(sorted(down - {failed})),
                      tuple(clusters))


def failure_domains(model: Model) -> list[str]:
    """The default set to analyse: every physical host, failure domain and site."""
    return [o.id for kind in ("host", "failure_domain", "site") for o in model.of_kind(kind)]


def impact_table(model: Model, targets: list[str] | None = None) -> list[Impact]:
    analysis = ImpactAnalysis(model)
    return [analysis.impact_of(t) for t in (targets or failure_domains(model))]
