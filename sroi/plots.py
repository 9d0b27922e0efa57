"""Plots of results: each ``plot_x(thing, *, ax=None) -> Axes``.

They draw what the result objects already hold and compute nothing of their own.
matplotlib is imported when a plot is made, not when sroi is imported.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .model import VALUE_TYPES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .portfolio import PortfolioResult
    from .results import Result
    from .sensitivity import OneWay, PSAResult, SobolResult, SwitchingValues

__all__ = ["plot_waterfall", "plot_value_by_stakeholder", "plot_ledger", "plot_cash_flow", "plot_tornado",
           "plot_switching_values", "plot_scenarios", "plot_psa_distribution", "plot_probability_curve",
           "plot_convergence", "plot_sobol", "plot_evppi", "plot_comparison", "plot_forest", "literal_text",
           "plot_portfolio_npv", "plot_settlement"]

TYPE_COLOURS = {"fiscal_cashable": "#1b7837", "fiscal_non_cashable": "#7fbf7b", "economic": "#2166ac",
                "social": "#f4a582", "transfer": "#999999"}
TYPE_LABELS = {"fiscal_cashable": "fiscal, cashable", "fiscal_non_cashable": "fiscal, non-cashable",
               "economic": "economic", "social": "social", "transfer": "transfer (zero for society)"}


def literal_text():
    """A context in which text is drawn as written, never as mathtext: text from a scheme
    file such as '$5 and $10' must not become '5and10', and '$\\foo$' must not crash a
    chart. Every plot function runs inside it; the user's own settings are untouched."""
    import matplotlib

    return matplotlib.rc_context({"text.parse_math": False})


def _literal(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with literal_text():
            return fn(*args, **kwargs)

    return wrapper


def _labels(texts) -> list[str]:
    """Tick labels drawn as written. matplotlib makes tick labels lazily when the figure is
    drawn, outside :func:`literal_text`, so their dollars are escaped instead ('\\$'
    draws '$')."""
    return [str(t).replace("$", "\\$") for t in texts]


def _ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 4.5))
    return ax


def _money_axis(ax, currency: str, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    sym = {"GBP": "£", "USD": "$", "EUR": "€"}.get(currency, currency + " ")

    def fmt(v, _):
        a = abs(v)
        text = f"{a / 1e6:.1f}m" if a >= 1e6 else f"{a / 1e3:.0f}k" if a >= 1e3 else f"{a:.0f}"
        return f"{'-' if v < 0 else ''}{sym}{text}"

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def plot_waterfall(result: "Result", *, ax=None) -> "Axes":
    """Gross value, each deduction, present value, and the investment beside it."""
    ax = _ax(ax)
    w = result.waterfall
    steps = ["gross", "deadweight", "displacement", "attribution", "drop_off", "discounting"]
    labels = ["gross value", "deadweight", "displacement", "attribution", "drop-off", "discounting",
              "present value", "investment"]
    level, bottoms, heights, colours = 0.0, [], [], []
    for s in steps:
        v = float(w[s])
        if s == "gross":
            bottoms.append(0.0)
            heights.append(v)
            colours.append("#4d4d4d")
        else:
            bottoms.append(level + min(v, 0.0))
            heights.append(abs(v))
            colours.append("#d6604d" if v < 0 else "#4393c3")
        level += v
    bottoms += [0.0, 0.0]
    heights += [float(w["present_value"]), float(w["investment"])]
    colours += ["#1b7837", "#b2182b"]
    ax.bar(range(len(labels)), heights, bottom=bottoms, color=colours)
    ax.set_xticks(range(len(labels)), _labels(labels), rotation=30, ha="right")
    _money_axis(ax, result.scheme.currency)
    ax.set_title(f"{result.scheme.name}: from gross value to present value", fontsize=10)
    return ax


def _stacked(ax, df: pd.DataFrame, currency: str, title: str) -> None:
    left = np.zeros(len(df))
    for vt in [*VALUE_TYPES, "transfer"]:
        if vt not in df.columns:
            continue
        vals = df[vt].to_numpy(dtype=float)
        ax.barh(range(len(df)), vals, left=left, color=TYPE_COLOURS[vt], label=TYPE_LABELS[vt])
        left += vals
    ax.set_yticks(range(len(df)), _labels(df.index))
    ax.invert_yaxis()
    _money_axis(ax, currency, "x")
    ax.axvline(0, color="black", lw=0.8)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title, fontsize=10)


