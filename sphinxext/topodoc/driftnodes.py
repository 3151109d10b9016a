"""The last drift check as docutils nodes: the ``topodoc-drift`` directive's summary, findings
and sources, and the "Last drift check" section of an object's card."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docutils import nodes

from topodoc.drift.finding import Finding
from topodoc.drift.hints import human
from topodoc.drift.reports.markdown import STATUS_TEXT
from topodoc.drift.reports.report import Report
from topodoc.drift.states import STATES

from .context import Context
from .lastcheck import LastCheck
from .markup import Cell, para, table
from .nodes import Placeholder


def drift_nodes(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    """A report's summary, its findings in ``node["states"]`` and its sources; or a note
    saying why there is none."""
    check = ctx.lab.last_check_at(Path(node["path"]), node) if node["path"] else \
        ctx.lab.last_check
    out = nodes.container(ids=node["ids"], classes=["topodoc-drift", *node["classes"]])
    if check.report is None:
        out += nodes.note("", para(f"No drift report is available: {check.unavailable}."))
        return [out]
    report = check.report
    anchor = f"topodoc-drift-{node.line or 0}"  # a caption's permalink needs an id
    out += _summary(report, anchor)
    states = node["states"]
    found = [f for f in report.findings if f.state in states]
    if found:
        out += table(("Object", "Resource", "State", "Attribute", "Expected", "Actual",
                      "Severity", "Hint"),
                     [(_owner(ctx, check, f), nodes.literal(f.key, f.key), state_cell(f.state),
                       f.attribute or "", *_values(f), f.severity, f.hint) for f in found],
                     caption="Findings", classes=["topodoc-drift-findings"],
                     ids=[f"{anchor}-findings"])
    else:
        out += para(f"No finding is {' or '.join(states)}.")
    out += table(("Source", "Kind", "Status", "Resources", "API calls", "Seconds", "Error"),
                 [(nodes.literal(s.id, s.id), s.kind, state_cell(s.status), str(s.resources),
                   str(s.api_calls), f"{s.duration_s:g}", s.error or "")
                  for s in report.sources], caption="Sources", ids=[f"{anchor}-sources"])
    return [out]


def object_drift(ctx: Context, obj_id: str) -> nodes.Element | None:
    """The card section of ``obj_id``: its resources' state at the last check, if it had any."""
    check = ctx.lab.last_check
    found = check.by_object.get(obj_id)
    if check.report is None or not found:
        return None
    section = nodes.container(classes=["topodoc-drift"])
    section += para(f"As of {check.report.checked_at} (the check as a whole: "
                    f"{STATUS_TEXT[check.report.status]}).")
    section += table(("Resource", "State", "Attribute", "Expected", "Actual", "Hint"),
                     [(nodes.literal(f.key, f.key), state_cell(f.state), f.attribute or "",
                       *_values(f), f.hint) for f in found])
    return section


def state_cell(state: str) -> nodes.inline:
    """A finding's state (or a source's status), styled by the stylesheet."""
    return nodes.inline(state, state, classes=["topodoc-state", f"topodoc-state-{state}"])


def _summary(report: Report, anchor: str) -> list[nodes.Node]:
    summary = report.summary()
    verified, documented = report.coverage()
    coverage = f"{verified} of {documented} documented resources verified" + (
        f" ({verified * 100 // documented}%)" if documented else "")
    text = para(nodes.strong("", STATUS_TEXT[report.status].capitalize()),
                f": checked {report.checked_at} against {report.topology} by topodoc "
                f"{report.tool_version}; {coverage}"
                + (f"; {len(report.ignored)} findings ignored by rules" if report.ignored
                   else "") + ".")
    kinds: list[Sequence[Cell]] = [
        (nodes.literal(kind, kind), *(str(counts[s]) for s in STATES))
        for kind, counts in summary["kinds"].items()]
    kinds.append((nodes.strong("", "all"), *(str(n) for n in summary["states"].values())))
    return [text, table(("Kind", *STATES), kinds, caption="Findings per kind",
                        ids=[f"{anchor}-findings-per-kind"])]


def _owner(ctx: Context, check: LastCheck, finding: Finding) -> Cell:
    owner = check.owners.get(finding.key)
    return ctx.ref(owner) if owner else ""


def _values(finding: Finding) -> tuple[str, str]:
    """Expected and actual, for people, secret values masked."""
    shown = finding.to_json()

    def text(side: str) -> str:
        return "" if shown[side] is None else human(finding.attribute, shown[side])

    return text("expected"), text("actual")
