"""Content hashes of a model's parts, each under a key naming what it covers, so that a docs
build can tell which parts changed between two versions of a topology:

- ``o:ID``: object ``ID`` in its exported form (without where it is written): what a card,
  table, diagram or link shows of it;
- ``in:ID``: every relation naming object ``ID`` (source and relation): what is placed on,
  in or attached to it, depends on it, is a member of it;
- ``at:ID``: where object ``ID`` is written (file and line);
- ``k:KIND``: every ``o:`` key of one kind together (a change to any, an object added or
  removed);
- ``v:ID``: view ``ID``; ``label:NAME``: the object with that Sphinx label;
- ``kinds``: the kinds that have objects (one page each in the reference's table of contents);
- ``*``: every object, relation and view (a change to anything shown).

A key absent from one version and present in the other (an object added or removed) has
changed too. Comments, blank lines and the order of objects in the files change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from hashlib import blake2b

from topodoc.model.export import plain
from topodoc.model.graph import references
from topodoc.model.kinds import KINDS
from topodoc.model.objects import Model

Digests = dict[str, str]


def _hash(data: object) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return blake2b(text.encode(), digest_size=12).hexdigest()


def digests(model: Model) -> Digests:
    """Every key of ``model`` (see the module's docstring) -> its content hash."""
    named: dict[str, list[tuple[str, str]]] = {}
    for obj in model:
        for source, relation, target, _ in references(obj):
            named.setdefault(target, []).append((source, relation))
    out: Digests = {}
    kinds: dict[str, list[tuple[str, str]]] = {kind: [] for kind in KINDS}
    for obj in model:
        key = f"o:{obj.id}"
        out[key] = _hash(plain(obj))
        out[f"in:{obj.id}"] = _hash(sorted(named.get(obj.id, ())))
        out[f"at:{obj.id}"] = f"{obj.loc.file}:{obj.loc.line}"
        kinds[obj.kind].append((obj.id, out[key]))
        if obj.label:
            out[f"label:{obj.label.lower()}"] = obj.id
    for kind, members in kinds.items():
        out[f"k:{kind}"] = _hash(members)
    out["kinds"] = " ".join(kind for kind, members in kinds.items() if members)
    for view in model.views.values():
        out[f"v:{view.id}"] = _hash(plain(view))
    out["*"] = _hash(sorted((k, v) for k, v in out.items() if k.startswith(("o:", "in:", "v:"))))
    return out


def changed(before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    """The keys whose hash differs, or that only one side has."""
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