def plot_value_by_stakeholder(result: "Result", *, ax=None) -> "Axes":
    """Present value by stakeholder, split by value type."""
    ax = _ax(ax)
    _stacked(ax, result.by_stakeholder_type, result.scheme.currency, "Present value by stakeholder and type")
    return ax


def plot_ledger(result: "Result", *, ax=None) -> "Axes":
    """Who saves: present value received by each budget holder, split by value type, with
    what each spent marked."""
    ax = _ax(ax)
    led = result.ledger
    _stacked(ax, led, result.scheme.currency, "Who pays, who saves: value received (bars) and spend (x)")
    ax.scatter(led["spend"], range(len(led)), marker="x", color="black", zorder=3, label="spend")
    return ax


def plot_cash_flow(result: "Result", *, ax=None) -> "Axes":
    """Cumulative discounted net value by year, with the payback point."""
    ax = _ax(ax)
    by = result.by_year
    years = by.index.to_numpy()
    ax.plot(np.r_[0, years], np.r_[0.0, by["cumulative_npv"].to_numpy()], marker="o", ms=3)
    ax.axhline(0, color="black", lw=0.8)
    pb = result.payback_months
    if np.isfinite(pb):
        ax.axvline(pb / 12, color="#1b7837", ls="--", lw=1)
        ax.annotate(f"payback {pb:.0f} months", (pb / 12, 0), xytext=(5, 10), textcoords="offset points",
                    fontsize=8, color="#1b7837")
    ax.set_xlabel("year")
    _money_axis(ax, result.scheme.currency)
    ax.set_title("Cumulative discounted net value", fontsize=10)
    return ax


def plot_tornado(one_way: "OneWay", *, ax=None, top: int = 15) -> "Axes":
    """One-way sensitivity of the SROI ratio: a bar per parameter from low to high."""
    ax = _ax(ax)
    t = one_way.table.head(top)
    base = one_way.base_ratio
    for k, (name, r) in enumerate(t.iterrows()):
        for end, colour in ((r["ratio_high"], "#4393c3"), (r["ratio_low"], "#d6604d")):
            if np.isfinite(end) and np.isfinite(base):  # no inputs, no ratio: no bar rather than a NaN one
                ax.barh(k, end - base, left=base, color=colour)
    ax.set_yticks(range(len(t)), _labels(t.index), fontsize=8)
    ax.invert_yaxis()
    if not np.isfinite(base):
        ax.text(0.5, 0.5, "no SROI ratio: the scheme's inputs are zero", transform=ax.transAxes, ha="center")
    else:
        ax.axvline(base, color="black", lw=1)
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("SROI ratio (red: parameter at low, blue: at high)")
    ax.set_title("Tornado: which assumptions move the ratio most", fontsize=10)
    return ax


