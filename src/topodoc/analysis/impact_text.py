"""The failure-impact table as text and as JSON."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from topodoc.analysis.impact import Impact
from topodoc.model.kinds import count_noun
from topodoc.model.objects import Model

#: What a failure's summary counts, in this order.
SUMMARY_KINDS = ("host", "vm", "container", "service", "cluster", "storage")


def fraction_text(down: int, total: int) -> str:
    """``2/6 (=1/3)``: the lowest terms only where they differ; ``-`` for no total."""
    if not total:
        return "-"
    simple = Fraction(down, total)
    text = f"{down}/{total}"
    return text if simple.denominator == total else f"{text} (={simple})"


def _down_summary(model: Model, row: Impact, translate: Callable[[str], str]) -> str:
    counts = ((kind, row.count(model, kind)) for kind in SUMMARY_KINDS)
    return ", ".join(count_noun(n, kind, translate) for kind, n in counts if n) or translate(
        "nothing else"
    )


def impact_rows(
    model: Model, rows: list[Impact], translate: Callable[[str], str] = str
) -> list[dict[str, str]]:
    """One display row per failure: what fails, what goes down, quorum and control plane;
    the words of "what goes down" passed through ``translate`` (the Sphinx extension's)."""
    out = []
    for row in rows:
        quorum = [c.cluster for c in row.clusters if c.quorum_lost]
        control = [
            f"{c.cluster} {fraction_text(c.control_down, c.control)}"
            for c in row.clusters
            if c.control_down
        ]
        out.append(
            {
                "failure": row.failed,
                "kind": row.kind,
                "down": _down_summary(model, row, translate),
                "quorum_lost": ", ".join(quorum) or "-",
                "control_plane_lost": "; ".join(control) or "-",
            }
        )
    return out


COLUMNS = (
    ("failure", "FAILURE OF"),
    ("kind", "KIND"),
    ("down", "DOWN WITH IT"),
    ("quorum_lost", "QUORUM LOST"),
    ("control_plane_lost", "CONTROL PLANE LOST"),
)


def impact_text(model: Model, rows: list[Impact], width: int | None = None) -> str:
    """The table; when it is wider than ``width`` columns, one block per failure instead,
    its values wrapped to fit."""
    table = impact_rows(model, rows)
    widths = {k: max([len(t)] + [len(r[k]) for r in table]) for k, t in COLUMNS}
    if width is not None and sum(widths.values()) + 2 * (len(COLUMNS) - 1) > width:
        return _blocks(table, width)
    lines = ["  ".join(t.ljust(widths[k]) for k, t in COLUMNS).rstrip()]
    for r in table:
        lines.append("  ".join(r[k].ljust(widths[k]) for k, _ in COLUMNS).rstrip())
    return "\n".join(lines) + "\n"


def _blocks(table: list[dict[str, str]], width: int) -> str:
    """The narrow layout: ``FAILURE (KIND)`` then one indented, wrapped line per column."""
    names = [title.lower() for key, title in COLUMNS[2:]]
    indent = 2 + max(len(n) for n in names) + 2
    lines: list[str | None] = []
    for r in table:
        lines += ["" if lines else None, f"{r['failure']} ({r['kind']})"]
        for (key, _), name in zip(COLUMNS[2:], names, strict=True):
            line = f"  {name}".ljust(indent)
            for item in re.split(r"(?<=[;,]) ", r[key]):  # an entry is never split
                if len(line) > indent and len(line) + 1 + len(item) > width:
                    lines.append(line)
                    line = " " * indent
                line += item if len(line) == indent else " " + item
            lines.append(line)
    return "\n".join(line for line in lines if line is not None) + "\n"


def impact_json(model: Model, rows: list[Impact]) -> dict[str, Any]:
    return {
        "format_version": "1.1",
        "impacts": [
            {
                "failure": r.failed,
                "kind": r.kind,
                "objects": list(r.objects),
                "down": list(r.down),
                "clusters": [
                    {
                        "cluster": c.cluster,
                        "type": c.type,
                        "members_down": c.members_down,
                        "members": c.members,
                        "control_plane_down": c.control_down,
                        "control_plane": c.control,
                        "control_plane_fraction": str(c.control_fraction),
                        "quorum_lost": c.quorum_lost,
                        "down": c.down,
                    }
                    for c in r.clusters
                ],
            }
            for r in rows
        ],
    }
