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

from dataclasses import dataclass
from fractions import Fraction

from .model import CONTROL_ROLES, QUORUM_ROLES, Cluster, Model


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
    clusters: tuple[ClusterImpact, ...]  # clusters with at least one member down

    def count(self, model: Model, *kinds: str) -> int:
        return sum(1 for d in self.down if model.objects[d].kind in kinds)


def _control_instances(model: Model, cluster: Cluster) -> list[str]:
    """One machine id per control-plane role instance of ``cluster``."""
    roles = CONTROL_ROLES[cluster.type]
    out = [m.machine for m in cluster.members for r in m.roles if r in roles]
    if cluster.type == "kubernetes" and cluster.etcd_mode == "external":
        etcd = model.get(cluster.etcd_cluster or "")
        if isinstance(etcd, Cluster):
            out += list(etcd.machines())
    return out


def _voters(model: Model, cluster: Cluster) -> list[str]:
    if cluster.type == "kubernetes" and cluster.etcd_mode == "external":
        etcd = model.get(cluster.etcd_cluster or "")
        return list(etcd.machines()) if isinstance(etcd, Cluster) else []
    roles = QUORUM_ROLES[cluster.type]
    return list(dict.fromkeys(cluster.machines(*roles))) if roles else []


def _in_domains(model: Model, roots: set[str]) -> set[str]:
    """Hosts inside the given sites/failure domains, following domain parents."""
    domains = set(roots)
    changed = True
    while changed:
        changed = False
        for fd in model.of_kind("failure_domain"):
            if fd.id not in domains and (fd.parent in domains or fd.site in domains):
                domains.add(fd.id)
                changed = True
    return {h.id for h in model.of_kind("host")
            if h.site in domains or domains.intersection(h.failure_domains)}


def down_with(model: Model, failed: str) -> set[str]:
    """Every object down when ``failed`` is (including it)."""
    down = {failed} | _in_domains(model, {failed})
    while True:
        before = len(down)
        for obj_id in list(down):
            down.update(model.descendants(obj_id))
        for obj in model:
            if obj.id in down:
                continue
            kind = obj.kind
            if kind == "service" and obj.runs_on and all(m in down for m in obj.runs_on):
                down.add(obj.id)
            elif kind == "storage" and obj.provided_by in down:
                down.add(obj.id)
            elif kind == "cluster" and _cluster_down(model, obj, down):
                down.add(obj.id)
            elif any(dep in down for dep in getattr(obj, "depends_on", ())):
                down.add(obj.id)
        if len(down) == before:
            return down


def _cluster_down(model: Model, cluster: Cluster, down: set[str]) -> bool:
    if cluster.type == "kubernetes" and cluster.etcd_mode == "external" \
            and cluster.etcd_cluster in down:
        return True
    voters = _voters(model, cluster)
    if voters:
        return sum(v in down for v in voters) * 2 >= len(voters)
    members = cluster.machines()
    return bool(members) and all(m in down for m in members)


def impact_of(model: Model, failed: str) -> Impact:
    down = down_with(model, failed)
    clusters = []
    for cluster in model.of_kind("cluster"):
        members = list(dict.fromkeys(cluster.machines()))
        control = _control_instances(model, cluster)
        hit = [m for m in members if m in down]
        control_hit = [m for m in control if m in down]
        if not hit and not control_hit:
            continue
        voters = _voters(model, cluster)
        clusters.append(ClusterImpact(
            cluster=cluster.id, type=cluster.type, members_down=len(hit), members=len(members),
            control_down=len(control_hit), control=len(control),
            quorum_lost=bool(voters) and sum(v in down for v in voters) * 2 >= len(voters),
            down=cluster.id in down,
        ))
    return Impact(failed, model.objects[failed].kind, tuple(sorted(down - {failed})),
                  tuple(clusters))


def failure_domains(model: Model) -> list[str]:
    """The default set to analyse: every physical host, failure domain and site."""
    return [o.id for kind in ("host", "failure_domain", "site") for o in model.of_kind(kind)]


def impact_table(model: Model, targets: list[str] | None = None) -> list[Impact]:
    return [impact_of(model, t) for t in (targets or failure_domains(model))]
