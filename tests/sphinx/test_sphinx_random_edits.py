"""Random edits to the example lab (seeded): after each, the incremental build's pages and
images are byte for byte those of a clean build of the edited project, and a page of an
object no longer in the topology is gone.

An edit changes a scalar (a number, a size, a name, a state, an id: then what named it no
longer resolves) or deletes a field's line, in one to three places of the lab's files; an
edit may make the topology wrong, which the pages then say the same way in both builds."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from sphinx_builds import make_project
from test_sphinx_incremental import _build, _pages

from tests.support.paths import LAB

INDEX = (
    "Lab\n===\n\n.. topodoc-diagram::\n\n.. topodoc-diagram::\n   :level: stack\n\n"
    + "".join(
        f".. topodoc-table:: {table}\n\n"
        for table in ("hosts", "vms", "clusters", "services", "networks", "storage", "capacity")
    )
    + ".. topodoc-impact::\n\n.. toctree::\n\n   reference/index\n"
)
FIELD = re.compile(r"^(\s*(?:- )?)([a-z_]+): ([^{}\[\]#\n]+?)\s*$")  # key: value
INLINE = re.compile(r"\b([a-z_]+): ([^,{}\[\]\n]+?)(?=[,}])")  # {key: value, ...}


def _changed(value: str, rng: random.Random) -> str:
    number = re.fullmatch(r"(\d+)(\w*)", value)
    if number:
        return f"{max(1, int(number[1]) + rng.choice((-1, 1, 2)))}{number[2]}"
    if value in ("true", "false"):
        return "false" if value == "true" else "true"
    if value[:1] in "'\"":
        return f"{value[:-1]}x{value[-1]}"
    return f"{value}x"


def _edit(topology: Path, rng: random.Random) -> str:
    """One random edit of one line of the lab; what it was."""
    files = sorted(topology.glob("*.yaml"))
    while True:
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8").split("\n")
        number = rng.randrange(len(lines))
        line = lines[number]
        field, inline = FIELD.match(line), list(INLINE.finditer(line))
        if field and field[2] != "version":
            if field[2] != "id" and rng.random() < 0.2:
                del lines[number]
            else:
                lines[number] = f"{field[1]}{field[2]}: {_changed(field[3], rng)}"
        elif inline:
            one = rng.choice(inline)
            lines[number] = line[: one.start(2)] + _changed(one[2], rng) + line[one.end(2) :]
        else:
            continue
        path.write_text("\n".join(lines), encoding="utf-8")
        return f"{path.name}:{number + 1}: {line.strip()!r} -> {lines[number].strip()!r}"


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_build_what_a_clean_build_does(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    project = make_project(tmp_path / "incremental", index=INDEX, topology="")
    (project.topology / "lab.yaml").unlink()
    for source in LAB.glob("*.yaml"):
        shutil.copy(source, project.topology / source.name)
    _build(project.root)
    for step in range(4):
        edits = [_edit(project.topology, rng) for _ in range(rng.choice((1, 1, 2, 3)))]
        _build(project.root)
        clean = tmp_path / f"clean{step}"
        shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns("_build"))
        _build(clean)
        want, got = _pages(clean / "_build/html"), _pages(project.root / "_build/html")
        differ = sorted(n for n in want.keys() | got.keys() if got.get(n) != want.get(n))
        assert not differ, f"after {edits}: the incremental build differs in {differ}"
