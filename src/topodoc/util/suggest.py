"""Messages for a name that is not one of the known ones, with a did-you-mean."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def unknown_name(what: str, name: str, known: Iterable[str], *, show_known: bool = True,
                 known_as: str = "known") -> str:
    """``unknown WHAT 'NAME'; did you mean 'X'? (KNOWN_AS: A, B, C)``.

    ``show_known=False`` leaves the list out, for long ones such as object ids.
    """
    choices = sorted(known)
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    text = f"unknown {what} {name!r}"
    if close:
        text += f"; did you mean {close[0]!r}?"
    if show_known:
        text += f" ({known_as}: {', '.join(choices) if choices else 'none'})"
    return text
