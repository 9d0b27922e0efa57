"""The commissioner's report: one self-contained HTML file.

Headline, impact map, inputs, the budget-holder ledger, sensitivity and probability,
every assumption with its source, evidence gaps and model checks. Charts are PNG
images embedded as data URIs; there is no script and nothing is fetched from a
network. Every piece of text that comes from a scheme file is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path


from typing import TYPE_CHECKING

from ._version import __version__
from .display import _headline, _ledger_rows, _setting, money, ratio_interval_text, ratio_text
from .fileio import atomic_write
from .results import Result

if TYPE_CHECKING:
    from .sensitivity.standard import Analyses

__all__ = ["report_html", "write_report"]

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:70rem;color:#222;
line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #ddd;
padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem}th,td{padding:.25rem .55rem;border-bottom:1px solid #eee;
vertical-align:top}th{background:#f4f4f4;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.headline td{font-size:1rem}.big{font-size:2.2rem;font-weight:600;color:#1b7837}.big.bad{color:#b2182b}.muted{color:#666;font-size:.85rem}
.warn{color:#8a4b00}img{max-width:100%;height:auto;display:block;margin:.5rem 0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}@media(max-width:60rem){.grid{grid-template-columns:1fr}}
.assumption{background:#fff4e0}.scroll{overflow-x:auto}.bad{color:#b2182b}
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _img(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return f"<img alt='chart' src='data:image/png;base64,{base64.b64encode(buf.getvalue()).decode('ascii')}'>"


def _chart(draw, *args, **kwargs) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    draw(*args, ax=ax, **kwargs)
    return _img(fig)


def _table(headers, rows, numeric=None, row_class=None) -> str:
    numeric = numeric or [False] * len(headers)
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for k, row in enumerate(rows):
        cls = f" class='{row_class(k)}'" if row_class and row_class(k) else ""
        body.append(f"<tr{cls}>" + "".join(f"<td{' class=n' if n else ''}>{_e(c)}</td>"
                                           for c, n in zip(row, numeric)) + "</tr>")
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{digits}g}"


def _proxy_text(o, cur: str) -> str:
    """An outcome's financial proxy as the impact map shows it: money per unit, or an amount
    of a measure times the measure's value."""
    p = o.proxy
    if p.measure is not None:
        return (f"{_num(p.value.base, 4)} {p.unit} × {money(p.measure.money, cur)} ({p.price_year}, "
                f"uprated by {p.measure.uprating.replace('_', ' ')})")
    return f"{money(p.value.base, cur, 2)} {p.unit} ({p.price_year})"


