"""``sroi portfolio FILE... --budget HOLDER=AMOUNT ...``: choose schemes under budgets."""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap

from ..errors import ScenarioError

__all__ = ["add_parser", "handle", "portfolio_text"]


def add_parser(sub) -> None:
    p = sub.add_parser("portfolio", help="choose schemes under each budget holder's budget, on joint draws")
    p.add_argument("files", nargs="+", help="scheme files (TOML)")
    p.add_argument("--budget", action="append", default=[], metavar="HOLDER=AMOUNT",
                   help="a budget holder's budget in present-value money, e.g. nhs=1000000 (repeatable; a holder "
                        "without one is not constrained)")
    p.add_argument("--objective", choices=("expected_npv", "p_npv_positive"), default="expected_npv")
    p.add_argument("--psa", type=int, default=4000, metavar="N", help="joint draws (default 4000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the joint draws (default 1)")
    p.add_argument("--scale", action="append", default=[], metavar="SCHEME=LOW:HIGH",
                   help="allow partial funding of a scheme (its file stem or name) between two scales, e.g. "
                        "local_area_coordination=0.5:1 (repeatable)")
    p.add_argument("--rule", choices=("shapley", "proportional"), default="shapley",
                   help="how the pooled budget's surplus is shared (default shapley)")
    p.add_argument("--no-voi", action="store_true", help="skip the value of information")
    p.add_argument("--dask", metavar="ADDRESS|local",
                   help="run the draws on a Dask cluster (a scheduler address, or 'local' for a two-worker "
                        "LocalCluster); needs pip install 'sroi[dask]'")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--chart", help="also write the portfolio's NPV distribution (PNG)")
    p.add_argument("--settlement-chart", help="also write the holders' positions before and after settlement (PNG)")
    p.add_argument("--force", action="store_true", help="overwrite output files if they exist")


