"""Reading a JSON file that topodoc wrote with a ``format_version`` (a drift report, a
snapshot): one reader, so both say the same about a file they cannot use.

The contract is Terraform's: a new minor version only adds, a new major one may break, so a
file is read when its major version is the reader's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from topodoc.errors import TopodocError


def shape(value: Any) -> str:
    """What a JSON value is, for a message: ``an object``, ``a list``, ``null``, ..."""
    return {dict: "an object", list: "a list", str: "a string", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def read_versioned(
    path: str | os.PathLike[str],
    what: str,
    version: str,
    error: type[TopodocError],
    clean: Callable[[str], str] = str,
) -> dict[str, Any]:
    """The JSON object in ``path``, a ``what`` written with the major version of ``version``;
    else ``error`` with a message naming the file (and the line and column of bad JSON).
    ``clean`` is applied to the text before it is parsed (masking secrets, say)."""
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{name}: no such {what}") from None
    except UnicodeDecodeError:
        raise error(f"{name}: not a {what}: not UTF-8 text") from None
    except OSError as exc:
        raise error(f"{name}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        data = json.loads(clean(text))
    except json.JSONDecodeError as exc:
        raise error(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise error(f"{name}: a {what} is a JSON object, not {shape(data)}")
    found = data.get("format_version")
    if not isinstance(found, str):
        raise error(f"{name}: not a topodoc {what} (no format_version)")
    major = version.split(".")[0]
    if found.split(".")[0] != major:
        raise error(
            f"{name}: {what} format_version {found} is not supported (this topodoc reads {major}.x)"
        )
    return data
