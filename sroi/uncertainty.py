"""Evidence-graded uncertainty: distributions for numbers the file leaves certain.

A scheme that says ``uncertainty = "graded"`` declares that every number it gives
without a distribution is still uncertain, by as much as the evidence behind it is
weak. Each such number gets a PERT distribution (mode at the file's value):

* over the file's own ``low``-``high`` range when it gives one (a one-sided range
  ``low``-base or base-``high`` is taken as written);
* otherwise over ``base x (1 - w)`` to ``base x (1 + w)``, clipped to the field's
  allowed range, where ``w`` is the relative width of the number's evidence grade.

The grade is the parameter's own ``grade``, else its outcome's ``evidence.grade`` or
its input's ``grade``, else the table's grade for ungraded evidence. The grade -> width
table, with its sources and the reasons for each width, is ``data/uncertainty/grades.toml``.
Cohort sizes and discount rates are left alone: the first is a planning figure the
commissioner sets, the second a convention. A base of zero stays zero (a relative width
of nothing is nothing); to make a zero uncertain, give it a range.

:func:`assumption_share` measures how much of a result's present value rests on numbers
marked as assumptions.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Distribution, Input, Outcome, Parameter, Scheme

if TYPE_CHECKING:
    from .results import Result

__all__ = ["Grade", "GradeTable", "grade_table", "apply_grades", "assumption_share", "ASSUMPTION_THRESHOLD",
           "no_uncertainty_message"]

#: The share of present value resting on assumptions above which ``run`` and the report
#: say so beside the headline (see docs/sensitivity.md, "A gate on assumptions").
ASSUMPTION_THRESHOLD = 0.25


@dataclass(frozen=True)
class Grade:
    """One evidence grade: what it means, its optimism-bias correction as published,
    the relative width sroi gives graded defaults, and where both come from."""

    grade: int
    label: str
    meaning: str
    optimism_bias: float
    width: float
    source: str
    width_reason: str


@dataclass(frozen=True)
class GradeTable:
    scale: str
    source: str
    ungraded: int  # the grade a number with no grade is given
    grades: dict[int, Grade]
    path: str

    def width(self, grade: int) -> float:
        return self.grades[grade].width


def _default_path() -> Path:
    from .resources import data_dir

    return data_dir() / "uncertainty" / "grades.toml"


@lru_cache(maxsize=4)
def _read_table(path: str) -> GradeTable:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    grades = {}
    for g in data["grades"]:
        grades[int(g["grade"])] = Grade(int(g["grade"]), g["label"], g["meaning"], float(g["optimism_bias"]),
                                        float(g["width"]), g["source"], g["width_reason"])
    return GradeTable(data["scale"], data["source"], int(data["ungraded"]), grades, path)


def grade_table(path: str | Path | None = None) -> GradeTable:
    """The grade -> width table (the bundled one unless ``path`` names another)."""
    return _read_table(str(path if path is not None else _default_path()))


def _pert(p: Parameter, low: float, high: float, derived: str) -> Parameter:
    return replace(p, low=low, high=high, distribution=Distribution("pert"), derived=derived)


def _graded(p: Parameter, grade: int | None, lo: float, hi: float, table: GradeTable) -> Parameter:
    """``p`` with a graded distribution, or unchanged (it has one, or nothing to spread)."""
    if p.distribution is not None:
        return p
    if p.low is not None or p.high is not None:
        low = p.low if p.low is not None else p.base
        high = p.high if p.high is not None else p.base
        if low < high:
            filled = "" if p.low is not None and p.high is not None else "+low" if p.low is None else "+high"
            return _pert(p, low, high, "graded range" + filled)
        return p
    g = p.grade if p.grade is not None else grade if grade is not None else table.ungraded
    w = table.width(g)
    if w <= 0 or p.base == 0:
        return p
    low, high = max(lo, p.base * (1 - w)), min(hi, p.base * (1 + w))
    if not low < high:
        return p
    return _pert(p, low, high, "graded width")


def apply_grades(scheme: Scheme, table: GradeTable | None = None) -> Scheme:
    """``scheme`` with every uncertain number that has no distribution given a graded one
    (see the module docstring). The deterministic result is unchanged: only ``low``,
    ``high`` and ``distribution`` are filled, each marked in ``Parameter.derived``."""
    t = table or grade_table()
    inf = math.inf

    def money(p: Parameter | None, grade: int | None) -> Parameter | None:
        return None if p is None else _graded(p, grade, 0.0, inf, t)

    inputs = tuple(replace(i, amount=money(i.amount, i.grade), quantity=money(i.quantity, i.grade),
                           unit_cost=money(i.unit_cost, i.grade)) for i in scheme.inputs)
    outcomes = []
    for o in scheme.outcomes:
        g = o.evidence.grade
        q = o.quantity
        parts: dict[str, Any] = {k: _graded(part, g, 0.0, inf if k == "count" else 1.0, t)
                                 for k, part in q.parts()}
        rates: dict[str, Any] = {k: _graded(getattr(o, k), g, 0.0, 1.0, t)
                                 for k in ("drop_off", "deadweight", "displacement", "attribution")}
        outcomes.append(replace(
            o, quantity=replace(q, **parts), proxy=replace(o.proxy, value=_graded(o.proxy.value, g, 0.0, inf, t)),
            duration=_graded(o.duration, g, 0.0, inf, t), **rates))
    return replace(scheme, inputs=inputs, outcomes=tuple(outcomes))


def declared(p: Parameter) -> Parameter:
    """``p`` as the file wrote it: what :func:`apply_grades` filled is removed."""
    if p.derived is None:
        return p
    if p.derived == "graded width":
        return replace(p, low=None, high=None, distribution=None, derived=None)
    return replace(p, distribution=None, derived=None,
                   low=None if p.derived.endswith("+low") else p.low,
                   high=None if p.derived.endswith("+high") else p.high)


def no_uncertainty_message(what: str) -> str:
    """The one line for a probabilistic request on a scheme with nothing uncertain."""
    return (f"{what} needs uncertain parameters, and no parameter in this scheme has a distribution, so any "
            "probability or interval would be false certainty; give parameters a distribution, add "
            "uncertainty = \"graded\" to the scheme, or use --ranges pert|triangular|uniform")


def _outcome_assumptions(o: Outcome) -> list[str]:
    """The names of the numbers that set an outcome's value and are marked as assumptions."""
    params = [*o.quantity.parts(), ("proxy", o.proxy.value),
              *((k, getattr(o, k)) for k in ("duration", "drop_off", "deadweight", "displacement", "attribution"))]
    return [f"{o.id}.{k}" for k, p in params if p.assumption]


