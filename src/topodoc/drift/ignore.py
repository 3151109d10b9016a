"""Ignore rules: gitignore-style patterns over ``KIND:NAME[.ATTRIBUTE]``.

A pattern is matched (``*``, ``?``, ``[...]``, as fnmatch; ``*`` also crosses ``/`` and
``.``) against a finding's key and against ``key.attribute``, so names may contain dots.
``!PATTERN`` re-includes; the last matching rule wins. In a ``.topodocignore`` file, ``#``
starts a comment line, blank lines are skipped, and the comment lines directly above a
pattern are its reason. Rules come from the model's ``expected_drift`` entries first, then the
file, then ``--ignore`` options, so later sources override earlier ones.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topodoc.drift.resources import ATTRIBUTES
from topodoc.errors import TopodocError
from topodoc.util.atomic import write_text

if TYPE_CHECKING:
    from topodoc.drift.finding import Finding

GLOB_CHARS = re.compile(r"[*?\[]")


class IgnoreError(TopodocError, ValueError):
    """An ignore pattern or file the user wrote is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One ignore pattern and where it came from."""

    pattern: str  # without the leading "!"
    negate: bool
    origin: str  # ".topodocignore:3", "--ignore", "topology/lab.yaml:12:5"
    reason: str | None = None
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kind, colon, _name = self.pattern.partition(":")
        where = f"{self.origin}: {self.text!r}"
        if not self.pattern:
            raise IgnoreError(f"{where}: empty pattern")
        if any(c.isspace() for c in self.pattern):
            raise IgnoreError(
                f"{where}: patterns contain no whitespace; comments go on their own line, "
                "starting with #"
            )
        if not colon:
            raise IgnoreError(f"{where}: expected KIND:NAME[.ATTRIBUTE], e.g. vm:test-*")
        if not any(fnmatch.fnmatchcase(k, kind) for k in ATTRIBUTES):
            raise IgnoreError(f"{where}: {kind!r} matches no kind (known: {', '.join(ATTRIBUTES)})")
        object.__setattr__(self, "_regex", re.compile(fnmatch.translate(self.pattern)))

    @property
    def text(self) -> str:
        """The rule as written."""
        return f"!{self.pattern}" if self.negate else self.pattern

    def matches(self, key: str, attribute: str | None = None) -> bool:
        """Whether the pattern matches ``key`` or, given an attribute, ``key.attribute``."""
        if self._regex.match(key):
            return True
        return attribute is not None and self._regex.match(f"{key}.{attribute}") is not None

    def covers_kind(self, kind: str) -> bool:
        """Whether the pattern could match some resource of ``kind``."""
        return fnmatch.fnmatchcase(kind, self.pattern.partition(":")[0])

    def to_json(self) -> dict[str, Any]:
        return {"pattern": self.text, "origin": self.origin, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rule:
        return parse_rule(data["pattern"], data["origin"], data.get("reason"))


def parse_rule(text: str, origin: str, reason: str | None = None) -> Rule:
    """A rule from ``PATTERN`` or ``!PATTERN``."""
    text = text.strip()
    negate = text.startswith("!")
    return Rule(text[1:] if negate else text, negate, origin, reason)


def parse_ignore_text(text: str, filename: str) -> list[Rule]:
    """The rules of an ignore file's ``text``; errors name ``FILENAME:LINE``."""
    rules: list[Rule] = []
    comments: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            comments = []
        elif line.startswith("#"):
            comments.append(line.lstrip("#").strip())
        else:
            reason = " ".join(c for c in comments if c) or None
            rules.append(parse_rule(line, f"{filename}:{number}", reason))
            comments = []
    return rules


class IgnoreRules:
    """An ordered list of ignore rules; the last one matching a finding decides."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        patterns: Iterable[str] = (),
        expected_drift: Iterable[tuple[str, str | None, str]] = (),
    ) -> IgnoreRules:
        """Rules from ``expected_drift`` ``(pattern, reason, origin)`` entries of the model,
        then the ignore file at ``path``, then ``--ignore`` ``patterns``."""
        rules = [parse_rule(p, origin, reason) for p, reason, origin in expected_drift]
        if path is not None:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise IgnoreError(f"{os.fspath(path)}: cannot read ignore file: {exc}") from None
            rules += parse_ignore_text(text, os.fspath(path))
        rules += [parse_rule(p, "--ignore") for p in patterns]
        return cls(rules)

    def ignores(self, key: str, attribute: str | None = None) -> Rule | None:
        """The rule that ignores ``key`` (or its ``attribute``), or None if it is reported."""
        for rule in reversed(self.rules):
            if rule.matches(key, attribute):
                return None if rule.negate else rule
        return None

    def ignored_kinds(self) -> frozenset[str]:
        """Kinds ignored entirely (``KIND:*`` not re-included later): collectors skip them."""
        ignored = set()
        for kind in ATTRIBUTES:
            whole = False
            for rule in self.rules:
                if not rule.covers_kind(kind):
                    continue
                if rule.negate:
                    whole = False
                elif set(rule.pattern.partition(":")[2]) == {"*"}:
                    whole = True
            if whole:
                ignored.add(kind)
        return frozenset(ignored)


def expected_drift_pattern(key: str, pattern: str) -> str:
    """The full pattern of an ``expected_drift`` entry on the object whose key is ``key``.

    The topology writes it relative to the object: ``*`` (all of it), ``memory`` (one
    attribute, wildcards allowed), or already in full as ``KIND:NAME[.ATTRIBUTE]``.
    """
    if ":" in pattern:
        return pattern
    own = escape_pattern(key)
    return own if pattern.strip() == "*" else f"{own}.{pattern.strip()}"


def escape_pattern(ref: str) -> str:
    """``ref`` as a pattern matching only itself."""
    return GLOB_CHARS.sub(lambda m: f"[{m.group()}]", ref)


def write_ignore_file(
    path: str | os.PathLike[str],
    findings: Iterable[Finding],
    *,
    made_by: str = "topodoc drift --write-ignore",
    today: date | None = None,
) -> int:
    """Write a baseline ignore file accepting the current drift; return how many patterns.

    One pattern per missing/unexpected key and per changed attribute, each under a comment
    saying what was found. Unverifiable findings are left out: they are not drift.
    """
    entries: dict[str, str] = {}
    for finding in findings:
        if finding.state in ("missing", "unexpected", "changed"):
            entries.setdefault(escape_pattern(finding.ref), f"{finding.state}: {finding.hint}")
    when = (today or date.today()).isoformat()
    lines = [
        f"# topodoc drift baseline of {when}, written by `{made_by}`.",
        "# Each pattern accepts one drift found then; delete a line to report it again.",
        "",
    ]
    for pattern, reason in entries.items():
        lines += [f"# {' '.join(reason.split())}", pattern, ""]
    try:
        write_text(path, "\n".join(lines))
    except OSError as exc:
        raise IgnoreError(f"{os.fspath(path)}: cannot write ignore file: {exc}") from None
    return len(entries)
