"""The bounds of a timeout, shared by the commands, the topology's ``live.timeout`` (its
schema says the same) and the Sphinx extension's ``topodoc_layout_timeout``."""

from __future__ import annotations

#: The longest timeout accepted, in seconds. Longer ones overflow the system's timers.
MAX_TIMEOUT_S = 3600


def seconds_problem(value: float) -> str | None:
    """What is wrong with ``value`` as a timeout in seconds, or ``None``."""
    if 0 < value <= MAX_TIMEOUT_S:
        return None
    return f"must be more than 0 seconds and at most {MAX_TIMEOUT_S}, not {value:g}"
