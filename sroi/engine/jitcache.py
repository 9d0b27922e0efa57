"""Where compiled code is cached, and what happens when the cache cannot be used.

numba's own ``cache=True`` writes beside the installed package (its ``__pycache__``)
or, failing that, in a numba folder under the user's cache; where neither is writable
(a read-only install with a read-only home) it refuses to compile at all, and a
truncated or corrupted cache file stops every later run. sroi instead:

* caches in a per-user folder: ``$SROI_CACHE_DIR`` if set, else ``$NUMBA_CACHE_DIR``
  if set, else the platform's user cache folder (``$XDG_CACHE_HOME/sroi`` or
  ``~/.cache/sroi`` on Linux, ``~/Library/Caches/sroi`` on macOS,
  ``%LOCALAPPDATA%\\sroi\\Cache`` on Windows), under ``numba/``;
* compiles without a cache, and says so once on standard error, where that folder
  cannot be written;
* discards a cache entry that cannot be read back (and says so), compiles afresh and
  rewrites it.

This leans on numba's cache classes (``numba.core.caching``), which are not a public
API; :func:`cached` falls back to compiling without a cache if they change shape.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["cache_root", "cached"]

_NOTICES: set[str] = set()


def _notice(text: str) -> None:
    """One line on standard error, once per process for the same text."""
    if text not in _NOTICES:
        _NOTICES.add(text)
        print(f"sroi: {text}", file=sys.stderr)


def cache_root() -> Path:
    """The folder compiled code is cached under (it may not exist yet).

    >>> cache_root().name
    'numba'
    """
    for var in ("SROI_CACHE_DIR", "NUMBA_CACHE_DIR"):
        if os.environ.get(var):
            return Path(os.environ[var]).expanduser() / "numba"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "sroi" / "Cache"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "sroi"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "sroi"
    return base / "numba"


def _cache_class() -> type:
    """A numba cache class that keeps entries under :func:`cache_root` and survives a bad entry."""
    from numba.core import caching

    class Locator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
        def __init__(self, py_func: Any, py_file: str) -> None:
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            self._cache_path = str(cache_root() / self.get_suitable_cache_subpath(py_file))

        def get_cache_path(self) -> str:
            return self._cache_path

    class Impl(caching.CompileResultCacheImpl):
        _locator_classes = [Locator]

    class Cache(caching.FunctionCache):
        _impl_class = Impl

        def load_overload(self, sig: Any, target_context: Any) -> Any:
            try:
                return super().load_overload(sig, target_context)
            except Exception as exc:  # a truncated or corrupted entry: numba would raise for ever
                _notice(f"discarded an unreadable compiled-code cache entry in {self.cache_path} "
                        f"({type(exc).__name__}); compiling afresh")
                try:
                    self.flush()
                except OSError:
                    pass
                return None

        def save_overload(self, sig: Any, data: Any) -> None:
            try:
                super().save_overload(sig, data)
            except Exception as exc:  # a full disk, a folder made read-only since: run on uncached
                _notice(f"could not cache compiled code in {self.cache_path} ({type(exc).__name__}: {exc})")

    return Cache


def cached(dispatcher: Any) -> Any:
    """Give a numba ``njit`` dispatcher (compiled without ``cache=True``) sroi's disk cache,
    or leave it uncached with a one-line notice where no cache folder can be written."""
    root = cache_root()
    try:
        dispatcher._cache = _cache_class()(dispatcher.py_func)
    except (RuntimeError, OSError):  # numba found the folder unwritable: "no locator available"
        _notice(f"cannot write the compiled-code cache under {root}; compiling without a cache, so each "
                "new process compiles again (a few seconds). Set SROI_CACHE_DIR to a writable folder to keep it.")
    except (ImportError, AttributeError, TypeError) as exc:  # numba's private cache classes changed
        _notice(f"this numba cannot use sroi's compiled-code cache ({type(exc).__name__}); compiling without one")
    return dispatcher
