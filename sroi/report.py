"""The commissioner's report: one self-contained HTML file.

It leads with three plain sentences (who pays; who saves and how much of it is
cashable; how sure we are), then the headline with its interval beside what is and is
not valued, then the impact map, the budget-holder ledger, the economic case,
sensitivity and probability, every number with its public source, gaps and model
checks, and an appendix mapping names to the ids a scheme file uses. Caveats sit beside
the figure they bear on.

People's names are shown, not ids (ids appear only in hover titles and the appendix);
numbers go through :func:`sroi.display.number_text` and :func:`sroi.display.money`;
text citing working files nobody else has (``shared/seeds/...``, "seed 001 line 425")
is left out of references. The page is laid out to fit a 1280-pixel screen and A4
paper (print rules with ``@page``): the impact map is split into two tables whose cells
wrap rather than scroll. Charts are PNG images embedded as data URIs; there is no script
and nothing is fetched from a network. Every piece of text from a scheme file is
HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .display import (TYPE_LABELS, _headline, draws_probability, money, number_text, parameter_label, ratio_interval_text,
                      ratio_text, _setting)
from .fileio import atomic_write
from .results import Result
from .uncertainty import illustrative

if TYPE_CHECKING:
    from .model import Scheme
    from .sensitivity.standard import Analyses

__all__ = ["report_html", "write_report", "public_text"]

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:70rem;color:#222;
line-height:1.45;padding:0 1.5rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #ddd;
padding-bottom:.2rem}h3{font-size:1rem;margin-top:1.4rem}
p,li,td,th,dd{overflow-wrap:break-word}a{word-break:break-all}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem;width:100%}
th,td{padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f4f4f4;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}
.summary{font-size:1.08rem;background:#f5f8fb;border-left:4px solid #2166ac;padding:.6rem 1rem;margin:1rem 0}
.summary p{margin:.35rem 0}
.top{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:1.5rem;align-items:start}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem}
.card h2{margin-top:.2rem}
.big{font-size:2.2rem;font-weight:600;color:#1b7837}.big.below{color:#444}
.muted{color:#666;font-size:.85rem}.warn{color:#8a4b00}
.caveat{font-size:.8rem}.valued li{margin:.15rem 0}.notvalued li{margin:.15rem 0;color:#555}
img{max-width:100%;height:auto;display:block;margin:.5rem 0}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
@media(max-width:60rem){.grid,.top{grid-template-columns:minmax(0,1fr)}}
.assumption{background:#fff4e0}
abbr{text-decoration:none}
@page{size:A4;margin:15mm 12mm}
@media print{
body{margin:0;max-width:none;padding:0;font-size:10pt}
.grid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
.top{grid-template-columns:minmax(0,1fr);gap:.6rem}
table{font-size:8pt}th,td{padding:.15rem .3rem}
h2,h3{break-after:avoid;page-break-after:avoid}
tr,img,.summary,li{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
a{color:inherit}
}
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
    """A chart as an embedded image (the plots name parameters, holders and outcomes
    themselves, from the scheme)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    draw(*args, ax=ax, **kwargs)
    return _img(fig)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


class _Html(str):
    """A table cell already written as HTML (its scheme text escaped by whoever built it)."""


def _cell(c, title: str | None = None) -> str:
    inner = c if isinstance(c, _Html) else _e(c)
    return inner if title is None else f"<span title='{_e(title)}'>{inner}</span>"


def _table(headers, rows, numeric=None, row_class=None, titles=None) -> str:
    """An HTML table; ``titles[k]`` is a hover title for row k's first cell (its id)."""
    numeric = numeric or [False] * len(headers)
    head = "".join(f"<th{' class=n' if n else ''}>{_e(h)}</th>" for h, n in zip(headers, numeric))
    body = []
    for k, row in enumerate(rows):
        cls = f" class='{row_class(k)}'" if row_class and row_class(k) else ""
        cells = [f"<td{' class=n' if n else ''}>{_cell(c, titles[k] if titles and j == 0 else None)}</td>"
                 for j, (c, n) in enumerate(zip(row, numeric))]
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _pct(x: float) -> str:
    """A rate as the scheme gives it (12.5%)."""
    return f"{number_text(100 * x, 3)}%"