def _input_assumptions(i: Input) -> list[str]:
    return [f"{i.id}.{k}" for k, p in i.parts() if p.assumption]


#: A scheme is marked illustrative in league tables when more than this share of its
#: present value rests on outcomes whose effect is graded 5 or 6 (a weak study, or
#: judgement and claims; ungraded outcomes count as 6). A stated sroi convention: a
#: figure most of which rests on such evidence shows what a scheme could be worth, not
#: what it has been shown to be worth.
WEAK_EVIDENCE_THRESHOLD = 0.5
WEAK_GRADES = (5, 6)


def illustrative(result: "Result", table: GradeTable | None = None) -> tuple[bool, str]:
    """Whether a scheme's headline is illustrative rather than evidenced, and why.

    Illustrative when the assumption gate is flagged (:func:`assumption_share`: more
    than 25% of the present value rests on numbers marked ``assumption``) or when more
    than :data:`WEAK_EVIDENCE_THRESHOLD` of it rests on outcomes graded 5 or 6
    (``evidence.grade``; ungraded outcomes take the grade table's ``ungraded``). The
    reason names the share. Worked case: outcomes worth 600 (grade 6) and 400 (grade 3)
    with nothing marked as an assumption: 60% on weak evidence, so illustrative."""
    import numpy as np

    table = table or grade_table()
    a = assumption_share(result)
    s = result.scheme
    pv = np.abs(np.asarray(result.pv_by_outcome, float) * result.model.society)
    total = float(pv.sum())
    grades = [o.evidence.grade if o.evidence.grade is not None else table.ungraded for o in s.outcomes]
    weak = float(sum(v for v, g in zip(pv, grades) if g in WEAK_GRADES) / total) if total > 0 else 0.0
    reasons = []
    if a["flagged"]:
        reasons.append(f"{100 * a['share_of_value']:.0f}% of value rests on numbers marked as assumptions")
    if weak > WEAK_EVIDENCE_THRESHOLD:
        reasons.append(f"{100 * weak:.0f}% of value rests on weak evidence (grade 5 or 6, or ungraded)")
    return bool(reasons), "; ".join(reasons)


def assumption_share(result: "Result") -> dict[str, Any]:
    """How much of the present value rests on numbers marked as assumptions.

    An outcome rests on an assumption when any number that sets its value (its
    quantity, proxy, duration, drop-off, deadweight, displacement or attribution) is
    marked ``assumption``; its whole present value then counts, since changing that one
    number moves all of it. Returns the share of total present value (gross of
    disbenefits' sign: absolute present values), the outcomes concerned, the assumed
    numbers, and the inputs whose cost rests on assumptions (share of investment)."""
    import numpy as np

    s = result.scheme
    pv = np.abs(np.asarray(result.pv_by_outcome, float) * result.model.society)
    total = float(pv.sum())
    hit = [k for k, o in enumerate(s.outcomes) if _outcome_assumptions(o)]
    share = float(pv[hit].sum() / total) if total > 0 else 0.0
    cost = np.asarray(result.pv_by_input, float)
    ctotal = float(cost.sum())
    chit = [k for k, i in enumerate(s.inputs) if _input_assumptions(i)]
    return {
        "share_of_value": share,
        "outcomes": [s.outcomes[k].id for k in hit],
        "numbers": [n for o in s.outcomes for n in _outcome_assumptions(o)],
        "share_of_investment": float(cost[chit].sum() / ctotal) if ctotal > 0 else 0.0,
        "inputs": [s.inputs[k].id for k in chit],
        "threshold": ASSUMPTION_THRESHOLD,
        "flagged": share > ASSUMPTION_THRESHOLD,
    }

