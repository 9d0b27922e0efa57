"""Plots of results: each ``plot_x(thing, *, ax=None) -> Axes``.

They draw what the result objects already hold and compute nothing of their own.
matplotlib is imported when a plot is made, not when sroi is imported.

One house style, applied by every plot through one helper: things are named as the scheme
names them, never by internal id (``labels=`` renames them); money axes carry the
currency and the price year ("£, 2024-25 prices"); ticks have thousands separators and
never scientific notation; years are whole; a legend lists only what was drawn; bars that
people compare carry their value; and a reference line (a ratio of 1) far from the data
is left out with a note, so that small values are not squashed against an axis.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Mapping

import numpy as np
import pandas as pd

from .display import SYMBOLS, draws_probability, ratio_text
from .model import KIND_ORDER, VALUE_TYPES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .portfolio import PortfolioResult
    from .results import Result
    from .sensitivity import OneWay, PSAResult, SobolResult, SwitchingValues

__all__ = ["plot_waterfall", "plot_value_by_stakeholder", "plot_ledger", "plot_cash_flow", "plot_tornado",
           "plot_switching_values", "plot_scenarios", "plot_psa_distribution", "plot_probability_curve",
           "plot_convergence", "plot_sobol", "plot_evppi", "plot_comparison", "plot_forest", "literal_text",
           "plot_portfolio_npv", "plot_settlement", "money_label",
           "probability_text"]


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
        import matplotlib

        with literal_text():
            out = fn(*args, **kwargs)
            interactive = matplotlib.is_interactive()
        # pyplot loads its backend when the first figure is made; a notebook's inline backend
        # then switches interactive mode on. Made inside the context, that switch would be
        # undone as the context closes, and no later chart in the notebook would be shown.
        matplotlib.interactive(interactive)
        return out

    return wrapper


def _labels(texts) -> list[str]:
    """Tick labels drawn as written. matplotlib makes tick labels lazily when the figure is
    drawn, outside :func:`literal_text`, so their dollars are escaped instead ('\\$'
    draws '$')."""
    return [str(t).replace("$", "\\$") for t in texts]


def _short(text: str, width: int = 44) -> str:
    """A name fitted to a tick label: at most two lines of about ``width`` characters.
    A parameter's name ("<outcome>: <field>") keeps its field whole on the second line and
    shortens the outcome; other names wrap and end in an ellipsis when cut."""
    import textwrap

    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    owner, sep, part = text.rpartition(": ")
    if sep and len(part) <= width:
        return textwrap.shorten(owner, width, placeholder="…") + ":\n" + part
    lines = textwrap.wrap(text, width)
    return lines[0] + "\n" + (lines[1] if len(lines) == 2 else textwrap.shorten(" ".join(lines[1:]), width,
                                                                               placeholder="…"))


def _names(ids, defaults: Mapping[str, str] | None, labels: Mapping[str, str] | None) -> list[str]:
    """Tick labels for ``ids``: the user's ``labels`` first, then the scheme's names
    (``defaults``), then the id itself; fitted to two lines and drawn literally."""
    table = {**(defaults or {}), **(labels or {})}
    return _labels(_short(table.get(str(i), str(i))) for i in ids)


def _ax(ax, rows: int = 0):
    """The axes to draw on: the caller's, or a new figure tall enough for ``rows`` bars."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, max(4.5, 1.5 + 0.45 * rows)))
    return ax


def _numbers_formatter(prefix: str = "", suffix: str = ""):
    """Tick labels for people: thousands separators, as many decimals as the spacing of the
    ticks needs, never scientific notation or an offset; with a currency ``prefix``,
    millions as '£1.5m' once the largest tick reaches a million ('£650,000' below)."""
    from matplotlib.ticker import Formatter

    class Numbers(Formatter):
        ticks: list[float] = []

        def set_locs(self, locs):  # kept here: Formatter.locs is deprecated in matplotlib 3.11
            self.ticks = sorted(float(v) for v in locs if np.isfinite(v))

        def __call__(self, x, pos=None):
            ticks = self.ticks or [float(x)]
            scale, unit = (1e6, "m") if prefix and max(abs(v) for v in ticks) >= 1e6 else (1.0, "")
            step = min((b - a for a, b in zip(ticks, ticks[1:]) if b > a), default=abs(x) or 1.0) / scale
            # the fewest decimals that write the spacing exactly (0.25 needs two, 0.5 one)
            digits = next((d for d in range(7) if abs(round(step, d) - step) <= 1e-9 * max(1.0, step)), 6)
            if prefix and not unit:
                digits = min(digits, 2)  # pence at most
            v = x / scale
            if abs(v) < 0.5 * 10 ** -digits:
                v = 0.0
            text = f"{abs(v):,.{digits}f}"
            return f"{'−' if v < 0 else ''}{prefix}{text}{unit}{suffix}"

    return Numbers()