def _share(x: float) -> str:
    """A share of a total, to two significant figures (57%, 6.4%)."""
    return f"{number_text(100 * x, 2)}%"


# --------------------------------------------------------------------------- public text

#: Working references no reader has: paths to the project's seed files, and line numbers in them.
_INTERNAL = (
    re.compile(r"(?:shared/)?seeds/[\w./-]+,?"),
    re.compile(r"\bseed\s+\d+\s+(?=lines?\b)", re.I),
    re.compile(r"(?:\bat\s+)?\blines?\s+\d+(?:\s*[-\u2013]\s*\d+)?(?:\s*(?:,|and)\s*\d+(?:\s*[-\u2013]\s*\d+)?)*",
               re.I),
)
_TIDY = ((re.compile(r"\(\s*[;,:]?\s*\)"), ""), (re.compile(r"\(\s*(?:and\s+)?"), "("), (re.compile(r"\(\s*[;,:]\s*"), "("),
         (re.compile(r"\s*[;,:]\s*\)"), ")"), (re.compile(r"([;,:])(\s*[;,:])+"), r"\1"),
         (re.compile(r"\s+([;,:.)])"), r"\1"), (re.compile(r"\s{2,}"), " "))


def public_text(text: str, sources: dict[str, str] | None = None) -> str:
    """``text`` with references to working files left out ("(shared/seeds/001_...txt,
    lines 61-109)", "seed 001 line 425", "line 840"), and source ids replaced by the
    reference numbers of ``sources`` (``{"seed_fnp": "[1]"}``).

    >>> public_text("Boyle 2010 (shared/seeds/001_ab.txt, lines 61-109)")
    'Boyle 2010'
    >>> public_text("half of them (seed_mosaic line 796) left", {"seed_mosaic": "[1]"})
    'half of them ([1]) left'
    """
    out = text
    for pat in _INTERNAL:
        out = pat.sub("", out)
    for pat, repl in _TIDY:
        out = pat.sub(repl, out)
    if sources:
        out = re.sub(r"\b[a-z][a-z0-9_]*\b", lambda m: sources.get(m.group(0), m.group(0)), out)
    return out.strip(" ,;:")


def _outcome_caveats(result: Result) -> dict[int, list[str]]:
    """The model checks that bear on each outcome (by its position), worded with names."""
    out: dict[int, list[str]] = {}
    for w in result.warnings:
        m = re.match(r"outcomes\[(\d+)\]", getattr(w, "field", "") or "")
        if m:
            k = int(m.group(1)) - 1
            own = f"'{result.scheme.outcomes[k].id}' "  # beside the outcome, its name need not be repeated
            text = w.message[len(own):] if w.message.startswith(own) else w.message
            out.setdefault(k, []).append(_named(text[:1].upper() + text[1:], result.scheme))
    return out


def _with_caveats(text: str, caveats: list[str]) -> _Html:
    return _Html(_e(text) + "".join(f"<br><span class='warn caveat'>&#9888; {_e(c)}</span>" for c in caveats))


def _named(text: str, scheme: "Scheme") -> str:
    """A model check's message with quoted outcome and input ids replaced by their names."""
    names = {o.id: o.outcome for o in scheme.outcomes} | {i.id: i.description for i in scheme.inputs}
    return re.sub(r"'([a-z][a-z0-9_]*)'", lambda m: f"\u2018{_short(names[m.group(1)], 70)}\u2019"
                  if m.group(1) in names else m.group(0), text)


# --------------------------------------------------------------------------- the summary


def _listing(items: list[str]) -> str:
    """"a, b and c"; with semicolons when a name has a comma of its own."""
    sep = "; " if any("," in i for i in items) else ", "
    last = "; and " if sep == "; " and len(items) > 2 else " and "
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + last + items[-1]


