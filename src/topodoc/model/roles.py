"""What members' roles mean for a cluster: who votes in its quorum."""

from __future__ import annotations

from topodoc.model.objects import QUORUM_ROLES, Cluster, Model


def quorum_voters(model: Model, cluster: Cluster) -> tuple[str, ...]:
    """The machines whose votes keep ``cluster``'s quorum, each once, in member order.

    A Kubernetes cluster with external etcd votes through that etcd cluster's members; any
    other cluster through its members with a quorum role (none for a cluster type without).
    """
    if cluster.type == "kubernetes" and cluster.etcd_mode == "external":
        etcd = model.get(cluster.etcd_cluster or "")
        return tuple(dict.fromkeys(etcd.machines())) if isinstance(etcd, Cluster) else ()
    roles = QUORUM_ROLES.get(cluster.type, ())
    return tuple(dict.fromkeys(cluster.machines(*roles))) if roles else ()