def _economic_section(case) -> str:
    """The Green Book economic case (:class:`sroi.economic.EconomicCase`, computed by
    :func:`sroi.sensitivity.analyse`) beside the SROI."""
    from .economic import READING_NOTES

    cur = case.result.scheme.currency
    ob = case.optimism_bias
    out = [f"<h2>The Green Book economic case ({case.edition} edition)</h2>",
           "<p class='muted'>Value to society as a whole: transfers between budget holders count zero. "
           "The optimism-bias column lowers each outcome by its evidence grade's correction.</p>",
           _table(["", "as modelled", "optimism bias by grade"],
                  [["Present value of benefits", money(case.present_value_benefits, cur),
                    money(ob["present_value_benefits"], cur)],
                   ["Present value of costs", money(case.present_value_costs, cur),
                    money(ob["present_value_costs"], cur)],
                   ["Net present social value", money(case.npsv, cur), money(ob["npsv"], cur)],
                   ["Benefit-cost ratio", ratio_text(case.bcr), ratio_text(ob["bcr"])]], [False, True, True])]
    d = case.distributional
    out.append("<p>" + (f"Distributionally weighted (&eta; {d['eta']:g}): net present social value "
                        f"{_e(money(d['weighted_npsv'], cur))}, benefit-cost ratio {_e(ratio_text(d['weighted_bcr']))}."
                        if d else "No distributional weights: the scheme has no <code>[distributional]</code> "
                        "table.") + "</p>")
    if case.transfers:
        out.append("<p>Transfers left out: " + "; ".join(
            f"{_e(t['outcome'])} ({_e(money(t['present_value'], cur))} from {_e(t['payer'])} to "
            f"{_e(t['beneficiary'])})" for t in case.transfers) + ".</p>")
    out.append("<h3>Fiscal case by budget holder</h3>")
    out.append(_table(["budget holder", "spend", "cashable", "non-cashable", "transfers", "net cashable",
                       "net fiscal"],
                      [[f["name"], *(money(f[k], cur) for k in ("spend", "fiscal_cashable", "fiscal_non_cashable",
                                                                "transfers", "net_cashable", "net_fiscal"))]
                       for f in case.fiscal_case], [False] + [True] * 6))
    out.append("<ul class='muted'>" + "".join(f"<li>{_e(n)}</li>" for n in READING_NOTES) + "</ul>")
    return "".join(out)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _assumptions(result: Result) -> tuple[list[str], list[list[str]], list[bool]]:
    rows, flags = [], []
    for r in result.model.refs:
        p = r.parameter
        if p.source is None and p.assumption is None and r.kind != "money":
            continue
        where = p.assumption or p.source or ""
        if r.name.endswith(".proxy"):
            o = next(o for o in result.scheme.outcomes if f"{o.id}.proxy" == r.name)
            where = where or o.proxy.source
        rng = f"{_num(p.low, 4)} to {_num(p.high, 4)}" if p.low is not None or p.high is not None else ""
        rows.append([r.name, _num(p.base, 6), rng, "assumption" if p.assumption else "source", where])
        flags.append(bool(p.assumption))
    return ["parameter", "value", "range", "kind", "source or reason"], rows, flags


def _p_text(p: float) -> str:
    return "below 0.01" if p < 0.005 else "above 0.99" if p >= 0.995 else f"= {p:.2f}"


def _pct_draws(p: float) -> str:
    return "fewer than 1%" if p < 0.005 else "more than 99%" if p >= 0.995 else f"{100 * p:.0f}%"


def _how_sure_line(analyses: Analyses) -> str:
    """Beside the headline: the ratio's 95% interval and P(ratio > 1), or, where nothing
    is uncertain, a plain statement instead of a certainty the inputs do not carry."""
    pr = analyses.psa
    if pr is not None and pr.names:
        lo, hi = pr.summary.loc["sroi_ratio", ["p2.5", "p97.5"]]
        how = f" (low-high ranges read as {analyses.ranges_as} distributions)" if analyses.ranges_as else ""
        return (f"<p><b>How sure:</b> 95% interval of the ratio {_e(ratio_interval_text(lo))} to "
                f"{_e(ratio_interval_text(hi))}; "
                f"P(ratio &gt; 1) {_e(_p_text(float(pr.prob_ratio_exceeds(1.0))))} <span class='muted'>({pr.n:,} draws of "
                f"{len(pr.names)} uncertain parameters{_e(how)}, seed {_e(pr.seed)})</span></p>")
    if analyses.psa_requested:
        return ("<p><b>How sure:</b> no interval can be given: no parameter of this scheme is uncertain (none has a "
                "distribution), so a probability here would be false certainty. Give parameters distributions, add "
                "<code>uncertainty = \"graded\"</code>, or run the report with <code>--ranges pert</code>.</p>")
    return "<p><b>How sure:</b> no probabilistic analysis was run for this report (<code>--psa 0</code>).</p>"


def _assumption_line(result: Result) -> str:
    a = result.assumptions
    if not a["numbers"] and not a["inputs"]:
        return ""
    cls = " class='warn'" if a["flagged"] else " class='muted'"
    gate = (f" That is above the {100 * a['threshold']:.0f}% threshold: read the ratio as resting on assumptions "
            "more than on evidence." if a["flagged"] else "")
    return (f"<p{cls}>{100 * a['share_of_value']:.0f}% of the present value rests on numbers marked as assumptions "
            f"({len(a['numbers'])} numbers in {len(a['outcomes'])} outcomes); {100 * a['share_of_investment']:.0f}% "
            f"of the investment.{gate}</p>")


