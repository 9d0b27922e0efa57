"""Text and HTML renderings of a :class:`~sroi.results.Result`. Reads results; computes nothing."""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Sequence


if TYPE_CHECKING:
    from .results import Result

__all__ = ["result_text", "result_html", "money", "ratio_text", "number_text", "parameter_label"]

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}
TYPE_LABELS = {"fiscal_cashable": "cashable", "fiscal_non_cashable": "non-cashable",
               "economic": "economic", "social": "social", "transfer": "transfer"}


def money(x: float, currency: str = "GBP", digits: int = 0) -> str:
    if not math.isfinite(x):
        return "n/a"
    sym = SYMBOLS.get(currency, currency + " ")
    sign = "-" if x < 0 else ""
    return f"{sign}{sym}{abs(x):,.{digits}f}"


def number_text(x: float | None, sig: int = 3) -> str:
    """``x`` for people: thousands separators, ``sig`` significant figures but never fewer
    than the whole number (10,920 stays 10,920, not 1.09e+04), no trailing zeros, never
    scientific notation; ``"-"`` for a missing value and ``"n/a"`` for nan or infinity.

    >>> number_text(10920.4), number_text(0.005237), number_text(12.5), number_text(0.1 + 0.2)
    ('10,920', '0.00524', '12.5', '0.3')
    """
    if x is None:
        return "-"
    if not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    decimals = max(0, sig - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parameter_label(scheme, name: str) -> str:
    """A parameter's name for people (``lower_cost_support.engagement`` reads "People who
    would otherwise ...: engagement"): the outcome's or input's own words, then the field."""
    head, _, field = name.partition(".")
    if head == "cohort" and field.startswith("year"):
        return f"Participants, year {field[4:]}"
    if name == "discounting.rate":
        return "Discount rate"
    words = {"proxy": "financial proxy", "unit_cost": "unit cost", "drop_off": "drop-off"}.get(field, field)
    for o in scheme.outcomes:
        if o.id == head:
            return f"{o.outcome}: {words}"
    for i in scheme.inputs:
        if i.id == head:
            return f"{i.description}: {words}"
    return name


def ratio_text(x: float, digits: int = 2) -> str:
    """A ratio for people: ``digits`` decimals, or two significant figures below 0.1, so
    that a small ratio never reads 0.00 (0.0013 stays 0.0013; 0.011 reads 0.011)."""
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "no inputs" if x > 0 else "-inf"
    if x != 0 and abs(x) < 0.1:
        return f"{x:.2g}"
    return f"{x:.{digits}f}"


def ratio_interval_text(x: float) -> str:
    """A ratio at an interval's end (:func:`ratio_text`: an interval of 0.0052 to 0.013
    must not read 0.01 to 0.01)."""
    return ratio_text(x)


def draws_probability(p: float, *, below: str = "< 0.01", above: str = "> 0.99", fmt=lambda p: f"{p:.2f}") -> str:
    """A probability estimated from draws, never shown as certain: ``below`` under 0.005 and
    ``above`` from 0.995 (a count of draws cannot show 0 or 1 exactly), else ``fmt(p)``.

    >>> draws_probability(0.0), draws_probability(0.4567), draws_probability(1.0)
    ('< 0.01', '0.46', '> 0.99')
    """
    return below if p < 0.005 else above if p >= 0.995 else fmt(p)


def months_text(x: float) -> str:
    return "not within the horizon" if not math.isfinite(x) else f"{x:,.1f} months"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h) for k, h in enumerate(headers)]
    def line(cells):
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()
    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def _headline(result: "Result") -> list[tuple[str, str]]:
    cur = result.scheme.currency
    return [
        ("Present value of outcomes", money(result.present_value, cur)),
        ("Present value of inputs", money(result.investment, cur)),
        ("Net present value", money(result.npv, cur)),
        ("SROI ratio", f"{ratio_text(result.sroi_ratio)} : 1"),
        ("Net SROI ratio", ratio_text(result.net_sroi_ratio)),
        *(("Payback (discounted)", months_text(result.payback_months)),
          ("Payback (SROI Guide)", months_text(result.payback_sroi_guide_months)))[
            ::-1 if result.scheme.payback == "sroi_guide" else 1],
    ]


