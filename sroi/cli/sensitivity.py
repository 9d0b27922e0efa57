"""`sroi sensitivity FILE`: tornado, switching values, scenarios, PSA, value of information, Sobol.

Prints tables only from what the sensitivity functions return. The same file, options
and seed give the same output byte for byte.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from .output import FORMATS

#: ``--evpi`` keeps the sampled values; at most this many (8 bytes each: 1 GiB).
EVPI_VALUES_LIMIT = 2**27


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sensitivity", help="tornado, switching values, scenarios, PSA, EVPI and Sobol for a scheme")
    p.add_argument("file", help="scheme file (TOML)")
    p.add_argument("--tornado", action="store_true", help="one-way sensitivity, sorted by the swing of the ratio")
    p.add_argument("--spread", type=float, default=None,
                   help="also move parameters without low/high by base +/- this fraction (e.g. 0.2)")
    p.add_argument("--switching", action="store_true", help="switching values: where the ratio reaches --target")
    p.add_argument("--target", type=float, default=1.0, help="target ratio for switching values (default 1)")
    p.add_argument("--scenarios", action="store_true", help="run the scheme's named scenarios side by side")
    p.add_argument("--psa", type=int, metavar="N", help="probabilistic analysis with N draws")
    p.add_argument("--method", choices=("mc", "lhs", "sobol"), default="mc", help="PSA design (default mc)")
    p.add_argument("--threshold", type=float, default=1.0,
                   help="threshold ratio for the fund / do-not-fund decision and EVPI (default 1)")
    p.add_argument("--evpi", action="store_true", help="with --psa: EVPI and each parameter's partial EVPI")
    p.add_argument("--ranges", choices=("triangular", "pert", "uniform"),
                   help="for --psa and --sobol, give parameters with a low-high range but no distribution this one")
    p.add_argument("--study", action="append", default=[], metavar="PARAM:N:COST",
                   help="with --evpi: the expected value of sample information and expected net benefit of a study "
                        "of N observations of PARAM costing COST (repeatable; PARAM:N:COST:SD gives the sd of one "
                        "observation, needed unless PARAM is a rate)")
    add_correlation_option(p)
    from .options import add_set_option

    add_set_option(p)
    p.add_argument("--sobol", type=int, metavar="N", help="Sobol indices with N base samples (a power of two)")
    p.add_argument("--seed", type=int, default=None, help="random seed (recorded in the output)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default), json, or csv: every table, each row marked with its section")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")


def add_correlation_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--correlation", action="append", default=[], metavar="A,B=RHO",
                   help="rank correlation of two uncertain parameters for the PSA, e.g. "
                        "better.deadweight,better.attribution=0.9 (repeatable; adds to the scheme's [[correlations]])")


def parse_correlations(values: list[str], file: str) -> dict[tuple[str, str], float]:
    """``["a,b=0.5", ...]`` as ``{("a", "b"): 0.5}``; a malformed one is a one-line error."""
    out: dict[tuple[str, str], float] = {}
    for v in values:
        names, eq, rho = v.rpartition("=")[0], "=" in v, v.rpartition("=")[2]
        pair = [n.strip() for n in names.split(",")]
        try:
            r = float(rho)
        except ValueError:
            r = math.nan
        if not eq or len(pair) != 2 or not all(pair) or pair[0] == pair[1] or not -1 < r < 1:
            raise ScenarioError(file, "--correlation", f"'{v}' must be two different parameter names and a rank "
                                "correlation strictly between -1 and 1, as A,B=RHO (e.g. x.deadweight,"
                                "x.attribution=0.9)")
        out[(pair[0], pair[1])] = r
    return out


def parse_study(spec: str, file: str, names: tuple[str, ...]) -> tuple[str, int, float, float | None]:
    """``PARAM:N:COST[:SD]`` as its parts; anything else is a one-line error."""
    parts = spec.split(":")
    try:
        if len(parts) not in (3, 4):
            raise ValueError
        param, n, cost = parts[0], int(parts[1]), float(parts[2])
        sd = float(parts[3]) if len(parts) == 4 else None
        if n < 1 or not cost >= 0 or (sd is not None and not sd > 0):
            raise ValueError
    except ValueError:
        raise ScenarioError(file, "--study", f"'{spec}' must be PARAM:N:COST or PARAM:N:COST:SD, with N a whole "
                            "number of observations of at least 1, COST not negative and SD above 0") from None
    if param not in names:
        raise ScenarioError(file, "--study", f"'{param}' is not an uncertain parameter of this scheme")
    return param, n, cost, sd


def check_correlations(model: Any, pairs: dict[tuple[str, str], float], file: str) -> None:
    """Refuse command-line correlations that name parameters the PSA does not draw."""
    from ..sensitivity.psa import correlations, design_columns
    from ..sensitivity.copula import correlation_factor

    names = [model.refs[k].name for k in design_columns(model)]
    for a, b in pairs:
        for n in (a, b):
            if n not in names:
                raise ScenarioError(file, "--correlation", f"'{n}' is not an uncertain parameter of this scheme"
                                    + (f" (uncertain: {', '.join(names)})" if names else " (none is uncertain)"))
    try:
        correlation_factor(names, correlations(model, pairs))
    except ValueError:
        raise ScenarioError(file, "--correlation", "with the scheme's own correlations these do not form a valid "
                            "correlation matrix (not positive definite); lower some of them") from None


def _fmt(x: Any) -> str:
    if isinstance(x, str):
        return x
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, (float, np.floating)):
        v = float(x)
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
    return str(x)


def _table(df: pd.DataFrame, columns: list[str]) -> list[str]:
    """``df``'s index and ``columns`` as an indented text table (layout from sroi.display)."""
    from ..display import _table as text_table

    rows = [[str(i)] + [_fmt(r[c]) for c in columns] for i, r in df.iterrows()]
    lines = text_table([df.index.name or ""] + columns, rows, [False] + [True] * len(columns))
    return ["  " + line for line in lines]


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else None


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for i, r in df.iterrows():
        rec = {df.index.name or "name": i}
        for c, v in r.items():
            rec[c] = _num(v) if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) else v
        out.append(rec)
    return out