def money_label(what: str, currency: str = "GBP", price_year: object = None) -> str:
    """An axis label for money: what it is, the unit and the price year.

    >>> money_label("present value", "GBP", "2024-25")
    'present value (£, 2024-25 prices)'
    >>> money_label("net present value", "USD")
    'net present value ($)'
    """
    unit = SYMBOLS.get(currency, currency)
    return f"{what} ({unit}, {price_year} prices)" if price_year else f"{what} ({unit})"


def _style(ax, title: str, *, x: tuple[str, str] | None = None, y: tuple[str, str] | None = None,
           currency: str = "GBP", price_year: object = None, legend: bool | str = True,
           ref: tuple | None = None) -> None:
    """The house style, applied once by every plot: the title; each axis given as
    ``(kind, label)`` with kind ``"money"`` (currency ticks, the label carries the unit and
    the price year), ``"number"`` (thousands separators, no scientific notation),
    ``"year"`` (whole-year ticks) or ``"names"`` (tick labels already set); a light grid
    along the value axis; and a legend only of what was drawn with a label (none when
    nothing was), each entry once, beside the plot (``legend="below"``: under it). ``ref``,
    ``(value, what[, line style])``, is a reference line on the x axis (:func:`_reference`).
    Names on the y axis get a smaller font where the rows are too close for them."""
    from matplotlib.ticker import MaxNLocator

    for spec, axis in ((x, ax.xaxis), (y, ax.yaxis)):
        if spec is None:
            continue
        kind, label = spec
        if kind == "money":
            axis.set_major_formatter(_numbers_formatter(SYMBOLS.get(currency, currency + " ")))
            label = money_label(label, currency, price_year)
        elif kind in ("number", "year"):
            axis.set_major_formatter(_numbers_formatter())
        if kind in ("money", "number", "year") and axis.get_scale() == "linear":
            # few enough ticks that full numbers never run into each other; years whole
            axis.set_major_locator(MaxNLocator(nbins=6 if axis is ax.xaxis else "auto", integer=kind == "year",
                                               steps=[1, 2, 2.5, 5, 10]))
        if kind != "names":
            axis.grid(True, color="#dddddd", lw=0.6)
            ax.set_axisbelow(True)
        axis.set_label_text(label)
        if kind == "names" and axis is ax.yaxis:
            _fit_names(ax)
    if ref is not None:
        _reference(ax, *ref[:2], **(ref[2] if len(ref) > 2 else {}))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, names = ax.get_legend_handles_labels()
    seen = {n: h for h, n in zip(handles, names) if n and not n.startswith("_")}
    if legend and seen:  # beside the plot (or below it), where it covers no bar or label
        below = 3.5 + 1.4 * ax.get_xlabel().count("\n")  # under the tick labels and the axis label
        where = ({"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "borderaxespad": below,
                  "ncol": min(4, len(seen))} if legend == "below" else
                 {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)})
        ax.legend(list(seen.values()), _labels(seen), fontsize=8, frameon=False, **where)
    elif ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_title(title, fontsize=10, loc="left")


def _fit_names(ax) -> None:
    """Shrink the y tick labels (to 5 points at least) until each row has room for its
    lines: a report's small chart of twelve two-line names must not print them over each
    other."""
    labels = ax.get_yticklabels()
    if not labels:
        return
    fig = ax.figure
    height = ax.get_position().height * fig.get_figheight() * 72  # points
    lines = max(str(t.get_text()).count("\n") + 1 for t in labels)
    size = max(5.0, min(labels[0].get_fontsize(), height / (len(labels) * lines * 1.3)))
    ax.tick_params(axis="y", labelsize=size)


def _near(ax, value: float) -> bool:
    """Whether a reference ``value`` on the x axis can be drawn without squashing the data:
    with it in view, the data must still fill at least a third of the axis."""
    lo, hi = ax.dataLim.x0, ax.dataLim.x1
    span = max(hi, value) - min(lo, value)
    return not np.isfinite(span) or span == 0 or (hi - lo) >= span / 3


