"""The one way to read a topology: files -> schema -> model -> rules -> silences."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .build import build_model
from .model import Model
from .problems import Problem, Silenced
from .rules import apply_silences, run_rules
from .sources import SourceError, read_sources

__all__ = ["Loaded", "SourceError", "load_topology"]


@dataclass(frozen=True)
class Loaded:
    """A model and everything found wrong with it, in file order."""

    model: Model
    problems: tuple[Problem, ...]
    silenced: tuple[Silenced, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors


def load_topology(path: str | os.PathLike[str] = "topology") -> Loaded:
    """Read and check the topology at ``path``; raises :class:`SourceError` on I/O failure.

    Every problem is collected, none stops the others: files that cannot be parsed are left
    out, objects with schema errors are left out of the model, and the rules run on the rest.
    """
    with _long_lived_allocations():
        sources = read_sources(path)
        model, problems, broken = build_model(sources)
        declared = broken | set(model.objects)
        kept, silenced = apply_silences(model, run_rules(model, declared))
    if broken:  # with objects left out, a silence may silence nothing only because of them
        kept = [p for p in kept if p.rule != "silence-unused"]
    found = sorted(sources.problems + problems + kept, key=Problem.sort_key)
    silenced.sort(key=lambda s: s.problem.sort_key())
    return Loaded(model, tuple(dict.fromkeys(found)), tuple(silenced))


@contextmanager
def _long_lived_allocations() -> Iterator[None]:
    """Loading allocates hundreds of thousands of containers that stay alive as long as the
    model, and makes no garbage cycles. The cyclic collector would walk them over and over
    while the model lives: during the load (a quarter of the load time of a 10,000-object
    lab) and after it (a docs build of such a lab spent a third of its time there; see
    benchmarks/). So the collector is paused while loading, and what the load allocated is
    then moved out of its generations (``gc.freeze``). Reference counting still frees all of
    it when the model is dropped. Garbage cycles made before the load are collected first,
    so that none is frozen with it."""
    enabled = gc.isenabled()
    if enabled:
        gc.collect()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
