"""Hints: the one short sentence each finding carries, in human units, never a secret."""

from __future__ import annotations

from typing import Any

from topodoc.drift.resources import SourceResult
from topodoc.model.sizes import format_rounded
from topodoc.util.secrets import is_secret_name

#: Attributes normalised to bytes.
BYTE_ATTRIBUTES = frozenset({"memory", "memory_max", "disk"})

#: Why a documented resource may be missing, by kind.
MISSING = {
    "hypervisor": "not reported by {source}; is the URI pointing at the right host?",
    "vm": "not defined on {source}; was it renamed or undefined?",
    "libvirt-network": "not defined on {source}; was it destroyed or renamed?",
    "storage-pool": "not defined on {source}; was it destroyed or renamed?",
    "os-hypervisor": "not in the hypervisor list of {source}; is nova-compute running there?",
    "k8s-node": "not a node of {source}; was it deleted, or has it never joined?",
    "etcd-member": "not a member of {source}; was it removed from the cluster?",
}


def human(attribute: str | None, value: Any) -> str:
    """``value`` of ``attribute`` for people: sizes in binary units, lists comma-separated."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if attribute in BYTE_ATTRIBUTES and isinstance(value, int):
        return format_rounded(value)
    if isinstance(value, list | tuple):
        return ", ".join(human(None, v) for v in value) or "(empty)"
    return str(value)


def missing_hint(kind: str, source: str, seen_by: list[str]) -> str:
    hint = MISSING.get(kind, "not found on {source}").format(source=source)
    return f"{hint} (seen only by {', '.join(seen_by)})" if seen_by else hint


def unexpected_hint(seen_by: list[str]) -> str:
    return f"seen by {', '.join(seen_by)} but not in the topology; document or ignore it"


def duplicate_hint(source: str, documented: str) -> str:
    return (
        f"a second copy, seen by {source}; the topology places it on {documented}. "
        "A stale copy? Undefine it, or document the move"
    )


def changed_hint(kind: str, attribute: str, expected: Any, actual: Any) -> str:
    if is_secret_name(attribute):
        return "differs (value masked)"
    if isinstance(expected, list) and isinstance(actual, list):
        extra, lacking = list(actual), []  # as multisets: two vGPU slices are not one
        for v in expected:
            if v in extra:
                extra.remove(v)
            else:
                lacking.append(v)
        parts = [f"lacks {human(None, lacking)}"] if lacking else []
        parts += [f"has extra {human(None, extra)}"] if extra else []
        if parts:
            return "; ".join(parts)
    want, got = human(attribute, expected), human(attribute, actual)
    if kind == "vm" and attribute == "hypervisor":
        return f"expected on {want}, found on {got}; was it migrated?"
    if attribute == "numa_node":
        return f"expected NUMA node {want}, found {got}"
    if attribute in ("state", "status", "ready", "healthy"):
        return f"expected {want}, is {got}"
    return f"expected {want}, found {got}"


def unverifiable_hint(source: str, result: SourceResult | None) -> str:
    if result is None:
        return f"{source} was not checked; is it configured?"
    if result.status == "skipped":
        return f"{source} was skipped{': ' + result.error if result.error else ''}"
    return f"{source} {result.status}: {result.error or 'no detail given'}"


def unreported_hint(attribute: str, failed: list[SourceResult]) -> str:
    hint = f"no source reported {attribute}"
    if failed:
        hint += "; not checked: " + ", ".join(f"{r.id} ({r.status})" for r in failed)
    return hint
