"""Messages for a name that is not one of the known ones, with a did-you-mean."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'X'?`` for the known name closest to ``name``; empty if none is."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown_name(
    what: str, name: str, known: Iterable[str], *, show_known: bool = True, known_as: str = "known"
) -> str:
    """``unknown WHAT 'NAME'; did you mean 'X'? (KNOWN_AS: A, B, C)``.

    ``show_known=False`` leaves the list out, for long ones such as object ids.
    """
    choices = sorted(known)
    text = f"unknown {what} {name!r}" + did_you_mean(name, choices)
    if show_known:
        text += f" ({known_as}: {', '.join(choices) if choices else 'none'})"
    return text
