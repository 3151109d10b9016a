"""``files.unchanged``: the cheap check that lets a docs rebuild skip loading the topology."""

from __future__ import annotations

from pathlib import Path

from topodoc.reading.files import unchanged
from topodoc.reading.load import load_topology

HOST = "version: 1\nhosts:\n  - {id: h1, memory: 8GiB}\n"


def is_unchanged(path: Path, before) -> bool:
    return unchanged(path, list(before.visited), before.digest)


def test_same_bytes_new_times_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HOST)
    (tmp_path / "b.yaml").write_text("version: 1\nvms: []\n")
    before = load_topology(tmp_path).model
    (tmp_path / "a.yaml").touch()
    assert is_unchanged(tmp_path, before)


def test_an_edit_a_new_file_or_a_removed_file_is_a_change(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HOST)
    before = load_topology(tmp_path).model
    (tmp_path / "a.yaml").write_text(HOST.replace("8GiB", "16GiB"))
    assert not is_unchanged(tmp_path, before)
    (tmp_path / "a.yaml").write_text(HOST)
    assert is_unchanged(tmp_path, before)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text("version: 1\n")
    assert not is_unchanged(tmp_path, before)
    (tmp_path / "sub" / "c.yaml").unlink()
    assert is_unchanged(tmp_path, before)
    (tmp_path / "a.yaml").unlink()
    assert not is_unchanged(tmp_path, before)


def test_an_included_file_counts(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text("version: 1\ninclude: [more.yml]\n")
    (tmp_path / "more.yml").write_text(HOST)
    before = load_topology(tmp_path / "main.yaml").model
    assert before.visited == (str(tmp_path / "main.yaml"), str(tmp_path / "more.yml"))
    assert is_unchanged(tmp_path / "main.yaml", before)
    (tmp_path / "more.yml").write_text(HOST.replace("h1", "h2"))
    assert not is_unchanged(tmp_path / "main.yaml", before)
    assert not unchanged(tmp_path / "gone.yaml", list(before.visited), before.digest)
