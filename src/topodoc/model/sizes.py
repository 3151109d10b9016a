"""Sizes as people and tools write them (``64GiB``, ``512GB``, ``1.5TiB``, ``258.1G``).

A size is parsed exactly to bytes when it can be: decimal (GB = 10^9) and binary (GiB = 2^30)
units differ exactly. A size as a tool prints it is **approximate**: a single-letter unit
(``258.1G``: lsblk, virsh, ``df -h`` and ``free -h`` print binary units rounded), or a decimal
number that is not a whole number of bytes (``953.89GiB``). It is kept as written, as the
nearest whole byte, with a tolerance of half its last written digit (``258.1G`` is 258.1 GiB
± 0.05 GiB), and compared within that tolerance (:func:`exceeds`, :func:`close`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from topodoc.errors import TopodocError

UNITS: dict[str, int] = {
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "PB": 10**15,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
    "PiB": 2**50,
}
#: Units as tools print them: binary, and the number rounded.
TOOL_UNITS: dict[str, int] = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40, "P": 2**50}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*\Z")
#: The regular expression the JSON Schema uses for a size.
SIZE_PATTERN = r"^\s*[0-9]+(\.[0-9]+)?\s*(B|[KMGTP]i?B|[KMGTP])\s*$"
_AMBIGUOUS = {"k": "KiB", "Ki": "KiB", "Mi": "MiB", "Gi": "GiB", "Ti": "TiB", "Pi": "PiB"}


class SizeError(TopodocError, ValueError):
    """A size that cannot be read."""


class ApproxSize(int):
    """An approximate size: the nearest whole number of bytes, the text as written, and the
    tolerance (bytes either side) the text implies. Arithmetic gives plain ints."""

    written: str
    tolerance: int

    def __new__(cls, value: int, written: str, tolerance: int) -> ApproxSize:
        size = super().__new__(cls, value)
        size.written = written
        size.tolerance = tolerance
        return size

    def __reduce__(self) -> tuple[type[ApproxSize], tuple[int, str, int]]:
        return ApproxSize, (int(self), self.written, self.tolerance)


def parse_size(text: str) -> int:
    """Bytes in ``text``: an int when exact, an :class:`ApproxSize` when approximate."""
    match = _SIZE.match(text) if isinstance(text, str) else None
    if not match:
        raise SizeError(f"{text!r} is not a size: write a number and a unit, e.g. 64GiB or 512GB")
    number, unit = match.groups()
    step = UNITS.get(unit) or TOOL_UNITS.get(unit)
    if step is None:
        better = _AMBIGUOUS.get(unit) or next((u for u in UNITS if u.lower() == unit.lower()), None)
        hint = f"; did you mean {better}?" if better else ""
        raise SizeError(
            f"unknown size unit {unit!r} in {text!r} (use B, KB, MB, GB, TB, PB, "
            f"KiB, MiB, GiB, TiB, PiB, or K, M, G, T, P as tools print them){hint}"
        )
    if len(number) > 24:
        shown = repr(text) if len(text) <= 30 else f"{text[:30]!r}..."
        raise SizeError(f"{shown} has too many digits for a size (at most 24)")
    if "." not in number and unit in UNITS:
        return int(number) * step
    value = Fraction(number) * step
    if value.denominator == 1 and unit in UNITS:
        return int(value)
    if unit == "B":
        raise SizeError(f"{text!r} is not a whole number of bytes")
    decimals = len(number.partition(".")[2])
    return ApproxSize(round(value), text.strip(), int(Fraction(step, 2 * 10**decimals)))


def tolerance(size: int | None) -> int:
    """How far the true size may be from ``size`` (0 when it is exact or unknown)."""
    return getattr(size, "tolerance", 0)


def total(sizes: Iterable[int | None]) -> int:
    """The known sizes added up; approximate when any of them is."""
    known = [s for s in sizes if s is not None]
    if len(known) == 1:
        return known[0]
    exact = sum(int(s) for s in known)
    slack = sum(tolerance(s) for s in known)
    return ApproxSize(exact, f"~{_approximately(exact)}", slack) if slack else exact


def scaled(size: int, ratio: float) -> int:
    """``size`` x ``ratio`` (an overcommit limit), approximate when ``size`` is."""
    if ratio == 1:
        return size
    value = int(size * ratio)
    slack = int(tolerance(size) * ratio)
    return ApproxSize(value, f"~{_approximately(value)}", slack) if slack else value


def exceeds(used: int, limit: int) -> bool:
    """Whether ``used`` is over ``limit`` by more than their tolerances."""
    return used - tolerance(used) > limit + tolerance(limit)


def close(a: int, b: int) -> bool:
    """Whether ``a`` and ``b`` may be the same size, within their tolerances."""
    return abs(int(a) - int(b)) <= tolerance(a) + tolerance(b)


def _approximately(n: int) -> str:
    step, unit = (
        max((s, u) for u, s in UNITS.items() if u != "B" and "i" in u and s <= max(n, 1))
        if n >= 2**10
        else (1, "B")
    )
    return f"{n / step:.2f}".rstrip("0").rstrip(".") + unit


def format_size(n: int) -> str:
    """``n`` bytes as written when approximate, else in the largest unit that holds it exactly
    (``68719476736`` -> ``64GiB``)."""
    if isinstance(n, ApproxSize):
        return n.written
    exact = [(step, unit) for unit, step in UNITS.items() if n and n % step == 0]
    step, unit = max(exact) if exact else (1, "B")
    return f"{n // step}{unit}"


def format_rounded(n: int) -> str:
    """``n`` bytes for people: as :func:`format_size` writes it when that is approximate or a
    number below 1024 (``64GiB``, ``512GB``, ``258.1G``), else rounded to two decimals in the
    largest binary unit (``16771847168`` -> ``15.62GiB``, not ``16378757KiB``)."""
    exact = format_size(n)
    if isinstance(n, ApproxSize) or int(exact.rstrip("BKMGTPi")) < 2**10:
        return exact
    return _approximately(n)
