"""Commissioners' portfolio: which schemes to fund from which budgets, how sure the total is,
and who should pay whom if the budget holders pool.

:func:`portfolio` runs every scheme on the same joint draws, chooses the schemes
(:mod:`sroi.selection`), and reports the portfolio's expected NPV, its interval and the
chance it is positive, each budget holder's spend and value by type, a pooled-budget
settlement, and which scheme's evidence is worth buying first.

**Joint draws.** A parameter that several schemes share takes the same draw in each: a
proxy from the library (by its id, so two schemes valuing A&E attendances move together)
and the discount rate where it is uncertain (by name, ``discounting.rate``). Each such
parameter gets one draw; the others get their own. Correlations in the scheme files hold
(through a Gaussian copula, as in :func:`sroi.sensitivity.psa`): correlations between shared parameters form one matrix across
the portfolio (two files giving the same pair different values is an error), and a
scheme's other correlated parameters are drawn from their normal distribution given the
shared ones (the conditional of the scheme's own Gaussian copula), so each scheme's
draws have exactly the joint distribution its file states. Uniforms are the normals'
CDF, mapped through each parameter's marginal by the engine's sampler.

**Blocks and scale-out.** Draws are made in blocks of ``block`` draws. Block ``b``'s
shared draws come from ``SeedSequence(seed, spawn_key=(0, b))`` and scheme ``s``'s own
from ``SeedSequence(seed, spawn_key=(1, s, b))``, so any block is regenerated from the
seed alone, on any machine, in any order: with ``client`` (a ``dask.distributed.Client``)
or ``client="local"`` (a two-worker ``LocalCluster``) the blocks run on the workers and
only their sums come back. Results are combined in block order, so the figures are the
same bytes in process, on threads or on Dask. Memory is flat in the number of draws
unless the per-draw NPVs of every scheme fit in ``KEEP_LIMIT`` values (then they are
kept, which the probability objective and the value of information use); otherwise a
second pass regenerates the blocks for the chosen portfolio.

Assumptions the caller should know: a scheme's values and spends scale linearly with its
scale (partial funding); figures are expected present values at each scheme's own price
base (schemes in one currency; rebase them first if their price bases differ); a budget
holder without a budget is not constrained.
"""

from __future__ import annotations

import math
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from . import __version__
from .engine import Model, as_model
from .model import VALUE_TYPES, Scheme
from .selection import OBJECTIVES, coalition_portfolio, evppi_by_scheme, free_schemes, select, settle

__all__ = ["portfolio", "PortfolioResult", "KEEP_LIMIT", "SEP"]

#: Per-draw NPVs kept in memory up to this many values (schemes x draws; 160 MB).
KEEP_LIMIT = 20_000_000
#: Joins a budget holder and a value type in the engine's holder columns.
SEP = "\x1f"
#: The value of information re-solves the selection twice per scheme: up to this many.
VOI_LIMIT = 200


