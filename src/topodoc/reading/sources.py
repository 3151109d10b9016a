"""Finding and reading the files of a topology: a file with its includes, or a directory."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from topodoc.model.problems import Location, Problem
from topodoc.reading import yamlpos
from topodoc.reading.files import hash_file, listing, read_bytes
from topodoc.reading.yamlpos import YList, YMap


@dataclass
class Sources:
    """The parsed files of one topology, in path order, and what went wrong reading them."""

    root: Path
    documents: dict[str, YMap] = field(default_factory=dict)  # absolute path -> document
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""  # sha256 over every file's path and bytes: changes when any file changes
    visited: list[str] = field(default_factory=list)  # every file looked at, in reading order


def read_sources(path: str | os.PathLike[str]) -> Sources:
    """Read the topology at ``path`` (a directory, or one file with its includes)."""
    root, queue = listing(path)
    sources = Sources(root=root)
    includes: dict[str, list[tuple[str, Location]]] = {}
    hasher = hashlib.sha256()
    seen: set[str] = set()
    pending = deque(queue)
    while pending:
        file = pending.popleft()
        key = str(file)
        if key in seen:
            continue
        seen.add(key)
        sources.visited.append(key)
        raw = read_bytes(file, sources.problems, root)
        if raw is None:
            continue
        hash_file(hasher, root, key, raw)
        doc = _parse(raw, key, sources.problems)
        if doc is None:
            continue
        sources.documents[key] = doc
        for target, loc in _includes(doc, file, root, sources.problems):
            includes.setdefault(key, []).append((target, loc))
            pending.append(Path(target))
    sources.problems.extend(_include_cycles(includes))
    sources.digest = hasher.hexdigest()
    sources.documents = dict(sorted(sources.documents.items()))
    return sources


def _parse(raw: bytes, file: str, problems: list[Problem]) -> YMap | None:
    nul = raw.find(b"\0")
    if nul >= 0:
        problems.append(
            Problem(
                "encoding",
                "error",
                "binary data (a NUL byte): not a YAML text file",
                _offset_location(raw, nul, file),
            )
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                "encoding",
                "error",
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                _offset_location(raw, exc.start, file),
            )
        )
        return None
    try:
        doc = yamlpos.load(text, file)
    except yamlpos.YAMLProblem as exc:
        problems.append(Problem(exc.rule, "error", exc.message, exc.loc))
        return None
    if doc is None:
        problems.append(
            Problem(
                "empty-file",
                "error",
                "the file is empty: a topology file is a mapping that starts with 'version: 1'",
                Location(file, 1, 1),
            )
        )
        return None
    if not isinstance(doc, YMap):
        where = doc.loc() if isinstance(doc, YList) else Location(file, 1, 1)
        problems.append(
            Problem(
                "schema",
                "error",
                "a topology file must be a mapping (keys like 'version:', 'hosts:', 'vms:')",
                where,
            )
        )
        return None
    return doc


def _offset_location(raw: bytes, offset: int, file: str) -> Location:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return Location(file, line, col)


def _includes(
    doc: YMap, file: Path, root: Path, problems: list[Problem]
) -> Iterator[tuple[str, Location]]:
    entries = doc.get("include")
    if not isinstance(entries, YList):
        return  # a wrong type is reported by the schema
    for index, entry in enumerate(entries):
        loc = entries.loc(index)
        if not isinstance(entry, str):
            continue
        target = (file.parent / entry).resolve()
        if not target.is_relative_to(root):
            problems.append(
                Problem(
                    "include-outside",
                    "error",
                    f"include {entry!r} leaves the topology directory {root}",
                    loc,
                )
            )
        elif not target.is_file():
            problems.append(
                Problem("include-missing", "error", f"include {entry!r}: no such file", loc)
            )
        else:
            yield str(target), loc


def _include_cycles(includes: dict[str, list[tuple[str, Location]]]) -> list[Problem]:
    """One problem per include that closes a cycle, at the include entry.

    A depth-first walk with a stack of its own, not recursion: a chain of includes may be
    any number of files long."""
    problems: list[Problem] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(includes):
        if start in state:
            continue
        state[start] = 1
        path = [start]
        stack = [iter(includes.get(start, []))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            target, loc = step
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target]
                names = [os.path.basename(p) for p in cycle]
                if len(names) > 8:
                    names[3:-3] = [f"... ({len(names) - 7} more files) ..."]
                shown = " -> ".join(names)
                problems.append(Problem("include-cycle", "error", f"include cycle: {shown}", loc))
            elif target not in state:
                state[target] = 1
                path.append(target)
                stack.append(iter(includes.get(target, [])))
    return problems