def _reference(ax, value: float, text: str, **line) -> None:
    """A reference line on the x axis (a ratio of 1) drawn only where it does not squash
    the data (:func:`_near`); otherwise the axis label says where it lies, so small values
    stay visible (:func:`_style` calls it, before it places the legend)."""
    if _near(ax, value):
        ax.axvline(value, **({"color": "grey", "lw": 0.8, "ls": ":"} | line))
        return
    where = "to the left" if value < ax.dataLim.x0 else "to the right"
    ax.set_xlabel(f"{ax.get_xlabel()}\n({text} lies off the scale, {where}: the axis is fitted to the values)")


def _value_labels(ax, bars, values, fmt) -> None:
    """Write each bar's value at its end, so a small bar can still be read."""
    ax.bar_label(bars, labels=[fmt(v) if np.isfinite(v) else "" for v in values], padding=3, fontsize=7)


def _money_text(currency: str):
    sym = SYMBOLS.get(currency, currency + " ")

    def text(v: float) -> str:
        a = abs(v)
        body = f"{a / 1e6:,.2f}m" if a >= 1e6 else f"{a:,.0f}"
        return f"{'−' if v < 0 else ''}{sym}{body}"

    return text


def _ratio_text(v: float) -> str:
    """A ratio on a chart: as :func:`sroi.display.ratio_text` (two decimals, two
    significant figures below 0.1, so small ratios stay apart), with thousands
    separators above 100."""
    return f"{v:,.0f}" if abs(v) >= 100 else ratio_text(v)


def plot_waterfall(result: "Result", *, ax=None) -> "Axes":
    """Gross value, each deduction, present value, and the investment beside it, each bar
    labelled with its amount."""
    ax = _ax(ax)
    s = result.scheme
    w = result.waterfall
    steps = ["gross", "deadweight", "displacement", "attribution", "drop_off", "discounting"]
    names = ["gross value", "deadweight", "displacement", "attribution", "drop-off", "discounting",
             "present value", "investment"]
    level, bottoms, heights, colours, amounts = 0.0, [], [], [], []
    for step in steps:
        v = float(w[step])
        if step == "gross":
            bottoms.append(0.0)
            heights.append(v)
            colours.append("#4d4d4d")
        else:
            bottoms.append(level + min(v, 0.0))
            heights.append(abs(v))
            colours.append("#d6604d" if v < 0 else "#4393c3")
        amounts.append(v)
        level += v
    bottoms += [0.0, 0.0]
    heights += [float(w["present_value"]), float(w["investment"])]
    amounts += heights[-2:]
    colours += ["#1b7837", "#b2182b"]
    bars = ax.bar(range(len(names)), heights, bottom=bottoms, color=colours)
    _value_labels(ax, bars, amounts, _money_text(s.currency))
    ax.set_xticks(range(len(names)), _labels(names), rotation=30, ha="right")
    _style(ax, f"{s.name}: from gross value to present value", x=("names", ""), y=("money", "value"),
           currency=s.currency, price_year=s.price_base)
    return ax


def _stacked(ax, df: pd.DataFrame, names: list[str], money: str, title: str, result: "Result") -> None:
    """Horizontal bars stacked by value type (a type with nothing in it is not drawn and
    not in the legend), each row labelled with its total."""
    left = np.zeros(len(df))
    for vt in [*VALUE_TYPES, "transfer"]:
        if vt not in df.columns:
            continue
        vals = df[vt].to_numpy(dtype=float)
        if not np.any(vals):
            continue
        ax.barh(range(len(df)), vals, left=left, color=TYPE_COLOURS[vt], label=TYPE_LABELS[vt])
        left += vals
    totals = ax.barh(range(len(df)), np.zeros(len(df)), left=left, color="none")  # where each total ends
    _value_labels(ax, totals, left, _money_text(result.scheme.currency))
    ax.set_yticks(range(len(df)), names)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    _style(ax, title, x=("money", money), y=("names", ""), currency=result.scheme.currency,
           price_year=result.scheme.price_base, legend="below")


