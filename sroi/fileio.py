"""Writing outputs safely: atomically, and never over an existing file without ``force``."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from glob import escape as glob_escape
from pathlib import Path

__all__ = ["atomic_write", "refuse_existing", "OutputExistsError", "OutputWriteError", "json_ready"]


class OutputExistsError(FileExistsError):
    """The output file exists and ``force`` was not given, or it is not a regular file."""


class OutputWriteError(OSError):
    """The output could not be written; ``str()`` is one line: ``PATH: cannot write (reason)``."""

    def __init__(self, path: str | Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOENT:
            reason = f"no such folder as {Path(path).parent or '.'}"
        super().__init__(exc.errno, f"{path}: cannot write ({reason[:1].lower() + reason[1:]})")

    def __str__(self) -> str:
        return str(self.strerror)


def _refuse_non_regular(target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        raise OutputExistsError(f"{target}: cannot write (it is a folder; name a file in it)")
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise OutputExistsError(f"{target}: cannot write (not a regular file: sroi only ever replaces a regular "
                                "file, never a device, a pipe or a symbolic link)")


def refuse_existing(path: str | Path, *, force: bool) -> None:
    """Raise :class:`OutputExistsError` now, before slow work, if :func:`atomic_write`
    would refuse ``path`` later."""
    target = Path(path)
    _refuse_non_regular(target)
    if target.exists() and not force:
        raise OutputExistsError(f"{target}: already exists; pass --force to overwrite it")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputWriteError(target, OSError(errno.ENOENT if not folder.exists() else errno.ENOTDIR,
                                               os.strerror(errno.ENOTDIR)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputWriteError(target, OSError(errno.EACCES, os.strerror(errno.EACCES)))


def atomic_write(path: str | Path, data: str | bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder.

    A reader never sees a half-written file, and a failure leaves any existing file
    untouched. Without ``force`` the finished file is linked into place, which fails if
    the name exists by then, so of several writers racing to create the same new file
    exactly one succeeds. With ``force`` it replaces an existing regular file and keeps
    that file's permissions (a 0600 file stays 0600); a new file gets the umask's.

    The temporary file is ``.NAME.PID.XXXXXXXX.tmp`` beside the target. A process killed
    mid-write (``kill -9``) cannot remove it; the next write to the same name removes
    any such file whose writer is no longer running, or that is over a day old.

    Raises :class:`OutputExistsError` if ``path`` exists and ``force`` is false, or if
    ``path`` is anything but a regular file (a device, a folder, a symbolic link),
    whatever ``force`` says; :class:`OutputWriteError` (one line naming the path and the
    reason) if the folder is missing or unwritable, the disk full, or the like.
    """
    target = Path(path)
    refuse_existing(target, force=force)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    _clean_stale(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputWriteError(target, exc) from None
    try:
        os.chmod(tmp, _mode_for(target, force))
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            _refuse_non_regular(target)
            os.replace(tmp, target)
        else:
            _create(tmp, target)
    except OSError as exc:
        _discard(tmp)
        if isinstance(exc, (OutputExistsError, OutputWriteError)):
            raise
        raise OutputWriteError(target, exc) from None
    except BaseException:
        _discard(tmp)
        raise
    return target


def _mode_for(target: Path, force: bool) -> int:
    """The permissions the written file should have: those of the file it replaces, or
    an ordinary new file's (0666 less the umask), not mkstemp's 0600."""
    if force:
        try:
            return stat.S_IMODE(target.stat().st_mode)
        except OSError:
            pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


#: A temporary file of a writer still running is left alone unless it is older than this.
STALE_SECONDS = 86400


def _clean_stale(folder: Path, name: str) -> None:
    """Remove temporary files left beside ``name`` by writers that were killed."""
    import time

    try:
        leftovers = list(folder.glob(f".{glob_escape(name)}.*.tmp"))
    except OSError:
        return
    for tmp in leftovers:
        parts = tmp.name[len(name) + 2:].split(".")
        try:
            pid = int(parts[0])
            st = tmp.lstat()
        except (ValueError, IndexError, OSError):
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        if _running(pid) and time.time() - st.st_mtime < STALE_SECONDS:
            continue
        _discard(str(tmp))


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process: leave its file alone
    return True


def _create(tmp: str, target: Path) -> None:
    """Put the finished ``tmp`` at ``target`` only if nothing is there (atomically)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise OutputExistsError(f"{target}: already exists; pass --force to overwrite it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        # a file system without hard links: claim the name exclusively, then fill it
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            raise OutputExistsError(f"{target}: already exists; pass --force to overwrite it") from None
        os.replace(tmp, target)
        return
    _discard(tmp)


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def json_ready(x):
    """``x`` with every non-finite float (``inf``, ``NaN``) replaced by ``None``, through
    dicts, lists and tuples, so ``json.dumps(..., allow_nan=False)`` accepts it."""
    import math

    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: json_ready(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_ready(v) for v in x]
    return x
