"""Named scenarios side by side, and Green Book-style optimism bias."""

from __future__ import annotations

import dataclasses
import math
from typing import Mapping

import numpy as np
import pandas as pd

from ..engine import Model, as_model
from ..model import CONFIDENCE_LEVELS, Scheme
from ..results import Result, run

__all__ = ["run_scenarios", "optimism_bias", "green_book_uplift", "ranges_as_distributions"]


def run_scenarios(scheme: Scheme | Model) -> tuple[pd.DataFrame, dict[str, Result]]:
    """Run the base case and every ``[[scenarios]]`` entry of the scheme.

    Returns a comparison table (one row per scenario: present value, investment, NPV,
    SROI ratio, net ratio, payback, the parameters it changes) and the full
    :class:`~sroi.results.Result` of each, keyed by name (``"base"`` for the base case).
    """
    model = as_model(scheme)
    results = {"base": run(model)}
    changes = {"base": ""}
    for sc in model.scheme.scenarios:
        results[sc.name] = run(model, overrides=dict(sc.overrides))
        changes[sc.name] = "; ".join(f"{k} = {v:g}" for k, v in sc.overrides)
    rows = []
    for name, r in results.items():
        rows.append({"scenario": name, "present_value": r.present_value, "investment": r.investment,
                     "npv": r.npv, "sroi_ratio": r.sroi_ratio, "net_sroi_ratio": r.net_sroi_ratio,
                     "payback_months": r.payback_months, "changes": changes[name]})
    return pd.DataFrame(rows).set_index("scenario"), results


def green_book_uplift(project_type: str, expenditure: str = "capital_expenditure", bound: str = "upper") -> float:
    """The Green Book optimism-bias uplift (a fraction) for a project type, from the Mott
    MacDonald (2002) Table 2 bounds in ``data/uncertainty/optimism_bias.toml``.

    >>> green_book_uplift("standard_buildings")   # Table 2: capital expenditure, upper bound 24%
    0.24
    """
    import tomllib

    from ..resources import data_dir

    data = tomllib.loads((data_dir() / "uncertainty" / "optimism_bias.toml").read_text(encoding="utf-8"))
    types = {t["id"]: t for t in data["types"]}
    if project_type not in types:
        raise ValueError(f"project_type must be one of {', '.join(types)}, got {project_type!r}")
    if bound not in ("upper", "lower"):
        raise ValueError(f"bound must be 'upper' or 'lower', got {bound!r}")
    t = types[project_type]
    if expenditure not in t:
        raise ValueError(f"Table 2 gives no {expenditure} bound for {project_type}; it gives "
                         + ", ".join(k for k in t if k != "id"))
    return t[expenditure][bound] / 100


def optimism_bias(scheme: Scheme | Model, *, cost_uplift: float = 0.0, benefit_reduction: float = 0.0,
                  by_confidence: Mapping[str, float] | None = None, by_grade: bool = False) -> Model:
    """A model with costs raised and benefits lowered for optimism bias.

    Every input is multiplied by ``1 + cost_uplift``. Every outcome's value is
    multiplied by ``1 - benefit_reduction``, or, with ``by_confidence``, by
    ``1 - by_confidence[outcome.evidence.confidence]`` (keys ``"high"``, ``"medium"``,
    ``"low"``), grading the correction by the strength of each outcome's evidence as the
    Greater Manchester CBA method does, with percentages the analyst states. With
    ``by_grade=True`` each outcome's value is lowered by the optimism-bias correction of
    its ``evidence.grade`` in ``data/uncertainty/grades.toml`` (the Greater Manchester
    levels 0-40%; an ungraded outcome takes the table's ungraded grade, 40%).
    :func:`green_book_uplift` gives a ``cost_uplift`` from the Green Book's project-type
    table.

    The returned :class:`~sroi.engine.Model` works with :func:`sroi.run` and every
    sensitivity function.
    """
    model = as_model(scheme)
    for name, x in (("cost_uplift", cost_uplift), ("benefit_reduction", benefit_reduction)):
        if not (isinstance(x, (int, float)) and math.isfinite(x) and x >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {x!r}")
    if benefit_reduction > 1:
        raise ValueError(f"benefit_reduction must not exceed 1, got {benefit_reduction}")
    if by_grade:
        if benefit_reduction or by_confidence is not None:
            raise ValueError("give one of benefit_reduction, by_confidence or by_grade")
        from ..uncertainty import grade_table

        table = grade_table()
        grades = [o.evidence.grade if o.evidence.grade is not None else table.ungraded for o in model.scheme.outcomes]
        benefit = np.array([1.0 - table.grades[g].optimism_bias for g in grades])
        settings: tuple = (("cost_uplift", float(cost_uplift)), ("by_grade", tuple(grades)))
        return dataclasses.replace(model, value_scale=model.value_scale * benefit,
                                   cost_scale=model.cost_scale * (1.0 + cost_uplift),
                                   adjustments=model.adjustments + (("optimism_bias", settings),))
    if by_confidence is not None:
        if benefit_reduction:
            raise ValueError("give either benefit_reduction or by_confidence, not both")
        for key, x in by_confidence.items():
            if key not in CONFIDENCE_LEVELS:
                raise ValueError(f"by_confidence key {key!r} is not a confidence level; allowed: "
                                 f"{', '.join(CONFIDENCE_LEVELS)}")
            if not 0 <= x <= 1:
                raise ValueError(f"by_confidence[{key!r}] must be between 0 and 1, got {x}")
        factors = []
        for i, o in enumerate(model.scheme.outcomes, 1):
            level = o.evidence.confidence
            if level is None:
                raise ValueError(f"outcomes[{i}] ({o.id}) has no evidence.confidence, so its optimism bias "
                                 "cannot be graded")
            if level not in by_confidence:
                raise ValueError(f"by_confidence has no entry for '{level}' (outcomes[{i}], {o.id})")
            factors.append(1.0 - by_confidence[level])
        benefit = np.array(factors)
    else:
        benefit = np.full(len(model.scheme.outcomes), 1.0 - benefit_reduction)
    settings = (("cost_uplift", float(cost_uplift)),) + (
        (("by_confidence", tuple(sorted((k, float(v)) for k, v in by_confidence.items()))),)
        if by_confidence is not None else (("benefit_reduction", float(benefit_reduction)),))
    return dataclasses.replace(model, value_scale=model.value_scale * benefit,
                               cost_scale=model.cost_scale * (1.0 + cost_uplift),
                               adjustments=model.adjustments + (("optimism_bias", settings),))


def ranges_as_distributions(scheme: Scheme, kind: str = "triangular") -> Scheme:
    """A copy of ``scheme`` in which every parameter with a range (``low < high``) and no
    distribution gets one: ``"triangular"`` or ``"pert"`` (mode at the base value) or
    ``"uniform"``.

    This is a modelling choice, not evidence: it lets a probabilistic analysis show the
    spread that the file's ranges imply when the file gives no distributions. Parameters
    that already have a distribution keep it; the file on disk is untouched.
    """
    from ..scenario import from_dict, to_dict

    if kind not in ("triangular", "pert", "uniform"):
        raise ValueError(f"kind must be 'triangular', 'pert' or 'uniform', got {kind!r}")

    def visit(node):
        if isinstance(node, dict):
            if ("base" in node and "low" in node and "high" in node and "distribution" not in node
                    and node["low"] < node["high"]):
                node["distribution"] = kind
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    data = to_dict(scheme)
    visit(data)
    return from_dict(data, path=scheme.path)
