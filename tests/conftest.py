"""Session-wide: topodoc's cache (the compiled schema) goes to a temporary directory, so the
suite neither reads nor writes the user's ~/.cache and every run starts cold once."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _topodoc_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["TOPODOC_CACHE_DIR"] = str(tmp_path_factory.mktemp("topodoc-cache"))


@pytest.fixture(autouse=True)
def _forget_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no remembered secret: a real run only masks its own (one test's
    token "nope" must not mask another test's path .../nope)."""
    from topodoc.util import secrets

    monkeypatch.setattr(secrets, "_remembered", frozenset())