def _psa_interval(analyses: Analyses) -> tuple[float, float, float] | None:
    """(low, high, P(ratio > 1)) when a PSA of uncertain parameters ran, else None."""
    pr = analyses.psa
    if pr is None or not pr.names:
        return None
    lo, hi = pr.summary.loc["sroi_ratio", ["p2.5", "p97.5"]]
    return float(lo), float(hi), float(pr.prob_ratio_exceeds(1.0))


def _in_sentence(name: str) -> str:
    """A holder's name inside a sentence: "The participant" reads "the participant"."""
    return "the" + name[3:] if name.startswith("The ") else name


def _pct_draws(p: float) -> str:
    return draws_probability(p, below="fewer than 1%", above="more than 99%", fmt=lambda p: f"{100 * p:.0f}%")


def summary_sentences(analyses: Analyses) -> list[str]:
    """Three plain sentences from the results: who pays; who saves and how much of it is
    cashable; how sure we are (the PSA's interval, or in words that there is none)."""
    result = analyses.result
    s, cur = result.scheme, result.scheme.currency
    led = result.ledger
    spend = led[led["spend"] > 0].sort_values("spend", ascending=False)
    shown = spend if len(spend) <= 4 else spend.head(3)
    payers = [f"{r['name']} ({_share(r['spend'] / result.investment)})" if len(spend) > 1 else str(r["name"])
              for _, r in shown.iterrows()]
    if len(spend) > len(shown):
        payers.append(f"{len(spend) - len(shown)} others")
    first = str(spend["name"].iloc[0]).split()[0] if len(spend) else ""
    one = len(spend) == 1 and not (first.endswith("s") and not first.isupper())  # "Others pay", "NHS pays"
    pays = (f"{_listing(payers)} pay{'s' if one else ''} for the scheme: "
            f"{money(result.investment, cur)} in present value over {s.horizon} year{'s' if s.horizon != 1 else ''}."
            if payers else "Nothing is spent on the scheme as written: its inputs are zero, so it has no SROI ratio.")
    # who gains society's value: a transfer (money moved between holders, zero for society)
    # is left out, or a benefit paid less would read as the scheme's value
    own = led["total_value"] - (led["transfer"] if "transfer" in led else 0.0)
    gains = led.assign(own=own)[own > 0].sort_values("own", ascending=False)
    if not len(gains):
        saves = "No budget holder or group gains on what is valued."
    else:
        top = [f"{_in_sentence(r['name'])} ({money(r['own'], cur)})" for _, r in gains.head(2).iterrows()]
        cash = float(led["fiscal_cashable"].clip(lower=0).sum()) if "fiscal_cashable" in led else 0.0
        share = cash / result.present_value if result.present_value > 0 else math.nan
        cash_text = ("none of it is cashable (no budget can be released)" if cash == 0 else
                     f"{money(cash, cur)} of it ({_share(share)}) is cashable, money a budget could release")
        where = "all goes to" if len(gains) == 1 else "goes mostly to"
        moved = float(led["transfer"].clip(lower=0).sum()) if "transfer" in led else 0.0
        moved_text = (f" ({money(moved, cur)} more moves between budgets as a transfer, which nets to zero)"
                      if moved > 0 else "")
        saves = f"The value of {money(result.present_value, cur)}{moved_text} {where} {_listing(top)}; {cash_text}."
    iv = _psa_interval(analyses)
    ratio = f"{ratio_text(result.sroi_ratio)} : 1"
    if iv is not None and analyses.psa is not None:
        lo, hi, p = iv
        sure = (f"The ratio is {ratio}; allowing for the uncertainty in {len(analyses.psa.names)} inputs, it is "
                f"between {ratio_interval_text(lo)} and {ratio_interval_text(hi)} in 95% of simulations and above "
                f"1 : 1 in {_pct_draws(p)} of them.")
    elif analyses.psa_requested:
        sure = (f"The ratio is {ratio}, with no interval: no input of this scheme carries uncertainty, so the "
                "figure is a single estimate and no probability can be given.")
    else:
        sure = (f"The ratio is {ratio}, with no interval: no probabilistic analysis was run for this report.")
    if s.gaps:
        sure += (f" It counts only what is valued below; {len(s.gaps)} effect{'s are' if len(s.gaps) != 1 else ' is'} "
                 "not valued.")
    return [pays, saves, sure]


