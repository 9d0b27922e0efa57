"""Writing outputs safely: atomically, and never over an existing file without ``force``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "OutputExistsError"]


class OutputExistsError(FileExistsError):
    """The output file exists and ``force`` was not given."""


def atomic_write(path: str | Path, data: str | bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A reader never sees a half-written file, and a failure leaves any existing file
    untouched. Raises :class:`OutputExistsError` if ``path`` exists and ``force`` is
    false, or if ``path`` is anything but a regular file (a device, a folder, a symbolic
    link), whatever ``force`` says.
    """
    target = Path(path)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise OutputExistsError(f"{target}: not a regular file; sroi only ever replaces a regular file")
    if target.exists() and not force:
        raise OutputExistsError(f"{target}: already exists; pass --force to overwrite it")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
