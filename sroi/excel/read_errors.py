"""Validation errors pointed back at the workbook cell a value came from.

The readers build a plain mapping and note, for each scheme field, the cell it was
read from (:class:`sroi.excel.read_cells.Cells`). :func:`validate` hands the mapping to
:func:`sroi.scenario.from_dict` and re-points any message at that cell.
"""

from __future__ import annotations

from ..errors import ScenarioError
from ..model import Scheme


def translate(exc: ScenarioError, file: str, where: dict[str, tuple[str, str]]) -> ScenarioError:
    """Point a :func:`from_dict` message at the cell the offending value came from."""
    path = exc.field
    best = None
    for key in where:
        if path == key or path.startswith(key + ".") or path.startswith(key + "["):
            if best is None or len(key) > len(best):
                best = key
    if best is None:
        return ScenarioError(file, exc.field, exc.message)
    loc, label = where[best]
    rest = path[len(best):].lstrip(".")
    label = f"{label} ({rest})" if rest and not rest.startswith("[") else label
    joiner = " " if exc.message.startswith(("must", "is ", "has ", "needs", "lists")) else ": "
    return ScenarioError(file, loc, f"{label}{joiner}{exc.message}")


def validate(data: dict, file: str, where: dict[str, tuple[str, str]]) -> Scheme:
    from ..scenario import from_dict

    try:
        return from_dict(data, path=file)
    except ScenarioError as exc:
        raise translate(exc, file, where) from None

