"""Severities: how bad each finding is, by kind and state, with user overrides."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from topodoc.drift.resources import ATTRIBUTES
from topodoc.drift.states import STATES
from topodoc.errors import TopodocError

#: Severity levels, least to most severe.
LEVELS = ("info", "warning", "error", "critical")

#: Kinds whose missing members break the lab outright.
CRITICAL_WHEN_MISSING = frozenset({"hypervisor", "etcd-member", "os-hypervisor"})

#: Changed attributes that mean a VM is not where or how the lab needs it.
VM_ERROR_ATTRIBUTES = frozenset({"state", "hypervisor"})

OVERRIDE = re.compile(
    r"(?P<kind>[\w*-]+):(?P<state>[\w*]+)(?:\.(?P<attribute>\w+))?=(?P<level>\w+)"
)


class SeverityError(TopodocError, ValueError):
    """A severity override the user wrote is malformed."""


def level_rank(level: str) -> int:
    """Position of ``level`` in :data:`LEVELS` (higher is worse)."""
    return LEVELS.index(level)


def default_level(
    kind: str, state: str, attribute: str | None = None, attrs: Mapping[str, Any] | None = None
) -> str:
    """The built-in severity of a finding; ``attrs`` are the documented attributes."""
    if state == "ok":
        return "info"
    if state == "missing":
        if kind in CRITICAL_WHEN_MISSING:
            return "critical"
        if kind == "k8s-node" and "control-plane" in (attrs or {}).get("roles", ()):
            return "critical"
        return "error"
    if state == "changed":
        return "error" if kind == "vm" and attribute in VM_ERROR_ATTRIBUTES else "warning"
    if state == "unexpected":
        return "warning"
    return "error"  # unverifiable


class Severities:
    """Default severities with ``KIND:STATE[.ATTRIBUTE]=LEVEL`` overrides.

    ``*`` stands for any kind or any state. The most specific matching override wins
    (kind, then state, then attribute); among equally specific ones the last wins.
    """

    def __init__(self, overrides: Iterable[str] = ()) -> None:
        self._overrides: list[tuple[str, str, str | None, str]] = [
            parse_override(text) for text in overrides
        ]

    def level(
        self,
        kind: str,
        state: str,
        attribute: str | None = None,
        attrs: Mapping[str, Any] | None = None,
    ) -> str:
        """The severity of a finding of ``state`` on a resource of ``kind``."""
        best: tuple[int, str] | None = None
        for o_kind, o_state, o_attribute, level in self._overrides:
            if o_kind not in ("*", kind) or o_state not in ("*", state):
                continue
            if o_attribute is not None and o_attribute != attribute:
                continue
            rank = 4 * (o_kind != "*") + 2 * (o_state != "*") + (o_attribute is not None)
            if best is None or rank >= best[0]:
                best = (rank, level)
        return best[1] if best else default_level(kind, state, attribute, attrs)


def parse_override(text: str) -> tuple[str, str, str | None, str]:
    """Parse ``KIND:STATE[.ATTRIBUTE]=LEVEL``; raise :class:`SeverityError` naming the problem."""
    match = OVERRIDE.fullmatch(text.strip())
    if not match:
        raise SeverityError(
            f"severity override {text!r}: expected KIND:STATE[.ATTRIBUTE]=LEVEL, "
            "e.g. vm:changed=error or *:unexpected=info"
        )
    kind, state, attribute, level = match.group("kind", "state", "attribute", "level")
    if kind != "*" and kind not in ATTRIBUTES:
        raise SeverityError(
            f"severity override {text!r}: unknown kind {kind!r} (known: *, {', '.join(ATTRIBUTES)})"
        )
    if state != "*" and state not in STATES:
        raise SeverityError(
            f"severity override {text!r}: unknown state {state!r} (known: *, {', '.join(STATES)})"
        )
    if attribute is not None:
        if state not in ("changed", "unverifiable"):
            raise SeverityError(
                f"severity override {text!r}: only changed and unverifiable findings name an "
                "attribute"
            )
        known = ATTRIBUTES.get(kind) or {n for names in ATTRIBUTES.values() for n in names}
        if attribute not in known:
            raise SeverityError(
                f"severity override {text!r}: {kind!r} has no attribute {attribute!r}"
            )
    if level not in LEVELS:
        raise SeverityError(
            f"severity override {text!r}: unknown level {level!r} (known: {', '.join(LEVELS)})"
        )
    return kind, state, attribute, level