def _ledger_rows(result: "Result") -> tuple[list[str], list[list[str]]]:
    cur = result.scheme.currency
    sym = SYMBOLS.get(cur, cur + " ")
    ledger = result.ledger
    # only the value types some holder receives: an all-zero column is width, not information
    types = [t for t in result.value_types if (ledger[t] != 0).any()] or ["social"]
    headers = ["budget holder"] + [TYPE_LABELS[t] for t in types] + [
        "total value", "spent", f"per {sym.strip()} invested", f"per {sym.strip()} own spend"]
    rows = []
    for hid, r in ledger.iterrows():
        rows.append([hid] + [money(r[t], cur) for t in types] + [
            money(r["total_value"], cur), money(r["spend"], cur),
            ratio_text(r["value_per_pound_invested"]),
            ratio_text(r["value_per_pound_own_spend"]) if r["spend"] else "-"])
    return headers, rows


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (the JSON keeps it whole)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _outcome_rows(result: "Result") -> tuple[list[str], list[list[str]]]:
    cur = result.scheme.currency
    headers = ["outcome", "stakeholder", "beneficiary", "type", "PV", "share"]
    rows = []
    for oid, r in result.by_outcome.iterrows():
        share = ("transfer" if r["value_type"] == "transfer" else "n/a" if math.isnan(r["share"])
                 else f"{100 * r['share']:.1f}%")
        rows.append([_cut(oid, 24), _cut(r["stakeholder"], 16), _cut(r["beneficiary"], 18), TYPE_LABELS[r["value_type"]],
                     money(r["present_value"], cur), share])
    return headers, rows


def _setting(result: "Result") -> str:
    s = result.scheme
    d = s.discounting
    sched = {"green_book": "Green Book STPR", "green_book_2026": "Green Book STPR (2026 edition)", "constant": f"constant {100 * d.rate.base:g}%" if d.rate else "constant",
             "custom": "custom rates"}[d.schedule]
    conv = {"sroi_guide": "SROI Guide timing (year 1 discounted once)",
            "green_book": "Green Book timing (year 1 is the present)"}[d.convention]
    return f"{s.currency}, {s.price_base} prices; {s.horizon}-year horizon; {sched}, {conv}"


def _caveat_paragraphs(result: "Result") -> list[str]:
    """Beside the headline: the weighted figures, how much rests on assumptions, whether
    the headline is illustrative (:func:`sroi.uncertainty.illustrative`, as the league
    table marks it), and how sure the figure is (a deterministic run gives no interval;
    say where one comes from, or that none can); then what is and is not valued."""
    from .uncertainty import illustrative

    out = []
    d = result.distributional
    if d is not None:
        cur = result.scheme.currency
        out.append(f"Distributionally weighted (Green Book annex A3, eta {d['eta']:g}): present value "
                   f"{money(d['weighted_present_value'], cur)}, ratio {ratio_text(d['weighted_sroi_ratio'])} : 1, "
                   f"beside the unweighted {money(d['present_value'], cur)} and "
                   f"{ratio_text(d['sroi_ratio'])} : 1"
                   + (f"; {len(d['unweighted_outcomes'])} outcomes carry no income and weigh 1"
                      if d["unweighted_outcomes"] else "") + ".")
    a = result.assumptions
    if a["numbers"]:
        gate = (f"; above the {100 * a['threshold']:.0f}% threshold, so the ratio rests on assumptions more than "
                "on evidence" if a["flagged"] else "")
        out.append(f"{100 * a['share_of_value']:.0f}% of the present value rests on numbers marked as assumptions "
                   f"({len(a['numbers'])} numbers in {len(a['outcomes'])} outcomes){gate}.")
    flag, why = illustrative(result)
    if flag:
        out.append(f"Illustrative (marked † in a league table): {why}.")
    uncertain = sum(1 for r in result.model.refs
                    if r.parameter.distribution is not None and r.parameter.distribution.kind != "fixed")
    if uncertain:
        out.append(f"How sure: {uncertain} uncertain parameters; 'sroi sensitivity FILE --psa 10000' gives the "
                   "ratio's interval and P(ratio > 1).")
    else:
        out.append("How sure: no parameter is uncertain, so no interval can be given (add uncertainty = "
                   "\"graded\" or distributions to the scheme).")
    valued, missing = coverage(result)
    out.append(f"Valued ({len(valued)} outcome{'' if len(valued) == 1 else 's'}): " + "; ".join(valued) + ".")
    out.append(f"Not valued ({len(missing)} evidence gaps, listed below): " + "; ".join(missing) + "."
               if missing else "Not valued: the scheme lists no evidence gaps.")
    return out