def _how_sure_line(analyses: Analyses) -> str:
    """Under the headline: the ratio's 95% interval and P(ratio > 1), or, where nothing
    is uncertain, a plain statement instead of a certainty the inputs do not carry."""
    iv = _psa_interval(analyses)
    pr = analyses.psa
    if iv is not None and pr is not None:
        lo, hi, p = iv
        how = f", low-high ranges read as {analyses.ranges_as} distributions" if analyses.ranges_as else ""
        return (f"<p><b>95% interval:</b> {_e(ratio_interval_text(lo))} to {_e(ratio_interval_text(hi))} : 1"
                f" &middot; <b>P(ratio &gt; 1):</b> {_e(_p_text(p))}<br><span class='muted'>{pr.n:,} draws of "
                f"{len(pr.names)} uncertain parameters{_e(how)}; PSA seed {_e(pr.seed)}</span></p>")
    if analyses.psa_requested:
        return ("<p><b>No interval:</b> no parameter of this scheme is uncertain (none has a distribution), so a "
                "probability here would be false certainty. <span class='muted'>Give parameters distributions, add "
                "<code>uncertainty = \"graded\"</code>, or run the report with <code>--ranges pert</code>.</span></p>")
    return "<p><b>No interval:</b> no probabilistic analysis was run for this report (<code>--psa 0</code>).</p>"


def _p_text(p: float) -> str:
    return draws_probability(p, below="below 0.01", above="above 0.99")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _assumption_line(result: Result) -> str:
    a = result.assumptions
    if not a["numbers"] and not a["inputs"]:
        return ""
    cls = " class='warn'" if a["flagged"] else " class='muted'"
    gate = (f" That is above the {100 * a['threshold']:.0f}% threshold: read the ratio as resting on assumptions "
            "more than on evidence." if a["flagged"] else "")
    return (f"<p{cls}>{_share(a['share_of_value'])} of the present value rests on numbers marked as assumptions "
            f"({_count(len(a['numbers']), 'number')} in {_count(len(a['outcomes']), 'outcome')}); "
            f"{_share(a['share_of_investment'])} "
            f"of the investment.{gate}</p>")


def _headline_card(analyses: Analyses) -> str:
    result = analyses.result
    s, cur = result.scheme, result.scheme.currency
    good = result.sroi_ratio >= 1
    out = ["<section class='card'><h2>Headline</h2>",
           f"<p><span class='big{'' if good else ' below'}'>{_e(ratio_text(result.sroi_ratio))} : 1</span> "
           f"<span class='muted'>present value of what is valued per {_e(money(1, cur))} of inputs"
           f"{'' if good else ' (below 1 : 1)'}</span></p>",
           _how_sure_line(analyses),
           _table(["", ""], _headline(result), [False, True])]
    d = result.distributional
    if d is not None:
        out.append(f"<p class='muted'><b>Distributionally weighted</b> (Green Book annex A3, &eta; = {d['eta']:g}, "
                   f"reference income {_e(money(d['reference_income'], cur))}): present value "
                   f"{_e(money(d['weighted_present_value'], cur))}, ratio {_e(ratio_text(d['weighted_sroi_ratio']))}"
                   f" : 1, beside the unweighted figures, not instead of them.</p>")
    out.append(_assumption_line(result))
    flag, why = illustrative(result)
    if flag:
        out.append(f"<p class='warn'>Illustrative (marked &dagger; in a league table): {_e(why)}: the headline "
                   "shows what the scheme could be worth, not what it has been shown to be worth.</p>")
    if s.reproduction is not None and s.reproduction.grade != "rebuilt":
        out.append(f"<p class='warn'>Illustrative: this scheme reproduces a publication only "
                   f"{'in part' if s.reproduction.grade == 'partial' else 'as arithmetic on its totals'}.</p>")
    out.append("</section>")
    return "".join(out)


