"""The compiled validator (fastjsonschema's code with its ``format(**locals())`` turned into
f-strings) accepts and rejects what jsonschema does, naming the same item."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import fastjsonschema
import pytest

from topodoc.reading.schema import _compiled, _validator

VALID = {
    "version": 1,
    "hosts": [{"id": "h1", "memory": "8GiB"}],
    "vms": [
        {"id": "a", "runs_on": "h1", "platform": "libvirt"},
        {"id": "b", "runs_on": "h1", "platform": "libvirt", "vcpu": 2},
    ],
}


def test_a_valid_document_passes_both() -> None:
    _compiled()(VALID)
    assert list(_validator().iter_errors(VALID)) == []


@pytest.mark.parametrize(
    "path, bad",
    [
        ("data.vms[1].vcpu", {"vcpu": "two"}),
        ("data.vms[1].nics[0]", {"nics": ["eth0"]}),
        ("data.vms[1]", {"colour": "red"}),
    ],
)
def test_an_invalid_item_is_named_by_its_path(path: str, bad: dict) -> None:
    doc = {**VALID, "vms": [VALID["vms"][0], {**VALID["vms"][1], **bad}]}
    with pytest.raises(fastjsonschema.JsonSchemaException) as caught:
        _compiled()(doc)
    assert caught.value.name == path
    assert list(_validator().iter_errors(doc))


def _validate_in_a_new_process(cache: Path) -> str:
    """Validate a bad document in a fresh interpreter using ``cache``; the error's path."""
    code = (
        "import fastjsonschema\nfrom topodoc.reading.schema import _compiled\n"
        f"doc = {BAD!r}\n"
        "try:\n    _compiled()(doc)\nexcept fastjsonschema.JsonSchemaException as e:\n"
        "    print(e.name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TOPODOC_CACHE_DIR": str(cache)},
        check=True,
    )
    return done.stdout.strip()


BAD = {**VALID, "vms": [VALID["vms"][0], {**VALID["vms"][1], "vcpu": "two"}]}


def test_the_compiled_schema_is_cached_and_a_bad_cache_is_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _validate_in_a_new_process(cache) == "data.vms[1].vcpu"
    [entry] = cache.glob("schema-*.marshal")
    written = entry.read_bytes()
    assert _validate_in_a_new_process(cache) == "data.vms[1].vcpu"  # from the cache
    assert entry.read_bytes() == written
    entry.write_bytes(b"\x00garbage")
    assert _validate_in_a_new_process(cache) == "data.vms[1].vcpu"
    assert entry.read_bytes() == written  # generated again


def test_an_unusable_cache_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert _validate_in_a_new_process(blocker / "cache") == "data.vms[1].vcpu"


def test_unique_items_are_checked_without_a_function_made_per_call() -> None:
    """fastjsonschema defines a recursive local function for ``uniqueItems`` on every call
    (a reference cycle each time); the compiled code defines it once and still checks."""
    doc = {"version": 1, "views": [{"id": "v", "layers": ["physical", "physical"]}]}
    with pytest.raises(fastjsonschema.JsonSchemaException) as caught:
        _compiled()(doc)
    assert caught.value.name == "data.views[0].layers"
    assert "unique" in caught.value.message
    _compiled()({"version": 1, "views": [{"id": "v", "layers": ["physical", "storage"]}]})
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        _compiled()({**VALID, "views": [{"id": "v", "layers": ["physical", "storage"]}]})
        gc.collect()
        cycles = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert cycles == []