def plot_switching_values(sv: "SwitchingValues", *, ax=None) -> "Axes":
    """How far each parameter must move (relative change) for the ratio to reach its target."""
    ax = _ax(ax)
    t = sv.table.dropna(subset=["change"])
    t = t.reindex(t["change"].abs().sort_values().index)
    ax.barh(range(len(t)), t["change"] * 100, color=np.where(t["change"] < 0, "#d6604d", "#4393c3"))
    ax.set_yticks(range(len(t)), _labels(t.index), fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("change from base needed (%)")
    ax.set_title(f"Switching values ({sv.target})", fontsize=10)
    return ax


def plot_scenarios(table: pd.DataFrame, *, ax=None) -> "Axes":
    """SROI ratio of each named scenario."""
    ax = _ax(ax)
    ax.barh(range(len(table)), table["sroi_ratio"], color="#4393c3")
    ax.set_yticks(range(len(table)), _labels(table.index))
    ax.invert_yaxis()
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("SROI ratio")
    ax.set_title("Named scenarios", fontsize=10)
    return ax


def plot_psa_distribution(psa: "PSAResult", *, ax=None, threshold: float = 1.0) -> "Axes":
    """Histogram of the SROI ratio over the draws, with P(ratio > threshold) marked."""
    ax = _ax(ax)
    r = psa.ratio[np.isfinite(psa.ratio)]
    ax.hist(r, bins=60, color="#92c5de", edgecolor="white")
    ax.axvline(threshold, color="#b2182b", lw=1.2)
    p = psa.prob_ratio_exceeds(threshold)
    ax.annotate(f"P(ratio > {threshold:g}) = {p:.2f}", (threshold, ax.get_ylim()[1] * 0.9), xytext=(5, 0),
                textcoords="offset points", color="#b2182b", fontsize=9)
    ax.set_xlabel("SROI ratio")
    ax.set_ylabel("draws")
    ax.set_title(f"Probabilistic sensitivity: {psa.n:,} draws", fontsize=10)
    return ax


def plot_probability_curve(psa: "PSAResult", *, ax=None) -> "Axes":
    """P(SROI ratio > t) against the threshold ratio t."""
    ax = _ax(ax)
    hi = float(np.nanpercentile(psa.ratio, 99.5)) * 1.1 if psa.n else 2.0
    curve = psa.probability_curve(np.linspace(0, max(hi, 1.5), 200))
    ax.plot(curve.index, curve.to_numpy())
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("threshold ratio")
    ax.set_ylabel("probability the ratio exceeds it")
    ax.set_title("How sure are we?", fontsize=10)
    return ax


def plot_convergence(psa: "PSAResult", *, ax=None) -> "Axes":
    """Running mean of the ratio as draws accumulate."""
    ax = _ax(ax)
    c = psa.convergence(200)
    ax.plot(c.index, c["mean_ratio"])
    ax.set_xscale("log")
    ax.set_xlabel("draws")
    ax.set_ylabel("running mean of the ratio")
    ax.set_title("Convergence", fontsize=10)
    return ax


def plot_sobol(result: "SobolResult", *, ax=None, top: int = 15) -> "Axes":
    """First-order and total Sobol indices with their confidence intervals."""
    ax = _ax(ax)
    t = result.table.head(top)
    y = np.arange(len(t))
    ax.barh(y - 0.2, t["S1"], height=0.4, xerr=t["S1_conf"], label="first order", color="#4393c3")
    ax.barh(y + 0.2, t["ST"], height=0.4, xerr=t["ST_conf"], label="total", color="#f4a582")
    ax.set_yticks(y, _labels(t.index), fontsize=8)
    ax.invert_yaxis()
    ax.legend(fontsize=8)
    ax.set_xlabel("share of the variance of the " + ("SROI ratio" if result.output == "ratio" else "NPV"))
    ax.set_title("Sobol indices", fontsize=10)
    return ax


def plot_evppi(evppi: pd.Series, evpi: float, *, ax=None, currency: str = "GBP", top: int = 15) -> "Axes":
    """Partial EVPI of each parameter, with the EVPI marked."""
    ax = _ax(ax)
    t = evppi.head(top)
    ax.barh(range(len(t)), t.to_numpy(), color="#4393c3")
    ax.axvline(evpi, color="#b2182b", lw=1.2, label="EVPI")
    ax.set_yticks(range(len(t)), _labels(t.index), fontsize=8)
    ax.invert_yaxis()
    _money_axis(ax, currency, "x")
    ax.legend(fontsize=8)
    ax.set_title("Value of information: what better evidence on each parameter is worth", fontsize=10)
    return ax


def plot_comparison(table: pd.DataFrame, *, ax=None) -> "Axes":
    """Saving per pound invested across schemes, stacked by budget holder, with the PSA
    interval of the ratio where the comparison table has one."""
    ax = _ax(ax)
    holders = [c[len("per_pound:"):] for c in table.columns if c.startswith("per_pound:")]
    left = np.zeros(len(table))
    from matplotlib import colormaps

    cmap = colormaps["tab20"]
    for k, h in enumerate(holders):
        vals = table[f"per_pound:{h}"].to_numpy(dtype=float)
        vals = np.where(np.isfinite(vals), vals, 0.0)  # no inputs: no value per pound to draw
        ax.barh(range(len(table)), vals, left=left, color=cmap(k % 20), label=h)
        left += vals
    if {"ratio_low", "ratio_high"} <= set(table.columns):
        lo, hi = table["ratio_low"].to_numpy(float), table["ratio_high"].to_numpy(float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.hlines(np.arange(len(table))[ok], lo[ok], hi[ok], color="black", lw=1.2, label="95% interval of the ratio")
    ax.set_yticks(range(len(table)), _labels(table.index), fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("value per pound invested, by who receives it")
    ax.legend(fontsize=7, loc="lower right", ncol=2)
    ax.set_title("Saving per pound across schemes", fontsize=10)
    return ax


def probability_text(p: float) -> str:
    """A probability estimated from draws, to two places, never printed as 0.00 or 1.00
    (which would read as certainty): "< 0.01" and "> 0.99" instead."""
    return "< 0.01" if p < 0.005 else "> 0.99" if p >= 0.995 else f"{p:.2f}"


def plot_forest(table: pd.DataFrame, *, ax=None, interval: float = 0.95) -> "Axes":
    """A forest plot of a comparison: each scheme's headline ratio (dot) and the central
    ``interval`` of its PSA (line), with P(ratio > 1) written at the right. A scheme with
    no uncertain parameter gets its dot and the words "no interval", never a zero-width
    line that would read as certainty."""
    ax = _ax(ax)
    y = np.arange(len(table))
    mid = table["sroi_ratio"].to_numpy(float)
    has = "ratio_low" in table.columns
    lo = table["ratio_low"].to_numpy(float) if has else np.full(len(table), np.nan)
    hi = table["ratio_high"].to_numpy(float) if has else np.full(len(table), np.nan)
    ok = np.isfinite(lo) & np.isfinite(hi)
    mid = np.where(np.isfinite(mid), mid, np.nan)  # a scheme with no inputs has no ratio: no dot
    ax.hlines(y[ok], lo[ok], hi[ok], color="#1f4e79", lw=2, label=f"{100 * interval:g}% interval (PSA)")
    ax.plot(mid, y, "o", color="black", ms=5, label="headline ratio")
    right = float(np.nanmax(np.r_[hi[ok], mid, 1.0])) * 1.05
    for k in range(len(table)):
        if ok[k]:
            p = table["p_ratio_exceeds_1"].iloc[k]
            text = f"P(>1) {probability_text(p)}"
        else:
            text = "no interval: nothing uncertain" if has else "no PSA"
        ax.annotate(text, (1.0, y[k]), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlim(left=min(0.0, float(np.nanmin(np.r_[lo[ok], mid, 0.0]))), right=right)
    ax.set_yticks(y, _labels(table.index), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("SROI ratio (value per pound invested)")
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("SROI ratios with their uncertainty", fontsize=10)
    return ax


def plot_portfolio_npv(result: "PortfolioResult", *, ax=None) -> "Axes":
    """Histogram of the chosen portfolio's NPV over the joint draws, with zero, the mean and
    the central 95% interval marked (only the mean when nothing is uncertain)."""
    ax = _ax(ax)
    currency = result.currency
    npv = result.portfolio_npv
    if result.uncertain and npv.size:
        ax.hist(npv, bins=60, color="#92c5de", edgecolor="white")
        lo, hi = result.npv_interval or (np.nan, np.nan)
        for x in (lo, hi):
            ax.axvline(x, color="#4d4d4d", lw=0.8, ls="--")
        ax.axvline(0.0, color="#b2182b", lw=1.2)
        p = result.p_npv_positive
        ax.set_title(f"Portfolio NPV over {npv.size:,} joint draws: P(NPV > 0) = {p:.2f}; dashed: 95% interval",
                     fontsize=10)
        ax.set_ylabel("draws")
    else:
        ax.set_title("Portfolio NPV: no scheme carries uncertainty, so no distribution", fontsize=10)
    ax.axvline(result.expected_npv, color="#2166ac", lw=1.5)
    ax.annotate("mean", (result.expected_npv, 0), xytext=(3, 3), textcoords="offset points", color="#2166ac",
                fontsize=8)
    _money_axis(ax, currency, "x")
    ax.set_xlabel("net present value of the chosen portfolio")
    return ax


def plot_settlement(result: "PortfolioResult", *, ax=None) -> "Axes":
    """Each budget holder's expected position (value received less spend): alone, pooled
    before settlement, and after it."""
    ax = _ax(ax)
    currency = result.currency
    st = result.settlement
    if st is None:
        ax.set_title("No budgets stated, so no settlement", fontsize=10)
        return ax
    shown = st if st.get("feasible") else st.get("alternative", st)
    rows = shown["holders"]
    names = _labels([r["holder"] for r in rows])
    y = np.arange(len(rows))
    series = [("alone (not pooling)", "standalone", "#bababa"), ("pooled, before transfers", "pooled", "#f4a582"),
              ("after settlement", "final", "#2166ac")]
    h = 0.8 / len(series)
    for k, (label, key, colour) in enumerate(series):
        vals = [r.get(key, np.nan) for r in rows]
        ax.barh(y + (k - 1) * h, vals, height=h, color=colour, label=label)
    ax.axvline(0, color="black", lw=0.6)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    _money_axis(ax, currency, "x")
    ax.set_xlabel("expected position: value received less spend")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    which = "" if st.get("feasible") else ": the holders' own best pooled portfolio (society's best leaves them worse off)"
    ax.set_title(f"Pooled budget settlement, {shown['rule']} rule{which}", fontsize=10)
    return ax


# Text drawn by these functions comes from scheme files: keep it literal (see literal_text).
for _name in __all__:
    if _name.startswith("plot_"):
        globals()[_name] = _literal(globals()[_name])
