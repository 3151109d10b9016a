"""The analyzer: documented resources + what the sources saw -> findings. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from topodoc.drift.finding import Finding
from topodoc.drift.hints import (
    changed_hint,
    duplicate_hint,
    missing_hint,
    unexpected_hint,
    unreported_hint,
    unverifiable_hint,
)
from topodoc.drift.ignore import IgnoreRules, Rule
from topodoc.drift.matching import comparable, matches
from topodoc.drift.resources import Resource, SourceResult
from topodoc.drift.severity import Severities, default_level

#: Kinds whose undocumented members are always reported; others only once the topology
#: documents at least one resource of that kind.
INVENTORY_KINDS = frozenset({"hypervisor", "vm", "k8s-node", "etcd-member", "os-hypervisor"})


@dataclass(frozen=True, slots=True)
class Ignored:
    """A finding an ignore rule dropped, and the rule."""

    finding: Finding
    rule: Rule

    def to_json(self) -> dict[str, Any]:
        return {**self.finding.to_json(), "rule": self.rule.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ignored:
        return cls(Finding.from_json(data), Rule.from_json(data["rule"]))


@dataclass(frozen=True, slots=True)
class Analysis:
    """What :func:`analyze` found: the reported findings and those ignore rules dropped, each
    in report order."""

    findings: tuple[Finding, ...] = ()
    ignored: tuple[Ignored, ...] = ()


def analyze(
    expected: list[Resource],
    sources: list[SourceResult],
    rules: IgnoreRules,
    severities: Severities,
) -> Analysis:
    """Compare documented resources with the sources' observations.

    Live resources join on their key across sources of different kinds (a Nova server and
    its libvirt domain). A documented resource is judged by its own source: if that source
    is not ok (or absent) the resource is unverifiable, never missing; if the source did not
    see it, it is missing. Each live resource is matched once: the same key seen by another
    source of the same kind (a copy of a VM on a second hypervisor) is ``unexpected``. Only
    the attributes the documented side states are compared, taking values from its own
    source first, then from the others.
    """
    results = {s.id: s for s in sources}
    live: dict[str, dict[str, Resource]] = {}
    for result in sorted(sources, key=lambda s: s.id):
        for resource in result.resources:
            live.setdefault(resource.key, {})[result.id] = resource

    found: list[Finding] = []
    ignored: list[Ignored] = []
    copies: list[Finding] = []
    for doc in expected:
        seen = live.get(doc.key, {})
        joined = {
            sid: r
            for sid, r in seen.items()
            if sid == doc.source or _source_kind(results, sid) != _source_kind(results, doc.source)
        }
        kept, dropped = judge(doc, results, joined, rules, severities)
        found += kept
        ignored += dropped
        for sid in sorted(set(seen) - set(joined)):  # another source of the same kind
            level = severities.level(doc.kind, "unexpected", None, seen[sid].attrs)
            copies.append(
                Finding(
                    doc.key,
                    doc.kind,
                    "unexpected",
                    None,
                    None,
                    None,
                    sid,
                    level,
                    duplicate_hint(sid, doc.source),
                )
            )

    documented_keys = {r.key for r in expected}
    documented_kinds = {r.kind for r in expected}
    unexpected = []
    for key, seen in live.items():
        first = seen[min(seen)]
        if key not in documented_keys and (
            first.kind in INVENTORY_KINDS or first.kind in documented_kinds
        ):
            level = severities.level(first.kind, "unexpected", None, first.attrs)
            unexpected.append(
                Finding(
                    key,
                    first.kind,
                    "unexpected",
                    None,
                    None,
                    None,
                    min(seen),
                    level,
                    unexpected_hint(sorted(seen)),
                )
            )
    kept, dropped = split(unexpected + copies, rules)
    found += kept
    ignored += dropped
    found = lost_quorum(found, expected)
    return Analysis(
        tuple(sorted(found, key=Finding.sort_key)),
        tuple(sorted(ignored, key=lambda i: i.finding.sort_key())),
    )


def lost_quorum(findings: list[Finding], expected: list[Resource]) -> list[Finding]:
    """``findings`` with the unhealthy members of an etcd cluster that lost its quorum (no
    majority of the documented members it has healthy) made critical, unless a user
    override set their level. A removed (missing) member is not counted: the cluster
    shrank, its quorum with it."""
    members: dict[str, set[str]] = {}
    for doc in expected:
        if doc.kind == "etcd-member":
            members.setdefault(doc.source, set()).add(doc.key)
    out = list(findings)
    for keys in members.values():
        seen = {f.key for f in out if f.key in keys and f.state in ("ok", "changed")}
        down = [
            i
            for i, f in enumerate(out)
            if f.key in seen
            and f.state == "changed"
            and f.attribute == "healthy"
            and f.actual is False
        ]
        healthy = len(seen) - len(down)
        if not down or healthy > len(seen) // 2:
            continue
        for i in down:
            f = out[i]
            level = f.severity
            if level == default_level(f.kind, f.state, f.attribute):
                level = "critical"
            out[i] = replace(
                f,
                severity=level,
                hint=f"{f.hint}; quorum lost: {healthy} of {len(seen)} members healthy",
            )
    return out


def _source_kind(results: dict[str, SourceResult], source_id: str) -> str:
    result = results.get(source_id)
    return result.kind if result else source_id.partition(":")[0]


def split(findings: list[Finding], rules: IgnoreRules) -> tuple[list[Finding], list[Ignored]]:
    """``findings`` into those reported and those an ignore rule drops."""
    kept, dropped = [], []
    for finding in findings:
        rule = rules.ignores(finding.key, finding.attribute)
        if rule is None:
            kept.append(finding)
        else:
            dropped.append(Ignored(finding, rule))
    return kept, dropped


def judge(
    doc: Resource,
    results: dict[str, SourceResult],
    seen: dict[str, Resource],
    rules: IgnoreRules,
    severities: Severities,
) -> tuple[list[Finding], list[Ignored]]:
    """The findings on one documented resource, given what each source saw under its key,
    and those ignore rules drop. A seen resource whose every difference is ignored is ok."""

    def finding(
        state: str,
        attribute: str | None = None,
        expected: Any = None,
        actual: Any = None,
        source: str = doc.source,
        hint: str = "",
    ) -> Finding:
        level = severities.level(doc.kind, state, attribute, doc.attrs)
        return Finding(doc.key, doc.kind, state, attribute, expected, actual, source, level, hint)

    result = results.get(doc.source)
    if result is None or result.status != "ok":
        return split([finding("unverifiable", hint=unverifiable_hint(doc.source, result))], rules)
    if doc.source not in seen:
        hint = missing_hint(doc.kind, doc.source, sorted(seen))
        return split([finding("missing", hint=hint)], rules)

    # attribute -> (value, source id): the resource's own source first, then the others
    actual: dict[str, tuple[Any, str]] = {}
    for source_id in [doc.source, *sorted(s for s in seen if s != doc.source)]:
        for name, value in seen[source_id].attrs.items():
            if value is not None:
                actual.setdefault(name, (value, source_id))

    findings = []
    for name, want in doc.attrs.items():
        if name not in actual:
            failed = [r for _, r in sorted(results.items()) if r.status != "ok"]
            findings.append(
                finding("unverifiable", name, comparable(want), hint=unreported_hint(name, failed))
            )
            continue
        got, source_id = actual[name]
        if not matches(name, want, got):
            want, got = comparable(want), comparable(got)
            findings.append(
                finding(
                    "changed", name, want, got, source_id, changed_hint(doc.kind, name, want, got)
                )
            )
    kept, dropped = split(findings, rules)
    return kept or [finding("ok")], dropped
