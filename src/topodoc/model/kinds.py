"""The kinds of objects a topology holds: one registry that every part reads.

The schema's sections, the model builder, the diagrams' nouns, the reference pages' titles,
tables and diagrams, and the impact summary all come from :data:`REGISTRY`, so adding a kind
is one entry here (plus its JSON Schema definition, its dataclass in ``objects`` and its
colours in ``diagrams.style``). A module of its own, light to import: the Sphinx extension
registers a role per kind before it needs the model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of object and how every part of topodoc names and shows it."""

    name: str  #: the kind as the model and exports name it: ``failure_domain``
    section: str  #: the topology's list of such objects: ``failure_domains``
    singular: str  #: in running text: ``failure domain``
    plural: str  #: ``failure domains``
    title: str  #: a heading over such objects: ``Failure domains``
    machine: bool = False  #: other things run on it and it attaches to networks
    table: tuple[str, str | None] | None = None  #: the table (and filter) listing such objects
    page_diagram: bool = False  #: its reference page draws it with its neighbours


REGISTRY: tuple[Kind, ...] = (
    Kind("site", "sites", "site", "sites", "Sites"),
    Kind(
        "failure_domain", "failure_domains", "failure domain", "failure domains", "Failure domains"
    ),
    Kind(
        "host",
        "hosts",
        "host",
        "hosts",
        "Physical hosts",
        machine=True,
        table=("hosts", None),
        page_diagram=True,
    ),
    Kind(
        "vm",
        "vms",
        "VM",
        "VMs",
        "Virtual machines",
        machine=True,
        table=("vms", "kind=vm"),
        page_diagram=True,
    ),
    Kind(
        "container",
        "containers",
        "container",
        "containers",
        "Containers",
        machine=True,
        table=("vms", "kind=container"),
        page_diagram=True,
    ),
    Kind(
        "cluster",
        "clusters",
        "cluster",
        "clusters",
        "Clusters",
        table=("clusters", None),
        page_diagram=True,
    ),
    Kind(
        "service",
        "services",
        "service",
        "services",
        "Services",
        table=("services", None),
        page_diagram=True,
    ),
    # a network's page lists the machines attached to it: a diagram would hold all of them
    Kind("network", "networks", "network", "networks", "Networks", table=("networks", None)),
    Kind(
        "storage",
        "storage",
        "storage object",
        "storage objects",
        "Storage",
        table=("storage", None),
        page_diagram=True,
    ),
)

#: Each kind by name.
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in REGISTRY}
#: The kinds' names, in the order pages and summaries list them.
KINDS: tuple[str, ...] = tuple(kind.name for kind in REGISTRY)
#: Kinds that are machines: things other things run on and that attach to networks.
MACHINE_KINDS: tuple[str, ...] = tuple(kind.name for kind in REGISTRY if kind.machine)


def count_noun(count: int, kind: str, translate: Callable[[str], str] = str) -> str:
    """``3 VMs``, ``1 host``; the noun through ``translate`` (the Sphinx extension's)."""
    spec = BY_NAME[kind]
    return f"{count} {translate(spec.singular if count == 1 else spec.plural)}"