# ---------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class _Plan:
    """Everything a block needs, shipped once to each Dask worker."""

    models: tuple[Model, ...]
    cols: tuple[tuple[int, ...], ...]  # each scheme's uncertain columns
    shared_at: tuple[np.ndarray, ...]  # per scheme, per column: index of its shared key, or -1
    cond: tuple[tuple[np.ndarray, np.ndarray] | None, ...]  # private normals given shared: (A, L)
    shared_chol: np.ndarray | None
    n_shared: int
    columns: tuple[tuple[np.ndarray, np.ndarray], ...]  # per scheme: engine holder column -> global (value, spend)
    n_value: int
    n_spend: int
    seed: int
    n: int
    block: int

    @property
    def blocks(self) -> int:
        return -(-self.n // self.block)


def _pearson(rho: float) -> float:
    """The normal scores' correlation that gives Spearman ``rho`` (Kruskal 1958)."""
    return 2.0 * math.sin(math.pi * rho / 6.0)


def _key(model: Model, k: int) -> tuple | None:
    """The key under which column ``k`` is shared across schemes, or None."""
    ref = model.refs[k]
    if ref.name == "discounting.rate":
        return ("name", "discounting.rate")
    if ref.name.endswith(".proxy"):
        oid = ref.name[: -len(".proxy")]
        o = next(o for o in model.scheme.outcomes if o.id == oid)
        if o.proxy.ref is not None and o.proxy.measure is None:
            return ("proxy", o.proxy.ref)
    return None


def _split_holders(scheme: Scheme) -> Scheme:
    """The scheme with each outcome's beneficiary (and a transfer's payer) joined to its
    value type, so the engine's holder columns give value by holder and type."""
    outs = tuple(replace(o, beneficiary=f"{o.beneficiary}{SEP}{o.value_type}",
                         payer=None if o.payer is None else f"{o.payer}{SEP}{o.value_type}")
                 for o in scheme.outcomes)
    return replace(scheme, outcomes=outs)


def _plan(models: Sequence[Model], *, seed: int, n: int, block: int) -> tuple[_Plan, list[str], list[str]]:
    from .engine.outputs import holders
    from .sensitivity.psa import design_columns

    keys: dict[tuple, int] = {}
    cols_all: list[tuple[int, ...]] = []
    keyed: list[list[tuple | None]] = []
    for m in models:
        cols = tuple(design_columns(m))
        cols_all.append(cols)
        ks = [_key(m, k) for k in cols]
        keyed.append(ks)
        for key in ks:
            if key is not None and key not in keys:
                keys[key] = len(keys)
    # one correlation matrix over the shared keys; a pair stated twice must agree
    R = np.eye(len(keys))
    stated: dict[tuple[int, int], tuple[float, str]] = {}
    for m, cols, ks in zip(models, cols_all, keyed):
        name_key = {m.refs[k].name: key for k, key in zip(cols, ks)}
        for c in m.scheme.correlations:
            ka, kb = (name_key.get(x) for x in c.parameters)
            if ka is None or kb is None:
                continue
            i, j = sorted((keys[ka], keys[kb]))
            if (i, j) in stated and abs(stated[(i, j)][0] - c.rho) > 1e-12:
                raise ValueError(f"{m.scheme.path} correlates {c.parameters[0]} and {c.parameters[1]} at {c.rho}, "
                                 f"but {stated[(i, j)][1]} gives the same shared pair {stated[(i, j)][0]}")
            stated[(i, j)] = (c.rho, m.scheme.path)
            R[i, j] = R[j, i] = _pearson(c.rho)
    try:
        shared_chol = np.linalg.cholesky(R) if stated else None
    except np.linalg.LinAlgError:
        raise ValueError("the correlations between shared parameters do not form a positive definite matrix") from None
    shared_at: list[np.ndarray] = []
    cond: list[tuple[np.ndarray, np.ndarray] | None] = []
    for m, cols, ks in zip(models, cols_all, keyed):
        at = np.array([-1 if key is None else keys[key] for key in ks], dtype=np.int64)
        shared_at.append(at)
        names = [m.refs[k].name for k in cols]
        idx = {nm: i for i, nm in enumerate(names)}
        C = np.eye(len(cols))
        for i in range(len(cols)):
            for j in range(len(cols)):
                if at[i] >= 0 and at[j] >= 0:
                    C[i, j] = R[at[i], at[j]]
        for c in m.scheme.correlations:
            na, nb = c.parameters
            if na in idx and nb in idx and not (at[idx[na]] >= 0 and at[idx[nb]] >= 0):
                C[idx[na], idx[nb]] = C[idx[nb], idx[na]] = _pearson(c.rho)
        P = np.flatnonzero(at < 0)
        S = np.flatnonzero(at >= 0)
        if not np.allclose(C[np.ix_(P, S)], 0.0) or not np.allclose(C[np.ix_(P, P)], np.eye(P.size)):
            A = C[np.ix_(P, S)] @ np.linalg.inv(C[np.ix_(S, S)]) if S.size else np.zeros((P.size, 0))
            cov = C[np.ix_(P, P)] - A @ C[np.ix_(S, P)] if S.size else C[np.ix_(P, P)]
            try:
                L = np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                raise ValueError(f"{m.scheme.path}: its correlations do not form a positive definite matrix with "
                                 "the shared parameters'") from None
            cond.append((A, L))
        else:
            cond.append(None)
    value_names: list[str] = []
    spend_names: list[str] = []
    columns = []
    for m in models:
        names, out_map, in_map = holders(m)
        vcol, scol = np.full(len(names), -1, dtype=np.int64), np.full(len(names), -1, dtype=np.int64)
        for i, h in enumerate(names):
            if out_map[:, i].any():
                if h not in value_names:
                    value_names.append(h)
                vcol[i] = value_names.index(h)
            if in_map[:, i].any():
                if h not in spend_names:
                    spend_names.append(h)
                scol[i] = spend_names.index(h)
        columns.append((vcol, scol))
    plan = _Plan(tuple(models), tuple(cols_all), tuple(shared_at), tuple(cond), shared_chol, len(keys),
                 tuple(columns), len(value_names), len(spend_names), seed, n, block)
    return plan, value_names, spend_names


def _rng(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _uniforms(plan: _Plan, s: int, b: int, Us: np.ndarray) -> np.ndarray:
    """Scheme ``s``'s uniforms for block ``b`` (draws x its uncertain columns), given the
    block's shared uniforms ``Us``. Columns a scheme correlates with others come through
    its Gaussian copula given the shared ones; the rest are plain uniforms (the same
    distribution, drawn faster)."""
    from scipy import special

    k = Us.shape[0]
    at = plan.shared_at[s]
    U = np.empty((k, at.size))
    priv = np.flatnonzero(at < 0)
    shr = np.flatnonzero(at >= 0)
    if shr.size:
        U[:, shr] = Us[:, at[shr]]
    if priv.size:
        rng = _rng(plan.seed, (1, s, b))
        c = plan.cond[s]
        if c is None:
            U[:, priv] = rng.random((k, priv.size))
        else:
            z = rng.standard_normal((k, priv.size)) @ c[1].T
            if shr.size:
                z += special.ndtri(Us[:, at[shr]]) @ c[0].T
            U[:, priv] = special.ndtr(z)
    return U


def _shared_uniforms(plan: _Plan, b: int) -> np.ndarray:
    """The shared parameters' uniforms for block ``b``: through the portfolio's copula when
    shared parameters are correlated."""
    from scipy import special

    k = min(plan.block, plan.n - b * plan.block)
    rng = _rng(plan.seed, (0, b))
    if plan.shared_chol is None:
        return rng.random((k, plan.n_shared))
    return special.ndtr(rng.standard_normal((k, plan.n_shared)) @ plan.shared_chol.T)


def _scheme_block(plan: _Plan, s: int, b: int, Us: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scheme ``s`` over block ``b``: each draw's NPV, value by global value column and
    spend by global spend column."""
    from .engine.compiled import sample_and_evaluate
    from .sensitivity.psa import marginals

    m = plan.models[s]
    k = min(plan.block, plan.n - b * plan.block)
    cols = list(plan.cols[s])
    U = _uniforms(plan, s, b, Us)
    out, _ = sample_and_evaluate(m, cols, marginals(m, cols), k, lambda a, z, buf: U[a:z], block=k, threads=1,
                                 keep_design=False)
    vcol, scol = plan.columns[s]
    value = np.zeros((k, plan.n_value))
    spend = np.zeros((k, plan.n_spend))
    for i in range(vcol.size):
        if vcol[i] >= 0:
            value[:, vcol[i]] += out.holder_value[:, i]
        if scol[i] >= 0:
            spend[:, scol[i]] += out.holder_spend[:, i]
    return out.npv, value, spend


def _block(plan: _Plan, b: int, task: dict[str, Any]) -> dict[str, Any]:
    """One block's contribution: each scheme's sums of NPV, value and spend over the block's
    draws. ``task["keep"]``: also each scheme's NPV per draw; ``task["scale"]``: also the
    portfolio's NPV per draw at those scales; ``task["schemes"]``: which schemes to
    evaluate (all by default)."""
    k = min(plan.block, plan.n - b * plan.block)
    Us = _shared_uniforms(plan, b)
    S = len(plan.models)
    which = task.get("schemes") or range(S)
    scale = task.get("scale")
    res: dict[str, Any] = {"npv_sum": np.zeros(S), "value_sum": np.zeros((S, plan.n_value)),
                           "spend_sum": np.zeros((S, plan.n_spend))}
    if task.get("keep"):
        res["npv"] = np.zeros((S, k))
    if scale is not None:
        res["portfolio_npv"] = np.zeros(k)
    for s in which:
        npv, value, spend = _scheme_block(plan, s, b, Us)
        res["npv_sum"][s] = npv.sum()
        res["value_sum"][s] = value.sum(axis=0)
        res["spend_sum"][s] = spend.sum(axis=0)
        if task.get("keep"):
            res["npv"][s] = npv
        if scale is not None and scale[s] > 0:
            res["portfolio_npv"] += scale[s] * npv
    return res


def _build_marginals(plan: _Plan, threads: int) -> None:
    """Build every scheme's inverse-CDF tables once, schemes shared out among the threads,
    before the blocks start: otherwise the first block on each thread builds the same
    tables again, and building them is most of a large portfolio's time."""
    from .sensitivity.psa import marginals

    with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="sroi-tables") as pool:
        list(pool.map(lambda s: marginals(plan.models[s], list(plan.cols[s])), range(len(plan.models))))


def _run_blocks(plan: _Plan, task: dict[str, Any], client: Any, threads: int) -> list[dict[str, Any]]:
    """Every block's result, in block order: on Dask workers, or on threads here."""
    B = plan.blocks
    if client is not None:
        shipped = client.scatter(plan, broadcast=True)
        futures = client.map(_block, [shipped] * B, range(B), [task] * B, pure=False)
        return client.gather(futures)
    if threads <= 1 or B == 1:
        return [_block(plan, b, task) for b in range(B)]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sroi-portfolio") as pool:
        return list(pool.map(lambda b: _block(plan, b, task), range(B)))


# ---------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class PortfolioResult:
    """What :func:`portfolio` found (money in the schemes' currency, present values)."""

    names: tuple[str, ...]
    files: tuple[str, ...]
    scale: np.ndarray
    objective: str
    status: str
    npv_mean: np.ndarray  # (S,) each scheme's expected NPV at scale 1
    portfolio_npv: np.ndarray  # (D,) the chosen portfolio's NPV in each draw
    uncertain: bool  # does any scheme carry uncertainty?
    by_budget_holder: dict[str, dict[str, Any]]
    settlement: dict[str, Any] | None
    pooled: dict[str, Any] | None
    value_of_information: list[dict[str, Any]] | None
    provenance: dict[str, Any] = field(default_factory=dict)
    currency: str = "GBP"

    @property
    def selected(self) -> list[dict[str, Any]]:
        return [{"scheme": n, "file": f, "scale": float(x), "expected_npv": float(x * m)}
                for n, f, x, m in zip(self.names, self.files, self.scale, self.npv_mean) if x > 0]

    @property
    def expected_npv(self) -> float:
        return float(self.portfolio_npv.mean()) if self.portfolio_npv.size else 0.0

    @property
    def npv_interval(self) -> tuple[float, float] | None:
        """The central 95% interval of the portfolio's NPV; None when nothing is uncertain."""
        if not self.uncertain or not self.portfolio_npv.size:
            return None
        lo, hi = np.quantile(self.portfolio_npv, [0.025, 0.975])
        return float(lo), float(hi)

    @property
    def p_npv_positive(self) -> float | None:
        """P(portfolio NPV > 0); None when nothing is uncertain (it would be 0 or 1)."""
        if not self.uncertain or not self.portfolio_npv.size:
            return None
        return float((self.portfolio_npv > 0).mean())

    def to_dict(self) -> dict[str, Any]:
        """Every figure for JSON (``inf``/``NaN`` become ``None``)."""
        from .fileio import json_ready

        return json_ready({
            "selected": self.selected, "currency": self.currency, "objective": self.objective, "solver_status": self.status,
            "expected_npv": self.expected_npv,
            "npv_interval": list(self.npv_interval) if self.npv_interval else None,
            "p_portfolio_npv_positive": self.p_npv_positive,
            "uncertainty_note": None if self.uncertain else
            "no scheme carries uncertainty, so no interval or probability is given",
            "by_budget_holder": self.by_budget_holder, "settlement": self.settlement, "pooled": self.pooled,
            "value_of_information": self.value_of_information,
            "schemes": [{"scheme": n, "file": f, "expected_npv_at_scale_1": float(m)}
                        for n, f, m in zip(self.names, self.files, self.npv_mean)],
            "provenance": self.provenance,
        })

    def text(self) -> str:
        """The portfolio as ``sroi portfolio`` prints it (within 100 columns)."""
        return portfolio_text(self)

    def __repr__(self) -> str:
        return (f"PortfolioResult({len(self.selected)} of {len(self.names)} schemes chosen, expected NPV "
                f"{self.expected_npv:,.0f} {self.currency})")

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.text())}</pre>"

    def plot(self, *, ax: Any = None) -> Any:
        """The portfolio's NPV distribution (:func:`sroi.plots.plot_portfolio_npv`)."""
        from .plots import plot_portfolio_npv

        return plot_portfolio_npv(self, ax=ax)

    def plot_settlement(self, *, ax: Any = None) -> Any:
        """Budget holders' positions before and after settlement."""
        from .plots import plot_settlement

        return plot_settlement(self, ax=ax)