def _budgets(values: list[str], file: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in values:
        name, eq, x = v.partition("=")
        try:
            amount = float(x.replace(",", "").replace("_", ""))
            if not eq or not name.strip() or not math.isfinite(amount) or amount < 0:
                raise ValueError
        except ValueError:
            raise ScenarioError(file, "--budget", f"'{v}' must be HOLDER=AMOUNT with an amount of 0 or more, e.g. "
                                "nhs=1000000") from None
        if name.strip() in out:
            raise ScenarioError(file, "--budget", f"'{name.strip()}' is given two budgets")
        out[name.strip()] = amount
    return out


def _scales(values: list[str], file: str) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for v in values:
        name, eq, rng = v.partition("=")
        lo, colon, hi = rng.partition(":")
        try:
            a, b = float(lo), float(hi)
            if not eq or not colon or not name.strip() or not (0 < a <= b and math.isfinite(b)):
                raise ValueError
        except ValueError:
            raise ScenarioError(file, "--scale", f"'{v}' must be SCHEME=LOW:HIGH with 0 < LOW <= HIGH, e.g. "
                                "local_area_coordination=0.5:1") from None
        out[name.strip()] = (a, b)
    return out


def _money(x: float, cur: str) -> str:
    from ..display import money

    return money(x, cur)


def portfolio_text(r) -> str:
    """The portfolio for the terminal, within 100 columns."""
    from ..display import _cut, _table

    cur = r.currency
    out = [f"Portfolio of {len(r.names)} schemes: {len(r.selected)} chosen ({r.objective.replace('_', ' ')}; "
           f"{r.portfolio_npv.size:,} joint draws, seed {r.provenance['seed']})", ""]
    rows = [[_cut(n, 58), f"{x:g}" if x > 0 else "-", _money(m, cur)]
            for n, x, m in zip(r.names, r.scale, r.npv_mean)]
    out += ["  " + line for line in _table(["scheme", "scale", "expected NPV at scale 1"], rows, [False, True, True])]
    out += ["", f"Expected NPV of the chosen portfolio  {_money(r.expected_npv, cur)}"]
    if r.npv_interval:
        lo, hi = r.npv_interval
        out += [f"95% interval                         {_money(lo, cur)} to {_money(hi, cur)}",
                f"P(portfolio NPV > 0)                 {r.p_npv_positive:.2f}"]
    else:
        out += ["How sure: no scheme carries uncertainty, so no interval or probability is given."]
    if r.status != "optimal":
        out += [f"Solver: {r.status}"]
    out += ["", "By budget holder (present values; cashable first)"]
    rows = []
    for h, b in r.by_budget_holder.items():
        types = b["value_by_type"]
        rows.append([_cut(h, 24), "-" if b["budget"] is None else _money(b["budget"], cur), _money(b["spend"], cur),
                     _money(types.get("fiscal_cashable", 0.0), cur),
                     _money(sum(v for t, v in types.items() if t != "fiscal_cashable"), cur),
                     _money(b["net_position"], cur)])
    out += ["  " + line for line in _table(["holder", "budget", "spend", "cashable", "other value", "net"], rows,
                                           [False] + [True] * 5)]
    unconstrained = [h for h in r.provenance["unconstrained_holders"] if h in r.by_budget_holder
                     and r.by_budget_holder[h]["spend"]]
    if unconstrained:
        out += textwrap.wrap(f"Not constrained (no budget given): {', '.join(unconstrained)}.", 100,
                             initial_indent="  ", subsequent_indent="  ")
    if r.pooled is not None:
        p = r.pooled
        out += ["", f"Pooled budget of {_money(p['budget'], cur)}: expected NPV {_money(p['expected_npv'], cur)} "
                    f"({_money(p['gain_over_separate_budgets'], cur)} more than separate budgets)"]
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
            rows = [[_cut(h["holder"], 24), _money(h["standalone"], cur), _money(h["pooled"], cur),
                     f"{100 * h['share']:.0f}%", _money(h["final"], cur), _money(h["transfer_received"], cur)]
                    for h in shown["holders"]]
            out += [f"  Surplus over standalone positions: {_money(shown['surplus'], cur)}"]
            out += ["  " + line for line in _table(["holder", "alone", "pooled", "share", "after", "receives"], rows,
                                                   [False] + [True] * 5)]
    if r.value_of_information:
        out += ["", "Value of information: whose evidence is worth buying first (EVPPI)"]
        rows = [[_cut(v["scheme"], 70), _money(v["evppi"], cur)] for v in r.value_of_information[:5]]
        out += ["  " + line for line in _table(["scheme", "EVPPI"], rows, [False, True])]
    out += ["", *textwrap.wrap("Assumes values and spends scale with a scheme's scale; figures are present values "
                               "at each scheme's own price base.", 100)]
    return "\n".join(out)


def _csv(r) -> str:
    import pandas as pd

    from .main import safe_csv

    evppi = {v["scheme"]: v["evppi"] for v in (r.value_of_information or [])}
    table = pd.DataFrame({"scheme": list(r.names), "file": list(r.files), "selected": [bool(x > 0) for x in r.scale],
                          "scale": r.scale, "expected_npv_at_scale_1": r.npv_mean,
                          "evppi": [evppi.get(n, math.nan) for n in r.names]}).set_index("scheme")
    return safe_csv(table)


def handle(args: argparse.Namespace) -> int:
    from ..fileio import refuse_existing
    from ..portfolio import portfolio
    from .main import _emit, _write_chart

    first = args.files[0]
    budgets = _budgets(args.budget, first)
    scales = _scales(args.scale, first)
    for path in (args.output, args.chart, args.settlement_chart):
        if path:
            refuse_existing(path, force=args.force)
    if args.psa < 1:
        raise ScenarioError(first, "--psa", f"must be at least 1 draw, got {args.psa}")
    try:
        r = portfolio(args.files, budgets=budgets, objective=args.objective, draws=args.psa, seed=args.seed,
                      client=args.dask, scales=scales, rule=args.rule, voi=False if args.no_voi else None)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("dask", "distributed"):
            print("sroi portfolio: --dask needs Dask: pip install 'sroi[dask]'", file=sys.stderr)
            return 2
        raise
    except ValueError as exc:
        print(f"sroi portfolio: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        text = json.dumps(r.to_dict(), indent=2, allow_nan=False)
    elif args.format == "csv":
        text = _csv(r)
    else:
        text = portfolio_text(r)
    _emit(text, args.output, args.force)
    if args.chart:
        _write_chart(args.chart, 3.5, lambda ax: r.plot(ax=ax), args.force)
    if args.settlement_chart:
        _write_chart(args.settlement_chart, 0.5 + 0.5 * len(budgets), lambda ax: r.plot_settlement(ax=ax), args.force)
    return 0
