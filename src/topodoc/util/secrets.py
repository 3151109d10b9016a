"""Keeping secrets out of everything that leaves the process: the one place that knows.

- :func:`is_secret_name` is the one test of whether a name (a config key, an attribute,
  a topology key) holds secret material;
- :func:`redact` is the one masking function: every string topodoc writes (reports in
  every format, progress and error lines, snapshots, exports, log records) goes through
  it. It masks the secret values it was told (:func:`remember`: passwords in ``live``
  URLs, clouds.yaml and kubeconfig secrets, the Keystone token obtained at run time) and
  what looks secret without being told: passwords in URLs (with or without a scheme, with
  ``/`` in them), ``Authorization``/token headers, ``password=...`` pairs, private keys.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

MASK = "***"
#: Shorter secret values are not masked by value (every "t" of a report would go): a
#: password that short is masked where patterns find it (in URLs, headers, key=value).
MIN_SECRET_LENGTH = 4

#: A name (mapping key, attribute, option) holding secret material matches this.
SECRET_NAME = re.compile(
    r"passw(or)?d|passphrase|token|secret|credential|private|key[_-]?data"
    r"|(^|[_.-])api[_-]?keys?($|[_.-])|[_.-]keys?($|[_.-])",  # not a bare "key": a name
    re.IGNORECASE,
)

#: (pattern, replacement, a word the text must hold, lower case, for the pattern to run).
_PATTERNS = (
    (
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----"
            r"|\Z)",
            re.S,
        ),
        MASK,
        "private key-----",
    ),
    (
        re.compile(
            r"(?i)((?:authorization|x-auth-token|x-subject-token|cookie)[\"']?\s*[:=]\s*"
            r"[\"']?(?:bearer\s+|basic\s+)?)[^\s\"',;}]+"
        ),
        rf"\1{MASK}",
        "",
    ),
    (re.compile(r"(?i)(\bbearer\s+)[^\s\"',;}]+"), rf"\1{MASK}", "bearer"),
)
_HEADERS = ("authorization", "x-auth-token", "x-subject-token", "cookie")

#: user:password@host, after a scheme or on its own; the password may hold '/' or ':'. Run on
#: the words holding an '@' only (few: the whole text would take seconds for a big report).
_WORD_END = re.compile(r"[\s\"']")
_USERINFO = re.compile(
    r"(?i)((?:\b[a-z][a-z0-9+.-]*://|(?<![\w@:/.%+-]))[^\s:/@\"',]*:)(?!//)"
    r"[^\s@\"']+(@[\w\[])"
)

#: ``NAME: value``, ``NAME=value``, ``"NAME": "value"``: masked when NAME is a secret's name.
_PAIR = re.compile(r"(?<![/\w.-])([\w.-]+)([\"']?\s*[:=]\s*[\"']?)([^\s\"',;}&]+)")
#: A secret's name holds one of these (lower case): only the lines holding one are searched.
_NAME_WORDS = (
    "passw",
    "passphrase",
    "token",
    "secret",
    "credential",
    "private",
    "keydata",
    "key_data",
    "key-data",
    "apikey",
    "api_key",
    "api-key",
    "_key",
    "-key",
    ".key",
)

_remembered: frozenset[str] = frozenset()  # replaced whole, never changed: safe to read
_lock = threading.Lock()
_scrubbing = False


def is_secret_name(name: object) -> bool:
    """Whether something called ``name`` may hold secret material."""
    return bool(name) and SECRET_NAME.search(str(name)) is not None


def remember(values: Iterable[str]) -> None:
    """Mask ``values`` in every later :func:`redact` and log record of this process."""
    global _remembered, _scrubbing
    with _lock:
        _remembered = _remembered | {v for v in values if len(v) >= MIN_SECRET_LENGTH}
        if not _scrubbing:
            _scrubbing = True
            make_record = logging.getLogRecordFactory()

            def scrubbed(*args: object, **kwargs: object) -> logging.LogRecord:
                record = make_record(*args, **kwargs)
                try:
                    record.msg, record.args = redact(record.getMessage()), ()
                except (TypeError, ValueError):
                    pass  # a malformed record: logging reports it as usual
                return record

            logging.setLogRecordFactory(scrubbed)


def redact(text: str, known_secrets: Iterable[str] = ()) -> str:
    """``text`` with every known or remembered secret and every secret-looking pattern
    masked: the one masking function."""
    known = {s for s in known_secrets if len(s) >= MIN_SECRET_LENGTH} | _remembered
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, MASK)
    lower = text.lower()
    for pattern, replacement, word in _PATTERNS:
        if (word in lower) if word else any(h in lower for h in _HEADERS):
            text = pattern.sub(replacement, text)
    text = _mask_userinfo(text)
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: search it all
        return _PAIR.sub(_masked_pair, text)
    return _mask_pairs(text, sorted(i for word in _NAME_WORDS for i in _find_all(lower, word)))


def _find_all(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at != -1:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _mask_userinfo(text: str) -> str:
    """``text`` with the password of each ``user:password@host`` masked, searched only in
    the words holding an ``@``."""
    out, done = [], 0
    for at in _find_all(text, "@"):
        if at < done:
            continue  # in a word already masked
        start = max(text.rfind(c, 0, at) for c in " \t\n\"'") + 1
        end_match = _WORD_END.search(text, at)
        end = end_match.start() if end_match else len(text)
        out += [text[done:start], _USERINFO.sub(rf"\1{MASK}\2", text[start:end])]
        done = end
    return "".join(out) + text[done:]


def _mask_pairs(text: str, hits: list[int]) -> str:
    """``text`` with the value of each ``NAME: value`` pair whose NAME is a secret's masked;
    only the lines holding a word of such a name (at ``hits``) are searched."""
    if not hits:
        return text
    out, start, i = [], 0, 0
    for line in text.split("\n"):
        end = start + len(line)
        while i < len(hits) and hits[i] < start:
            i += 1
        out.append(_PAIR.sub(_masked_pair, line) if i < len(hits) and hits[i] < end else line)
        start = end + 1
    return "\n".join(out)


def _masked_pair(match: re.Match[str]) -> str:
    name, sep, value = match.groups()
    return f"{name}{sep}{MASK}" if is_secret_name(name) and value != MASK else match[0]


def one_line(text: str, known_secrets: Iterable[str] = (), limit: int = 300) -> str:
    """A redacted, single-line, length-limited form of ``text`` for a result's ``error``."""
    line = " ".join(redact(text, known_secrets).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def secret_values(data: Any) -> set[str]:
    """The string values under secret-looking keys anywhere in parsed YAML/JSON ``data``."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and is_secret_name(key):
                found.add(value)
            else:
                found |= secret_values(value)
    elif isinstance(data, list):
        for item in data:
            found |= secret_values(item)
    return found


def _split(url: str) -> tuple[str, str | None, str]:
    """``(scheme://, user info or None, rest)`` of ``url``; the user info ends at the last
    ``@`` before the path, so a password may hold ``/``, ``:`` or ``@``."""
    scheme, sep, rest = url.partition("://")
    prefix = scheme + sep if sep else ""
    if not sep:
        rest = url
    userinfo, at, hostpart = rest.rpartition("@")
    if not at or not hostpart:
        return prefix, None, rest
    return prefix, userinfo, hostpart


def url_password(url: str) -> str | None:
    """The password inside ``url``'s user info, if any."""
    _prefix, userinfo, _rest = _split(url.strip())
    if userinfo is None or ":" not in userinfo:
        return None
    return userinfo.partition(":")[2] or None


def uri_secrets(uri: str) -> set[str]:
    """The passwords in ``uri`` (one URL or several, comma-joined)."""
    return {p for p in map(url_password, _parts(uri)) if p}


def strip_credentials(url: str) -> str:
    """``url`` without a password in its user info (``https://u:p@h/x`` -> ``https://u@h/x``)."""
    prefix, userinfo, rest = _split(url)
    if userinfo is None or ":" not in userinfo:
        return url
    return f"{prefix}{userinfo.partition(':')[0]}@{rest}"


def without_userinfo(url: str) -> str:
    """``url`` without any user info (``https://u:p@h:1`` -> ``https://h:1``)."""
    prefix, _userinfo, rest = _split(url.strip())
    return prefix + rest


def safe_uri(uri: str) -> str:
    """``uri`` (one URI or several comma-joined) with every URL's password removed."""
    return redact(",".join(strip_credentials(part) for part in _parts(uri, keep_blank=True)))


def _parts(uri: str, *, keep_blank: bool = False) -> list[str]:
    """The URLs of a comma-joined ``uri``."""
    return [part for part in uri.split(",") if keep_blank or part.strip()]
