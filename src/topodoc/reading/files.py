"""The files of a topology: which there are, their bytes within the size limit, their hash.

Kept apart from parsing (``sources``) so that checking whether a topology changed needs no
YAML library: a docs rebuild with no change imports nothing more than this.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from topodoc.errors import TopodocError
from topodoc.model.problems import Location, Problem

#: Files larger than this are refused before they are read (override: TOPODOC_MAX_FILE_BYTES).
DEFAULT_MAX_FILE_BYTES = 64 * 2**20
SUFFIXES = (".yaml", ".yml")


def max_file_bytes() -> int:
    value = os.environ.get("TOPODOC_MAX_FILE_BYTES", "")
    return int(value) if value.isdigit() else DEFAULT_MAX_FILE_BYTES


class SourceError(TopodocError):
    """The topology path itself cannot be used (missing, unreadable): an I/O error."""


def unchanged(path: str | os.PathLike[str], visited: list[str], digest: str) -> bool:
    """Whether reading ``path`` again would give ``digest``, without parsing anything: the
    directory lists the same files and every file ``visited`` last time has the same bytes
    (includes are named inside files, so the same bytes mean the same includes). A few
    milliseconds where reading takes a second: a docs rebuild with no change skips it."""
    try:
        root, queue = listing(path)
    except SourceError:
        return False
    if [str(p) for p in queue] != visited[: len(queue)]:
        return False
    hasher = hashlib.sha256()
    for key in visited:
        raw = read_bytes(Path(key), [], root)
        if raw is not None:
            hash_file(hasher, root, key, raw)
    return hasher.hexdigest() == digest


def listing(path: str | os.PathLike[str]) -> tuple[Path, list[Path]]:
    """The topology's root directory and the files to read first."""
    start = Path(path)
    if not start.exists():
        raise SourceError(f"{path}: no such file or directory")
    if not start.is_dir():
        return start.resolve().parent, [start.resolve()]
    root = start.resolve()
    queue = sorted(
        p
        for p in root.rglob("*")
        if p.suffix in SUFFIXES
        and (p.is_file() or p.is_symlink())  # dangling: reported
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    if not queue:
        raise SourceError(f"{path}: no *.yaml files in this directory")
    return root, queue


def hash_file(hasher: Any, root: Path, key: str, raw: bytes) -> None:
    hasher.update(os.path.relpath(key, root).encode() + b"\0" + raw + b"\0")


def read_bytes(file: Path, problems: list[Problem], root: Path) -> bytes | None:
    """The bytes of ``file``; ``None`` with a problem when it cannot be read, is too large,
    or is a link to a file outside ``root`` (read like an include leaving the directory)."""
    where = Location(str(file), 1, 1)
    try:
        if not file.resolve().is_relative_to(root):
            problems.append(
                Problem(
                    "include-outside",
                    "error",
                    f"links to {file.resolve()}, outside the topology directory {root}",
                    where,
                )
            )
            return None
        size = file.stat().st_size
        limit = max_file_bytes()
        if size > limit:
            problems.append(
                Problem(
                    "file-size",
                    "error",
                    f"file is {size:,} bytes, over the limit of {limit:,} (TOPODOC_MAX_FILE_BYTES)",
                    where,
                )
            )
            return None
        return file.read_bytes()
    except FileNotFoundError:
        problems.append(Problem("io", "error", "file not found", where))
    except IsADirectoryError:
        problems.append(Problem("io", "error", "is a directory, not a file", where))
    except OSError as exc:
        problems.append(Problem("io", "error", f"cannot read: {exc.strerror or exc}", where))
    return None
