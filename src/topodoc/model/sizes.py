"""Sizes as people write them (``64GiB``, ``512GB``, ``1.5TiB``), parsed exactly to bytes."""

from __future__ import annotations

import re
from fractions import Fraction

from topodoc.errors import TopodocError

UNITS: dict[str, int] = {
    "B": 1,
    "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15,
    "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50,
}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*\Z")
#: The regular expression the JSON Schema uses for a size.
SIZE_PATTERN = r"^\s*[0-9]+(\.[0-9]+)?\s*(B|[KMGTP]i?B)\s*$"
_AMBIGUOUS = {"K": "KiB", "M": "MiB", "G": "GiB", "T": "TiB", "P": "PiB",
              "k": "KiB", "Ki": "KiB", "Mi": "MiB", "Gi": "GiB", "Ti": "TiB", "Pi": "PiB"}


class SizeError(TopodocError, ValueError):
    """A size that cannot be read exactly."""


def parse_size(text: str) -> int:
    """Bytes in ``text``; decimal (GB = 10^9) and binary (GiB = 2^30) units differ exactly."""
    match = _SIZE.match(text) if isinstance(text, str) else None
    if not match:
        raise SizeError(f"{text!r} is not a size: write a number and a unit, e.g. 64GiB or 512GB")
    number, unit = match.groups()
    if unit not in UNITS:
        better = _AMBIGUOUS.get(unit) or next(
            (u for u in UNITS if u.lower() == unit.lower()), None)
        hint = f"; did you mean {better}?" if better else ""
        raise SizeError(f"unknown size unit {unit!r} in {text!r} (use B, KB, MB, GB, TB, PB "
                        f"or KiB, MiB, GiB, TiB, PiB){hint}")
    if len(number) > 24:
        shown = repr(text) if len(text) <= 30 else f"{text[:30]!r}..."
        raise SizeError(f"{shown} has too many digits for a size (at most 24)")
    if "." not in number:
        return int(number) * UNITS[unit]
    value = Fraction(number) * UNITS[unit]
    if value.denominator != 1:
        raise SizeError(f"{text!r} is not a whole number of bytes")
    return int(value)


def format_size(n: int) -> str:
    """``n`` bytes in the largest unit that holds it exactly (``68719476736`` -> ``64GiB``)."""
    exact = [(step, unit) for unit, step in UNITS.items() if n and n % step == 0]
    step, unit = max(exact) if exact else (1, "B")
    return f"{n // step}{unit}"
