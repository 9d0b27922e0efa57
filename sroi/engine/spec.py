"""The one kernel: a design matrix of parameter values in, value and cost arrays out.

A scheme is compiled once into a :class:`Model`: the parameter table (names, base
values, valid ranges) and integer index arrays saying which column of a design
feeds which field. :meth:`Model.evaluate` then computes, for ``D`` draws at once,

* ``value[d, i, y]``: the impact of outcome ``i`` in scheme year ``y`` (real terms, at
  the scheme's price base, undiscounted; negative for disbenefits);
* ``cost[d, j, y]``: the spend on input ``j`` in year ``y`` (same terms);
* the discount factors for value and for inputs, per draw and year.

The deterministic result is the evaluation of a single row at the base values, so
every later analysis (one-way, switching values, PSA, Sobol) goes through exactly
the same arithmetic. No I/O, no printing, numpy only.

Semantics (SROI Guide; see ``docs/scheme-format.md``)
----------------------------------------------------
For outcome ``i`` and a person (or unit) whose outcome begins in year ``s``:

* first-year impact = proxy x rebase x (1 - deadweight) x (1 - displacement)
  x (1 - attribution);
* in the ``k``-th year after ``s`` (``k = 0, 1, ...``) the value is the first-year impact
  x ``(1 - drop_off) ** k``: drop-off reduces the previous year's value from the
  outcome's second year on;
* it lasts ``duration`` years; a fractional duration counts the final part-year
  pro rata (weight ``clip(duration - k, 0, 1)``), which keeps results continuous in
  duration for sensitivity analysis;
* a ``count`` quantity is one intake in year 1; ``rate`` and ``engagement x success``
  quantities apply to each year's intake of participants. The outcome of the intake of
  year ``c`` begins in year ``c + start_year - 1``;
* value beyond the horizon is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..discounting import HEALTH_SCHEDULES, SCHEDULE_BANDS, green_book_rates, timing_factors
from ..model import ParameterRef, Scheme, check_override
from ..prices import price_factors


__all__ = ["Model", "Evaluation", "compile_scheme", "as_model", "payback_months", "outcome_present_values"]


def outcome_present_values(value: np.ndarray, value_df: np.ndarray, health_df: np.ndarray | None = None,
                           health: np.ndarray | None = None) -> np.ndarray:
    """(O,) present value of each outcome of one draw: ``value`` (O, T) times the scheme's
    value discount factors (T,), or for the outcomes flagged in ``health`` the health
    schedule's. The headline and the deterministic analyses both sum through here, so they
    agree to the bit.

    >>> outcome_present_values(np.array([[10.0, 10.0], [10.0, 10.0]]), np.array([1.0, 0.5]),
    ...                        np.array([1.0, 0.9]), np.array([False, True]))
    array([15., 19.])
    """
    pv = value @ value_df
    if health_df is not None and health is not None and health.any():
        pv = np.where(health, value @ health_df, pv)
    return pv


@dataclass(frozen=True)
class Evaluation:
    """Arrays from one call of the kernel (``D`` draws, ``O`` outcomes, ``I`` inputs,
    ``T`` years)."""

    value: np.ndarray  # (D, O, T) real, undiscounted, signed
    cost: np.ndarray  # (D, I, T) real, undiscounted
    value_df: np.ndarray  # (D, T)
    cost_df: np.ndarray  # (D, T)
    society: np.ndarray | None = None  # (O,) 1 for value to society, 0 for a transfer
    #: (D, T) value discount factors of the Green Book health schedule, and (O,) which outcomes
    #: take it; None when no outcome does
    health_df: np.ndarray | None = None
    health: np.ndarray | None = None

    @property
    def pv_value_by_outcome(self) -> np.ndarray:
        """(D, O) present value of each outcome."""
        pv = np.einsum("doy,dy->do", self.value, self.value_df)
        if self.health_df is not None and self.health is not None:
            pv = np.where(self.health, np.einsum("doy,dy->do", self.value, self.health_df), pv)
        return pv

    @property
    def pv_cost_by_input(self) -> np.ndarray:
        """(D, I) present value of each input."""
        return np.einsum("djy,dy->dj", self.cost, self.cost_df)

    @property
    def present_value(self) -> np.ndarray:
        """(D,) present value of all outcomes to society (transfers count zero)."""
        pv = self.pv_value_by_outcome
        return (pv if self.society is None else pv * self.society).sum(axis=1)

    @property
    def investment(self) -> np.ndarray:
        """(D,) present value of all inputs."""
        return self.pv_cost_by_input.sum(axis=1)


@dataclass(frozen=True, eq=False)
class Model:
    """A compiled scheme: the parameter table and the index arrays of the kernel."""

    scheme: Scheme
    refs: tuple[ParameterRef, ...]
    base: np.ndarray
    # cohort
    cohort_idx: np.ndarray
    # outcomes
    q1_idx: np.ndarray
    q2_idx: np.ndarray
    has_q2: np.ndarray
    linked: np.ndarray
    lag: np.ndarray
    proxy_idx: np.ndarray
    duration_idx: np.ndarray
    drop_idx: np.ndarray
    deadweight_idx: np.ndarray
    displacement_idx: np.ndarray
    attribution_idx: np.ndarray
    value_scale: np.ndarray  # rebase factor x sign
    starts: tuple[int, ...]  # intake-start columns that can be non-zero
    society: np.ndarray  # (O,) 1.0 for value to society, 0.0 for a transfer (it nets to zero)
    # inputs
    a_idx: np.ndarray
    b_idx: np.ndarray
    has_b: np.ndarray
    cost_scale: np.ndarray  # rebase factor
    year_mask: np.ndarray  # (I, T)
    per_participant: np.ndarray
    # discounting
    rates: np.ndarray | None  # (T,) when fixed
    rate_idx: int | None
    #: (O,) outcomes on the Green Book health schedule, and its rates (T,) when any is
    health: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    health_rates: np.ndarray | None = None
    #: changes made to the compiled model after loading, as (name, settings) pairs, e.g.
    #: ("optimism_bias", (("cost_uplift", 0.2),)): recorded in every result's provenance
    adjustments: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.refs)

    @property
    def horizon(self) -> int:
        return self.scheme.horizon

    def index(self, name: str) -> int:
        """Column of parameter ``name`` in a design matrix."""
        for k, r in enumerate(self.refs):
            if r.name == name:
                return k
        import difflib

        close = difflib.get_close_matches(name, [r.name for r in self.refs], n=1)
        raise KeyError(f"no parameter named {name!r}" + (f"; did you mean {close[0]!r}?" if close else ""))

    def design(self, overrides: dict[str, float] | None = None) -> np.ndarray:
        """A one-row design at the base values, with ``overrides`` applied, each checked
        against its field's allowed range as the scheme file is (a deadweight of 1.5 once
        gave a negative present value in silence)."""
        x = self.base.copy()
        for name, v in (overrides or {}).items():
            k = self.index(name)
            x[k] = check_override(self.refs[k], v, self.scheme.path)
        return x[None, :]

    def evaluate(self, design: np.ndarray) -> Evaluation:
        """Run the kernel on a design of shape ``(D, p)`` (or ``(p,)`` for one draw)."""
        X = np.asarray(design, dtype=float)
        if X.ndim == 1:
            X = X[None, :]
        if X.shape[1] != self.base.shape[0]:
            raise ValueError(f"design has {X.shape[1]} columns, the model has {self.base.shape[0]} parameters")
        D, T = X.shape[0], self.horizon
        O = self.q1_idx.shape[0]

        people = np.zeros((D, T))
        if self.cohort_idx.size:
            people[:, : self.cohort_idx.size] = X[:, self.cohort_idx]

        # ---- outcomes -------------------------------------------------------------------
        mult = X[:, self.q1_idx] * np.where(self.has_q2, X[:, self.q2_idx], 1.0)  # (D, O)
        unit_impact = (
            X[:, self.proxy_idx]
            * self.value_scale
            * (1.0 - X[:, self.deadweight_idx])
            * (1.0 - X[:, self.displacement_idx])
            * (1.0 - X[:, self.attribution_idx])
        )
        k = np.arange(T, dtype=float)
        keep = 1.0 - X[:, self.drop_idx]  # (D, O)
        profile = np.power(keep[..., None], k) * np.clip(X[:, self.duration_idx][..., None] - k, 0.0, 1.0)
        # intake[d, i, s]: units whose outcome begins in year s (0-based), before ``mult``
        intake = np.zeros((D, O, T))
        for i in range(O):
            lag = int(self.lag[i])
            if self.linked[i]:
                intake[:, i, lag:] = people[:, : T - lag]
            else:
                intake[:, i, lag] = 1.0
        value = np.zeros((D, O, T))
        for s in self.starts:  # causal convolution of intake with the profile
            value[:, :, s:] += intake[:, :, s, None] * profile[:, :, : T - s]
        value *= (mult * unit_impact)[..., None]

        # ---- inputs ---------------------------------------------------------------------
        amount = X[:, self.a_idx] * np.where(self.has_b, X[:, self.b_idx], 1.0) * self.cost_scale  # (D, I)
        per = np.where(self.per_participant[None, :, None], people[:, None, :], 1.0)  # (D, I|1, T)
        cost = amount[..., None] * self.year_mask[None] * per

        # ---- discounting ----------------------------------------------------------------
        if self.rates is not None:
            vdf, cdf = timing_factors(self.rates, T, convention=self.scheme.discounting.convention)
            vdf, cdf = np.broadcast_to(vdf, (D, T)), np.broadcast_to(cdf, (D, T))
        else:
            r = np.repeat(X[:, self.rate_idx][:, None], T, axis=1)
            vdf, cdf = timing_factors(r, T, convention=self.scheme.discounting.convention)
        hdf = None
        if self.health_rates is not None:
            hdf = np.broadcast_to(timing_factors(self.health_rates, T, convention=self.scheme.discounting.convention)[0],
                                  (D, T))
        return Evaluation(value=value, cost=cost, value_df=vdf, cost_df=cdf, society=self.society,
                          health_df=hdf, health=self.health if hdf is not None else None)


def compile_scheme(scheme: Scheme) -> Model:
    """Compile a validated :class:`Scheme` into a :class:`Model`."""
    in_factors, out_factors = price_factors(scheme)
    refs = tuple(scheme.parameters())
    col = {r.name: k for k, r in enumerate(refs)}
    base = np.array([r.parameter.base for r in refs], dtype=float)
    T = scheme.horizon

    cohort_idx = np.array([col[f"cohort.year{y}"] for y in range(1, len(scheme.cohort) + 1)], dtype=np.intp)

    def idx(names: list[str]) -> np.ndarray:
        return np.array([col[n] for n in names], dtype=np.intp)

    outs = scheme.outcomes
    q_parts = [[n for n, _ in o.quantity.parts()] for o in outs]
    q1 = idx([f"{o.id}.{parts[0]}" for o, parts in zip(outs, q_parts)])
    has_q2 = np.array([len(p) == 2 for p in q_parts])
    q2 = np.array([col[f"{o.id}.{p[1]}"] if len(p) == 2 else 0 for o, p in zip(outs, q_parts)], dtype=np.intp)
    linked = np.array([o.quantity.uses_cohort for o in outs])
    lag = np.array([o.start_year - 1 for o in outs], dtype=np.intp)
    starts: set[int] = set()
    for o, is_linked, lg in zip(outs, linked, lag):
        intakes = range(len(scheme.cohort)) if is_linked else range(1)
        starts.update(c + int(lg) for c in intakes if c + lg < T)
    value_scale = np.array([f * (-1.0 if o.disbenefit else 1.0) for f, o in zip(out_factors, outs)])

    ins = scheme.inputs
    i_parts = [[n for n, _ in inp.parts()] for inp in ins]
    a_idx = idx([f"{inp.id}.{p[0]}" for inp, p in zip(ins, i_parts)])
    has_b = np.array([len(p) == 2 for p in i_parts])
    b_idx = np.array([col[f"{inp.id}.{p[1]}"] if len(p) == 2 else 0 for inp, p in zip(ins, i_parts)],
                     dtype=np.intp)
    year_mask = np.zeros((len(ins), T))
    for j, inp in enumerate(ins):
        year_mask[j, [y - 1 for y in inp.years]] = 1.0

    d = scheme.discounting
    rates, rate_idx = None, None
    if d.schedule in SCHEDULE_BANDS:
        rates = green_book_rates(T, SCHEDULE_BANDS[d.schedule])
    elif d.schedule == "custom":
        rates = np.array((d.rates or ())[:T], dtype=float)
    else:
        rate_idx = col["discounting.rate"]
    health = np.array([o.schedule in HEALTH_SCHEDULES for o in outs], dtype=bool)
    health_rates = None
    if health.any():  # the loader allows only the health schedule of the scheme's own edition
        health_rates = green_book_rates(T, HEALTH_SCHEDULES[next(o.schedule for o in outs
                                                                 if o.schedule in HEALTH_SCHEDULES)][1])

    return Model(
        scheme=scheme, refs=refs, base=base, cohort_idx=cohort_idx,
        q1_idx=q1, q2_idx=q2, has_q2=has_q2, linked=linked, lag=lag,
        proxy_idx=idx([f"{o.id}.proxy" for o in outs]),
        duration_idx=idx([f"{o.id}.duration" for o in outs]),
        drop_idx=idx([f"{o.id}.drop_off" for o in outs]),
        deadweight_idx=idx([f"{o.id}.deadweight" for o in outs]),
        displacement_idx=idx([f"{o.id}.displacement" for o in outs]),
        attribution_idx=idx([f"{o.id}.attribution" for o in outs]),
        value_scale=value_scale, starts=tuple(sorted(starts)),
        society=np.array([0.0 if o.is_transfer else 1.0 for o in outs]),
        a_idx=a_idx, b_idx=b_idx, has_b=has_b, cost_scale=np.array(in_factors, dtype=float),
        year_mask=year_mask, per_participant=np.array([inp.basis == "per_participant" for inp in ins]),
        rates=rates, rate_idx=rate_idx, health=health, health_rates=health_rates,
    )


def as_model(scheme: "Scheme | Model") -> "Model":
    """A compiled :class:`Model`: the one given, or the scheme compiled. Every analysis
    accepts either."""
    return scheme if isinstance(scheme, Model) else compile_scheme(scheme)


def payback_months(pv_value_by_year: np.ndarray, pv_cost_by_year: np.ndarray) -> np.ndarray:
    """Discounted payback in months from the start of year 1, per draw.

    Convention: each year's inputs are paid at the start of that year and its value
    accrues evenly through it, all in present-value terms. Payback is the first
    moment, from the start of the first year with any input, at which cumulative
    value reaches cumulative inputs; ``inf`` when that never happens within the
    horizon; ``0`` when nothing is spent at all.

    Parameters
    ----------
    pv_value_by_year, pv_cost_by_year:
        Arrays of shape ``(D, T)`` (or ``(T,)``): discounted value and inputs per year.

    Examples
    --------
    Spend 100 at the start; 60 of value in each of two years: the cumulative value
    reaches 100 two-thirds of the way through year 2, at 12 + 8 = 20 months.

    >>> float(payback_months(np.array([60.0, 60.0]), np.array([100.0, 0.0])))
    20.0
    """
    v = np.atleast_2d(np.asarray(pv_value_by_year, dtype=float))
    c = np.atleast_2d(np.asarray(pv_cost_by_year, dtype=float))
    D, T = v.shape
    cum_v_before = np.concatenate([np.zeros((D, 1)), np.cumsum(v, axis=1)[:, :-1]], axis=1)
    cum_c = np.cumsum(c, axis=1)
    gap = cum_c - cum_v_before  # still to recover at the start of each year, after its inputs
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a tiny v overflows to inf: never
        frac = np.where(v > 0, gap / v, np.inf)
    month = np.where(gap <= 0, 0.0, np.where(frac <= 1.0, frac, np.inf))
    months = 12.0 * (np.arange(T) + month)
    # First year, from the first year with spending, in which the gap closes.
    spends = c > 0
    first_spend = np.where(spends.any(axis=1), spends.argmax(axis=1), T)
    done = np.isfinite(months) & (np.arange(T)[None, :] >= first_spend[:, None])
    first = np.where(done.any(axis=1), done.argmax(axis=1), -1)
    out = np.where(first >= 0, months[np.arange(D), np.maximum(first, 0)], np.inf)
    out = np.where(first_spend == T, 0.0, out)
    return out if np.ndim(pv_value_by_year) > 1 else out[0]