def _valued_card(result: Result) -> str:
    """What the ratio counts (each outcome, who receives it, its share) and what it does not
    (the scheme's gaps)."""
    s, cur = result.scheme, result.scheme.currency
    out = ["<section class='card'><h2>What is valued, and what is not</h2>",
           "<p class='muted'>The ratio counts " + (f"these {len(s.outcomes)} outcomes" if len(s.outcomes) != 1
                                                   else "this outcome") + " only:</p><ul class='valued'>"]
    resting = {k: [c for c in cs if "is an assumption" in c] for k, cs in _outcome_caveats(result).items()}
    for k, (o, (_, r)) in enumerate(zip(s.outcomes, result.by_outcome.iterrows())):
        share = "" if not math.isfinite(r["share"]) else f", {_share(r['share'])}"
        note = "".join(f"<br><span class='warn caveat'>&#9888; {_e(c)}</span>" for c in resting.get(k, []))
        out.append(f"<li title='{_e(o.id)}'>{_e(o.outcome)} <span class='muted'>({_e(s.holder_name(o.beneficiary))}, "
                   f"{_e(TYPE_LABELS[o.value_type])}: {_e(money(r['present_value'], cur))}{_e(share)})</span>"
                   f"{note}</li>")
    out.append("</ul>")
    if s.gaps:
        out.append("<p class='muted'>Not valued, or not evidenced, so not in the ratio:</p><ul class='notvalued'>"
                   + "".join(f"<li>{_e(public_text(g))}</li>" for g in s.gaps) + "</ul>")
    else:
        out.append("<p class='muted'>The scheme lists no effect left unvalued.</p>")
    out.append("</section>")
    return "".join(out)


# --------------------------------------------------------------------------- sections


def _proxy_text(o, cur: str) -> str:
    """An outcome's financial proxy as the impact map shows it: money per unit, or an amount
    of a measure times the measure's value."""
    p = o.proxy
    if p.measure is not None:
        return (f"{number_text(p.value.base, 4)} {p.unit} × {money(p.measure.money, cur)} ({p.price_year} prices, "
                f"uprated by {p.measure.uprating.replace('_', ' ')})")
    digits = 2 if p.value.base < 100 else 0
    return f"{money(p.value.base, cur, digits)} {p.unit} ({p.price_year} prices)"


def _impact_map(result: Result) -> str:
    """The impact map in two tables (what changes and for whom; how it is valued), each
    narrow enough to wrap on a 1280-pixel screen and on A4 instead of scrolling."""
    s, cur = result.scheme, result.scheme.currency
    titles = [o.id for o in s.outcomes]
    caveats = _outcome_caveats(result)
    who = [[o.outcome, o.stakeholder, o.indicator or "", s.holder_name(o.beneficiary), TYPE_LABELS[o.value_type],
            money(pv, cur)] for o, pv in zip(s.outcomes, result.pv_by_outcome)]
    how: list[list[str]] = []
    for o in s.outcomes:
        q = "; ".join(f"{'' if n == 'count' else n + ' '}{_pct(p.base) if n != 'count' else number_text(p.base, 4)}"
                      for n, p in o.quantity.parts())
        if o.quantity.kind != "count":
            q += " of each year's participants"
        how.append([_with_caveats(o.outcome, caveats.get(len(how), [])), q, _proxy_text(o, cur), _pct(o.deadweight.base), _pct(o.displacement.base),
                    _pct(o.attribution.base), _pct(o.drop_off.base),
                    f"{number_text(o.duration.base, 3)} from year {o.start_year}"])
    return ("<h3>What changes, for whom</h3>"
            + _table(["outcome", "stakeholder", "indicator", "who receives the value", "type", "present value"],
                     who, [False] * 5 + [True], titles=titles)
            + "<h3>How it is counted and valued</h3>"
            + _table(["outcome", "quantity", "financial proxy", "deadweight", "displacement", "attribution",
                      "drop-off", "years"], how, [False] * 3 + [True] * 4 + [False], titles=titles))


