"""What every figure module shares: the run's :class:`Context` and the :class:`Figure` record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def in_turns(reps: int, *runs: Callable[[int], T]) -> list[list[T]]:
    """What each of ``runs`` (given the repetition's number) returns, ``reps`` times, the runs
    taking turns in alternating order (A B, B A, A B, ...): neither a machine that slows down
    or speeds up during the measure nor going first favours one of them."""
    results: list[list[T]] = [[] for _ in runs]
    order = list(range(len(runs)))
    for rep in range(reps):
        for index in order if rep % 2 == 0 else order[::-1]:
            results[index].append(runs[index](rep))
    return results


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
