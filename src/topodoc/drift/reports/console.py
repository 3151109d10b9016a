"""The console form of a drift report: one line per finding, grouped by layer."""

from __future__ import annotations

import re

from topodoc.drift.finding import LAYER_ORDER, Finding
from topodoc.drift.reports.report import Report

STATE_COLORS = {
    "ok": "32",
    "missing": "31",
    "unexpected": "35",
    "changed": "33",
    "unverifiable": "36",
}
LEVEL_COLORS = {"info": "2", "warning": "33", "error": "31", "critical": "1;31"}
STATUS_TEXT = {
    "in_sync": ("in sync", "1;32"),
    "drift": ("DRIFT", "1;33"),
    "incomplete": ("INCOMPLETE", "1;31"),
}


#: Control characters: shown as "?" so no text from a source can drive the terminal.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    return CONTROL.sub("?", text)


def paint(text: str, code: str, color: bool) -> str:
    """``text`` in ANSI colour ``code`` when ``color`` is on."""
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def render_console(report: Report, *, color: bool = False, verbose: bool = False) -> str:
    """The report for a terminal; ``verbose`` adds ok findings and the ignore rules used."""
    shown = [f for f in report.findings if verbose or f.state != "ok"]
    cut_off = report.cut_off_counts()
    width = max((len(f.ref) for f in shown), default=0)
    title, code = STATUS_TEXT[report.status]
    lines = [
        f"topodoc drift: {paint(title, code, color)} "
        f"({plain(report.topology)}, checked {plain(report.checked_at)})"
    ]

    for layer in LAYER_ORDER:
        in_layer = [f for f in shown if f.layer == layer]
        if in_layer:
            lines += ["", paint(layer, "1", color)]
            lines += [finding_line(f, width, color, report.short_hint(f)) for f in in_layer]

    if verbose and report.ignored:
        lines += ["", paint("ignored", "1", color)]
        for item in report.ignored:
            rule = item.rule
            why = f": {rule.reason}" if rule.reason else ""
            lines.append(
                plain(
                    f"  {item.finding.ref} ({item.finding.state}) by {rule.text} "
                    f"at {rule.origin}{why}"
                )
            )

    lines += ["", paint("sources", "1", color)]
    id_width = max((len(s.id) for s in report.sources), default=0)
    for source in report.sources:
        status = paint(f"{source.status:<12}", "32" if source.status == "ok" else "31", color)
        detail = (
            f"{plural(source.resources, 'resource')}, "
            f"{plural(source.api_calls, 'API call')}, {source.duration_s:.2f} s"
        )
        if source.error:
            detail += f"; {plain(source.error)}"
        if cut_off[source.id]:
            detail += f"; {plural(cut_off[source.id], 'finding')} unverifiable because of it"
        lines.append(f"  {status} {source.id:<{id_width}}  {detail}")

    counts = ", ".join(f"{n} {state}" for state, n in report.counts().items())
    verified, documented = report.coverage()
    percent = f" ({verified * 100 // documented}%)" if documented else ""
    lines += [
        "",
        f"summary: {counts}; {len(report.ignored)} ignored; "
        f"coverage {verified}/{documented}{percent}",
    ]
    return "\n".join(lines) + "\n"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def finding_line(finding: Finding, width: int, color: bool, hint: str) -> str:
    state = paint(f"{finding.state:<12}", STATE_COLORS.get(finding.state, "0"), color)
    level = paint(f"{finding.severity:<8}", LEVEL_COLORS.get(finding.severity, "0"), color)
    return f"  {state} {level} {plain(finding.ref):<{width}}  {plain(hint)}".rstrip()
