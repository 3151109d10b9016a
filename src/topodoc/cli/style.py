"""How the commands write to a terminal: colour and width.

Colour follows the usual conventions, in this order: ``--color always/never``; ``NO_COLOR``
(any value) turns it off; ``FORCE_COLOR`` (any value but ``0``) turns it on, even through a
pipe; ``TERM=dumb`` turns it off; otherwise colour goes only to a terminal.
"""

from __future__ import annotations

import os
import shutil
from typing import TextIO

#: SGR codes of what is highlighted: the severity word of a located line, a command's error.
STYLES = {"error": "1;31", "warning": "1;35", "silenced": "2", "bold": "1"}


def color_wanted(stream: TextIO, choice: str = "auto") -> bool:
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def paint(text: str, style: str, on: bool) -> str:
    return f"\x1b[{STYLES[style]}m{text}\x1b[0m" if on and style in STYLES else text


def located(loc: object, tag: str, text: str, on: bool = False) -> str:
    """``LOC: TAG: TEXT``; a text of several lines gives one such line each (the further
    lines indented), so that every line says where it comes from."""
    first, *rest = text.split("\n") or [""]
    head = f"{loc}: {paint(tag + ':', tag, on)}"
    return "\n".join([f"{head} {first}", *(f"{head}   {line}" for line in rest)])


def terminal_width(stream: TextIO) -> int | None:
    """The width of the terminal ``stream`` writes to (``COLUMNS``, when set, wins), or
    ``None`` when it is not a terminal: a file or a pipe gets lines of any length."""
    return shutil.get_terminal_size().columns if stream.isatty() else None