def plot_value_by_stakeholder(result: "Result", *, ax=None, labels: Mapping[str, str] | None = None) -> "Axes":
    """Present value by stakeholder, split by value type. ``labels`` renames stakeholders."""
    df = result.by_stakeholder_type
    ax = _ax(ax, len(df))
    _stacked(ax, df, _names(df.index, None, labels), "present value", "Present value by stakeholder and type",
             result)
    return ax


def plot_ledger(result: "Result", *, ax=None, labels: Mapping[str, str] | None = None) -> "Axes":
    """Who saves: present value received by each budget holder (by its name, or by
    ``labels``), split by value type and labelled with its total, with what each spent
    marked."""
    led = result.ledger
    ax = _ax(ax, len(led))
    ax.scatter(led["spend"], range(len(led)), marker="x", color="black", zorder=3, label="spend")
    _stacked(ax, led, _names(led.index, dict(zip(led.index, led["name"])), labels), "present value",
             "Who pays, who saves: value received (bars) and spend (x)", result)
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
        ax.annotate(f"payback {pb:,.0f} months", (pb / 12, 0), xytext=(5, 10), textcoords="offset points",
                    fontsize=8, color="#1b7837")
    s = result.scheme
    _style(ax, "Cumulative discounted net value", x=("year", "year of the scheme"),
           y=("money", "cumulative net present value"), currency=s.currency, price_year=s.price_base)
    return ax


def plot_tornado(one_way: "OneWay", *, ax=None, top: int = 15, labels: Mapping[str, str] | None = None) -> "Axes":
    """One-way sensitivity of the SROI ratio: a bar per parameter from low to high, each
    end labelled with the ratio it gives. Parameters are named as the scheme names them
    (or by ``labels``)."""
    t = one_way.table.head(top)
    ax = _ax(ax, len(t))
    base = one_way.base_ratio
    for k, (_, r) in enumerate(t.iterrows()):
        if not np.isfinite(base):  # no inputs, no ratio: no bars rather than NaN ones
            break
        if np.isclose(r["ratio_low"], base, rtol=1e-9, atol=0) and np.isclose(r["ratio_high"], base, rtol=1e-9, atol=0):
            ax.annotate("no change", (base, k), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7,
                        color="grey")
            continue
        for end, colour, name in (("ratio_high", "#4393c3", "high value"),
                                  ("ratio_low", "#d6604d", "low value")):
            if not np.isfinite(r[end]):
                continue
            bar = ax.barh(k, r[end] - base, left=base, color=colour, label=name)
            _value_labels(ax, bar, [r[end]], _ratio_text)
    ax.set_yticks(range(len(t)), _names(t.index, one_way.labels, labels), fontsize=8)
    ax.set_ylim(len(t) - 0.5, -0.5)  # every row in view, the largest swing on top
    if not np.isfinite(base):
        ax.text(0.5, 0.5, "no SROI ratio: the scheme's inputs are zero", transform=ax.transAxes, ha="center")
        _style(ax, "Tornado: which assumptions move the ratio most", x=("number", "SROI ratio"), y=("names", ""))
        return ax
    ax.axvline(base, color="black", lw=1, label=f"base {_ratio_text(base)}")
    ax.margins(x=0.15)
    _style(ax, "Tornado: which assumptions move the ratio most",
           x=("number", "SROI ratio, each parameter at its low and its high value"), y=("names", ""),
           legend="below", ref=(1.0, "a ratio of 1"))
    return ax


