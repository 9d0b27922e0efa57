"""Where the bundled data and example schemes are, installed or in a source tree.

The repository keeps one copy of each: ``data/`` (the proxy library and the deflators)
and ``scenarios/`` (the example schemes) at its top level. A built wheel carries them
inside the package as ``sroi/data`` and ``sroi/examples`` (``pyproject.toml`` maps the
folders in), so an installed sroi reads them with :mod:`importlib.resources` wherever it
is installed; a source checkout (including an editable install) reads the top-level
folders.

An example is named by its path under the examples folder without ``.toml``:
``family_nurse_partnership`` or ``published/wsipp_2017_nurse_family_partnership``.

>>> "family_nurse_partnership" in [e.name for e in list_examples()]
True
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ScenarioError

__all__ = ["data_dir", "examples_dir", "Example", "list_examples", "example_path", "copy_example"]


def _bundled(inside: str, in_tree: str) -> Path:
    package = Path(str(resources.files("sroi")))
    for folder in (package / inside, package.parent / in_tree):
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"sroi's bundled '{inside}' folder is missing from {package}; reinstall sroi")


def data_dir() -> Path:
    """The folder holding ``deflators/`` and ``proxies/``."""
    return _bundled("data", "data")


def examples_dir() -> Path:
    """The folder holding the bundled example schemes (``published/`` beneath it)."""
    return _bundled("examples", "scenarios")


@dataclass(frozen=True)
class Example:
    """A bundled scheme file: its name, its path, and its one-line title."""

    name: str
    path: Path
    title: str


def _title(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return "(unreadable)"
    name = data.get("name")
    return " ".join(name.split()) if isinstance(name, str) else "(no name)"


def list_examples() -> list[Example]:
    """Every bundled example, seed schemes first, then published reproductions; each
    sorted by name."""
    root = examples_dir()
    paths = sorted(root.glob("*.toml")) + sorted(root.glob("*/*.toml"))
    return [Example(p.relative_to(root).with_suffix("").as_posix(), p, _title(p)) for p in paths]


def example_path(name: str) -> Path:
    """The bundled file of the example ``name`` (``.toml`` optional).

    Raises :class:`~sroi.errors.ScenarioError` naming the known examples if there is none.
    """
    key = name.strip().removesuffix(".toml").replace("\\", "/")
    known = list_examples()
    for e in known:
        if e.name == key:
            return e.path
    import difflib

    near = [e.name for e in known if e.path.stem == key] or difflib.get_close_matches(
        key, [e.name for e in known] + [e.path.stem for e in known], n=2, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(n) for n in dict.fromkeys(near))}? " if near else ""
    raise ScenarioError("sroi examples", "", f"no bundled example named '{name}'; {hint}'sroi examples' lists "
                        "them all")


def copy_example(name: str, folder: str | Path = ".", *, force: bool = False) -> list[Path]:
    """Copy the example ``name`` into ``folder`` as ``<stem>.toml``, with any local proxy
    table it names (kept at the same path relative to the scheme file), and return the
    files written.

    Nothing is written if any target exists and ``force`` is false
    (:class:`~sroi.fileio.OutputExistsError`); each file is written atomically, and only
    a regular file is ever replaced.
    """
    from .fileio import OutputExistsError, atomic_write

    source = example_path(name)
    dest = Path(folder)
    if not dest.is_dir():
        raise ScenarioError(str(dest), "", "not a folder; 'sroi examples copy NAME [DIR]' copies into an existing "
                            "folder")
    with source.open("rb") as fh:
        tables = tomllib.load(fh).get("proxy_tables", [])
    pairs = [(source, dest / source.name)]
    for t in tables if isinstance(tables, list) else []:
        rel = Path(t)
        if rel.is_absolute() or ".." in rel.parts:
            raise ScenarioError(str(source), "proxy_tables", f"'{t}' is outside the example's folder; cannot copy it")
        pairs.append((source.parent / rel, dest / rel))
    if not force:
        for _, target in pairs:
            if target.exists() or target.is_symlink():
                raise OutputExistsError(f"{target}: already exists; pass --force to overwrite it")
    written = []
    for src, target in pairs:
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(atomic_write(target, src.read_bytes(), force=force))
    return written
