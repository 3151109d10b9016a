"""What every figure module shares: the run's :class:`Context` and the :class:`Figure` record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    """One run: repetitions per measure, a work directory, the row maker, the timer of a
    figure and its floor (medians, the two taking turns) and the generated lab of a size
    (written once per run)."""

    reps: int
    work: Path
    row: Callable[..., Any]
    medians_s: Callable[[Callable[[], object], Callable[[], object], int], tuple[float, float]]
    lab: Callable[[int], Path]


@dataclass(frozen=True)
class Figure:
    """A figure: its name, the lab sizes it runs at, and what measures it at one size."""

    name: str
    sizes: tuple[int, ...]
    run: Callable[[Context, int], list]
