"""The Markdown form of a drift report, for a merge request comment."""

from __future__ import annotations

import re

from topodoc.drift.finding import LAYER_ORDER
from topodoc.drift.hints import human
from topodoc.drift.reports.report import Report, SourceSummary

STATUS_TEXT = {
    "in_sync": "in sync",
    "drift": "drift found",
    "incomplete": "incomplete (a source failed or something is unverifiable)",
}

#: Characters that would end a table cell or start inline markup.
MARKUP = re.compile(r"([\\`*_\[\]<>|~])")

#: Control characters, dropped: they mean nothing in a comment.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cell(value: object) -> str:
    """``value`` as literal text in one table cell."""
    return MARKUP.sub(r"\\\1", " ".join(CONTROL.sub("", str(value)).split()))


def row(*values: object) -> str:
    return "| " + " | ".join(cell(v) for v in values) + " |"


def table(header: tuple[str, ...], rows: list[str], align: str = "---") -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join([align] * len(header)) + "|", *rows]


def render_markdown(report: Report) -> str:
    """Summary table, non-ok findings per layer, sources, and the ignored ones folded."""
    summary = report.summary()
    verified, documented = report.coverage()
    coverage = f"{verified}/{documented}"
    if documented:
        coverage += f" ({verified * 100 // documented}%)"
    states = summary["states"]
    lines = [
        f"## topodoc drift: {STATUS_TEXT[report.status]}",
        "",
        f"Topology {cell(report.topology)}, checked {cell(report.checked_at)} "
        f"by topodoc {cell(report.tool_version)}.",
        "",
        *table(
            (*states, "ignored", "coverage"),
            [row(*states.values(), len(report.ignored), coverage)],
            "---:",
        ),
    ]

    for layer in LAYER_ORDER:
        found = [f for f in report.findings if f.layer == layer and f.state != "ok"]
        if not found:
            continue
        rows = []
        for finding in found:
            shown = finding.to_json()  # secret values masked
            rows.append(
                row(
                    finding.severity,
                    finding.state,
                    finding.key,
                    finding.attribute or "",
                    ""
                    if shown["expected"] is None
                    else human(finding.attribute, shown["expected"]),
                    "" if shown["actual"] is None else human(finding.attribute, shown["actual"]),
                    report.short_hint(finding),
                )
            )
        lines += [
            "",
            f"### {layer}",
            "",
            *table(
                ("severity", "state", "resource", "attribute", "expected", "actual", "hint"), rows
            ),
        ]

    cut_off = report.cut_off_counts()

    def detail(source: SourceSummary) -> str:
        parts = [source.error] if source.error else []
        if cut_off[source.id]:
            count = cut_off[source.id]
            parts.append(f"{count} finding{'' if count == 1 else 's'} unverifiable because of it")
        return "; ".join(parts)

    lines += [
        "",
        "### Sources",
        "",
        *table(
            ("source", "status", "resources", "API calls", "seconds", "detail"),
            [
                row(s.id, s.status, s.resources, s.api_calls, f"{s.duration_s:.2f}", detail(s))
                for s in report.sources
            ],
        ),
    ]

    if report.ignored:
        rows = [
            row(i.finding.ref, i.finding.state, i.rule.text, i.rule.origin, i.rule.reason or "")
            for i in report.ignored
        ]
        lines += [
            "",
            f"<details><summary>{len(report.ignored)} ignored</summary>",
            "",
            *table(("resource", "state", "rule", "origin", "reason"), rows),
            "",
            "</details>",
        ]
    return "\n".join(lines) + "\n"
