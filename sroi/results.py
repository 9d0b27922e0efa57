"""Result objects: the headline, the breakdowns and the commissioner's ledger.

A :class:`Result` is frozen and holds the kernel's arrays for one draw at the base
values; every table is derived from them on request, so nothing can drift. Figures
are kept unrounded; only display rounds.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._version import __version__
from .engine import Model, as_model, payback_months
from .engine.spec import outcome_present_values
from .errors import PriceYearError
from .model import VALUE_TYPES, Scheme
from .scenario import to_dict

__all__ = ["Result", "run", "scheme_hash", "provenance", "data_vintages", "TableResult", "PAYBACK_CONVENTION"]

PAYBACK_CONVENTION = (
    "discounted; months from the start of year 1; inputs paid at the start of their year, "
    "value accruing evenly through its year"
)
SROI_GUIDE_PAYBACK_CONVENTION = (
    "SROI Guide; undiscounted inputs over all years divided by one month of the first year's value "
    "(value in year 1 / 12)"
)


def scheme_hash(scheme: Scheme) -> str:
    """SHA-256 of the scheme's canonical content (independent of file layout)."""
    canonical = json.dumps(to_dict(scheme), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class TableResult:
    """What the result objects whose summary is a ``table`` share (one-way, switching
    values, Sobol, the league table): the ``summary`` property and the notebook view, their
    one-line ``repr`` above the table."""

    table: pd.DataFrame

    @property
    def summary(self) -> pd.DataFrame:
        """The result's table."""
        return self.table

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self.table._repr_html_()


def _file_sha256(path: Path) -> str:
    st = path.stat()
    return _sha256_cached(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _sha256_cached(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_vintages(scheme: Scheme) -> dict[str, Any]:
    """The data a run of ``scheme`` read besides the scheme itself: the deflator series
    (publisher, title and each block's release) and the proxy tables (the bundled table
    and any local ones, by SHA-256; the scheme file names proxies by id, so its own hash
    does not cover their values)."""
    from .prices import load_deflator
    from .proxies import BUNDLED_TABLE

    out: dict[str, Any] = {}
    try:
        d = load_deflator(scheme.currency)
    except PriceYearError:
        out["deflator"] = f"none bundled for {scheme.currency}"
    else:
        out["deflator"] = {"source": f"{d.publisher}, {d.title}",
                           **{("financial_years" if fiscal else "calendar_years"): series.vintage
                              for fiscal, series in sorted(d.series.items())}}
    tables = {"bundled": _file_sha256(BUNDLED_TABLE)}
    folder = Path(scheme.path).parent if not scheme.path.startswith("<") else Path(".")
    for name in scheme.proxy_tables:
        try:
            tables[name] = _file_sha256(folder / name)
        except OSError:
            tables[name] = "unreadable"
    out["proxy_tables_sha256"] = tables
    return out


def provenance(model: Model, **run_info: Any) -> dict[str, Any]:
    """What identifies a run, for every result object: sroi's version, the scheme's hash,
    the data it read (:func:`data_vintages`), every adjustment made to the model after
    loading (optimism bias, for one), and ``run_info`` (seed, draws, method, overrides,
    and any option that changes a figure)."""
    prov: dict[str, Any] = {"sroi_version": __version__, "scheme_sha256": scheme_hash(model.scheme),
                            "data": data_vintages(model.scheme)}
    if model.adjustments:
        prov["adjustments"] = {name: dict(settings) for name, settings in model.adjustments}
    prov.update(run_info)
    return prov


def _ratio(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a)
    return a / b


@dataclass(frozen=True, eq=False)
class Result:
    """The deterministic SROI of a scheme (one draw of the kernel at base values).

    Attributes
    ----------
    scheme, model:
        What was run.
    value:
        ``(outcomes, years)`` impact in real terms at the price base, undiscounted.
    cost:
        ``(inputs, years)`` spend, same terms.
    value_df, cost_df:
        Discount factors by year for value and for inputs (see the scheme's
        discounting convention).
    health_df:
        Discount factors by year of the Green Book health schedule, for the outcomes that
        take it (``None`` when none does); :attr:`outcome_df` gives each outcome's row.
    """

    scheme: Scheme
    model: Model
    value: np.ndarray
    cost: np.ndarray
    value_df: np.ndarray
    cost_df: np.ndarray
    provenance: dict[str, Any] = field(default_factory=dict)
    health_df: np.ndarray | None = None

    # ---- headline figures ----------------------------------------------------------------

    @cached_property
    def pv_by_outcome(self) -> np.ndarray:
        return outcome_present_values(self.value, self.value_df, self.health_df, self.model.health)

    @cached_property
    def outcome_df(self) -> np.ndarray:
        """(O, T) the discount factors each outcome's value takes: the scheme's, or the
        health schedule's for an outcome on it."""
        df = np.broadcast_to(self.value_df, self.value.shape)
        if self.health_df is not None:
            df = np.where(self.model.health[:, None], self.health_df[None, :], df)
        return np.array(df)

    def _pv_value_by_year(self) -> np.ndarray:
        """(T,) present value to society by year (each outcome on its own schedule)."""
        if self.health_df is None:
            return self.society_value.sum(axis=0) * self.value_df
        return (self.society_value * self.outcome_df).sum(axis=0)

    @cached_property
    def pv_by_input(self) -> np.ndarray:
        return self.cost @ self.cost_df

    @cached_property
    def society_value(self) -> np.ndarray:
        """(O, T) value to society: transfers (which move money between budget holders)
        count zero; every other outcome as :attr:`value`."""
        return self.value * self.model.society[:, None]

    @property
    def present_value(self) -> float:
        """Present value of all outcomes to society (benefits net of disbenefits; a
        transfer counts zero)."""
        return float((self.pv_by_outcome * self.model.society).sum())

    @property
    def investment(self) -> float:
        """Present value of all inputs."""
        return float(self.pv_by_input.sum())

    @property
    def npv(self) -> float:
        """Net present value: ``present_value - investment``."""
        return self.present_value - self.investment

    @property
    def sroi_ratio(self) -> float:
        """``present_value / investment`` (``inf`` if nothing is invested)."""
        return _ratio(self.present_value, self.investment)

    @property
    def net_sroi_ratio(self) -> float:
        """``npv / investment``, i.e. the SROI ratio minus 1."""
        return _ratio(self.npv, self.investment)

    @property
    def payback_months(self) -> float:
        """Discounted payback in months (``inf`` if not within the horizon); convention
        in :data:`PAYBACK_CONVENTION`."""
        return float(payback_months(self._pv_value_by_year(),
                                    self.cost.sum(axis=0) * self.cost_df))

    @property
    def payback_sroi_guide_months(self) -> float:
        """The SROI Guide's payback: investment / (first-year impact / 12), in months.

        Investment is the undiscounted sum of every input over the horizon and the
        first-year impact the value of year 1 (after deadweight, displacement and
        attribution), as the Guide's simple formula takes them (A guide to Social Return
        on Investment, Cabinet Office 2009, revised 2012, stage 5). ``inf`` when year 1
        has no positive value. Example: inputs of 100,000 and a year-1 value of 60,000
        give 100,000 / 5,000 = 20 months.
        """
        first = float(self.society_value[:, 0].sum()) if self.value.shape[1] else 0.0
        if first <= 0:
            return math.inf
        return float(self.cost.sum()) / (first / 12.0)

    @property
    def headline_payback(self) -> tuple[str, float]:
        """The payback the scheme asks the headline to show: (convention, months)."""
        if self.scheme.payback == "sroi_guide":
            return "sroi_guide", self.payback_sroi_guide_months
        return "discounted", self.payback_months

    # ---- tables --------------------------------------------------------------------------

    @property
    def by_outcome(self) -> pd.DataFrame:
        """One row per outcome: who, what, undiscounted total and present value (a
        transfer's is what its beneficiary gains), and ``share``, the outcome's share of
        society's present value (0 for a transfer, which society's total nets out)."""
        s = self.scheme
        pv = self.pv_by_outcome
        total = self.present_value
        society = pv * np.asarray(self.model.society, float)
        return pd.DataFrame({
            "outcome": [o.id for o in s.outcomes],
            "stakeholder": [o.stakeholder for o in s.outcomes],
            "description": [o.outcome for o in s.outcomes],
            "beneficiary": [o.beneficiary for o in s.outcomes],
            "value_type": [o.value_type for o in s.outcomes],
            "undiscounted": self.value.sum(axis=1),
            "present_value": pv,
            "share": society / total if total else np.full(len(pv), np.nan),
        }).set_index("outcome")

    @property
    def by_stakeholder(self) -> pd.DataFrame:
        """Present value by stakeholder, largest first."""
        df = self.by_outcome.groupby("stakeholder", sort=False)[["undiscounted", "present_value"]].sum()
        return df.sort_values("present_value", ascending=False)

    @property
    def by_input(self) -> pd.DataFrame:
        s = self.scheme
        return pd.DataFrame({
            "input": [i.id for i in s.inputs],
            "description": [i.description for i in s.inputs],
            "funder": [i.funder for i in s.inputs],
            "kind": [i.kind for i in s.inputs],
            "undiscounted": self.cost.sum(axis=1),
            "present_value": self.pv_by_input,
        }).set_index("input")

    @cached_property
    def cashable_profile(self) -> pd.DataFrame:
        """When cashable savings become cash: for each ``fiscal_cashable`` outcome and year,
        the value, the part released as cash and the part held below a capacity step.

        An outcome with ``cashable_step`` (units a step needs in a year) releases only whole
        steps: ``floor(units / step) x step x unit value``, where ``units`` is the year's
        value over the unit value at the price base (after deadweight, displacement and
        attribution); the rest is a real saving that is not yet cash. Other cashable
        outcomes release all their value. Present values use each outcome's own discount
        factors. Empty when the scheme has no cashable outcome.

        Hand-worked (tests/test_economic.py): 9,000 bed-days avoided in year 1, falling 10%
        a year, at £500, with a step of 7,300 (a 20-bed ward): year 1 releases one ward
        (£3,650,000) and holds 1,700 bed-days (£850,000); year 2 (8,100) one ward and 800;
        year 3 (7,290) none: £3,645,000 held.
        """
        s = self.scheme
        x = self.model.design(self.provenance.get("overrides"))[0]
        rows = []
        for i, o in enumerate(s.outcomes):
            if o.value_type != "fiscal_cashable":
                continue
            unit = abs(float(x[self.model.proxy_idx[i]] * self.model.value_scale[i]))
            for y in range(s.horizon):
                v = float(self.value[i, y])
                if o.cashable_step is not None and unit > 0 and v > 0:
                    units = v / unit
                    steps = math.floor(units / o.cashable_step * (1 + 1e-12))
                    cash = min(v, steps * o.cashable_step * unit)
                else:
                    units, steps, cash = (v / unit if unit else math.nan), None, v
                df = float(self.outcome_df[i, y])
                rows.append({"outcome": o.id, "year": y + 1, "step": o.cashable_step_label, "units": units,
                             "steps_released": steps, "value": v, "cashable": cash, "held_below_step": v - cash,
                             "pv_cashable": cash * df, "pv_held_below_step": (v - cash) * df})
        cols = ["outcome", "year", "step", "units", "steps_released", "value", "cashable", "held_below_step",
                "pv_cashable", "pv_held_below_step"]
        return pd.DataFrame(rows, columns=cols)

    @property
    def by_year(self) -> pd.DataFrame:
        """Value and inputs by scheme year, with discount factors and the cumulative net
        present value."""
        v, c = self.society_value.sum(axis=0), self.cost.sum(axis=0)
        pv_v, pv_c = self._pv_value_by_year(), c * self.cost_df
        return pd.DataFrame({
            "year": np.arange(1, self.scheme.horizon + 1),
            "value": v, "inputs": c,
            "value_discount_factor": self.value_df, "input_discount_factor": self.cost_df,
            "pv_value": pv_v, "pv_inputs": pv_c,
            "cumulative_npv": np.cumsum(pv_v - pv_c),
        }).set_index("year")

    @property
    def ledger(self) -> pd.DataFrame:
        """The commissioner's ledger: for each budget holder, the present value it
        receives by value type, what it spent, and its saving per pound of total
        investment and per pound of its own spend (NaN where it spent nothing)."""
        s = self.scheme
        holders: list[str] = []
        for o in s.outcomes:
            holders.append(o.beneficiary)
        for i in s.inputs:
            holders.append(i.funder)
        holders += [o.payer for o in s.outcomes if o.payer is not None]
        holders = list(dict.fromkeys(holders))
        types = self.value_types
        rows = []
        total_inv = self.investment
        for h in holders:
            row: dict[str, Any] = {"budget_holder": h, "name": s.holder_name(h)}
            for vt in types:
                row[vt] = float(sum(pv for o, pv in zip(s.outcomes, self.pv_by_outcome)
                                    if o.beneficiary == h and o.value_type == vt))
            if "transfer" in types:  # the payer's side of each transfer
                row["transfer"] -= float(sum(pv for o, pv in zip(s.outcomes, self.pv_by_outcome) if o.payer == h))
            row["total_value"] = sum(row[vt] for vt in types)
            row["spend"] = float(sum(pv for i, pv in zip(s.inputs, self.pv_by_input) if i.funder == h))
            row["value_per_pound_invested"] = _ratio(row["total_value"], total_inv)
            row["value_per_pound_own_spend"] = row["total_value"] / row["spend"] if row["spend"] else math.nan
            row["net"] = row["total_value"] - row["spend"]
            rows.append(row)
        df = pd.DataFrame(rows).set_index("budget_holder")
        return df.sort_values("total_value", ascending=False, kind="stable")

    @property
    def value_types(self) -> list[str]:
        """The ledger's value-type columns: the four types, and ``transfer`` when the
        scheme has one."""
        return list(VALUE_TYPES) + (["transfer"] if any(o.is_transfer for o in self.scheme.outcomes) else [])

    @cached_property
    def waterfall(self) -> pd.Series:
        """From gross value to present value, one deduction at a time (currency).

        ``gross`` is quantity x proxy over each outcome's duration with no deductions,
        no drop-off and no discounting. Then, in order: ``deadweight``, ``displacement``,
        ``attribution``, ``drop_off`` and ``discounting`` are each the (negative) change
        when that step is applied on top of the previous ones, ending at
        ``present_value``; ``investment`` is the present value of inputs beside it.
        Every figure comes from the same kernel with the steps switched on in turn.
        """
        m = self.model
        x = m.design(self.provenance.get("overrides"))[0]
        steps = [("deadweight", m.deadweight_idx), ("displacement", m.displacement_idx),
                 ("attribution", m.attribution_idx), ("drop_off", m.drop_idx)]
        X = np.repeat(x[None, :], len(steps) + 1, axis=0)
        for k, (_, idx) in enumerate(steps):
            X[: k + 1, idx] = 0.0  # row k has steps k.. switched off
        ev = m.evaluate(X)
        undiscounted = (ev.value * m.society[None, :, None]).sum(axis=(1, 2))  # rows: none, dw, ..., all
        values = {"gross": float(undiscounted[0])}
        for k, (name, _) in enumerate(steps):
            values[name] = float(undiscounted[k + 1] - undiscounted[k])
        values["discounting"] = self.present_value - float(undiscounted[-1])
        values["present_value"] = self.present_value
        values["investment"] = self.investment
        return pd.Series(values, name=self.scheme.currency)

    @property
    def by_stakeholder_type(self) -> pd.DataFrame:
        """Present value by stakeholder (rows) and value type (columns)."""
        df = self.by_outcome.pivot_table(index="stakeholder", columns="value_type", values="present_value",
                                         aggfunc="sum", fill_value=0.0, sort=False)
        return df.reindex(columns=self.value_types, fill_value=0.0)

    @cached_property
    def warnings(self) -> list:
        """Model checks (:func:`sroi.checks.check`): what a careful reviewer would raise."""
        from .checks import check

        return check(self.scheme, present_values={o.id: float(v) for o, v in zip(self.scheme.outcomes,
                                                                                  self.pv_by_outcome)})

    @cached_property
    def distributional(self) -> dict[str, Any] | None:
        """Green Book distributionally weighted present value and ratio beside the
        unweighted ones (:func:`sroi.distributional.distributional_summary`), or None when
        the scheme has no ``[distributional]`` table."""
        from .distributional import distributional_summary

        return distributional_summary(self)

    @cached_property
    def assumptions(self) -> dict[str, Any]:
        """How much of the present value rests on numbers marked as assumptions
        (:func:`sroi.uncertainty.assumption_share`); ``flagged`` when above
        :data:`sroi.uncertainty.ASSUMPTION_THRESHOLD`."""
        from .uncertainty import assumption_share

        return assumption_share(self)

    @property
    def by_value_type(self) -> pd.Series:
        """Present value by value type (all four types, zeros kept; transfers, which count
        zero for society, as their own type when the scheme has any)."""
        pv = self.by_outcome.groupby("value_type")["present_value"].sum()
        return pv.reindex(self.value_types, fill_value=0.0)

    @property
    def summary(self) -> pd.DataFrame:
        """The headline as a one-column table (unrounded)."""
        rows = {
            "present_value": self.present_value,
            "investment": self.investment,
            "npv": self.npv,
            "sroi_ratio": self.sroi_ratio,
            "net_sroi_ratio": self.net_sroi_ratio,
            "payback_months": self.payback_months,
            "cashable_share": _ratio(float(self.by_value_type["fiscal_cashable"]), self.present_value),
        }
        return pd.DataFrame({"value": rows})

    def to_frame(self) -> pd.DataFrame:
        """Tidy long view: one row per (flow, item, year) with real and discounted amounts.

        ``flow`` is ``"value"`` for outcomes and ``"input"`` for inputs; ``holder`` is the
        beneficiary (value) or funder (input).
        """
        s = self.scheme
        T = s.horizon
        years = np.arange(1, T + 1)
        parts = []
        for o, row, df in zip(s.outcomes, self.value, self.outcome_df):
            parts.append(pd.DataFrame({
                "flow": "value", "item": o.id, "stakeholder": o.stakeholder, "holder": o.beneficiary,
                "value_type": o.value_type, "year": years, "amount": row,
                "discount_factor": df, "present_value": row * df,
            }))
        for i, row in zip(s.inputs, self.cost):
            parts.append(pd.DataFrame({
                "flow": "input", "item": i.id, "stakeholder": None, "holder": i.funder,
                "value_type": None, "year": years, "amount": row,
                "discount_factor": self.cost_df, "present_value": row * self.cost_df,
            }))
        return pd.concat(parts, ignore_index=True)

    # ---- machine output -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Every headline figure, unrounded, for JSON (``inf``/``NaN`` become ``None``)."""

        def num(x: float) -> float | None:
            x = float(x)
            return x if math.isfinite(x) else None

        s = self.scheme
        ledger = self.ledger
        return {
            "scheme": s.name,
            "currency": s.currency,
            "price_base": str(s.price_base),
            "horizon_years": s.horizon,
            "discounting": {"schedule": s.discounting.schedule, "convention": s.discounting.convention},
            "present_value": num(self.present_value),
            "investment": num(self.investment),
            "npv": num(self.npv),
            "sroi_ratio": num(self.sroi_ratio),
            "net_sroi_ratio": num(self.net_sroi_ratio),
            "payback_months": num(self.payback_months),
            "payback_convention": PAYBACK_CONVENTION,
            "payback": {"headline": self.headline_payback[0],
                        "discounted": {"months": num(self.payback_months), "convention": PAYBACK_CONVENTION},
                        "sroi_guide": {"months": num(self.payback_sroi_guide_months),
                                       "convention": SROI_GUIDE_PAYBACK_CONVENTION}},
            "by_beneficiary": {
                h: {"name": r["name"], **{vt: num(r[vt]) for vt in self.value_types},
                    "total_value": num(r["total_value"]), "spend": num(r["spend"]),
                    "value_per_pound_invested": num(r["value_per_pound_invested"]),
                    "value_per_pound_own_spend": num(r["value_per_pound_own_spend"])}
                for h, r in ledger.iterrows()
            },
            "by_outcome": {o: num(v) for o, v in self.by_outcome["present_value"].items()},
            "by_stakeholder": {k: num(v) for k, v in self.by_stakeholder["present_value"].items()},
            "by_year": [{"year": int(y), "pv_value": num(r["pv_value"]), "pv_inputs": num(r["pv_inputs"])}
                        for y, r in self.by_year.iterrows()],
            "assumptions": self.assumptions,
            **({"distributional": {k: (num(v) if isinstance(v, float) else v)
                                   for k, v in self.distributional.items()}} if self.distributional else {}),
            **({"cashable_profile": [{k: (num(v) if isinstance(v, float) else v) for k, v in r.items()}
                                     for r in self.cashable_profile.to_dict("records")]}
               if any(o.cashable_step is not None for o in s.outcomes) else {}),
            "gaps": list(s.gaps),
            "proxy_table_notes": list(s.notices),
            "warnings": [{"code": w.code, "field": w.field, "message": w.message} for w in self.warnings],
            "provenance": self.provenance,
        }

    # ---- display -------------------------------------------------------------------------

    def __repr__(self) -> str:
        s = self.scheme
        return (f"<sroi.Result {s.name!r}: SROI {self.sroi_ratio:.2f}:1, PV {s.currency} "
                f"{self.present_value:,.0f} on inputs {self.investment:,.0f}, {s.price_base} prices, "
                f"{s.horizon} years, {s.discounting.schedule} discounting ({s.discounting.convention})>")

    def _repr_html_(self) -> str:
        from .display import result_html  # local: display only

        return result_html(self)

    def print_summary(self, file=None) -> None:
        """Print the headline table and the ledger."""
        from .display import result_text

        print(result_text(self), file=file)


def run(scheme: Scheme | Model, *, overrides: dict[str, float] | None = None) -> Result:
    """Run a scheme at its base values (with any ``overrides`` of named parameters,
    e.g. ``{"fnp_increment_year1.amount": 100000}``) and return the :class:`Result`.

    An override is range-checked as the scheme file is: a deadweight is a rate.

    >>> import sroi
    >>> scheme = sroi.load(sroi.example_path("family_nurse_partnership"))
    >>> first = scheme.inputs[0]
    >>> cheaper = sroi.run(scheme, overrides={first.id + ".amount": first.amount.base / 2})
    >>> pv = lambda r: float(r.by_input.loc[first.id, "present_value"])
    >>> round(pv(cheaper) / pv(sroi.run(scheme)), 6)
    0.5
    >>> sroi.run(scheme, overrides={scheme.outcomes[0].id + ".deadweight": 1.5})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    sroi.errors.ScenarioError: ...deadweight: must be a rate between 0 and 1, got 1.5
    """
    model = as_model(scheme)
    ev = model.evaluate(model.design(overrides))
    return Result(
        scheme=model.scheme, model=model,
        value=ev.value[0], cost=ev.cost[0], value_df=np.asarray(ev.value_df[0]), cost_df=np.asarray(ev.cost_df[0]),
        health_df=None if ev.health_df is None else np.asarray(ev.health_df[0]),
        provenance=provenance(model, seed=None, draws=1, **({"overrides": dict(overrides)} if overrides else {})),
    )