def portfolio_text(r) -> str:
    """The portfolio for the terminal, within 100 columns."""
    from .display import _cut, _table, money

    cur = r.currency
    out = [f"Portfolio of {len(r.names)} schemes: {len(r.selected)} chosen ({r.objective.replace('_', ' ')}; "
           f"{r.portfolio_npv.size:,} joint draws, seed {r.provenance['seed']})", ""]
    rows = [[_cut(n, 58), f"{x:g}" if x > 0 else "-", money(m, cur)]
            for n, x, m in zip(r.names, r.scale, r.npv_mean)]
    out += ["  " + line for line in _table(["scheme", "scale", "expected NPV at scale 1"], rows, [False, True, True])]
    out += ["", f"Expected NPV of the chosen portfolio  {money(r.expected_npv, cur)}"]
    if r.npv_interval:
        lo, hi = r.npv_interval
        out += [f"95% interval                         {money(lo, cur)} to {money(hi, cur)}",
                f"P(portfolio NPV > 0)                 {r.p_npv_positive:.2f}"]
    else:
        out += ["How sure: no scheme carries uncertainty, so no interval or probability is given."]
    if r.status != "optimal":
        out += [f"Solver: {r.status}"]
    out += ["", "By budget holder (present values; cashable first)"]
    rows = []
    for h, b in r.by_budget_holder.items():
        types = b["value_by_type"]
        rows.append([_cut(h, 24), "-" if b["budget"] is None else money(b["budget"], cur), money(b["spend"], cur),
                     money(types.get("fiscal_cashable", 0.0), cur),
                     money(sum(v for t, v in types.items() if t != "fiscal_cashable"), cur),
                     money(b["net_position"], cur)])
    out += ["  " + line for line in _table(["holder", "budget", "spend", "cashable", "other value", "net"], rows,
                                           [False] + [True] * 5)]
    unconstrained = [h for h in r.provenance["unconstrained_holders"] if h in r.by_budget_holder
                     and r.by_budget_holder[h]["spend"]]
    if unconstrained:
        out += textwrap.wrap(f"Not constrained (no budget given): {', '.join(unconstrained)}.", 100,
                             initial_indent="  ", subsequent_indent="  ")
    if r.pooled is not None:
        p = r.pooled
        out += ["", f"Pooled budget of {money(p['budget'], cur)}: expected NPV {money(p['expected_npv'], cur)} "
                    f"({money(p['gain_over_separate_budgets'], cur)} more than separate budgets)"]
    st = r.settlement
    if st is not None:
        out += ["", f"Settlement ({st['rule']} rule): who pays whom so no holder is worse off than alone"]
        shown = st
        if not st["feasible"]:
            out += textwrap.wrap(st["note"] + ".", 100, initial_indent="  ", subsequent_indent="  ")
            shown = st.get("alternative")
            if shown is not None:
                out += textwrap.wrap("Settling instead on " + shown["portfolio"] + ": "
                                     + ", ".join(_cut(n, 40) for n in shown["selected"]) + ".", 100,
                                     initial_indent="  ", subsequent_indent="  ")
        if shown is not None and shown.get("feasible"):
            rows = [[_cut(h["holder"], 24), money(h["standalone"], cur), money(h["pooled"], cur),
                     f"{100 * h['share']:.0f}%", money(h["final"], cur), money(h["transfer_received"], cur)]
                    for h in shown["holders"]]
            out += [f"  Surplus over standalone positions: {money(shown['surplus'], cur)}"]
            out += ["  " + line for line in _table(["holder", "alone", "pooled", "share", "after", "receives"], rows,
                                                   [False] + [True] * 5)]
    if r.value_of_information:
        out += ["", "Value of information: whose evidence is worth buying first (EVPPI)"]
        rows = [[_cut(v["scheme"], 70), money(v["evppi"], cur)] for v in r.value_of_information[:5]]
        out += ["  " + line for line in _table(["scheme", "EVPPI"], rows, [False, True])]
    out += ["", *textwrap.wrap("Assumes values and spends scale with a scheme's scale; figures are present values "
                               "at each scheme's own price base.", 100)]
    return "\n".join(out)



