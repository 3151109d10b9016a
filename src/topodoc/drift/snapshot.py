"""Snapshots: what the sources saw, saved as versioned JSON to re-analyse later.

``format_version`` follows Terraform's contract: a new minor version only adds, a new major
version breaks; a reader accepts any minor of its own major.
"""

from __future__ import annotations

import json
import os
from typing import Any

from topodoc.drift.resources import SOURCE_STATUSES, SourceResult
from topodoc.errors import TopodocError
from topodoc.util.atomic import write_text
from topodoc.util.secrets import redact
from topodoc.util.versioned_json import read_versioned, shape

FORMAT_VERSION = "1.2"


class SnapshotError(TopodocError):
    """A snapshot file that cannot be read: the message names the file and what is wrong."""


def write_snapshot(
    path: str | os.PathLike[str], results: list[SourceResult], *, taken_at: str
) -> None:
    """Write ``results`` to ``path`` atomically (``taken_at``: an ISO 8601 timestamp)."""
    document = {
        "format_version": FORMAT_VERSION,
        "taken_at": taken_at,
        "sources": [r.to_json() for r in sorted(results, key=lambda r: r.id)],
    }
    write_text(path, redact(json.dumps(document, indent=1, sort_keys=True) + "\n"))


def read_snapshot(path: str | os.PathLike[str]) -> list[SourceResult]:
    """The source results saved in ``path``; raises :class:`SnapshotError`, never anything else."""
    document = read_versioned(path, "snapshot", FORMAT_VERSION, SnapshotError)
    sources = document.get("sources")
    if not isinstance(sources, list):
        raise SnapshotError(f"{path}: 'sources' must be a list, not {shape(sources)}")
    return [_source(path, i, data) for i, data in enumerate(sources)]


def _source(path: str | os.PathLike[str], index: int, data: Any) -> SourceResult:
    where = f"{path}: sources[{index}]"
    problem = _source_problem(data)
    if problem:
        raise SnapshotError(f"{where}: {problem}")
    try:
        return SourceResult.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SnapshotError(f"{where}: malformed ({type(exc).__name__}: {exc})") from None


def _source_problem(data: Any) -> str | None:
    """What is wrong with the shape of one saved source, or None."""
    if not isinstance(data, dict):
        return f"must be an object, not {shape(data)}"
    for name in ("id", "kind", "uri", "status"):
        if not isinstance(data.get(name), str):
            return f"'{name}' must be a string"
    if data["status"] not in SOURCE_STATUSES:
        return f"unknown status {data['status']!r}"
    if not isinstance(data.get("resources", []), list):
        return "'resources' must be a list"
    for j, res in enumerate(data.get("resources", [])):
        if (
            not isinstance(res, dict)
            or not isinstance(res.get("attrs"), dict)
            or not all(isinstance(res.get(k), str) for k in ("key", "kind", "source"))
        ):
            return (
                f"resources[{j}] must be an object with string key, kind, source and "
                "an attrs object"
            )
    return None
