"""The last drift check: a report saved by ``topodoc drift -o json=FILE``, read once per build.

The site shows it in ``topodoc-drift`` directives and, per object, on the reference cards.
No report is not an error (a fresh clone has none): the pages say that none is available.
A file that is not a readable report is a ``topodoc.drift`` warning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from topodoc.model.problems import display_path

from .warn import Location, warn

if TYPE_CHECKING:  # the drift code loads with the first report read, not with every build
    from topodoc.drift.finding import Finding
    from topodoc.drift.reports.report import Report
    from topodoc.model.objects import Model


@dataclass(frozen=True)
class LastCheck:
    """A drift report as the site shows it, or why there is none (``report`` None)."""

    path: Path | None
    report: Report | None = None
    unavailable: str = "no drift report is configured (topodoc_drift_report in conf.py)"
    owners: Mapping[str, str] = field(default_factory=dict)  # finding key -> object id

    @cached_property
    def by_object(self) -> Mapping[str, tuple[Finding, ...]]:
        """Object id -> its findings, in report order."""
        out: dict[str, list[Finding]] = {}
        for finding in self.report.findings if self.report else ():
            if finding.key in self.owners:
                out.setdefault(self.owners[finding.key], []).append(finding)
        return {obj_id: tuple(found) for obj_id, found in out.items()}


def report_digest(path: Path | None) -> str:
    """Changes whenever the report file does (or appears, or goes)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path else ""
    except OSError:
        return ""


def read_last_check(path: Path | None, model: Model, location: Location = None) -> LastCheck:
    """The report at ``path`` with its findings filed under the objects they are about."""
    from topodoc.drift.reports.report import ReportError, read_report

    if path is None:
        return LastCheck(None)
    if not path.exists():
        return LastCheck(
            path,
            unavailable=f"no drift report at {display_path(str(path))} yet "
            "(write one with topodoc drift -o json=FILE)",
        )
    try:
        report = read_report(path)
    except ReportError as exc:
        warn("drift", str(exc), location)
        return LastCheck(path, unavailable=str(exc))
    return LastCheck(path, report, "", _owners(report, model))


def _owners(report: Report, model: Model) -> dict[str, str]:
    """Finding key -> the object it is about: the documented resource's owner, else the
    object the key names (``vm:ID``); undocumented resources belong to no object."""
    from topodoc.drift.expected import expected_resources

    documented = expected_resources(model).owners
    out = {}
    for finding in report.findings:
        named = finding.key.partition(":")[2]
        owner = documented.get(finding.key, named if named in model.objects else None)
        if owner is not None:
            out[finding.key] = owner
    return out
