"""The resolved model as versioned, deterministic JSON."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from topodoc import __version__
from topodoc.model.objects import Located, Model, Obj, Scenario, View
from topodoc.model.sizes import ApproxSize
from topodoc.util.secrets import redact, uri_secrets

#: The export's contract: a minor bump only adds fields; a major bump breaks readers.
#: 1.1: every field of the topology (status, template, devices, networking, VM settings, ...,
#: and the description of disks and interfaces); ``approximate`` gives the sizes written
#: approximately, as written; the topology's ``scenarios``.
FORMAT_VERSION = "1.1"


def _fields(value: Located) -> dict[str, Any]:
    """``value``'s fields as the export writes them: a view's id, title and description, then
    the rest of its selection's fields."""
    if isinstance(value, View):
        selection = dataclasses.asdict(value.selection)
        title = selection.pop("title")
        return {"id": value.id, "title": title, "description": value.description, **selection}
    return {
        f.name: getattr(value, f.name)
        for f in dataclasses.fields(value)
        if f.name not in ("loc", "locs")
    }


def _plain(value: Any, root: str) -> Any:
    if isinstance(value, Located):
        fields = _fields(value)
        out = {name: _plain(field, root) for name, field in fields.items()}
        out = {k: v for k, v in out.items() if v not in (None, "", (), [], {})}
        approximate = {
            name: size.written for name, size in fields.items() if isinstance(size, ApproxSize)
        }
        if approximate:
            out["approximate"] = approximate
        kind = getattr(type(value), "kind", None)
        if isinstance(kind, str):
            out = {"kind": kind, **out}
        if isinstance(value, (Obj, View, Scenario)):
            out["defined_at"] = _where(value, root)
        return out
    if isinstance(value, (tuple, list)):
        return [_plain(v, root) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _plain(v, root) for k, v in sorted(value.items())}
    return value


def plain(value: Located) -> dict[str, Any]:
    """``value``'s exported form without where it is written (a content hash's input)."""
    out: dict[str, Any] = _plain(value, "/")
    out.pop("defined_at", None)
    return out


def _where(value: Located, root: str) -> str:
    return f"{os.path.relpath(value.loc.file, root)}:{value.loc.line}"


def export(model: Model, root: str) -> dict[str, Any]:
    """The model as JSON-ready data; ``root`` makes file names relative (and stable)."""
    return {
        "format_version": FORMAT_VERSION,
        "generator": f"topodoc {__version__}",
        "digest": model.digest,
        "objects": [_plain(obj, root) for obj in model],
        "views": [_plain(view, root) for view in model.views.values()],
        "scenarios": [_plain(scenario, root) for scenario in model.scenarios.values()],
        "live": {
            "timeout": model.live.timeout_s,
            "severity": list(model.live.severity),
            "sources": [{"id": s.id, **_plain(s, root)} for s in model.live.sources],
        },
    }


def export_text(model: Model, root: str) -> str:
    """The export as text, every secret masked (``live`` URLs may carry passwords)."""
    text = json.dumps(export(model, root), indent=2, ensure_ascii=False, sort_keys=False)
    return redact(text + "\n", {p for s in model.live.sources for p in uri_secrets(s.uri)})
