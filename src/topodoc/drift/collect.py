"""Running the collectors: every source in parallel, each under its own hard timeout.

A source that fails or exceeds its timeout gets that status; the others go on. A source
whose resource kinds are all ignored is not contacted at all (status "skipped").
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

from topodoc.drift.collectors import RESOURCE_KINDS, collector
from topodoc.drift.resources import SourceResult, SourceSpec
from topodoc.util.secrets import one_line, safe_uri


def collect_all(
    specs: Iterable[SourceSpec],
    *,
    skip_kinds: frozenset[str] = frozenset(),
    max_workers: int = 8,
    progress: Callable[[str], None] | None = None,
) -> list[SourceResult]:
    """Collect every source, at most ``max_workers`` at a time; results sorted by id.

    Each source's ``timeout_s`` counts from its own start. A timed-out collector's thread is
    abandoned (a daemon thread; its client timeouts end it) and frees its worker slot.
    """
    specs = list(specs)
    duplicates = sorted(sid for sid, n in Counter(s.id for s in specs).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate source ids: {duplicates}")
    say = progress or (lambda _line: None)
    results: dict[str, SourceResult] = {}
    waiting: list[SourceSpec] = []
    for spec in sorted(specs, key=lambda s: s.id):
        settled = _settled(spec, skip_kinds)
        if settled is None:
            waiting.append(spec)
        else:
            results[spec.id] = settled
            say(summary(settled))
    done: queue.Queue[SourceResult] = queue.Queue()
    running: dict[str, tuple[SourceSpec, float]] = {}  # id -> (spec, deadline)
    while waiting or running:
        while waiting and len(running) < max(1, max_workers):
            spec = waiting.pop(0)
            say(f"collecting {spec.id} ...")
            running[spec.id] = (spec, time.monotonic() + spec.timeout_s)
            threading.Thread(
                target=_work, args=(spec, skip_kinds, done), daemon=True, name=f"collect {spec.id}"
            ).start()
        next_deadline = min(deadline for _spec, deadline in running.values())
        try:
            result = done.get(timeout=max(0.0, next_deadline - time.monotonic()))
        except queue.Empty:
            pass
        else:
            if running.pop(result.id, None) is not None:  # else: it came after its timeout
                results[result.id] = result
                say(summary(result))
        now = time.monotonic()
        for sid, (spec, deadline) in list(running.items()):
            if now >= deadline:
                del running[sid]
                results[sid] = _timed_out(spec)
                say(summary(results[sid]))
    return [results[sid] for sid in sorted(results)]


def _work(spec: SourceSpec, skip_kinds: frozenset[str], done: queue.Queue[SourceResult]) -> None:
    started = time.monotonic()
    try:
        done.put(collector(spec.kind)(spec, skip_kinds))
    except Exception as exc:  # noqa: BLE001 - collectors never raise; this is the last guard
        done.put(
            SourceResult(
                spec.id,
                spec.kind,
                safe_uri(spec.uri),
                "error",
                one_line(f"collector crashed: {type(exc).__name__}: {exc}"),
                time.monotonic() - started,
            )
        )


def _settled(spec: SourceSpec, skip_kinds: frozenset[str]) -> SourceResult | None:
    """The result of a source that is not to be contacted, or None."""
    kinds = RESOURCE_KINDS.get(spec.kind)
    if kinds is None:
        known = ", ".join(RESOURCE_KINDS)
        return SourceResult(
            spec.id,
            spec.kind,
            safe_uri(spec.uri),
            "error",
            f"unknown source kind {spec.kind!r} (known: {known})",
        )
    if set(kinds) <= skip_kinds:
        return SourceResult(
            spec.id, spec.kind, safe_uri(spec.uri), "skipped", "all its resource kinds are ignored"
        )
    return None


def _timed_out(spec: SourceSpec) -> SourceResult:
    return SourceResult(
        spec.id,
        spec.kind,
        safe_uri(spec.uri),
        "timeout",
        f"no complete answer within {spec.timeout_s:g} s",
        spec.timeout_s,
    )


def summary(result: SourceResult) -> str:
    if result.status == "ok":
        return f"{result.id} ok, {len(result.resources)} resources, {result.duration_s:.1f} s"
    return f"{result.id} {result.status}: {result.error} ({result.duration_s:.1f} s)"
