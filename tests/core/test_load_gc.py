"""A command's load (the program's edge, ``topodoc.cli.common.load``) moves what it allocated
out of the cyclic collector's generations (``gc.freeze``, see ``topodoc.util.gcpause``):
that is only safe because a load makes no reference cycles, so that reference counting
frees a dropped model entirely. Checked on a valid lab, a generated one, and topologies
with every kind of error path (schema errors, unknown references, an include cycle)."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from collections import Counter
from pathlib import Path

import pytest

from tests.support.paths import LAB
from topodoc.cli.common import load
from topodoc.reading.load import load_topology

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

BROKEN = {
    "a.yaml": "version: 1\ninclude: [b.yaml]\nhosts:\n  - id: h1\n    memory: lots\n"
    "views:\n  - id: v\n    layers: [physical, physical]\n",
    "b.yaml": "version: 1\ninclude: [a.yaml]\nvms:\n  - id: vm1\n    runs_on: nowhere\n"
    "    platform: libvirt\n  - id: vm1\n    runs_on: h1\n    colour: red\n",
}


def _generated(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "generate.py"),
            "--objects",
            "400",
            "--seed",
            "7",
            "--errors",
            "5",
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(params=["lab", "generated", "broken"])
def topology(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "lab":
        return LAB
    if request.param == "generated":
        return _generated(tmp_path)
    for name, text in BROKEN.items():
        (tmp_path / name).write_text(text)
    return tmp_path / "a.yaml"


def test_a_load_makes_no_reference_cycles_and_a_dropped_model_is_freed(topology: Path) -> None:
    load_topology(topology)  # the first load in a process imports modules (one-off cycles)
    gc.unfreeze()
    gc.collect()
    frozen = gc.get_freeze_count()
    loaded = load(str(topology))
    assert gc.get_freeze_count() >= frozen + len(loaded.model.objects)
    model = weakref.ref(loaded.model)
    del loaded
    assert model() is None  # freed by reference counting alone
    gc.unfreeze()  # what the load froze is collectable again: is any of it garbage?
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        cycles = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not cycles, f"the load left reference cycles: {cycles.most_common(8)}"


def test_the_library_leaves_the_collector_alone(topology: Path) -> None:
    """Only the program's edges tune the collector: ``load_topology`` inside Sphinx's
    process (or anyone's) neither pauses it nor freezes anything."""
    load_topology(topology)
    gc.unfreeze()
    was = gc.isenabled()
    gc.enable()
    try:
        loaded = load_topology(topology)
        assert gc.get_freeze_count() == 0 and gc.isenabled() and loaded.model is not None
    finally:
        if not was:
            gc.disable()
