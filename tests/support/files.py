"""Writing a topology (or any tree of text files) for a test."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_files(root: Path, files: dict[str, str | bytes] | str) -> Path:
    """Write ``files`` (name -> text, dedented; or raw bytes) below ``root`` and return it.

    A single string is written as ``lab.yaml``.
    """
    if isinstance(files, str):
        files = {"lab.yaml": files}
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root