def _caveats(result: "Result") -> list[str]:
    """:func:`_caveat_paragraphs` wrapped to fit 100 columns after a two-space indent."""
    import textwrap

    return [w for line in _caveat_paragraphs(result) for w in textwrap.wrap(line, 96, subsequent_indent="  ")]


def gap_topic(gap: str, width: int = 48) -> str:
    """A gap's topic for a one-line list: the words before its first colon when they are
    short (``"Welfare: Elmira mothers ..."`` gives ``"Welfare"``); else its first clause,
    up to a bracket, comma or semicolon (``"Hospital admissions avoided (the ..."`` gives
    ``"Hospital admissions avoided"``); else its opening words, cut at a word boundary
    within ``width`` characters and marked with an ellipsis."""
    import re

    head, colon, _ = gap.partition(":")
    if colon and 0 < len(head.strip()) <= width:
        return head.strip()
    first = re.split(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)\. ", gap)[0].strip().rstrip(".")
    clause = re.split(r" \(|, |; | - | — ", first, maxsplit=1)[0].strip()
    if len(clause) <= width and len(clause.split()) >= 2:
        return clause
    if len(first) <= width:
        return first
    cut = first[: width - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;(") + "…"


def coverage(result: "Result") -> tuple[list[str], list[str]]:
    """What the headline values and what it leaves out, for the lines beside it.

    Valued: each outcome's description with its share of the present value, largest
    first (transfers, which society's total counts as zero, are named as such). Not
    valued: the topic of each of the scheme's ``gaps``."""
    s = result.scheme
    by = result.by_outcome
    order = sorted(range(len(s.outcomes)), key=lambda i: -abs(float(by["present_value"].iloc[i])))
    valued = []
    for i in order:
        o = s.outcomes[i]
        share = float(by["share"].iloc[i])
        tag = ("transfer" if o.is_transfer else "n/a" if math.isnan(share) else f"{100 * share:.0f}%")
        valued.append(f"{o.outcome} ({tag})")
    return valued, [gap_topic(g) for g in s.gaps]


def wrapped(text: str, indent: str = "", more: str = "  ") -> list[str]:
    """``text`` wrapped to 100 columns after ``indent``; continuation lines indented by
    ``more`` beyond it."""
    import textwrap

    return textwrap.wrap(text, 100, initial_indent=indent, subsequent_indent=" " * len(indent) + more) or [indent]


def result_text(result: "Result") -> str:
    """The headline table, the budget-holder ledger and the outcomes, as plain text."""
    s = result.scheme
    out = [*wrapped(s.name + (f" ({s.place})" if s.place else "")), *wrapped(_setting(result)), "", "Headline"]
    width = max(len(k) for k, _ in _headline(result))
    out += [f"  {k.ljust(width)}  {v}" for k, v in _headline(result)]
    out += [f"  {line}" for line in _caveats(result)]
    out += ["", "Who pays, who saves (present values)"]
    headers, rows = _ledger_rows(result)
    lines = _table(headers, rows, right=[False] + [True] * (len(headers) - 1))
    if max(len(line) for line in lines) > 98:  # too wide for 100 columns: value, then spend
        k = len(headers) - 3  # the value-type columns and the total
        lines = _table(headers[:k], [r[:k] for r in rows], right=[False] + [True] * (k - 1)) + [""] + _table(
            [headers[0], *headers[k - 1:]], [[r[0], *r[k - 1:]] for r in rows], right=[False] + [True] * 4)
    out += ["  " + line if line else "" for line in lines]
    out += ["", "Outcomes (present values)"]
    out += ["  " + line for line in _table(*_outcome_rows(result), right=[False] * 4 + [True, True])]
    if any(o.cashable_step is not None for o in s.outcomes):
        out += ["", "When cashable savings become cash (capacity released in whole steps)"]
        prof = result.cashable_profile
        stepped = prof[prof["step"].notna()]
        rows = [[_cut(r["outcome"], 24), str(int(r["year"])), f"{r['units']:,.1f}", f"{int(r['steps_released'])}",
                 money(r["cashable"], s.currency), money(r["held_below_step"], s.currency)]
                for _, r in stepped.iterrows()]
        out += ["  " + line for line in _table(["outcome", "year", "units", "steps", "cash", "held below a step"],
                                               rows, [False] + [True] * 5)]
        for o in s.outcomes:
            if o.cashable_step is not None:
                out += wrapped(f"{o.id}: one step is {o.cashable_step:,.6g} units a year: {o.cashable_step_label}.",
                               "  ", "  ")
    if s.gaps:
        out += ["", "Evidence gaps left open"]
        out += [line for g in s.gaps for line in wrapped(g, "  - ", "  ")]
    if s.notices:
        out += ["", "Proxy table notes"]
        out += [line for n in s.notices for line in wrapped(n, "  - ", "  ")]
    if result.warnings:
        out += ["", "Model checks"]
        out += [line for w in result.warnings for line in wrapped(str(w), "  - ", "  ")]
    return "\n".join(out)


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    e = html.escape
    head = "".join(f"<th style='text-align:{'right' if r else 'left'}'>{e(h)}</th>" for h, r in zip(headers, right))
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:{'right' if r else 'left'}'>{e(c)}</td>" for c, r in zip(row, right))
        + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def result_html(result: "Result") -> str:
    """The headline, what rests on assumptions, how sure it is, what is and is not valued,
    the ledger, the outcomes, the gaps and the model checks, as an HTML fragment (all text
    escaped); :func:`result_text` is the same in plain text, with the capacity-step table."""
    e = html.escape
    s = result.scheme
    ledger_headers, ledger_rows = _ledger_rows(result)
    parts = [f"<div class='sroi-result'><h3>{e(s.name)}</h3><p>{e(_setting(result))}</p>",
             _html_table(["", ""], _headline(result), [False, True]),
             "".join(f"<p>{e(line.strip())}</p>" for line in _caveat_paragraphs(result)),
             "<h4>Who pays, who saves (present values)</h4>",
             _html_table(ledger_headers, ledger_rows, right=[False] + [True] * (len(ledger_headers) - 1)),
             "<h4>Outcomes</h4>", _html_table(*_outcome_rows(result), right=[False] * 4 + [True, True])]
    if s.gaps:
        parts.append("<h4>Evidence gaps left open</h4><ul>" + "".join(f"<li>{e(g)}</li>" for g in s.gaps) + "</ul>")
    if s.notices:
        parts.append("<h4>Proxy table notes</h4><ul>" + "".join(f"<li>{e(n)}</li>" for n in s.notices) + "</ul>")
    if result.warnings:
        parts.append("<h4>Model checks</h4><ul>" + "".join(f"<li>{e(str(w))}</li>" for w in result.warnings) + "</ul>")
    parts.append("</div>")
    return "".join(parts)

