"""Reading an HTTP answer the collectors can trust: bounded, on time, from the host asked.

Every HTTP collector reads its answers through these functions, whatever client it uses:

- a body is read in chunks, at most :data:`MAX_BODY_BYTES` (decoded), and reading stops
  once the source's deadline has passed: an endless or dribbling body ends the source
  (``error`` or ``timeout``), never the process's memory or the run's timeout;
- a redirect to another host (``host:port``) is refused, so no password or token follows
  it: the source fails with both hosts named;
- a body that is not JSON, or JSON of the wrong shape, is a source error that says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from topodoc.drift.collectors import SourceFailure

MiB = 2**20
#: The largest answer body read from any source (one page of a list, one error, ...).
MAX_BODY_BYTES = 32 * MiB
CHUNK_BYTES = 256 * 2**10
DEFAULT_PORTS = {"http": 80, "https": 443}


def read_body(
    read: Callable[[int], bytes], what: str, deadline: float, limit: int = MAX_BODY_BYTES
) -> bytes:
    """The whole body, read with ``read(n)`` until it returns nothing.

    Raises a :class:`SourceFailure` once the body passes ``limit`` bytes or the clock
    passes ``deadline`` (``time.monotonic()``); ``what`` names the request.
    """
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise SourceFailure(
                "timeout", f"{what}: the answer was not complete within the timeout"
            )
        chunk = read(CHUNK_BYTES)
        if not chunk:
            return bytes(body)
        if len(body) + len(chunk) > limit:
            raise SourceFailure(
                "error",
                f"{what}: the answer is larger than "
                f"{limit // MiB} MiB, the limit for one answer; not read",
            )
        body += chunk


def host_of(url: str) -> str:
    """``host:port`` of ``url``, the port filled in from the scheme when left out."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    host = (parts.hostname or "").lower()
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def is_redirect(status: int) -> bool:
    return 300 <= status < 400 and status != 304


def refuse_redirect(
    status: int, location: str | None, asked: str, what: str, *, same_host_ok: bool = False
) -> None:
    """Raise a :class:`SourceFailure` for a redirect answer (HTTP ``status``) to ``asked``.

    ``same_host_ok``: a redirect on the host asked is left to the client to follow.
    """
    if not is_redirect(status):
        return
    target = urljoin(asked, location or "")
    if not location:
        raise SourceFailure("error", f"{what}: HTTP {status} redirect without a Location")
    if host_of(target) != host_of(asked):
        raise SourceFailure(
            "error",
            f"{what}: HTTP {status} redirect from {host_of(asked)} "
            f"to another host, {host_of(target)}: refused (credentials go to "
            "the host asked only)",
        )
    if not same_host_ok:
        raise SourceFailure(
            "error",
            f"{what}: HTTP {status} redirect to "
            f"{urlsplit(target).path or '/'}: not followed (point the source "
            "at the final address)",
        )


def parse_json(data: bytes, what: str) -> Any:
    """``data`` parsed as JSON; a :class:`SourceFailure` saying "invalid JSON" if it is not."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        start = data[:40].decode("utf-8", "replace")
        raise SourceFailure(
            "error", f"{what}: invalid JSON in the answer ({exc}); it begins {start!r}"
        ) from None


def member(document: Any, name: str, kind: type, what: str) -> Any:
    """``document[name]``, which must be a ``kind`` (``list``, ``dict``, ``str``);
    a :class:`SourceFailure` naming the field when it is missing or of another type."""
    if not isinstance(document, dict):
        raise SourceFailure(
            "error", f"{what}: the answer is {_shape(document)}, not an object with '{name}'"
        )
    if name not in document:
        raise SourceFailure("error", f"{what}: the answer has no '{name}' field")
    value = document[name]
    if not isinstance(value, kind):
        raise SourceFailure("error", f"{what}: '{name}' is {_shape(value)}, not {_shape(kind())}")
    return value


def objects(document: Any, name: str, what: str) -> list[dict[str, Any]]:
    """``document[name]``, which must be a list of objects (:func:`member`)."""
    items: list[dict[str, Any]] = member(document, name, list, what)
    if not all(isinstance(item, dict) for item in items):
        raise SourceFailure("error", f"{what}: '{name}' holds something other than objects")
    return items


def each(items: list[dict[str, Any]], what: str, add: Callable[[dict[str, Any]], Any]) -> None:
    """``add(item)`` for each of ``items`` (the list answered to ``what``); an item lacking a
    field, or with one of the wrong type, is a :class:`SourceFailure` naming it."""
    for item in items:
        try:
            add(item)
        except KeyError as exc:
            raise SourceFailure(
                "error", f"{what}: {_label(item)} has no '{exc.args[0]}' field"
            ) from None
        except (TypeError, AttributeError, ValueError) as exc:
            raise SourceFailure(
                "error", f"{what}: {_label(item)} has a field of the wrong type ({exc})"
            ) from None


def _label(item: dict[str, Any]) -> str:
    metadata = item.get("metadata")
    name = (
        item.get("name")
        or (metadata.get("name") if isinstance(metadata, dict) else None)
        or item.get("id")
        or item.get("ID")
    )
    return f"item {name!r}" if isinstance(name, str | int) else "an item"


def _shape(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), type(value).__name__)