def plot_switching_values(sv: "SwitchingValues", *, ax=None, labels: Mapping[str, str] | None = None) -> "Axes":
    """How far each parameter must move (relative change) for the ratio to reach its target."""
    t = sv.table.dropna(subset=["change"])
    t = t.reindex(t["change"].abs().sort_values().index)
    ax = _ax(ax, len(t))
    bars = ax.barh(range(len(t)), t["change"] * 100, color=np.where(t["change"] < 0, "#d6604d", "#4393c3"))
    _value_labels(ax, bars, t["change"].to_numpy(float) * 100, lambda v: f"{v:+,.0f}%")
    ax.set_yticks(range(len(t)), _names(t.index, sv.labels, labels), fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.margins(x=0.15)
    _style(ax, f"Switching values ({sv.target})", x=("number", "change from base needed (%)"), y=("names", ""))
    return ax


def plot_scenarios(table: pd.DataFrame, *, ax=None) -> "Axes":
    """SROI ratio of each named scenario, each bar labelled."""
    ax = _ax(ax, len(table))
    bars = ax.barh(range(len(table)), table["sroi_ratio"], color="#4393c3")
    _value_labels(ax, bars, table["sroi_ratio"].to_numpy(float), _ratio_text)
    ax.set_yticks(range(len(table)), _names(table.index, None, None))
    ax.invert_yaxis()
    ax.margins(x=0.15)
    _style(ax, "Named scenarios", x=("number", "SROI ratio"), y=("names", ""),
           ref=(1.0, "a ratio of 1"))
    return ax


def plot_psa_distribution(psa: "PSAResult", *, ax=None, threshold: float = 1.0) -> "Axes":
    """Histogram of the SROI ratio over the draws, with P(ratio > threshold) written and the
    threshold marked where it is near the draws (a note says where it is otherwise)."""
    ax = _ax(ax)
    r = psa.ratio[np.isfinite(psa.ratio)]
    ax.hist(r, bins=60, color="#92c5de", edgecolor="white")
    p = probability_text(float(psa.prob_ratio_exceeds(threshold)))
    ax.annotate(f"P(ratio > {threshold:g}) {p if p[0] in '<>' else '= ' + p}", (0.99, 0.95),
                xycoords="axes fraction", ha="right", va="top", color="#b2182b", fontsize=9)
    _style(ax, f"Probabilistic sensitivity: {psa.n:,} draws", x=("number", "SROI ratio"),
           y=("number", "draws"),
           ref=(threshold, f"the threshold ratio {threshold:g}", dict(color="#b2182b", lw=1.2, ls="-")))
    return ax


def plot_probability_curve(psa: "PSAResult", *, ax=None) -> "Axes":
    """P(SROI ratio > t) against the threshold ratio t, over the range of the draws."""
    ax = _ax(ax)
    finite = psa.ratio[np.isfinite(psa.ratio)]
    hi = float(np.percentile(finite, 99.5)) * 1.1 if finite.size else 2.0
    curve = psa.probability_curve(np.linspace(0, hi if hi > 0 else 2.0, 200))
    ax.plot(curve.index, curve.to_numpy())
    ax.set_ylim(0, 1.02)
    _style(ax, "How sure are we?", x=("number", "threshold ratio"), y=("number", "probability the ratio exceeds it"),
           ref=(1.0, "a ratio of 1"))
    return ax


def plot_convergence(psa: "PSAResult", *, ax=None) -> "Axes":
    """Running mean of the ratio as draws accumulate."""
    ax = _ax(ax)
    c = psa.convergence(200)
    ax.plot(c.index, c["mean_ratio"])
    ax.set_xscale("log")
    _style(ax, "Convergence", x=("number", "draws"), y=("number", "running mean of the ratio"))
    return ax


def plot_sobol(result: "SobolResult", *, ax=None, top: int = 15, labels: Mapping[str, str] | None = None) -> "Axes":
    """First-order and total Sobol indices with their confidence intervals."""
    t = result.table.head(top)
    ax = _ax(ax, len(t))
    y = np.arange(len(t))
    ax.barh(y - 0.2, t["S1"], height=0.4, xerr=t["S1_conf"], label="first order", color="#4393c3")
    ax.barh(y + 0.2, t["ST"], height=0.4, xerr=t["ST_conf"], label="total", color="#f4a582")
    ax.set_yticks(y, _names(t.index, result.labels, labels), fontsize=8)
    ax.invert_yaxis()
    what = "SROI ratio" if result.output == "ratio" else "NPV"
    _style(ax, "Sobol indices", x=("number", f"share of the variance of the {what}"), y=("names", ""))
    return ax


def plot_evppi(evppi: pd.Series, evpi: float, *, ax=None, currency: str = "GBP", top: int = 15,
               labels: Mapping[str, str] | None = None, price_year: object = None) -> "Axes":
    """Partial EVPI of each parameter (named by ``labels``), labelled, with the EVPI marked."""
    t = evppi.head(top)
    ax = _ax(ax, len(t))
    bars = ax.barh(range(len(t)), t.to_numpy(), color="#4393c3")
    _value_labels(ax, bars, t.to_numpy(float), _money_text(currency))
    ax.axvline(evpi, color="#b2182b", lw=1.2, label=f"EVPI {_money_text(currency)(evpi)}")
    ax.set_yticks(range(len(t)), _names(t.index, None, labels), fontsize=8)
    ax.invert_yaxis()
    ax.margins(x=0.15)
    title = "Value of information: what better evidence on each parameter is worth"
    if max(evpi, float(np.nanmax(t.to_numpy(float), initial=0.0))) < 0.5:  # nothing worth a pound
        ax.set_xlim(0, 1)
        title += "\n(nothing: no evidence on these parameters would change the decision)"
    _style(ax, title, x=("money", "expected value of perfect information"), y=("names", ""), currency=currency,
           price_year=price_year)
    return ax


#: One colour per kind of budget holder (:data:`sroi.model.KIND_ORDER`), for charts
#: across schemes.
KIND_COLOURS = dict(zip(KIND_ORDER, ["#1b7837", "#2166ac", "#762a83", "#b35806", "#f4a582", "#7fbf7b", "#999999"]))


def plot_comparison(table: pd.DataFrame, *, ax=None, labels: Mapping[str, str] | None = None) -> "Axes":
    """Saving per pound invested across schemes, stacked by the kind of budget holder that
    receives it (:data:`sroi.model.HOLDER_KINDS`: one colour per kind, only kinds present in the
    legend; losses, such as the payer's side of a transfer, to the left of 0), each bar
    labelled with its net total (the SROI ratio), with the PSA interval of the ratio where
    the comparison table has one. ``labels`` renames schemes."""
    ax = _ax(ax, len(table))
    # gains stack rightwards from 0 and losses leftwards (a transfer is a gain to one kind
    # and the same loss to another), so each bar's span shows both and the label the net
    right_end, left_end = np.zeros(len(table)), np.zeros(len(table))
    for kind in KIND_ORDER:
        if f"per_kind:{kind}" not in table.columns:
            continue
        vals = table[f"per_kind:{kind}"].to_numpy(dtype=float)
        vals = np.where(np.isfinite(vals), vals, 0.0)  # no inputs: no value per pound to draw
        if not np.any(vals):
            continue
        start = np.where(vals >= 0, right_end, left_end)
        ax.barh(range(len(table)), vals, left=start, color=KIND_COLOURS[kind], label=kind)
        right_end += np.clip(vals, 0, None)
        left_end += np.clip(vals, None, 0)
    net = right_end + left_end
    totals = ax.barh(range(len(table)), np.zeros(len(table)), left=right_end, color="none")
    _value_labels(ax, totals, net, lambda v: f"net {_ratio_text(v)}")
    if {"ratio_low", "ratio_high"} <= set(table.columns):
        lo, hi = table["ratio_low"].to_numpy(float), table["ratio_high"].to_numpy(float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.hlines(np.arange(len(table))[ok], lo[ok], hi[ok], color="black", lw=1.2, label="95% interval of the ratio")
    ax.set_yticks(range(len(table)), _names(table.index, None, labels), fontsize=8)
    ax.invert_yaxis()
    ax.margins(x=0.1)
    _style(ax, "Saving per pound across schemes", x=("number", "value per pound invested, by who receives it"),
           y=("names", ""), legend="below", ref=(1.0, "a ratio of 1"))
    return ax


def probability_text(p: float) -> str:
    """A probability estimated from draws, to two places, never printed as 0.00 or 1.00
    (which would read as certainty): "< 0.01" and "> 0.99" instead.

    >>> probability_text(0.0), probability_text(0.4567), probability_text(1.0)
    ('< 0.01', '0.46', '> 0.99')
    """
    return draws_probability(p)


def plot_forest(table: pd.DataFrame, *, ax=None, interval: float = 0.95,
                labels: Mapping[str, str] | None = None) -> "Axes":
    """A forest plot of a comparison: each scheme's headline ratio (dot) and the central
    ``interval`` of its PSA (line), with P(ratio > 1) written at the right. A scheme with
    no uncertain parameter gets its dot and the words "no interval", never a zero-width
    line that would read as certainty. ``labels`` renames schemes."""
    ax = _ax(ax, len(table))
    y = np.arange(len(table))
    mid = table["sroi_ratio"].to_numpy(float)
    has = "ratio_low" in table.columns
    lo = table["ratio_low"].to_numpy(float) if has else np.full(len(table), np.nan)
    hi = table["ratio_high"].to_numpy(float) if has else np.full(len(table), np.nan)
    ok = np.isfinite(lo) & np.isfinite(hi)
    mid = np.where(np.isfinite(mid), mid, np.nan)  # a scheme with no inputs has no ratio: no dot
    ax.hlines(y[ok], lo[ok], hi[ok], color="#1f4e79", lw=2, label=f"{100 * interval:g}% interval (PSA)")
    ax.plot(mid, y, "o", color="black", ms=5, label="headline ratio")
    for k in range(len(table)):
        if ok[k]:
            p = table["p_ratio_exceeds_1"].iloc[k]
            text = f"P(>1) {probability_text(p)}"
        else:
            text = "no interval: nothing uncertain" if has else "no PSA"
        ax.annotate(text, (1.0, y[k]), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7)
    right = float(np.nanmax(np.r_[hi[ok], mid, 1.0])) * 1.05
    ax.set_xlim(left=min(0.0, float(np.nanmin(np.r_[lo[ok], mid, 0.0]))), right=right)
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_yticks(y, _names(table.index, None, labels), fontsize=8)
    ax.invert_yaxis()
    _style(ax, "SROI ratios with their uncertainty", x=("number", "SROI ratio (value per pound invested)"),
           y=("names", ""), legend="below")
    return ax


def plot_portfolio_npv(result: "PortfolioResult", *, ax=None) -> "Axes":
    """Histogram of the chosen portfolio's NPV over the joint draws, with zero, the mean and
    the central 95% interval marked (only the mean when nothing is uncertain)."""
    ax = _ax(ax)
    npv = result.portfolio_npv
    if result.uncertain and npv.size:
        ax.hist(npv, bins=60, color="#92c5de", edgecolor="white")
        lo, hi = result.npv_interval or (np.nan, np.nan)
        for x in (lo, hi):
            ax.axvline(x, color="#4d4d4d", lw=0.8, ls="--")
        ax.axvline(0.0, color="#b2182b", lw=1.2)
        p = result.p_npv_positive
        title = (f"Portfolio NPV over {npv.size:,} joint draws: P(NPV > 0) = "
                 f"{probability_text(p) if p is not None else 'not estimated'}; "
                 "dashed: 95% interval")
        count = ("number", "draws")
    else:
        title, count = "Portfolio NPV: no scheme carries uncertainty, so no distribution", None
    ax.axvline(result.expected_npv, color="#2166ac", lw=1.5)
    ax.annotate("mean", (result.expected_npv, 0), xytext=(3, 3), textcoords="offset points", color="#2166ac",
                fontsize=8)
    _style(ax, title, x=("money", "net present value of the chosen portfolio"), y=count,
           currency=result.currency, price_year="each scheme's own")
    return ax


def plot_settlement(result: "PortfolioResult", *, ax=None, labels: Mapping[str, str] | None = None) -> "Axes":
    """Each budget holder's expected position (value received less spend): alone, pooled
    before settlement, and after it. Holders are named (or renamed by ``labels``)."""
    from .model import BUDGET_HOLDERS

    ax = _ax(ax)
    st = result.settlement
    if st is None:
        _style(ax, "No budgets stated, so no settlement")
        return ax
    shown = st if st.get("feasible") else st.get("alternative", st)
    rows = shown["holders"]
    names = _names([r["holder"] for r in rows], BUDGET_HOLDERS, labels)
    y = np.arange(len(rows))
    series = [("alone (not pooling)", "standalone", "#bababa"), ("pooled, before transfers", "pooled", "#f4a582"),
              ("after settlement", "final", "#2166ac")]
    h = 0.8 / len(series)
    for k, (label, key, colour) in enumerate(series):
        vals = [r.get(key, np.nan) for r in rows]
        bars = ax.barh(y + (k - 1) * h, vals, height=h, color=colour, label=label)
        _value_labels(ax, bars, np.asarray(vals, dtype=float), _money_text(result.currency))
    ax.axvline(0, color="black", lw=0.6)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.margins(x=0.2)
    which = "" if st.get("feasible") else ": the holders' own best pooled portfolio (society's best leaves them worse off)"
    _style(ax, f"Pooled budget settlement, {shown['rule']} rule{which}",
           x=("money", "expected position: value received less spend"), y=("names", ""),
           currency=result.currency, price_year="each scheme's own")
    return ax


# Text drawn by these functions comes from scheme files: keep it literal (see literal_text).
for _name in __all__:
    if _name.startswith("plot_"):
        globals()[_name] = _literal(globals()[_name])
