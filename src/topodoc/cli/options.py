"""Option values shared by the commands."""

from __future__ import annotations

import argparse
import math

from topodoc.util.timeouts import MAX_TIMEOUT_S, seconds_problem


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
