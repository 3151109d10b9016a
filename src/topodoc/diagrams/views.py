"""Diagram views: which objects a diagram shows, how they nest, and which relations it draws.

A :class:`~topodoc.model.selection.Selection` says what to show; :func:`select` turns it into
a :class:`Selected`: the object ids, the containment tree (drawn as nested boxes) and the
edges between them.

Layers (their union is the scope; no layer means the whole lab):

- ``physical``: sites and hosts.
- ``failure-domains``: sites, failure domains and hosts; hosts are grouped in their domains.
- ``virtualization``: VMs not run by OpenStack (libvirt, oVirt), containers, oVirt clusters.
- ``openstack``: OpenStack clusters and the VMs they run (platform or manager ``openstack``).
- ``kubernetes``: Kubernetes clusters and the etcd clusters they use.
- ``storage``: storage, Ceph and Gluster clusters, Stratis services.
- ``services``: services, and clusters other than Kubernetes and OpenStack ones.
- ``network``: networks; attachments are drawn to the machines the other layers show.

A layer that holds clusters also holds their member machines: a cluster is its members.

Then, in order:

1. ``kinds`` keeps only objects of those kinds.
2. ``tags`` keeps objects carrying any of them, with what they are drawn in or with (the
   machines they run on, cluster members, storage providers, sites and failure domains)
   when that is in scope.
3. ``root`` keeps the root (always), everything placed on it at any depth and what is
   directly related to those; with ``depth``, what lies within ``depth`` relations of the
   root instead, counted in the whole model. Sites and failure domains are only followed
   downwards, from the group to its members.
4. ``include`` adds objects whatever the above; ``exclude`` removes objects and everything
   placed on them.

Containment: a VM or container sits in the nearest shown machine of its placement chain; a
service running on one machine, and storage a machine provides, sit in that machine; a host
sits in its deepest shown failure domain (else its site), a failure domain in its parent or
site. Every other relation between shown objects is an :class:`Edge`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from topodoc.model.kinds import MACHINE_KINDS, count_noun
from topodoc.model.objects import (
    VM,
    AnyObj,
    Cluster,
    Container,
    FailureDomain,
    Host,
    Model,
    Service,
    Site,
    Storage,
)
from topodoc.model.selection import LAYERS, Selection, ViewError
from topodoc.util.suggest import unknown_name

#: The kinds an overview shows.
OVERVIEW_KINDS = ("site", "failure_domain", "host", "cluster", "network")
#: Relations from an object to what it is drawn inside of (when that is shown).
CONTAINMENT = ("runs_on", "provided_by", "in_domain", "parent")


def selection_for_view(model: Model, view_id: str) -> Selection:
    """The selection of the topology's view ``view_id``; a layer's name, when the topology
    has no view of that name, is the built-in view of that layer alone."""
    view = model.views.get(view_id)
    if view is None:
        if view_id in LAYERS:
            return Selection(layers=(view_id,))
        raise ViewError(
            unknown_name("view", view_id, {*model.views, *LAYERS}, known_as="views and layers")
        )
    return view.selection


@dataclass(frozen=True)
class Edge:
    """A relation drawn as an arrow, as the model states it (``source`` names ``target``).

    ``relation`` is one of :func:`topodoc.model.graph.references`' relations; ``label`` holds a
    member's roles.
    """

    source: str
    relation: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Selected:
    """The objects a diagram shows (sorted ids), how they nest, and the edges between them."""

    selection: Selection
    ids: tuple[str, ...]
    parent: Mapping[str, str]  # object id -> the shown object it is drawn inside of
    children: Mapping[str, tuple[str, ...]]  # the inverse, sorted
    roots: tuple[str, ...]  # shown objects inside of nothing, sorted
    edges: tuple[Edge, ...]  # sorted by source, target, relation
    notes: Mapping[str, str] = field(default_factory=dict)  # id -> one more line in its label

    def ancestors(self, obj_id: str) -> list[str]:
        """The boxes ``obj_id`` is drawn inside of, innermost first."""
        out: list[str] = []
        while (obj_id := self.parent.get(obj_id, "")) and obj_id not in out:
            out.append(obj_id)
        return out


def select(model: Model, selection: Selection) -> Selected:
    """What ``selection`` shows of ``model``; unknown root/include/exclude ids raise ViewError."""
    for name, values in (
        ("root", (selection.root,) if selection.root else ()),
        ("include", selection.include),
        ("exclude", selection.exclude),
    ):
        for value in values:
            if value not in model.objects:
                raise ViewError(
                    unknown_name(f"object (in {name})", value, model.objects, show_known=False)
                )
    scope = set(model.objects)
    if selection.layers:  # members named by clusters of an invalid model may not exist
        scope &= set().union(*(layer_objects(model, layer) for layer in selection.layers))
    if selection.kinds:
        scope = {i for i in scope if model.objects[i].kind in selection.kinds}
    kept = scope
    if selection.tags:
        wanted = set(selection.tags)
        kept = _with_anchors(
            model, {i for i in scope if wanted & set(model.objects[i].tags)}, scope
        )
    if selection.root:
        kept = (kept & _neighbourhood(model, selection.root, selection.depth)) | {selection.root}
    kept |= set(selection.include)
    for excluded in selection.exclude:
        kept -= {excluded, *model.descendants(excluded)}
    if selection.level == "overview":
        return _overview(model, selection, kept)
    return _selected(model, selection, kept)


def layer_objects(model: Model, layer: str) -> set[str]:
    """The ids of ``layer``'s objects (see the module's docstring)."""

    def ids(*kinds: str) -> set[str]:
        return {o.id for kind in kinds for o in model.of_kind(kind)}

    clusters: tuple[Cluster, ...] = model.of_kind("cluster")
    if layer == "physical":
        return ids("site", "host")
    if layer == "failure-domains":
        return ids("site", "failure_domain", "host")
    if layer == "virtualization":
        return (
            {v.id for v in model.of_kind("vm") if not _openstack_vm(model, v)}
            | ids("container")
            | _with_members([c for c in clusters if c.type == "ovirt"])
        )
    if layer == "openstack":
        return {v.id for v in model.of_kind("vm") if _openstack_vm(model, v)} | _with_members(
            [c for c in clusters if c.type == "openstack"]
        )
    if layer == "kubernetes":
        k8s = [c for c in clusters if c.type == "kubernetes"]
        etcd = [e for c in k8s if isinstance(e := model.get(c.etcd_cluster or ""), Cluster)]
        return _with_members(k8s + etcd)
    if layer == "storage":
        return (
            ids("storage")
            | {s.id for s in model.of_kind("service") if s.type == "stratis"}
            | _with_members([c for c in clusters if c.type in ("ceph", "gluster")])
        )
    if layer == "services":
        return ids("service") | _with_members(
            [c for c in clusters if c.type not in ("kubernetes", "openstack")]
        )
    if layer == "network":
        return ids("network")
    raise ViewError(unknown_name("layer", layer, LAYERS))


def _openstack_vm(model: Model, vm: VM) -> bool:
    manager = model.get(vm.managed_by or "")
    return vm.platform == "openstack" or (
        isinstance(manager, Cluster) and manager.type == "openstack"
    )


def _with_members(clusters: list[Cluster]) -> set[str]:
    return {c.id for c in clusters} | {m for c in clusters for m in c.machines()}


def _anchors(obj: AnyObj) -> Iterator[str]:
    """What ``obj`` is drawn in or with: machines it runs on, members, providers, groups."""
    runs_on = getattr(obj, "runs_on", None)
    if isinstance(runs_on, str):
        yield runs_on
    elif isinstance(runs_on, tuple):
        yield from runs_on
    if isinstance(obj, Cluster):
        yield from obj.machines()
    for name in ("provided_by", "site", "parent"):
        value = getattr(obj, name, None)
        if isinstance(value, str):
            yield value
    yield from getattr(obj, "failure_domains", ())


def _with_anchors(model: Model, ids: set[str], scope: set[str]) -> set[str]:
    out, todo = set(ids), list(ids)
    while todo:
        for anchor in _anchors(model.objects[todo.pop()]):
            if anchor in scope and anchor not in out:
                out.add(anchor)
                todo.append(anchor)
    return out


def _neighbourhood(
    model: Model, root: str, depth: int | None, expanded: set[str] | None = None
) -> set[str]:
    """What lies around ``root`` (see the module's docstring); the objects whose relations
    were followed are added to ``expanded``."""
    relations = model.relations
    placed, links = relations.placed, relations.links
    if depth is None:
        subtree, todo = {root}, [root]
        while todo:
            for item in placed.get(todo.pop(), ()):
                if item not in subtree:
                    subtree.add(item)
                    todo.append(item)
        if expanded is not None:
            expanded |= subtree
        return subtree.union(*(links.get(i, ()) for i in subtree))
    seen, frontier = {root}, {root}
    for _ in range(depth):
        if expanded is not None:
            expanded |= frontier
        frontier = {n for i in frontier for n in links.get(i, ()) if n not in seen}
        seen |= frontier
    return seen


def _container(model: Model, obj: AnyObj, kept: set[str]) -> str | None:
    """The shown object ``obj`` is drawn inside of (see the module's docstring)."""

    def nearest(chain: list[str]) -> str | None:
        return next((m for m in chain if m in kept), None)

    if isinstance(obj, VM | Container):
        return nearest(model.placement_chain(obj.id)[1:])
    if isinstance(obj, Service) and len(obj.runs_on) == 1:
        return nearest(model.placement_chain(obj.runs_on[0]))
    if (
        isinstance(obj, Storage)
        and model.get(obj.provided_by) is not None
        and model.objects[obj.provided_by].kind in MACHINE_KINDS
    ):
        return nearest(model.placement_chain(obj.provided_by))
    if isinstance(obj, Host):
        found = []  # (depth of the shown domain, -position in the host's list, its id)
        for index, domain in enumerate(obj.failure_domains):
            chain = _domain_chain(model, domain)
            shown = [d for d in chain if d in kept]
            if shown:
                found.append((len(chain) - chain.index(shown[0]), -index, shown[0]))
        if found:
            return max(found)[2]
        sites = [obj.site] + [_domain_site(model, d) for d in obj.failure_domains]
        return nearest([s for s in sites if s])
    if isinstance(obj, FailureDomain):
        site = _domain_site(model, obj.id)
        return nearest(_domain_chain(model, obj.id)[1:] + ([site] if site else []))
    return None


def _domain_chain(model: Model, domain: str) -> list[str]:
    """``domain`` and the failure domains above it, innermost first."""
    return [fd.id for fd in _domains(model, domain)]


def _domains(model: Model, domain: str) -> list[FailureDomain]:
    """The failure domain ``domain`` and those above it, innermost first."""
    chain: list[FailureDomain] = []
    current = model.get(domain)
    while isinstance(current, FailureDomain) and current.id not in (fd.id for fd in chain):
        chain.append(current)
        current = model.get(current.parent or "")
    return chain


def _domain_site(model: Model, domain: str) -> str | None:
    """The site a failure domain is in, directly or through the domains above it."""
    for fd in _domains(model, domain):
        for name in (fd.site, fd.parent):
            if name and isinstance(model.get(name), Site):
                return name
    return None


def _selected(model: Model, selection: Selection, kept: set[str]) -> Selected:
    ids = tuple(sorted(kept))
    parent: dict[str, str] = {}
    for obj_id in ids:
        container = _container(model, model.objects[obj_id], kept)
        if container and container != obj_id:
            parent[obj_id] = container
    for obj_id in ids:  # an invalid model may place things in a loop: cut it where found
        seen = [obj_id]
        while (up := parent.get(seen[-1])) is not None:
            if up in seen:
                del parent[seen[-1]]
                break
            seen.append(up)
    children: dict[str, list[str]] = {}
    for obj_id in ids:
        if obj_id in parent:
            children.setdefault(parent[obj_id], []).append(obj_id)
    selected = Selected(
        selection,
        ids,
        parent,
        {k: tuple(v) for k, v in children.items()},
        tuple(i for i in ids if i not in parent),
        (),
    )
    return replace(selected, edges=_edges(model, selected))


def _edges(model: Model, selected: Selected) -> tuple[Edge, ...]:
    """Every relation between shown objects that their nesting does not already show."""
    kept = set(selected.ids)
    refs = model.relations.refs
    labels: dict[tuple[str, str, str], list[str]] = {}
    for obj_id in selected.ids:
        obj = model.objects[obj_id]
        ancestors: set[str] | None = None  # computed when needed
        member_roles: dict[str, list[str]] = {}  # a cluster's machine -> its roles, in order
        for member in obj.members if isinstance(obj, Cluster) else ():
            member_roles.setdefault(member.machine, []).extend(member.roles)
        for source, relation, target in refs[obj_id]:
            if target not in kept or target == source:
                continue
            if relation in CONTAINMENT:  # drawn by nesting when it is inside the target
                if selected.parent.get(obj_id) == target:
                    continue  # directly inside it: the common case
                if ancestors is None:
                    ancestors = set(selected.ancestors(obj_id))
                if target in ancestors:
                    continue
            roles = labels.setdefault((source, target, relation), [])
            if relation == "member":
                roles += member_roles.get(target, ())
    return tuple(
        Edge(s, r, t, ", ".join(dict.fromkeys(roles)))
        for (s, t, r), roles in sorted(labels.items())
    )


def inputs(model: Model, selected: Selected) -> tuple[set[str], set[str]] | None:
    """What ``selected`` was worked out from: the objects whose own fields it read (those
    around its root, what is shown, and where boxes were looked for: placement chains,
    failure domain chains, sites), and the objects whose relations it followed (the
    relations naming them). A change to anything else leaves it as it is. ``None``: every
    object (a selection without a root, or with layers, tags or exclude, reads them all).

    What :func:`_neighbourhood` walks, and what :func:`_container` reads for each shown
    object."""
    selection = selected.selection
    if selection.root is None or selection.layers or selection.tags or selection.exclude:
        return None
    followed: set[str] = set()
    fields = (
        _neighbourhood(model, selection.root, selection.depth, followed)
        | set(selected.ids)
        | set(selection.include)
    )
    for obj_id in selected.ids:
        obj = model.objects[obj_id]
        if obj.kind in ("vm", "container"):
            fields.update(model.placement_chain(obj_id))
        elif obj.kind == "service":
            for machine in obj.runs_on:
                fields.update(model.placement_chain(machine))
        elif obj.kind == "storage":
            fields.update(model.placement_chain(obj.provided_by))
        elif obj.kind in ("host", "failure_domain"):
            domains = obj.failure_domains if obj.kind == "host" else (obj_id,)
            for domain in domains:
                chain = _domains(model, domain)
                fields.add(domain)
                fields.update(fd.id for fd in chain)
                fields.update(n for fd in chain for n in (fd.site, fd.parent) if n)
            if obj.kind == "host" and obj.site:
                fields.add(obj.site)
    return fields, followed


def _overview(model: Model, selection: Selection, kept: set[str]) -> Selected:
    """The overview of ``kept``: its groups, hosts, clusters and networks; every relation of
    what runs on a host is drawn as the host's (a cluster's members, a VM's network), and each
    host counts what runs on it."""
    shown = {i for i in kept if model.objects[i].kind in OVERVIEW_KINDS}
    overview = _selected(model, selection, shown)

    def lifted(obj_id: str) -> str | None:
        return (
            obj_id
            if obj_id in shown
            else model.physical_host(obj_id)
            if model.physical_host(obj_id) in shown
            else None
        )

    labels: dict[tuple[str, str, str], list[str]] = {}
    refs = model.relations.refs
    for obj_id in sorted(kept):
        obj = model.objects[obj_id]
        member_roles: dict[str, list[str]] = {}
        for member in getattr(obj, "members", ()) if obj.kind == "cluster" else ():
            member_roles.setdefault(member.machine, []).extend(member.roles)
        for source, relation, target in refs[obj_id]:
            if relation in CONTAINMENT and relation != "in_domain" or target not in kept:
                continue
            ends = lifted(source), lifted(target)
            if (
                ends[0] is None
                or ends[1] is None
                or ends[0] == ends[1]
                or (relation == "in_domain" and ends[1] in overview.ancestors(ends[0]))
            ):
                continue
            roles = labels.setdefault((ends[0], ends[1], relation), [])
            roles += member_roles.get(target, ()) if relation == "member" else ()
    notes = {}
    for host in (i for i in overview.ids if model.objects[i].kind == "host"):
        counts = Counter(model.objects[i].kind for i in model.descendants(host))
        notes[host] = ", ".join(
            count_noun(counts[k], k) for k in ("vm", "container", "service", "storage") if counts[k]
        )
    edges = tuple(
        Edge(s, r, t, ", ".join(dict.fromkeys(roles)))
        for (s, t, r), roles in sorted(labels.items())
    )
    return replace(overview, edges=edges, notes=notes)
