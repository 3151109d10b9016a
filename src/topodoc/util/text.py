"""Small text helpers for messages."""

from __future__ import annotations

#: Nouns whose plural is not NOUN + "s"; others ("storage") do not change.
_PLURALS = {"storage": "storage", "failure domain": "failure domains"}


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 VM``, ``2 VMs``, ``0 files``: ``count`` and the noun in the right number."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {nouns or _PLURALS.get(noun) or noun + 's'}"