def handle(args: argparse.Namespace) -> str:
    from ..engine import compile_scheme
    from ..sensitivity import one_way, psa, run_scenarios, sobol, switching_values

    from ..sensitivity import ranges_as_distributions

    from .options import load_with_sets

    scheme = load_with_sets(args, args.file)
    model = compile_scheme(scheme)
    drawn = compile_scheme(ranges_as_distributions(scheme, args.ranges)) if args.ranges else model
    pairs = parse_correlations(args.correlation, args.file)
    if args.psa or args.sobol:
        from ..sensitivity.psa import design_columns, require_uncertainty

        require_uncertainty(drawn, design_columns(drawn), "--psa" if args.psa else "--sobol")
        check_correlations(drawn, pairs, args.file)
    elif pairs:
        raise ScenarioError(args.file, "--correlation", "applies to a PSA: add --psa N")
    if not any((args.tornado, args.switching, args.scenarios, args.psa, args.sobol)):
        args.tornado = args.switching = args.scenarios = True
    text = [f"{scheme.name}: sensitivity analysis"]
    data: dict = {"scheme": scheme.name, "seed": args.seed}
    frames: dict[str, pd.DataFrame] = {}  # the tables, for --format csv
    if args.tornado:
        ow = one_way(model, spread=args.spread)
        text += ["", f"One-way sensitivity (base SROI ratio {ow.base_ratio:.4g}, NPV {_fmt(ow.base_npv)}), "
                 "largest swing first"]
        text += _table(ow.table, ["low", "base", "high", "ratio_low", "ratio_high", "npv_low", "npv_high"]) \
            if len(ow.table) else ["  (no parameter has low/high; use --spread to vary every parameter)"]
        frames["tornado"] = ow.table
        data["tornado"] = {"base_ratio": _num(ow.base_ratio), "base_npv": _num(ow.base_npv),
                           "rows": _records(ow.table)}
    if args.switching:
        sv = switching_values(model, target_ratio=args.target).table
        text += ["", f"Switching values: where the SROI ratio reaches {args.target:g}, others at base"]
        text += _table(sv, ["base", "switching_value", "change", "method", "note"])
        frames["switching_values"] = sv
        data["switching_values"] = {"target_ratio": args.target, "rows": _records(sv)}
    if args.scenarios:
        table, _ = run_scenarios(model)
        text += ["", "Named scenarios"]
        text += _table(table, ["present_value", "investment", "npv", "sroi_ratio", "changes"])
        frames["scenarios"] = table
        data["scenarios"] = _records(table)
    if args.psa:
        keep = None
        if args.evpi:  # partial EVPI regresses on every sampled value: keep them, within reason
            from ..sensitivity.psa import design_columns

            values = args.psa * len(design_columns(drawn))
            if values > EVPI_VALUES_LIMIT:
                raise ScenarioError(args.file, "", f"--evpi keeps every sampled value: {args.psa:,} draws x "
                                    f"{values // args.psa} uncertain parameters is {values * 8 / 2**20:,.0f} MiB, "
                                    f"over the {EVPI_VALUES_LIMIT * 8 // 2**20:,} MiB allowed; use fewer draws "
                                    "(partial EVPI settles well before)")
            keep = True
        r = psa(drawn, args.psa, seed=args.seed, method=args.method, keep_design=keep, correlation=pairs)
        s = r.summary
        p = r.prob_ratio_exceeds(args.threshold)
        text += ["", f"Probabilistic sensitivity: {r.n:,} draws ({r.method}, seed {r.seed}), "
                 f"{len(r.names)} uncertain parameters",
                 f"  P(SROI ratio > {args.threshold:g}) = {p:.4f}"
                 + (f" ({'every one' if p == 1 else 'none'} of the {r.n:,} draws; the chance of "
                    f"{'the opposite' if p == 1 else 'exceeding it'} is below about 1 in {r.n:,}, not zero)"
                    if p in (0.0, 1.0) else "")]
        text += _table(s, list(s.columns))
        frames["psa"] = s
        data["psa"] = {"draws": r.n, "method": r.method, "seed": r.seed, "threshold": args.threshold,
                       "p_ratio_exceeds_threshold": p, "p_ratio_exceeds_1": r.prob_ratio_exceeds(1.0),
                       "summary": _records(s)}
        data["seed"] = r.seed
        if args.evpi:
            evpi = r.evpi(args.threshold)
            text += ["", f"Value of information, fund / do not fund at ratio {args.threshold:g}",
                     f"  EVPI = {scheme.currency} {evpi:,.0f}"]
            if r.names:
                ev = r.evppi(args.threshold).to_frame()
                ev.index.name = "parameter"
                text += _table(ev, ["evppi"])
                frames["evppi"] = ev
                data["psa"]["evppi"] = _records(ev)
                groups = r.evppi_groups(args.threshold).to_frame()
                groups.index.name = "group"
                text += ["", "  Partial EVPI of groups of parameters learnt together"]
                text += _table(groups, ["evppi"])
                frames["evppi_groups"] = groups
                data["psa"]["evppi_groups"] = _records(groups)
                people = sum(p.base for p in scheme.cohort)
                if people:
                    text += [f"  Per participant of the scheme's {people:,.0f}: EVPI {scheme.currency} "
                             f"{evpi / people:,.2f}"]
            data["psa"]["evpi"] = evpi
            studies = []
            for spec in args.study:
                param, n, cost, sd = parse_study(spec, args.file, r.names)
                evsi = r.evsi(param, n, args.threshold, observation_sd=sd)
                studies.append({"parameter": param, "sample_size": n, "cost": cost, "observation_sd": sd,
                                "evsi": evsi, "enbs": evsi - cost})
            if studies:
                text += ["", "  Proposed studies (EVSI by the Gaussian approximation; ENBS = EVSI - cost)"]
                st = pd.DataFrame(studies).set_index("parameter")
                text += _table(st, ["sample_size", "cost", "evsi", "enbs"])
                frames["studies"] = st
                data["psa"]["studies"] = _records(st)
    if args.sobol:
        seed = args.seed if args.seed is not None else data.get("seed")
        so = sobol(drawn, args.sobol, seed=seed)
        text += ["", f"Sobol indices of the SROI ratio ({so.evaluations:,} evaluations, seed {so.seed})"]
        if scheme.correlations or pairs:
            text += ["  (Sobol indices assume independent parameters: the correlations are not applied here)"]
        text += _table(so.table, ["S1", "S1_conf", "ST", "ST_conf"])
        frames["sobol"] = so.table
        data["sobol"] = {"n": so.n, "evaluations": so.evaluations, "seed": so.seed, "rows": _records(so.table)}
    if args.format == "json":
        return json.dumps(data, indent=2, allow_nan=False)
    if args.format == "csv":
        from .output import sections_csv

        return sections_csv(frames)
    return "\n".join(text)
