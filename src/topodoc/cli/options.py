"""Option values shared by the commands."""

from __future__ import annotations

import argparse
import math

#: The longest timeout a command or the topology's ``live.timeout`` accepts, in seconds (the
#: schema says the same). Longer ones overflow the system's timers.
MAX_TIMEOUT_S = 3600


def seconds_problem(value: float) -> str | None:
    """What is wrong with ``value`` as a timeout in seconds, or ``None``."""
    if 0 < value <= MAX_TIMEOUT_S:
        return None
    return f"must be more than 0 seconds and at most {MAX_TIMEOUT_S}, not {value:g}"


def seconds(text: str) -> float:
    """An argparse type: a timeout in seconds (see :func:`seconds_problem`)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if seconds_problem(value):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a positive number of seconds up to {MAX_TIMEOUT_S}"
        )
    return value