def report_html(analyses: Analyses) -> str:
    """The report as an HTML string (see the module docstring), laid out from analyses
    already computed (:func:`sroi.sensitivity.analyse`)."""
    from . import plots

    result = analyses.result
    s, cur = result.scheme, result.scheme.currency
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{_e(s.name)}: SROI report</title><style>{CSS}</style></head><body>"]
    parts.append(f"<h1>{_e(s.name)}</h1><p class='muted'>{_e(s.place or '')} &middot; {_e(_setting(result))}</p>")
    if s.description:
        parts.append(f"<p>{_e(s.description)}</p>")

    # headline
    parts.append("<h2>Headline</h2>")
    good = result.sroi_ratio >= 1
    parts.append(f"<p><span class='big{'' if good else ' bad'}'>{_e(ratio_text(result.sroi_ratio))} : 1</span> "
                 f"<span class='muted'>present value of outcomes per pound of inputs</span></p>")
    parts.append(_table(["", ""], _headline(result), [False, True]))
    parts.append(_how_sure_line(analyses))
    d = result.distributional
    if d is not None:
        parts.append(f"<p><b>Distributionally weighted</b> (Green Book annex A3, &eta; = {d['eta']:g}, reference "
                     f"income {_e(money(d['reference_income'], cur))}): present value "
                     f"{_e(money(d['weighted_present_value'], cur))}, ratio {_e(ratio_text(d['weighted_sroi_ratio']))}"
                     f" : 1, shown beside the unweighted figures above, not instead of them.</p>")
    parts.append(_assumption_line(result))
    if s.gaps:
        parts.append(f"<p class='muted'>Not valued or not evidenced: {len(s.gaps)} gap"
                     f"{'s' if len(s.gaps) != 1 else ''} listed under <i>Evidence gaps left open</i> below.</p>")

    # impact map and inputs
    parts.append("<h2>The impact map</h2>")
    rows = []
    for o, pv in zip(s.outcomes, result.pv_by_outcome):
        q = "; ".join(f"{n} {_num(p.base, 4)}" for n, p in o.quantity.parts())
        rows.append([o.id, o.stakeholder, o.outcome, o.indicator or "", q,
                     _proxy_text(o, cur),
                     _pct(o.deadweight.base), _pct(o.displacement.base), _pct(o.attribution.base),
                     _pct(o.drop_off.base), _num(o.duration.base, 4), str(o.start_year), o.beneficiary,
                     o.value_type.replace("_", " "), money(pv, cur)])
    parts.append(_table(["id", "stakeholder", "outcome", "indicator", "quantity", "financial proxy", "deadweight",
                         "displacement", "attribution", "drop-off", "years", "start", "who receives it", "type",
                         "present value"], rows, [False] * 4 + [True] + [False] + [True] * 6 + [False] * 2 + [True]))
    parts.append("<h3>Inputs</h3>")
    parts.append(_table(["id", "description", "funder", "kind", "years", "present value"],
                        [[i.id, i.description, i.funder, i.kind.replace("_", " "),
                          ", ".join(map(str, i.years)), money(pv, cur)]
                         for i, pv in zip(s.inputs, result.pv_by_input)],
                        [False] * 5 + [True]))

    # ledger
    parts.append("<h2>Who pays, who saves</h2>")
    headers, rows = _ledger_rows(result)
    parts.append(_table(headers, rows, [False] + [True] * 8))
    parts.append(f"<div class='grid'>{_chart(plots.plot_ledger, result)}{_chart(plots.plot_waterfall, result)}"
                 f"</div>{_chart(plots.plot_cash_flow, result)}")

    parts.append(_economic_section(analyses.economic))

    # sensitivity
    parts.append("<h2>Sensitivity</h2>")
    ow = analyses.one_way
    parts.append("<p class='muted'>Each parameter moved to its low and high value (or base &plusmn; "
                 f"{100 * analyses.spread:g}% where the scheme gives no range), one at a time.</p>")
    parts.append(_chart(plots.plot_tornado, ow, top=12))
    sv = analyses.switching.table
    found = sv.dropna(subset=["switching_value"])
    parts.append("<h3>Switching values: where the ratio reaches 1:1</h3>")
    parts.append(_table(["parameter", "base", "switching value", "change"],
                        [[n, _num(r["base"], 6), _num(r["switching_value"], 6),
                          f"{100 * r['change']:+.0f}%" if r["change"] == r["change"] else "from 0"]
                         for n, r in found.iterrows()], [False, True, True, True]) if len(found) else
                 "<p>No single parameter, moved within its valid range, brings the ratio to 1:1.</p>")
    if analyses.scenarios is not None:
        table = analyses.scenarios
        parts.append("<h3>Named scenarios</h3>")
        parts.append(_table(["scenario", "SROI ratio", "NPV", "what changes"],
                            [[n, ratio_text(r["sroi_ratio"]), money(r["npv"], cur), r["changes"]]
                             for n, r in table.iterrows()], [False, True, True, False]))

    # probability
    parts.append("<h2>How sure are we?</h2>")
    pr = analyses.psa
    if pr is not None and pr.names:
        parts.append(f"<p>{pr.n:,} draws of the {len(pr.names)} parameters with a distribution (seed {pr.seed}): "
                     f"the ratio exceeds 1 in <b>{_pct_draws(float(pr.prob_ratio_exceeds(1.0)))}</b> of draws; the expected "
                     f"value of perfect information for a fund / do-not-fund decision is "
                     f"<b>{_e(money(pr.evpi(1.0), cur))}</b>.</p>")
        parts.append(f"<div class='grid'>{_chart(plots.plot_psa_distribution, pr)}"
                     f"{_chart(plots.plot_probability_curve, pr)}</div>")
    elif not analyses.psa_requested:
        parts.append("<p>No probabilistic analysis was run for this report. The tornado and switching values "
                     "above show the sensitivity.</p>")
    else:
        parts.append("<p>No interval and no probability: no parameter of this scheme is uncertain (none has a "
                     "distribution), and a probability computed from certain inputs would be 0% or 100%, a "
                     "certainty the evidence does not carry. The tornado and switching values above show how far "
                     "the ratio moves. To see a spread, give parameters distributions, add "
                     "<code>uncertainty = \"graded\"</code> to the scheme, or run the report with "
                     "<code>--ranges pert</code>.</p>")

    # assumptions, sources, gaps, checks
    parts.append("<h2>Every number and where it comes from</h2>")
    headers, rows, flags = _assumptions(result)
    parts.append(_table(headers, rows, [False, True, False, False, False],
                        row_class=lambda k: "assumption" if flags[k] else ""))
    if s.sources:
        parts.append("<h3>Sources</h3><ul>" + "".join(
            f"<li><b>{_e(src.id)}</b>: {_e(src.citation)}"
            + (f" <span class='muted'>{_e(src.url)}</span>" if src.url else "") + "</li>" for src in s.sources)
            + "</ul>")
    if s.gaps:
        parts.append("<h3>Evidence gaps left open</h3><ul>" + "".join(f"<li>{_e(g)}</li>" for g in s.gaps) + "</ul>")
    parts.append("<h3>Model checks</h3>")
    parts.append("<ul>" + "".join(f"<li class='warn'>{_e(w)}</li>" for w in result.warnings) + "</ul>"
                 if result.warnings else "<p>No warnings.</p>")
    prov = result.provenance
    seed = f" &middot; PSA seed {_e(pr.seed)}" if pr is not None and pr.names else ""
    parts.append(f"<p class='muted'>sroi {_e(__version__)} &middot; scheme SHA-256 {_e(prov['scheme_sha256'][:16])}"
                 f"&hellip;{seed}</p></body></html>")
    return "".join(parts)


def write_report(analyses: Analyses, path: str | Path, *, force: bool = False) -> Path:
    """Write the report atomically; refuses to overwrite an existing file unless ``force``."""
    return atomic_write(path, report_html(analyses), force=force)
