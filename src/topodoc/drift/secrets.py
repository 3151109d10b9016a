"""Keeping secrets out of messages, results, snapshots and logs.

Collectors learn the secret values they load (a clouds.yaml password, a kubeconfig token)
and pass every message through :func:`redact` with them. Patterns catch what was not
learnt: ``Authorization``/token headers, ``password=...`` pairs, private-key blocks and
credentials inside URLs. Once a secret is :func:`remember`-ed, log records of the client
libraries (which may log what a server echoes back) are scrubbed of it too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

#: A mapping key whose string value is a secret contains one of these (case-insensitive).
SECRET_KEY_WORDS = ("password", "passwd", "token", "secret", "key-data", "key_data")

_PATTERNS = (
    re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
               re.S),
    re.compile(r"(?i)((?:authorization|x-auth-token|x-subject-token|cookie)[\"']?\s*[:=]\s*[\"']?"
               r"(?:bearer\s+|basic\s+)?)[^\s\"',;}]+"),
    re.compile(r"(?i)(\b[\w-]*(?:password|passwd|token|secret)[\"']?\s*[:=]\s*[\"']?)"
               r"[^\s\"',;}&]+"),
    re.compile(r"(?i)(\bbearer\s+)[^\s\"',;}]+"),
    re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+(@)"),
)
_REPLACEMENTS = (MASK, rf"\1{MASK}", rf"\1{MASK}", rf"\1{MASK}", rf"\1{MASK}\2")


#: Top-level names of the loggers whose records are scrubbed of remembered secrets.
LIBRARY_LOGGERS = frozenset({"keystoneauth", "openstack", "kubernetes", "urllib3", "requests"})

_remembered: frozenset[str] = frozenset()  # replaced whole, never changed: safe to read
_lock = threading.Lock()
_scrubbing = False


def remember(values: Iterable[str]) -> None:
    """Scrub ``values`` from client-library log records of this process from now on."""
    global _remembered, _scrubbing
    with _lock:
        _remembered = _remembered | {v for v in values if v}
        if not _scrubbing:
            _scrubbing = True
            make_record = logging.getLogRecordFactory()

            def scrubbed(*args: object, **kwargs: object) -> logging.LogRecord:
                record = make_record(*args, **kwargs)
                if record.name.partition(".")[0] in LIBRARY_LOGGERS:
                    try:
                        record.msg, record.args = redact(record.getMessage(), _remembered), ()
                    except (TypeError, ValueError):
                        pass  # a malformed record: logging reports it as usual
                return record

            logging.setLogRecordFactory(scrubbed)


def redact(text: str, known_secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret and every secret-looking pattern masked."""
    for secret in sorted({s for s in known_secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern, replacement in zip(_PATTERNS, _REPLACEMENTS, strict=True):
        text = pattern.sub(replacement, text)
    return text


def one_line(text: str, known_secrets: Iterable[str] = (), limit: int = 300) -> str:
    """A redacted, single-line, length-limited form of ``text`` for a result's ``error``."""
    line = " ".join(redact(text, known_secrets).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def secret_values(data: Any) -> set[str]:
    """The string values under secret-looking keys anywhere in parsed YAML/JSON ``data``."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and any(w in str(key).lower() for w in SECRET_KEY_WORDS):
                found.add(value)
            else:
                found |= secret_values(value)
    elif isinstance(data, list):
        for item in data:
            found |= secret_values(item)
    return found


def url_password(url: str) -> str | None:
    """The password inside ``url``'s user info, if any."""
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def safe_uri(uri: str) -> str:
    """``uri`` (one URI or several comma-joined) with every URL's password removed."""
    return ",".join(strip_credentials(part) for part in uri.split(","))


def strip_credentials(url: str) -> str:
    """``url`` without a password in its user info (``https://u:p@h/x`` -> ``https://u@h/x``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user.partition(':')[0]}@{host}"))