def _ledger(result: Result) -> str:
    cur = result.scheme.currency
    ledger = result.ledger
    types = [t for t in result.value_types if (ledger[t] != 0).any()] or ["social"]
    rows = [[r["name"], *(money(r[t], cur) for t in types), money(r["total_value"], cur), money(r["spend"], cur),
             ratio_text(r["value_per_pound_invested"]),
             ratio_text(r["value_per_pound_own_spend"]) if r["spend"] else "-"] for _, r in ledger.iterrows()]
    sym = money(1, cur)
    headers = ["budget holder", *(TYPE_LABELS[t] for t in types), "total value", "spent", f"per {sym} invested",
               f"per {sym} own spend"]
    return _table(headers, rows, [False] + [True] * (len(headers) - 1), titles=list(ledger.index))


def _economic_section(case) -> str:
    """The Green Book economic case (:class:`sroi.economic.EconomicCase`, computed by
    :func:`sroi.sensitivity.analyse`) beside the SROI."""
    from .economic import READING_NOTES

    s = case.result.scheme
    cur = s.currency
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
        names = {o.id: o.outcome for o in s.outcomes}
        out.append("<p>Transfers left out: " + "; ".join(
            f"{_e(names.get(t['outcome'], t['outcome']))} ({_e(money(t['present_value'], cur))} from "
            f"{_e(s.holder_name(t['payer']))} to {_e(s.holder_name(t['beneficiary']))})" for t in case.transfers)
            + ".</p>")
    out.append("<h3>Fiscal case by budget holder</h3>")
    out.append(_table(["budget holder", "spend", "cashable", "non-cashable", "transfers", "net cashable",
                       "net fiscal"],
                      [[f["name"], *(money(f[k], cur) for k in ("spend", "fiscal_cashable", "fiscal_non_cashable",
                                                                "transfers", "net_cashable", "net_fiscal"))]
                       for f in case.fiscal_case], [False] + [True] * 6,
                      titles=[f["budget_holder"] for f in case.fiscal_case]))
    out.append("<ul class='muted'>" + "".join(f"<li>{_e(n)}</li>" for n in READING_NOTES) + "</ul>")
    return "".join(out)


def _source_numbers(s: "Scheme") -> dict[str, str]:
    return {src.id: f"[{k}]" for k, src in enumerate(s.sources, 1)}


def _assumptions(result: Result) -> str:
    """Every number with its value, range and public source or reason (assumptions shaded)."""
    s = result.scheme
    refs = _source_numbers(s)
    # outcome and input ids written into a reason ("same share as community_participation_qaly") read by name
    refs |= {x.id: f"\u2018{x.outcome}\u2019" for x in s.outcomes if "_" in x.id}
    refs |= {x.id: f"\u2018{x.description}\u2019" for x in s.inputs if "_" in x.id}
    rows, flags, titles = [], [], []
    for r in result.model.refs:
        p = r.parameter
        if p.source is None and p.assumption is None and r.kind != "money":
            continue
        where = p.assumption or p.source or ""
        o = None
        if r.name.endswith(".proxy"):
            o = next(o for o in s.outcomes if f"{o.id}.proxy" == r.name)
            where = where or o.proxy.source
        rng = (f"{number_text(p.low, 4)} to {number_text(p.high, 4)}" if p.low is not None or p.high is not None
               else "")
        is_money = r.kind == "money" and not (o is not None and o.proxy.measure is not None)
        value = money(p.base, s.currency, 2 if abs(p.base) < 100 else 0) if is_money else number_text(p.base, 4)
        rows.append([parameter_label(s, r.name), value, rng,
                     "assumption" if p.assumption else "source", public_text(where, refs)])
        flags.append(bool(p.assumption))
        titles.append(r.name)
    return _table(["number", "value", "range", "kind", "source or reason"], rows, [False, True, True, False, False],
                  row_class=lambda k: "assumption" if flags[k] else "", titles=titles)


