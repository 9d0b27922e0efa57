"""One-way sensitivity (the tornado), two-way grids and switching values.

All of them build a design around the base values and evaluate it in one batch
through the engine's specification, summed as ``sroi run`` sums the headline
(:func:`~sroi.engine.outputs.spec_outputs`): the tornado's base is the headline to the
bit, and a tornado over every parameter costs one evaluation of a few hundred rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..engine import Model, as_model
from ..engine.outputs import spec_outputs
from ..model import ParameterRef, Scheme
from ..results import TableResult

__all__ = ["one_way", "two_way", "switching_values", "OneWay", "SwitchingValues", "NONLINEAR"]

#: Parameters the model is not affine in; everything else (proxies, quantities, rates
#: of deadweight, displacement and attribution, cohorts, input amounts) enters the
#: value or the cost linearly, which gives switching values in closed form.
NONLINEAR = ("drop_off", "duration", "discounting.rate")


def _is_nonlinear(ref: ParameterRef) -> bool:
    return ref.name == "discounting.rate" or ref.name.rsplit(".", 1)[-1] in ("drop_off", "duration")


def _range(ref: ParameterRef, spread: float | None) -> tuple[float, float] | None:
    p = ref.parameter
    if p.low is not None or p.high is not None:
        return (p.low if p.low is not None else p.base, p.high if p.high is not None else p.base)
    if spread is None:
        return None
    lo, hi = p.base * (1 - spread), p.base * (1 + spread)
    if ref.kind == "years":
        lo = max(lo, 1e-9)
    return (max(lo, ref.lower), min(hi, ref.upper))


@dataclass(frozen=True)
class OneWay(TableResult):
    """The one-way table: one row per parameter, sorted by the swing of the SROI ratio."""

    table: pd.DataFrame
    base_ratio: float
    base_npv: float
    #: Names for people of the parameters (:meth:`sroi.model.Scheme.labels`), used by the chart.
    labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)


    def __repr__(self) -> str:
        return (f"OneWay({len(self.table)} parameters; base SROI ratio {self.base_ratio:.4g}, "
                f"NPV {self.base_npv:,.0f})")

    def plot_tornado(self, *, ax: Any = None, top: int = 15) -> Any:
        """The tornado chart (:func:`sroi.plots.plot_tornado`)."""
        from ..plots import plot_tornado

        return plot_tornado(self, ax=ax, top=top)


@dataclass(frozen=True)
class SwitchingValues(TableResult):
    """Per parameter, the value at which the target is reached, others held at base."""

    table: pd.DataFrame
    target: str  # "SROI ratio 1" or "NPV 0"
    #: Names for people of the parameters (:meth:`sroi.model.Scheme.labels`), used by the chart.
    labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)


    def __repr__(self) -> str:
        found = int(self.table["switching_value"].notna().sum())
        return f"SwitchingValues(to {self.target}: {found} of {len(self.table)} parameters can reach it)"

    def plot(self, *, ax: Any = None) -> Any:
        """Relative change needed per parameter (:func:`sroi.plots.plot_switching_values`)."""
        from ..plots import plot_switching_values

        return plot_switching_values(self, ax=ax)


def one_way(scheme: Scheme | Model, *, spread: float | None = None,
            parameters: Sequence[str] | None = None) -> OneWay:
    """Move each parameter to its low and then its high value, one at a time.

    Parameters with ``low``/``high`` in the scheme use them. With ``spread`` (e.g.
    0.2), every other parameter is moved to ``base x (1 +/- spread)``, clipped to its
    valid range. ``parameters`` limits the analysis to the names given.

    Returns a table with the parameter's low, base and high values, the SROI ratio and
    NPV at each end, and the swings ``|ratio(high) - ratio(low)|`` and
    ``|npv(high) - npv(low)|``, sorted by the ratio swing (the tornado's order).
    """
    model = as_model(scheme)
    refs = [r for r in model.refs if parameters is None or r.name in parameters]
    if parameters is not None:
        unknown = set(parameters) - {r.name for r in refs}
        if unknown:
            raise KeyError(f"no parameter named {', '.join(sorted(unknown))}")
    rows, changes = [], []
    for r in refs:
        rng = _range(r, spread)
        if rng is None:
            continue
        k = model.index(r.name)
        changes += [(k, v) for v in rng]
        rows.append((r, rng))
    ratio, npv = _one_at_a_time(model, changes)
    records = []
    for n, (r, (lo, hi)) in enumerate(rows):
        rl, rh = ratio[1 + 2 * n], ratio[2 + 2 * n]
        nl, nh = npv[1 + 2 * n], npv[2 + 2 * n]
        records.append({
            "parameter": r.name, "field": r.path, "low": lo, "base": r.parameter.base, "high": hi,
            "ratio_low": rl, "ratio_high": rh, "npv_low": nl, "npv_high": nh,
            "ratio_swing": abs(rh - rl) if np.isfinite(rh) and np.isfinite(rl) else math.nan,  # no inputs: no ratio
            "npv_swing": abs(nh - nl),
            "range_from": "scheme" if (r.parameter.low is not None or r.parameter.high is not None) else
            f"base +/- {spread:g}",
        })
    table = pd.DataFrame(records, columns=["parameter", "field", "low", "base", "high", "ratio_low", "ratio_high",
                                           "npv_low", "npv_high", "ratio_swing", "npv_swing", "range_from"])
    table = table.sort_values(["ratio_swing", "npv_swing", "parameter"], ascending=[False, False, True],
                              kind="stable").set_index("parameter")
    return OneWay(table, float(ratio[0]), float(npv[0]), model.scheme.labels())


#: Design cells (rows x parameters, or rows x outcomes x years) evaluated at a time by
#: :func:`_one_at_a_time`: about 32 MB per array, whatever the scheme's size.
BLOCK_CELLS = 2**22


def _one_at_a_time(model: Model, changes: Sequence[tuple[int, float]], *,
                   block_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The SROI ratio and NPV at the base (element 0) and then with one parameter
    changed per row (``changes[j] = (column, value)``: element j + 1), evaluated in
    blocks of ``block_rows`` rows through the specification.

    The full design is (1 + changes) x parameters, and a one-way design has two rows per
    parameter, so it grows with the square of the scheme: 20,000 outcomes would be a
    design of over 100 GB. Blocks keep memory to :data:`BLOCK_CELLS` cells per array
    whatever the size; each row is evaluated on its own, so the figures are the same
    as one unblocked evaluation.
    """
    n = 1 + len(changes)
    if block_rows is None:
        width = max(model.base.size, len(model.refs), model.q1_idx.size * max(model.horizon, 1))
        block_rows = max(1, BLOCK_CELLS // max(width, 1))
    ratio, npv = np.empty(n), np.empty(n)
    for start in range(0, n, block_rows):
        stop = min(n, start + block_rows)
        X = np.repeat(model.base[None, :], stop - start, axis=0)
        for j in range(max(start, 1), stop):
            k, v = changes[j - 1]
            X[j - start, k] = v
        out = spec_outputs(model, X)
        ratio[start:stop], npv[start:stop] = out.ratio, out.npv
    return ratio, npv


def two_way(scheme: Scheme | Model, first: str, second: str, *, first_values: Sequence[float] | None = None,
            second_values: Sequence[float] | None = None, n: int = 11, spread: float = 0.2,
            output: str = "ratio") -> pd.DataFrame:
    """The SROI ratio (or ``output="npv"``) over a grid of two parameters.

    Values default to ``n`` points across each parameter's low-high range (or
    ``base +/- spread``). Rows are ``first``'s values, columns ``second``'s.
    """
    model = as_model(scheme)
    grids: list[np.ndarray] = []
    for name, given in ((first, first_values), (second, second_values)):
        ref = model.refs[model.index(name)]
        if given is None:
            span = _range(ref, spread)
            if span is None:
                raise ValueError(f"{name} has no low/high range; give its values or a spread")
            grids.append(np.linspace(span[0], span[1], n))
        else:
            grids.append(np.asarray(given, dtype=float))
    a, b = np.meshgrid(grids[0], grids[1], indexing="ij")
    X = np.repeat(model.base[None, :], a.size, axis=0)
    X[:, model.index(first)] = a.ravel()
    X[:, model.index(second)] = b.ravel()
    out = spec_outputs(model, X)
    values = (out.ratio if output == "ratio" else out.npv).reshape(a.shape)
    return pd.DataFrame(values, index=pd.Index(grids[0], name=first), columns=pd.Index(grids[1], name=second))


def switching_values(scheme: Scheme | Model, *, target_ratio: float = 1.0, on: str = "ratio",
                     parameters: Sequence[str] | None = None) -> SwitchingValues:
    """For each parameter, the value at which the SROI ratio reaches ``target_ratio``
    (``on="ratio"``) or the NPV reaches 0 (``on="npv"``), others held at base.

    The SROI Guide's test: how far must an assumption move for the ratio to reach 1:1?
    Where the model is affine in the parameter (proxies, quantities, deadweight,
    displacement, attribution, cohorts, input amounts) the answer is exact in closed
    form; for drop-off, duration and a discount rate it is found by bracketing and
    Brent's method over the parameter's valid range. ``switching_value`` is NaN and
    ``note`` says "none within the valid range" when no value in the range works.
    """
    if on not in ("ratio", "npv"):
        raise ValueError(f"on must be 'ratio' or 'npv', got {on!r}")
    model = as_model(scheme)
    target = target_ratio if on == "ratio" else 1.0

    def gap(X: np.ndarray, *, fast: bool = False) -> np.ndarray:
        """Present value less target x investment: zero exactly where ratio == target.
        The base and the closed forms go through the specification (the headline's path);
        root-finding, which needs hundreds of evaluations and no last bit, through the
        compiled fast path."""
        if fast:
            from ..engine.compiled import outputs  # numba loads only if root-finding is needed

            out = outputs(model, X)
        else:
            out = spec_outputs(model, X)
        return out.present_value - target * out.investment

    def same_ratio(X: np.ndarray) -> bool:
        r = spec_outputs(model, X).ratio
        return bool(np.all(np.isfinite(r)) and abs(r[1] - r[0]) <= 1e-12 * max(abs(r[0]), 1e-300))

    base_gap = float(gap(model.base)[0])
    records = []
    for r in model.refs:
        if parameters is not None and r.name not in parameters:
            continue
        k = model.index(r.name)
        x0 = r.parameter.base
        lower = r.lower if r.kind != "years" else 1e-9
        upper = min(r.upper, model.horizon) if r.kind == "years" else r.upper
        if r.kind == "discount_rate":
            upper = min(upper, 1.0 - 1e-9)
        value, method, note = math.nan, "", ""
        if not _is_nonlinear(r):
            x1 = x0 + (1.0 if x0 == 0 else 0.5 * abs(x0))
            X = np.repeat(model.base[None, :], 2, axis=0)
            X[1, k] = x1
            g0, g1 = base_gap, float(gap(X)[1])
            method = "closed form"
            if g1 == g0 or (on == "ratio" and same_ratio(X)):
                note = "no effect on the ratio" if on == "ratio" else "no effect on the NPV"
            else:
                value = x0 - g0 * (x1 - x0) / (g1 - g0)
                if not (lower <= value <= upper):
                    note, value = "none within the valid range", math.nan
        else:
            method = "root-finding"
            grid = np.linspace(lower, upper if math.isfinite(upper) else max(2 * x0, 1.0), 129)
            X = np.repeat(model.base[None, :], grid.size, axis=0)
            X[:, k] = grid
            g = gap(X, fast=True)
            sign_change = np.flatnonzero(np.sign(g[:-1]) * np.sign(g[1:]) <= 0)
            if sign_change.size == 0:
                note = "none within the valid range"
            else:
                # the crossing nearest the base value
                mid = (grid[sign_change] + grid[sign_change + 1]) / 2
                j = sign_change[np.argmin(np.abs(mid - x0))]

                def f(v: float) -> float:
                    x = model.base.copy()
                    x[k] = v
                    return float(gap(x, fast=True)[0])

                from scipy.optimize import brentq  # imported here: scipy.optimize costs ~0.3 s

                value = grid[j] if g[j] == 0 else brentq(f, grid[j], grid[j + 1], xtol=1e-14, rtol=1e-15,
                                                        maxiter=500)
        change = (value - x0) / x0 if x0 and math.isfinite(value) else math.nan
        records.append({"parameter": r.name, "field": r.path, "base": x0, "switching_value": value,
                        "change": change, "method": method, "note": note})
    table = pd.DataFrame(records, columns=["parameter", "field", "base", "switching_value", "change", "method",
                                           "note"]).set_index("parameter")
    return SwitchingValues(table, f"SROI ratio {target_ratio:g}" if on == "ratio" else "NPV 0",
                           model.scheme.labels())
