"""Writing files so a reader never sees half of one: a temp file, then a rename.

The temp file is named ``.NAME.topodoc-PID-RANDOM.tmp`` beside ``NAME``: recognisably
topodoc's, and the next write of ``NAME`` removes those a killed run (a process no longer
running) left behind.
"""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

TMP_MARK = "topodoc"


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and os.replace.

    The file keeps the mode of the one it replaces (0644 when new). Raises OSError.
    """
    target = Path(path)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{TMP_MARK}-{os.getpid()}-", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove the temp files of ``target`` whose writing process is gone; returns them."""
    pattern = f".{glob.escape(target.name)}.{TMP_MARK}-*-*.tmp"
    removed = []
    for tmp in target.parent.glob(pattern):
        pid = tmp.name[len(target.name) + len(TMP_MARK) + 3 :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or not ours to signal: running
        return True
    return True


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically."""
    write_bytes(path, text.encode("utf-8"))
