"""The base of every error topodoc raises on purpose.

A :class:`TopodocError` is about the user's input or environment (a file, an option, a
source), never a bug: its message is complete and fit to print as it is, and the command
line prints it without a traceback. Each part of topodoc derives its own errors from it.
"""

from __future__ import annotations


class TopodocError(Exception):
    """An error whose message says what is wrong and where, for a person to read."""
