"""The drift report: findings, ignored findings and sources of one check, as JSON.

The JSON form is a contract (``format_version``: minor = additive, major = breaking); the
console, JUnit and Markdown writers render the same :class:`Report`. ``checked_at`` is the
only field that changes between two runs over the same lab.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from topodoc import __version__
from topodoc.drift.analyzer import Analysis, Ignored
from topodoc.drift.finding import Finding
from topodoc.drift.resources import ATTRIBUTES, SourceResult
from topodoc.drift.severity import level_rank
from topodoc.drift.states import DRIFT_STATES, STATES
from topodoc.errors import TopodocError
from topodoc.util.secrets import redact
from topodoc.util.versioned_json import read_versioned

FORMAT_VERSION = "1.2"

#: Exit codes: in sync, drift found, check incomplete (a source failed or something unverifiable).
EXIT_CODES = {"in_sync": 0, "drift": 1, "incomplete": 2}

#: Source statuses that do not make a check incomplete by themselves.
COMPLETE_STATUSES = frozenset({"ok", "skipped"})


class ReportError(TopodocError):
    """A report cannot be read or written; the message names the file."""


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source as a report shows it: its outcome and how many resources it gave."""

    id: str
    kind: str
    uri: str
    status: str
    error: str | None
    duration_s: float
    api_calls: int
    resources: int

    @classmethod
    def of(cls, result: SourceResult) -> SourceSummary:
        return cls(
            result.id,
            result.kind,
            result.uri,
            result.status,
            result.error,
            round(result.duration_s, 3),
            result.api_calls,
            len(result.resources),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "uri": self.uri,
            "status": self.status,
            "error": self.error,
            "duration_s": self.duration_s,
            "api_calls": self.api_calls,
            "resources": self.resources,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceSummary:
        return cls(
            data["id"],
            data["kind"],
            data["uri"],
            data["status"],
            data.get("error"),
            float(data["duration_s"]),
            int(data["api_calls"]),
            int(data["resources"]),
        )


@dataclass(frozen=True, slots=True)
class Report:
    """One drift check, ready to render."""

    findings: tuple[Finding, ...]
    ignored: tuple[Ignored, ...]
    sources: tuple[SourceSummary, ...]
    topology: str
    checked_at: str
    tool_version: str

    @classmethod
    def build(
        cls,
        analysis: Analysis,
        sources: Iterable[SourceResult],
        *,
        topology: str,
        checked_at: str,
        tool_version: str = __version__,
    ) -> Report:
        """A report of what :func:`~topodoc.drift.analyzer.analyze` found in ``sources``."""
        return cls(
            analysis.findings,
            analysis.ignored,
            tuple(SourceSummary.of(s) for s in sorted(sources, key=lambda s: s.id)),
            topology,
            checked_at,
            tool_version,
        )

    @property
    def status(self) -> str:
        """``in_sync``, ``drift`` or ``incomplete`` (which wins over drift)."""
        if any(s.status not in COMPLETE_STATUSES for s in self.sources) or any(
            f.state == "unverifiable" for f in self.findings
        ):
            return "incomplete"
        if any(f.state in DRIFT_STATES for f in self.findings):
            return "drift"
        return "in_sync"

    def cut_off(self, finding: Finding) -> bool:
        """Whether ``finding`` is unverifiable only because its source failed."""
        return (
            finding.state == "unverifiable"
            and not finding.attribute
            and any(
                s.id == finding.source and s.status not in COMPLETE_STATUSES for s in self.sources
            )
        )

    def short_hint(self, finding: Finding) -> str:
        """The hint for people: a finding cut off by its failed source says only that (the
        source's error is shown once, under sources); the others their own hint."""
        if not self.cut_off(finding):
            return finding.hint
        status = next(s.status for s in self.sources if s.id == finding.source)
        return f"not checked: {finding.source} {status} (see sources)"

    def cut_off_counts(self) -> Counter[str]:
        """Source id -> how many findings its failure left unverifiable."""
        return Counter(f.source for f in self.findings if self.cut_off(f))

    def counts(self) -> dict[str, int]:
        """Reported findings per state, every state present."""
        counted = Counter(f.state for f in self.findings)
        return {state: counted[state] for state in STATES}

    def coverage(self) -> tuple[int, int]:
        """(verified, documented): documented resources seen by their source with every
        documented attribute compared; one with an unverifiable attribute is not verified.

        Ignored findings count too.
        """
        everything = [*self.findings, *(i.finding for i in self.ignored)]
        documented = {f.key for f in everything if f.state != "unexpected"}
        verified = {f.key for f in everything if f.state in ("ok", "changed")} - {
            f.key for f in everything if f.state == "unverifiable"
        }
        return len(verified), len(documented)

    def summary(self) -> dict[str, Any]:
        per_kind: dict[str, Counter[str]] = {}
        for finding in self.findings:
            per_kind.setdefault(finding.kind, Counter())[finding.state] += 1
        kind_order = list(ATTRIBUTES)
        kinds = sorted(
            per_kind, key=lambda k: (kind_order.index(k) if k in kind_order else len(kind_order), k)
        )
        levels = [f.severity for f in self.findings if f.state != "ok"]
        verified, documented = self.coverage()
        return {
            "status": self.status,
            "exit_code": EXIT_CODES[self.status],
            "max_severity": max(levels, key=level_rank) if levels else None,
            "states": self.counts(),
            "kinds": {k: {s: per_kind[k][s] for s in STATES} for k in kinds},
            "ignored": len(self.ignored),
            "coverage": {
                "verified": verified,
                "documented": documented,
                "ratio": round(verified / documented, 4) if documented else None,
            },
        }

    def to_json(self) -> dict[str, Any]:
        """The report as JSON data, secret values masked."""
        return {
            "format_version": FORMAT_VERSION,
            "tool_version": self.tool_version,
            "checked_at": self.checked_at,
            "topology": self.topology,
            "summary": self.summary(),
            "findings": [f.to_json() for f in self.findings],
            "ignored": [i.to_json() for i in self.ignored],
            "sources": [s.to_json() for s in self.sources],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            tuple(Finding.from_json(f) for f in data["findings"]),
            tuple(Ignored.from_json(i) for i in data["ignored"]),
            tuple(SourceSummary.from_json(s) for s in data["sources"]),
            data["topology"],
            data["checked_at"],
            data["tool_version"],
        )


def exit_code(report: Report) -> int:
    """0 in sync, 1 drift, 2 incomplete (a source not ok, or unverifiable findings)."""
    return EXIT_CODES[report.status]


def render_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def read_report(path: str | os.PathLike[str]) -> Report:
    """Load a report saved as JSON; :class:`ReportError` says what is wrong with the file."""
    name = os.fspath(path)
    data = read_versioned(path, "drift report", FORMAT_VERSION, ReportError, redact)
    try:
        return Report.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportError(f"{name}: malformed drift report: {type(exc).__name__}: {exc}") from None
