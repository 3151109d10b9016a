"""Diagrams laid out ahead of the page writer, in a thread.

Sphinx resolves the pages it writes in its main process, one after the other, and the
diagrams are laid out while their page is resolved. So, once the first page is resolved,
the diagrams of the next pages to be written (the pages read in this build that hold a
diagram, in Sphinx's writing order) are fitted (:func:`.diagrams.fit`) in a pool thread,
which mostly waits for its ``dot``: the layouts run beside the writer's Python work, a
bounded number of pages ahead. A page takes its diagrams' layouts when it is resolved (they
equal what it would lay out itself) or, when the pool has not reached it, lays them out
itself. Not when Sphinx writes in parallel (``-j``): it forks its writing processes then,
and a process forked while other threads run can inherit a lock one of them holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from sphinx.builders import Builder

from topodoc.diagrams.fit import Fitted

from .context import Context
from .warn import verbose
from .widths import fitted_widths

if TYPE_CHECKING:
    from topodoc.model.selection import Selection

    from .domain import TopoDomain

#: Diagrams laid out ahead, at most (the layouts wait, in memory, for their page).
AHEAD = 4


class LayoutsAhead:
    """The pool of one build's writing; :meth:`close` it when the build ends."""

    def __init__(
        self,
        builder: Builder,
        domain: TopoDomain,
        pages: Iterable[tuple[str, list[tuple[Selection, bool]]]],
    ) -> None:
        self._builder, self._domain = builder, domain
        #: (page, selection, legend) of each diagram still to be laid out, in writing order.
        self._queue = deque(
            (docname, selection, legend)
            for docname, diagrams in sorted(pages)
            for selection, legend in diagrams
        )
        fitted_widths(builder)  # loaded once, before the threads share it
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="topodoc-layout")
        #: Diagram name -> (its page, its layout under way or done).
        self._futures: dict[str, tuple[str, Future[tuple[Fitted, set[str]]]]] = {}
        self.taken = 0

    def advance(self, docname: str) -> None:
        """``docname`` is being resolved: forget what comes before it, lay out ahead of it."""
        from .diagrams import diagram_name

        while self._queue and self._queue[0][0] <= docname:
            self._queue.popleft()  # this page's or earlier: laid out where they are written
        for name in [n for n, (page, _f) in self._futures.items() if page < docname]:
            self._futures.pop(name)[1].cancel()  # its page was not written after all
        while self._queue and len(self._futures) < AHEAD:
            page, selection, legend = self._queue.popleft()
            name = diagram_name(page, selection, legend)
            if name not in self._futures:
                future = self._pool.submit(self._fit, page, selection, legend)
                self._futures[name] = page, future

    def take(self, name: str) -> tuple[Fitted, set[str]] | None:
        """The layout of diagram ``name`` and the keys its fitting read, when laid out
        ahead (waiting for it if under way); else None."""
        if name not in self._futures:
            return None
        self.taken += 1
        return self._futures.pop(name)[1].result()

    def close(self) -> None:
        for _page, future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self.taken:
            verbose(f"topodoc: {self.taken} diagrams laid out ahead, 1 at a time")

    def _fit(self, docname: str, selection: Selection, legend: bool) -> tuple[Fitted, set[str]]:
        from .diagrams import fit

        ctx = Context(self._builder, self._domain, docname)
        return fit(ctx, selection, legend), ctx.keys
