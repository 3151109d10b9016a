"""Writing files so a reader never sees half of one: a temp file, then a rename.

The temp file is named ``.NAME.topodoc-PID-RANDOM.tmp`` beside ``NAME``: recognisably
topodoc's. The first write of a process into a folder removes those a killed run (a process
no longer running) left behind there: one scan per folder, not one per file written (a
build writes thousands of images into one folder).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP_MARK = "topodoc"
#: The folders this process has already swept of stale temp files.
_SWEPT: set[Path] = set()


def write_bytes(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and os.replace.

    ``durable``: the data reaches the disk (fsync) before the rename, so even a power cut
    leaves the old file or the new one; a cache that is drawn again when lost (a build's
    images) passes False and is still never seen half-written. The file keeps the mode of
    the one it replaces (0644 when new). Raises OSError.
    """
    target = Path(path)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    if target.parent not in _SWEPT:
        remove_stale_temps(target.parent)
        _SWEPT.add(target.parent)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{TMP_MARK}-{os.getpid()}-", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove the temp files in ``folder`` whose writing process is gone; returns them."""
    removed = []
    for tmp in folder.glob(f".*.{TMP_MARK}-*-*.tmp"):
        pid = tmp.name.rsplit(f".{TMP_MARK}-", 1)[1].split("-", 1)[0]
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


def write_text(path: str | os.PathLike[str], text: str, *, durable: bool = True) -> None:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically (see :func:`write_bytes`)."""
    write_bytes(path, text.encode("utf-8"), durable=durable)
