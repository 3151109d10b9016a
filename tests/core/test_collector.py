"""``collector.paused``: the cyclic collector off inside, as it was after; freezing only what
a block that ended normally allocated; and the work that uses it."""

from __future__ import annotations

import gc

import pytest

from tests.support.paths import LAB
from topodoc.diagrams.dot import render_dot
from topodoc.diagrams.views import select
from topodoc.model.selection import Selection
from topodoc.reading.load import load_topology
from topodoc.util import gcpause as collector


@pytest.fixture
def collector_enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_enabled_after(collector_enabled) -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector.paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled(collector_enabled) -> None:
    gc.disable()
    with collector.paused(freeze=True):
        pass
    assert not gc.isenabled()


def test_freeze_collects_older_garbage_first_and_freezes_only_after_success(
    collector_enabled,
) -> None:
    gc.unfreeze()
    cycle: list = []
    cycle.append(cycle)
    older = id(cycle)
    del cycle
    with collector.paused(freeze=True):
        kept = [["made inside"]]  # a list is always tracked
        assert not any(id(o) == older for o in gc.get_objects())  # collected before
    frozen = gc.get_freeze_count()
    assert frozen > 0 and all(o is not kept for o in gc.get_objects())  # frozen: not tracked
    gc.unfreeze()
    with pytest.raises(RuntimeError), collector.paused(freeze=True):
        raise RuntimeError("no freeze")
    assert gc.get_freeze_count() == 0


def test_load_select_and_render_leave_the_collector_on(collector_enabled) -> None:
    model = load_topology(LAB).model
    assert gc.isenabled()
    selected = select(model, Selection())
    assert gc.isenabled()
    assert render_dot(model, selected).source.startswith("digraph")
    assert gc.isenabled()