def _references(s: "Scheme") -> str:
    """The scheme's sources as numbered public references: the citation without working
    file paths, and the URL as a link."""
    if not s.sources:
        return ""
    items = []
    for k, src in enumerate(s.sources, 1):
        cite = public_text(src.citation)
        link = (f" <a href='{_e(src.url)}'>{_e(src.url)}</a>" if src.url and re.match(r"https?://", src.url)
                else "")
        items.append(f"<li id='ref{k}' title='{_e(src.id)}'>[{k}] {_e(cite)}{link}</li>")
    return "<h3>References</h3><ul style='list-style:none;padding-left:0'>" + "".join(items) + "</ul>"


def _sensitivity(analyses: Analyses) -> str:
    from . import plots

    s = analyses.result.scheme
    out = ["<h2>Sensitivity</h2>",
           "<p class='muted'>Each parameter moved to its low and high value (or base &plusmn; "
           f"{100 * analyses.spread:g}% where the scheme gives no range), one at a time.</p>",
           _chart(plots.plot_tornado, analyses.one_way, top=12)]
    sv = analyses.switching.table
    found = sv.dropna(subset=["switching_value"])
    out.append("<h3>Switching values: where the ratio reaches 1 : 1</h3>")
    out.append(_table(["parameter", "base", "switching value", "change"],
                      [[parameter_label(s, n), number_text(r["base"], 4), number_text(r["switching_value"], 4),
                        f"{100 * r['change']:+.0f}%" if math.isfinite(r["change"]) else "from 0"]
                       for n, r in found.iterrows()], [False, True, True, True], titles=list(found.index))
               if len(found) else
               "<p>No single parameter, moved within its valid range, brings the ratio to 1 : 1.</p>")
    if analyses.scenarios is not None:
        cur = s.currency
        out.append("<h3>Named scenarios</h3>")
        out.append(_table(["scenario", "SROI ratio", "NPV", "what changes"],
                          [[n, ratio_text(r["sroi_ratio"]), money(r["npv"], cur), _named_params(r["changes"], s)]
                           for n, r in analyses.scenarios.iterrows()], [False, True, True, False]))
    return "".join(out)


def _named_params(text: str, s: "Scheme") -> str:
    """Parameter ids in a scenario's description of its changes shown by name."""
    named = re.sub(r"\b[a-z][a-z0-9_]*\.[a-z_0-9]+\b", lambda m: parameter_label(s, m.group(0)), str(text))
    return re.sub(r"= (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)", lambda m: "= " + number_text(float(m.group(1)), 4), named)


def _probability(analyses: Analyses) -> str:
    from . import plots

    cur = analyses.result.scheme.currency
    out = ["<h2>How sure are we?</h2>"]
    pr = analyses.psa
    if pr is not None and pr.names:
        out.append(f"<p>{pr.n:,} draws of the {len(pr.names)} parameters with a distribution (PSA seed {pr.seed}): "
                   f"the ratio exceeds 1 in <b>{_pct_draws(float(pr.prob_ratio_exceeds(1.0)))}</b> of draws; the "
                   f"expected value of perfect information for a fund / do-not-fund decision is "
                   f"<b>{_e(money(pr.evpi(1.0), cur))}</b>.</p>")
        out.append(f"<div class='grid'>{_chart(plots.plot_psa_distribution, pr)}"
                   f"{_chart(plots.plot_probability_curve, pr)}</div>")
    elif not analyses.psa_requested:
        out.append("<p>No probabilistic analysis was run for this report. The tornado and switching values "
                   "above show the sensitivity.</p>")
    else:
        out.append("<p>No interval and no probability: no parameter of this scheme is uncertain (none has a "
                   "distribution), and a probability computed from certain inputs would be 0% or 100%, a "
                   "certainty the evidence does not carry. The tornado and switching values above show how far "
                   "the ratio moves. To see a spread, give parameters distributions, add "
                   "<code>uncertainty = \"graded\"</code> to the scheme, or run the report with "
                   "<code>--ranges pert</code>.</p>")
    return "".join(out)


