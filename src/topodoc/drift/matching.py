"""When a documented value matches a live one: exactly, except where the topology may write
less than a source reports.

- ``memory``, ``memory_max``: within the tolerance of a size written approximately
  (``7.8G``: :func:`topodoc.model.sizes.close`); an exact size matches exactly.
- ``machine_type``: the live type (``pc-q35-8.2``), or its family: the type without its
  version (``pc-q35``), that without ``pc-`` (``q35``), or QEMU's alias ``pc`` for
  ``pc-i440fx``.
- ``container_runtime``: documented ``NAME://VERSION`` or ``NAME`` alone; the live
  ``containerd://1.7.13`` matches ``containerd``, ``containerd://1.7`` (a version prefix, up to
  a dot) and ``containerd://1.7.13``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from topodoc.model.sizes import close

#: A machine type's version: ``-8.2``, ``-rhel9.2.0``.
_MACHINE_VERSION = re.compile(r"-(?:rhel)?[0-9][0-9.]*\Z")
#: QEMU's aliases that are not a family's short name.
_MACHINE_ALIASES = {"pc": "pc-i440fx"}


def comparable(value: Any) -> Any:
    """Lists sorted (by their JSON text, so mixed items sort too); other values as they are."""
    if isinstance(value, list | tuple):
        return sorted(value, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


def same(expected: Any, actual: Any) -> bool:
    """Exact equality, lists compared sorted, booleans never equal to numbers."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, list | tuple) and isinstance(actual, list | tuple):
        return len(expected) == len(actual) and all(
            same(a, b) for a, b in zip(comparable(expected), comparable(actual), strict=True)
        )
    return bool(expected == actual)


def matches(attribute: str, expected: Any, actual: Any) -> bool:
    """Whether documented ``expected`` matches live ``actual`` for ``attribute``."""
    rule = RULES.get(attribute)
    return same(expected, actual) or (rule is not None and rule(expected, actual))


def _size(expected: Any, actual: Any) -> bool:
    sizes = (expected, actual)
    return all(isinstance(v, int) and not isinstance(v, bool) for v in sizes) and close(*sizes)


def _machine_type(expected: Any, actual: Any) -> bool:
    if not isinstance(expected, str) or not isinstance(actual, str):
        return False
    family = _MACHINE_VERSION.sub("", actual)
    return expected in (family, family.removeprefix("pc-")) or (
        _MACHINE_ALIASES.get(expected) == family
    )


def _runtime(expected: Any, actual: Any) -> bool:
    if not isinstance(expected, str) or not isinstance(actual, str):
        return False
    name, _, version = expected.partition("://")
    live_name, _, live_version = actual.partition("://")
    return name == live_name and (not version or live_version.startswith(f"{version}."))


RULES: dict[str, Callable[[Any, Any], bool]] = {
    "memory": _size,
    "memory_max": _size,
    "machine_type": _machine_type,
    "container_runtime": _runtime,
}