# ---------------------------------------------------------------------------- the call


def portfolio(schemes: Sequence[Scheme | Model | str | Path], *, budgets: Mapping[str, float],
              objective: str = "expected_npv", draws: int = 4000, seed: int = 1, client: Any = None,
              scales: Mapping[str, tuple[float, float]] | None = None, rule: str = "shapley",
              voi: bool | None = None, block: int = 1024, threads: int | None = None,
              keep: bool | None = None) -> PortfolioResult:
    """Choose schemes under budgets on joint draws (see the module docstring).

    Parameters
    ----------
    schemes:
        Scheme files, loaded schemes or compiled models (one currency).
    budgets:
        ``{budget holder id: amount}`` in present-value money; a holder not named is not
        constrained.
    objective:
        ``"expected_npv"`` or ``"p_npv_positive"`` (the chance the portfolio's NPV is
        positive; ties broken by expected NPV).
    draws, seed:
        Joint draws and the seed they come from (an int: every block is regenerated
        from it).
    client:
        ``None`` (threads here), a ``dask.distributed.Client``, or ``"local"`` (start a
        two-worker ``LocalCluster`` for this call).
    scales:
        ``{scheme name or file stem: (low, high)}``: partial funding between the bounds
        where a scheme allows it (default: all or nothing).
    rule:
        Settlement rule, ``"shapley"`` or ``"proportional"``.
    voi:
        Compute each scheme's value of information (default: up to 200 schemes).
    """
    from .scenario import load

    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if not isinstance(draws, int) or isinstance(draws, bool) or draws < 1:
        raise ValueError(f"draws must be a whole number of at least 1, got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    files, models, hashes = [], [], []
    for item in schemes:
        if isinstance(item, (str, Path)):
            sch = load(item)
            files.append(str(item))
        else:
            sch = item.scheme if isinstance(item, Model) else item
            files.append(sch.path)
        from .results import scheme_hash

        hashes.append(scheme_hash(sch))
        models.append(as_model(_split_holders(sch)))
    if not models:
        raise ValueError("a portfolio needs at least one scheme")
    currencies = {m.scheme.currency for m in models}
    if len(currencies) > 1:
        raise ValueError(f"the schemes are in different currencies ({', '.join(sorted(currencies))})")
    names = tuple(m.scheme.name for m in models)
    S = len(models)
    lo, hi = np.ones(S), np.ones(S)
    for key, (a, b) in (scales or {}).items():
        hits = [i for i, (n, f) in enumerate(zip(names, files)) if key in (n, Path(f).stem)]
        if not hits:
            raise ValueError(f"scale names {key!r}, which is no scheme's name or file stem")
        if not (0 < a <= b and math.isfinite(b)):
            raise ValueError(f"scale bounds for {key!r} must satisfy 0 < low <= high, got {a}:{b}")
        for i in hits:
            lo[i], hi[i] = a, b
    for h, v in budgets.items():
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
            raise ValueError(f"the budget of {h!r} must be a finite amount of 0 or more, got {v!r}")
    own_client = None
    if isinstance(client, str):
        if client != "local":
            from distributed import Client

            client = own_client = Client(client)
        else:
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = own_client = Client(cluster)
    try:
        return _portfolio(models, files, names, hashes, budgets, objective, draws, int(seed), client, lo, hi, rule,
                          voi, block, threads, keep)
    finally:
        if own_client is not None:
            cluster = own_client.cluster
            own_client.close()
            if cluster is not None:
                cluster.close()


def _portfolio(models, files, names, hashes, budgets, objective, draws, seed, client, lo, hi, rule, voi, block, threads,
               keep) -> PortfolioResult:
    from .engine.compiled import default_threads

    plan, value_names, spend_names = _plan(models, seed=seed, n=draws, block=max(1, min(block, draws)))
    S = len(models)
    threads = default_threads() if threads is None else max(1, int(threads))
    keep = (S * draws <= KEEP_LIMIT) if keep is None else keep
    if client is None:
        _build_marginals(plan, threads)
    first = _run_blocks(plan, {"keep": keep}, client, threads)
    npv_sum = np.zeros(S)
    value_sum = np.zeros((S, plan.n_value))
    spend_sum = np.zeros((S, plan.n_spend))
    for r in first:  # block order: the same sums however the blocks ran
        npv_sum += r["npv_sum"]
        value_sum += r["value_sum"]
        spend_sum += r["spend_sum"]
    npv_mean, value_mean, spend_mean = npv_sum / draws, value_sum / draws, spend_sum / draws
    npv_matrix = np.concatenate([r["npv"] for r in first], axis=1) if keep else None

    # holders: a value column is "holder<SEP>type"; spend columns are holders
    holder_ids = list(dict.fromkeys([v.split(SEP)[0] for v in value_names] + spend_names + list(budgets)))
    H = len(holder_ids)
    value_h = np.zeros((S, H))
    for j, v in enumerate(value_names):
        value_h[:, holder_ids.index(v.split(SEP)[0])] += value_mean[:, j]
    spend_h = np.zeros((S, H))
    for j, h in enumerate(spend_names):
        spend_h[:, holder_ids.index(h)] += spend_mean[:, j]
    unknown = [h for h in budgets if not spend_h[:, holder_ids.index(h)].any()
               and not value_h[:, holder_ids.index(h)].any()]
    if unknown:
        known = sorted(h for h in holder_ids if h not in budgets)
        raise ValueError(f"a budget names {', '.join(repr(h) for h in unknown)}, which no scheme here funds or "
                         f"serves; the budget holders in these schemes are {', '.join(known)}")
    budget_list = [budgets.get(h) for h in holder_ids]

    if objective == "p_npv_positive" and npv_matrix is None:
        raise ValueError(f"the probability objective keeps every draw of every scheme; {S} schemes x {draws} draws is "
                         f"more than {KEEP_LIMIT:,} values: use fewer draws or the expected_npv objective")
    sel = select(npv_mean, spend_h, budget_list, lo, hi, objective=objective, npv_draws=npv_matrix)
    scale = sel.scale

    if npv_matrix is not None:
        port = np.zeros(draws)
        for s in range(S):
            if scale[s] > 0:
                port += scale[s] * npv_matrix[s]
    else:
        second = _run_blocks(plan, {"scale": scale, "schemes": [s for s in range(S) if scale[s] > 0]}, client,
                             threads)
        port = np.concatenate([r["portfolio_npv"] for r in second]) if second else np.zeros(draws)

    by_holder: dict[str, dict[str, Any]] = {}
    for h in holder_ids:
        types = {v.split(SEP)[1]: float(scale @ value_mean[:, j]) for j, v in enumerate(value_names)
                 if v.split(SEP)[0] == h}
        types = {t: types[t] for t in (*VALUE_TYPES, "transfer") if t in types}  # cashable first
        spend = float(scale @ spend_h[:, holder_ids.index(h)])
        received = float(sum(types.values()))
        if h in budgets or spend or any(types.values()):
            by_holder[h] = {"budget": budgets.get(h), "spend": spend, "value_by_type": types,
                            "value_received": received, "net_position": received - spend}

    players = [holder_ids.index(h) for h in budgets]
    settlement = pooled = None
    if players:
        pooled_budget = float(sum(budgets.values()))
        budgeted = np.array([b is not None for b in budget_list])
        pooled_sel = select(npv_mean, spend_h[:, budgeted].sum(axis=1)[:, None], [pooled_budget], lo, hi)
        pooled = {"budget": pooled_budget, "selected": [n for n, x in zip(names, pooled_sel.scale) if x > 0],
                  "scales": {n: float(x) for n, x in zip(names, pooled_sel.scale) if x > 0},
                  "expected_npv": float(pooled_sel.scale @ npv_mean),
                  "gain_over_separate_budgets": float(pooled_sel.scale @ npv_mean - scale @ npv_mean),
                  "solver_status": pooled_sel.status}
        settlement = settle(players, holder_ids, pooled_sel.scale, value_h, spend_h, budget_list, lo, hi, rule=rule)
        settlement["portfolio"] = "the pooled selection (every stated budget in one pot, best for society)"
        if not settlement["feasible"]:
            # the portfolio that is best for the budget holders together: always settles
            free = {int(k): float(pooled_sel.scale[k]) for k in free_schemes(spend_h, budget_list)}
            _, x_own = coalition_portfolio(players, value_h, spend_h, budget_list, lo, hi, free)
            alt = settle(players, holder_ids, x_own, value_h, spend_h, budget_list, lo, hi, rule=rule)
            alt["portfolio"] = "the budget holders' own best pooled portfolio (their joint position, not society's)"
            alt["selected"] = [n for n, x in zip(names, x_own) if x > 0]
            alt["expected_npv"] = float(x_own @ npv_mean)
            settlement["alternative"] = alt

    voi_out = None
    if (voi if voi is not None else S <= VOI_LIMIT) and objective == "expected_npv":
        if npv_matrix is None:
            raise ValueError("the value of information needs every draw of every scheme kept; pass voi=False or "
                             "fewer draws")
        voi_out = [{"scheme": n, "evppi": v}
                   for n, v in zip(names, evppi_by_scheme(npv_mean, npv_matrix, spend_h, budget_list, lo, hi))]
        voi_out.sort(key=lambda r: -r["evppi"])

    uncertain = any(len(c) for c in plan.cols)
    prov = {"sroi_version": __version__, "seed": seed, "draws": draws, "block": plan.block, "objective": objective,
            "settlement_rule": rule, "solver": "HiGHS mixed-integer programme (scipy.optimize.milp), gap 0",
            "budgets": dict(budgets), "unconstrained_holders": [h for h in holder_ids if h not in budgets],
            "shared_parameters": plan.n_shared,
            "scales": {n: [float(a), float(b)] for n, a, b in zip(names, lo, hi) if (a, b) != (1.0, 1.0)},
            "scheme_sha256": dict(zip(names, hashes)),
            "assumptions": ["values and spends scale linearly with a scheme's scale",
                            "a budget holder without a budget is not constrained",
                            "figures are present values at each scheme's own price base"]}
    return PortfolioResult(names, tuple(files), scale, objective, sel.status, npv_mean, port, uncertain, by_holder,
                           settlement, pooled, voi_out, prov, models[0].scheme.currency)
