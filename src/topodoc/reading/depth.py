"""The nesting limit: how deep objects may be placed on one another.

VMs run on VMs (``runs_on``) and failure domains sit in failure domains (``parent``) to any
depth the format allows, but a lab is a few levels deep; a chain thousands of levels deep is a
mistake or a hostile file, and would cost every diagram and page quadratic time or more. An
object deeper than :data:`MAX_DEPTH` is reported at its ``runs_on``/``parent`` and left out of
the model, with everything placed on it.
"""

from __future__ import annotations

from collections.abc import Mapping

from topodoc.model.objects import Obj
from topodoc.model.problems import Problem

MAX_DEPTH = 64
#: The fields that place an object on another (a single id).
PLACED_BY = ("runs_on", "parent")


def _below(obj: Obj) -> tuple[str, str] | None:
    """The field placing ``obj`` and the id it names, if any."""
    for field in PLACED_BY:
        value = getattr(obj, field, None)
        if isinstance(value, str):
            return field, value
    return None


def too_deep(objects: Mapping[str, Obj]) -> tuple[set[str], list[Problem]]:
    """The ids nested deeper than :data:`MAX_DEPTH`, and one problem per chain at the first
    object over the limit. Linear in the number of objects; cycles are left to the rules."""
    depth: dict[str, int] = {}
    for start in objects:
        path: list[str] = []
        node: str | None = start
        on_path: set[str] = set()
        while node is not None and node in objects and node not in depth and node not in on_path:
            path.append(node)
            on_path.add(node)
            below = _below(objects[node])
            node = below[1] if below else None
        base = depth.get(node, 0) if node is not None and node not in on_path else 0
        for level, obj_id in enumerate(reversed(path), start=base + 1):
            depth[obj_id] = level
    deep = {obj_id for obj_id, level in depth.items() if level > MAX_DEPTH}
    problems = []
    for obj_id in sorted(deep):
        if depth[obj_id] == MAX_DEPTH + 1:
            obj = objects[obj_id]
            field, _ = _below(obj) or ("id", "")
            problems.append(
                Problem(
                    "nesting-depth",
                    "error",
                    f"{obj_id}: placed {MAX_DEPTH + 1} levels deep "
                    f"({field} chain), over the limit of {MAX_DEPTH}; it and everything placed on "
                    "it are left out",
                    obj.at(field),
                    obj_id,
                )
            )
    return deep, problems
