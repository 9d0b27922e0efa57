"""Re-running published evaluations: each file's ``[reproduction]`` figures, published
against reproduced, with the tolerance the publication's rounding justifies.

:func:`reproduce` runs one scheme (and the named scenarios its figures ask for) and
compares every published figure; :func:`registry` lists the bundled reproductions
(``sroi examples`` under ``published/``). A figure passes when
``|reproduced - published| <= max(relative tolerance x |published|, absolute tolerance)``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ScenarioError
from .model import Scheme
from .results import Result, run
from .scenario import HEADLINE_METRICS

__all__ = ["Reproduced", "reproduce", "registry", "metric_value"]


def metric_value(result: Result, metric: str) -> float:
    """The figure ``metric`` names in ``result`` (see docs/scheme-format.md,
    ``[reproduction]``): a headline, a part by id, or a sum of them with ``+``."""
    total = 0.0
    for part in metric.split("+"):
        part = part.strip()
        if part in HEADLINE_METRICS:
            total += float(getattr(result, part))
            continue
        kind, _, key = part.partition(".")
        if kind == "outcome":
            total += float(result.by_outcome.loc[key, "present_value"])
        elif kind == "input":
            total += float(result.by_input.loc[key, "present_value"])
        elif kind == "stakeholder":
            total += float(result.by_stakeholder.loc[key, "present_value"])
        elif kind == "holder":
            total += float(result.ledger.loc[key, "total_value"])
        elif kind == "year":
            total += float(result.by_year.loc[int(key), "pv_value"])
        else:  # the loader checks metrics, so only a scheme built around it gets here
            raise ValueError(f"{part!r} is not a figure sroi computes")
    return total


@dataclass(frozen=True)
class Reproduced:
    """One file's reproduction: its grade and, per published figure, the reproduced value,
    the tolerance allowed and whether it is within it (:attr:`summary`)."""

    id: str
    file: str
    name: str
    grade: str
    tolerance_note: str
    table: pd.DataFrame

    @property
    def summary(self) -> pd.DataFrame:
        return self.table

    @property
    def passed(self) -> bool:
        return bool(self.table["within"].all())

    def to_dict(self) -> dict[str, Any]:
        figures = [{"metric": m, **{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}}
                   for m, r in self.table.iterrows()]
        return {"id": self.id, "file": self.file, "name": self.name, "grade": self.grade,
                "tolerance_note": self.tolerance_note, "within": self.passed, "figures": figures}

    def __repr__(self) -> str:
        ok = int(self.table["within"].sum())
        return f"Reproduced({self.id!r}, {self.grade}: {ok} of {len(self.table)} figures within tolerance)"

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self.table.to_html()


def reproduce(scheme: Scheme, *, id: str | None = None) -> Reproduced:
    """Every ``[reproduction]`` figure of ``scheme``, published against reproduced."""
    rep = scheme.reproduction
    if rep is None:
        raise ScenarioError(scheme.path, "reproduction", "this scheme has no [reproduction] table, so there is "
                            "nothing published to compare; see docs/scheme-format.md")
    results: dict[str | None, Result] = {None: run(scheme)}
    scenarios = {sc.name: sc for sc in scheme.scenarios}
    rows = []
    for f in rep.figures:
        if f.scenario not in results:
            results[f.scenario] = run(scheme, overrides=dict(scenarios[str(f.scenario)].overrides))
        got = metric_value(results[f.scenario], f.metric)
        rel = rep.tolerance if f.tolerance is None else f.tolerance
        allowed = max(rel * abs(f.published), f.abs_tolerance or 0.0)
        rows.append({"metric": f.metric, "scenario": f.scenario or "", "published": f.published,
                     "reproduced": got, "difference": got - f.published, "allowed": allowed,
                     "within": bool(abs(got - f.published) <= allowed), "source": f.source})
    table = pd.DataFrame(rows).set_index("metric")
    name = id or Path(scheme.path).stem
    return Reproduced(name, scheme.path, scheme.name, rep.grade, rep.tolerance_note, table)


def registry() -> dict[str, Path]:
    """The bundled reproductions: ``published/<name>`` -> file, in name order."""
    from .resources import examples_dir

    folder = examples_dir() / "published"
    return {f"published/{p.stem}": p for p in sorted(folder.glob("*.toml"))}
