"""The one way to read a topology: files -> schema -> model -> rules -> silences."""

from __future__ import annotations

import os
from dataclasses import dataclass

from topodoc.model.objects import Model
from topodoc.model.problems import Problem, Silenced
from topodoc.reading.build import build_model
from topodoc.reading.files import SourceError
from topodoc.reading.rules import apply_silences, run_rules
from topodoc.reading.sources import read_sources

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
    A load makes no reference cycles: a program may run it with the cyclic collector paused
    and freeze what it made (:func:`topodoc.util.gcpause.paused`).
    """
    sources = read_sources(path)
    model, problems, broken = build_model(sources)
    declared = broken | set(model.objects)
    kept, silenced = apply_silences(model, run_rules(model, declared))
    if broken:  # with objects left out, a silence may silence nothing only because of them
        kept = [p for p in kept if p.rule != "silence-unused"]
    found = sorted(sources.problems + problems + kept, key=Problem.sort_key)
    silenced.sort(key=lambda s: s.problem.sort_key())
    return Loaded(model, tuple(dict.fromkeys(found)), tuple(silenced))
