"""Findings: what the analyzer says about one resource or one attribute of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from topodoc.drift.resources import ATTRIBUTES, LAYERS
from topodoc.util.secrets import MASK, is_secret_name

#: Report layers in order; kinds outside :data:`LAYERS` go to "other".
LAYER_ORDER = (*dict.fromkeys(LAYERS.values()), "other")


def masked(name: str | None, value: Any) -> Any:
    """``value`` fit to show: masked if ``name`` looks secret, and so are dict items that do."""
    if value is None:
        return None
    if is_secret_name(name):
        return MASK
    if isinstance(value, dict):
        return {k: masked(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(None, v) for v in value]
    return value


def layer_of(kind: str) -> str:
    """The report layer of ``kind``."""
    return LAYERS.get(kind, "other")


@dataclass(frozen=True, slots=True)
class Finding:
    """One verdict: a resource (``attribute`` None) or one attribute of it."""

    key: str
    kind: str
    state: str
    attribute: str | None
    expected: Any
    actual: Any
    source: str
    severity: str
    hint: str

    @property
    def layer(self) -> str:
        return layer_of(self.kind)

    @property
    def ref(self) -> str:
        """``KEY`` or ``KEY.ATTRIBUTE``, as an ignore pattern names it."""
        return f"{self.key}.{self.attribute}" if self.attribute else self.key

    def sort_key(self) -> tuple[int, str, int, str]:
        """Report order: layer, key, then attributes in :data:`ATTRIBUTES` order."""
        order = ATTRIBUTES.get(self.kind, ())
        attr = self.attribute or ""
        rank = -1 if not attr else order.index(attr) if attr in order else len(order)
        return LAYER_ORDER.index(self.layer), self.key, rank, attr

    def to_json(self) -> dict[str, Any]:
        """The finding as JSON, secret values masked."""
        return {
            "key": self.key,
            "kind": self.kind,
            "state": self.state,
            "attribute": self.attribute,
            "expected": masked(self.attribute, self.expected),
            "actual": masked(self.attribute, self.actual),
            "source": self.source,
            "severity": self.severity,
            "hint": self.hint,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            data["key"],
            data["kind"],
            data["state"],
            data.get("attribute"),
            data.get("expected"),
            data.get("actual"),
            data["source"],
            data["severity"],
            data.get("hint", ""),
        )
