"""Located problems: what every check reports, and where in the YAML it is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, NamedTuple


class Location(NamedTuple):
    """A position in a topology file; line and column are 1-based."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}:{self.col}"


def display_path(path: str) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about the topology: a rule id, a severity, a message and a location."""

    rule: str
    severity: str  # "error" or "warning"
    message: str
    loc: Location
    obj: str | None = None  # the object id the problem is about, if any

    def __str__(self) -> str:
        return f"{self.loc}: {self.severity}: {self.message} [{self.rule}]"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.file, self.loc.line, self.loc.col, self.rule, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": display_path(self.loc.file),
            "line": self.loc.line,
            "col": self.loc.col,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
            "object": self.obj,
        }


@dataclass(frozen=True, slots=True)
class Silenced:
    """A problem that the topology silenced on purpose, with the reason it gives."""

    problem: Problem
    reason: str
    where: Location  # where the silence entry is written

    def to_json(self) -> dict[str, Any]:
        return {**self.problem.to_json(), "reason": self.reason, "silenced_at": str(self.where)}
