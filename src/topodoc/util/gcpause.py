"""The cyclic garbage collector around work that allocates a lot and makes no reference cycles.

Reading a topology, selecting a view and drawing it allocate hundreds of thousands of
containers, and none of them is part of a reference cycle: reference counting frees each
one when it is dropped. The cyclic collector would only walk them, over and over (a
quarter of the load time of a 10,000-object lab; more than half of a 50,000-object view's
selection; a third of a docs build; see benchmarks/). So such work runs with it paused.
A load also moves what it allocated out of the collector's generations for good
(``gc.freeze``): the model lives as long as the program uses it, and would otherwise be
walked again by every later full collection. Garbage cycles made before are collected
first, so that none is frozen with it. Tests check that this work makes no cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """The collector paused inside (and left as it was after); with ``freeze``, what was
    allocated inside is frozen when the block ends without an exception."""
    enabled = gc.isenabled()
    if enabled and freeze:
        gc.collect()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
