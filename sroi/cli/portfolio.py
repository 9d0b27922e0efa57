"""``sroi portfolio FILE... --budget HOLDER=AMOUNT ...``: choose schemes under budgets."""

from __future__ import annotations

import argparse
import json
import math
import sys

from ..errors import ScenarioError

__all__ = ["add_parser", "handle"]


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


def _csv(r) -> str:
    import pandas as pd

    from .output import safe_csv

    evppi = {v["scheme"]: v["evppi"] for v in (r.value_of_information or [])}
    table = pd.DataFrame({"scheme": list(r.names), "file": list(r.files), "selected": [bool(x > 0) for x in r.scale],
                          "scale": r.scale, "expected_npv_at_scale_1": r.npv_mean,
                          "evppi": [evppi.get(n, math.nan) for n in r.names]}).set_index("scheme")
    return safe_csv(table)


def handle(args: argparse.Namespace) -> int:
    from ..portfolio import portfolio
    from ..fileio import atomic_write
    from .output import _chart_png, _emit

    first = args.files[0]
    budgets = _budgets(args.budget, first)
    scales = _scales(args.scale, first)
    # every output path was checked (exists, folder missing) by sroi.cli.main before this
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
        text = r.text()
    # every chart is drawn before anything is written, so a chart that fails leaves no table behind
    charts = [(path, _chart_png(height, draw)) for path, height, draw in (
        (args.chart, 3.5, lambda ax: r.plot(ax=ax)),
        (args.settlement_chart, 0.5 + 0.5 * len(budgets), lambda ax: r.plot_settlement(ax=ax))) if path]
    _emit(text, args.output, args.force)
    for path, png in charts:
        atomic_write(path, png, force=args.force)
    return 0