def _appendix(result: Result) -> str:
    """Names against the ids a scheme file uses, for readers who edit the file."""
    s = result.scheme
    rows = ([[o.outcome, "outcome", o.id] for o in s.outcomes] + [[i.description, "input", i.id] for i in s.inputs]
            + [[s.holder_name(h), "budget holder", h] for h in result.ledger.index])
    return ("<h2>Appendix: ids in the scheme file</h2><p class='muted'>The names above against the ids the scheme "
            "file uses (a parameter's id is the outcome's or input's id, a dot and the field, "
            "e.g. <code>outcome_id.deadweight</code>).</p>" + _table(["name", "kind", "id"], rows))


def report_html(analyses: Analyses) -> str:
    """The report as an HTML string (see the module docstring), laid out from analyses
    already computed (:func:`sroi.sensitivity.analyse`)."""
    from . import plots

    result = analyses.result
    s = result.scheme
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{_e(s.name)}: SROI report</title><style>{CSS}</style></head><body>"]
    parts.append(f"<h1>{_e(s.name)}</h1><p class='muted'>{_e(s.place or '')} &middot; {_e(_setting(result))}</p>")
    parts.append("<section class='summary'>" + "".join(f"<p>{_e(t)}</p>" for t in summary_sentences(analyses))
                 + "</section>")
    parts.append(f"<div class='top'>{_headline_card(analyses)}{_valued_card(result)}</div>")
    if s.description:
        parts.append(f"<h2>The scheme</h2><p>{_e(public_text(s.description))}</p>")

    parts.append("<h2>The impact map</h2>")
    parts.append(_impact_map(result))
    parts.append("<h3>Inputs</h3>")
    cur = s.currency
    parts.append(_table(["input", "paid by", "kind", "years", "present value"],
                        [[i.description, s.holder_name(i.funder), i.kind.replace("_", " "),
                          ", ".join(map(str, i.years)), money(pv, cur)]
                         for i, pv in zip(s.inputs, result.pv_by_input)],
                        [False] * 4 + [True], titles=[i.id for i in s.inputs]))

    parts.append("<h2>Who pays, who saves</h2>")
    parts.append("<p class='muted'>Cashable savings release money from a budget; non-cashable ones free capacity "
                 "that is not released as cash unless a service is cut or redeployed.</p>")
    parts.append(_ledger(result))
    parts.append(f"<div class='grid'>{_chart(plots.plot_ledger, result)}"
                 f"{_chart(plots.plot_waterfall, result)}</div>{_chart(plots.plot_cash_flow, result)}")

    parts.append(_economic_section(analyses.economic))
    parts.append(_sensitivity(analyses))
    parts.append(_probability(analyses))

    parts.append("<h2>Every number and where it comes from</h2>")
    parts.append("<p class='muted'>Shaded rows are assumptions, with the reason; numbers in brackets refer to the "
                 "references below.</p>")
    parts.append(_assumptions(result))
    parts.append(_references(s))
    if s.gaps:
        parts.append("<h3>Evidence gaps left open</h3><ul>" + "".join(f"<li>{_e(public_text(g))}</li>"
                                                                      for g in s.gaps) + "</ul>")
    parts.append("<h3>Model checks</h3>")
    parts.append("<ul>" + "".join(f"<li class='warn' title='{_e(w.field)}'>{_e(_named(w.message, s))}</li>"
                                  for w in result.warnings)
                 + "</ul>" if result.warnings else "<p>No warnings.</p>")
    parts.append(_appendix(result))
    prov = result.provenance
    pr = analyses.psa
    seed = f" &middot; PSA seed {_e(pr.seed)}" if pr is not None and pr.names else ""
    parts.append(f"<p class='muted'>sroi {_e(__version__)} &middot; scheme SHA-256 {_e(prov['scheme_sha256'][:16])}"
                 f"&hellip;{seed}</p></body></html>")
    return "".join(parts)


def write_report(analyses: Analyses, path: str | Path, *, force: bool = False) -> Path:
    """Write the report atomically; refuses to overwrite an existing file unless ``force``."""
    return atomic_write(path, report_html(analyses), force=force)
