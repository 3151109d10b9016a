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
from .i18n import _, value
from .lastcheck import LastCheck
from .markup import Cell, para, table
from .nodes import Placeholder


def drift_nodes(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    """A report's summary, its findings in ``node["states"]`` and its sources; or a note
    saying why there is none."""
    check = ctx.lab.last_check_at(Path(node["path"]), node) if node["path"] else ctx.lab.last_check
    out = nodes.container(ids=node["ids"], classes=["topodoc-drift", *node["classes"]])
    if check.report is None:
        out += nodes.note(
            "", para(_("No drift report is available: {why}.").format(why=check.unavailable))
        )
        return [out]
    report = check.report
    anchor = f"topodoc-drift-{node.line or 0}"  # a caption's permalink needs an id
    out += _summary(report, anchor)
    states = node["states"]
    found = [f for f in report.findings if f.state in states]
    if found:
        out += table(
            (
                _("Object"),
                _("Resource"),
                _("State"),
                _("Attribute"),
                _("Expected"),
                _("Actual"),
                _("Severity"),
                _("Hint"),
            ),
            [
                (
                    _owner(ctx, check, f),
                    nodes.literal(f.key, f.key),
                    state_cell(f.state),
                    f.attribute or "",
                    *_values(f),
                    _(f.severity),
                    f.hint,
                )
                for f in found
            ],
            caption=_("Findings"),
            classes=["topodoc-drift-findings"],
            ids=[f"{anchor}-findings"],
        )
    else:
        out += para(
            _("No finding is {states}.").format(states=_(" or ").join(_(s) for s in states))
        )
    out += table(
        (
            _("Source"),
            _("Kind"),
            _("Status"),
            _("Resources"),
            _("API calls"),
            _("Seconds"),
            _("Error"),
        ),
        [
            (
                nodes.literal(s.id, s.id),
                s.kind,
                state_cell(s.status),
                str(s.resources),
                str(s.api_calls),
                f"{s.duration_s:g}",
                s.error or "",
            )
            for s in report.sources
        ],
        caption=_("Sources"),
        ids=[f"{anchor}-sources"],
    )
    return [out]


def object_drift(ctx: Context, obj_id: str) -> nodes.Element | None:
    """The card section of ``obj_id``: its resources' state at the last check, if it had any."""
    check = ctx.lab.last_check
    found = check.by_object.get(obj_id)
    if check.report is None or not found:
        return None
    section = nodes.container(classes=["topodoc-drift"])
    section += para(
        _("As of {checked_at} (the check as a whole: {status}).").format(
            checked_at=check.report.checked_at, status=_(STATUS_TEXT[check.report.status])
        )
    )
    section += table(
        (_("Resource"), _("State"), _("Attribute"), _("Expected"), _("Actual"), _("Hint")),
        [
            (
                nodes.literal(f.key, f.key),
                state_cell(f.state),
                f.attribute or "",
                *_values(f),
                f.hint,
            )
            for f in found
        ],
    )
    return section


def state_cell(state: str) -> nodes.inline:
    """A finding's state (or a source's status), styled by the stylesheet."""
    return nodes.inline(state, _(state), classes=["topodoc-state", f"topodoc-state-{state}"])


def _summary(report: Report, anchor: str) -> list[nodes.Node]:
    summary = report.summary()
    verified, documented = report.coverage()
    coverage = _("{verified} of {documented} documented resources verified").format(
        verified=verified, documented=documented
    ) + (f" ({verified * 100 // documented}%)" if documented else "")
    ignored = (
        _("; {n} findings ignored by rules").format(n=len(report.ignored)) if report.ignored else ""
    )
    text = para(
        nodes.strong("", _(STATUS_TEXT[report.status]).capitalize()),
        _(
            ": checked {checked_at} against {topology} by topodoc {version}; {coverage}{ignored}."
        ).format(
            checked_at=report.checked_at,
            topology=report.topology,
            version=report.tool_version,
            coverage=coverage,
            ignored=ignored,
        ),
    )
    kinds: list[Sequence[Cell]] = [
        (nodes.literal(kind, kind), *(str(counts[s]) for s in STATES))
        for kind, counts in summary["kinds"].items()
    ]
    kinds.append((nodes.strong("", _("all")), *(str(n) for n in summary["states"].values())))
    return [
        text,
        table(
            (_("Kind"), *map(_, STATES)),
            kinds,
            caption=_("Findings per kind"),
            ids=[f"{anchor}-findings-per-kind"],
        ),
    ]


def _owner(ctx: Context, check: LastCheck, finding: Finding) -> Cell:
    owner = check.owners.get(finding.key)
    return ctx.ref(owner) if owner else ""


def _values(finding: Finding) -> tuple[str, str]:
    """Expected and actual, for people, secret values masked."""
    shown = finding.to_json()
    return tuple(  # type: ignore[return-value]
        "" if shown[side] is None else value(human(finding.attribute, shown[side]))
        for side in ("expected", "actual")
    )
