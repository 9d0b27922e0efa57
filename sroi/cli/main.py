"""The ``sroi`` command. Reads schemes, runs them, prints or writes results.

Bad input prints one line (file, field, what is allowed) to standard error and exits
with status 2; it never shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from .._version import __version__
from ..errors import PriceYearError, ScenarioError
from ..fileio import OutputExistsError, OutputWriteError
from ..proxies import AREAS
from .options import add_set_option, load_with_sets
from ..fileio import atomic_write, refuse_existing
from .output import (FORMATS, _chart_png, _emit, _write_chart, safe_csv, sections_csv,  # noqa: F401
                     visible)  # visible: part of the CLI API

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sroi", description="Social return on investment for public-service schemes.")
    p.add_argument("--version", action="version", version=f"sroi {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scheme file and print its headline table and ledger")
    run.add_argument("file", help="scheme file (TOML)")
    run.add_argument("--format", choices=FORMATS, default="text",
                     help="output format (default: text); csv: the headline, ledger and outcomes tables, each row "
                          "marked with its section (with --view economic: the economic and fiscal cases)")
    run.add_argument("-o", "--output", help="write to this file instead of standard output")
    run.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    run.add_argument("--view", choices=("sroi", "economic"), default="sroi",
                     help="sroi: value to each stakeholder (default); economic: the Green Book economic case "
                          "(transfers excluded, optimism bias, weights, switching values) and the fiscal case "
                          "by budget holder")
    run.add_argument("--cost-uplift", type=float, default=0.0, metavar="X",
                     help="with --view economic: optimism-bias uplift on inputs, e.g. 0.24 for 24%% (default 0)")
    add_set_option(run)

    from . import portfolio as cli_portfolio

    cli_portfolio.add_parser(sub)

    val = sub.add_parser("validate", help="check a scheme file and say what is wrong")
    val.add_argument("files", nargs="+", help="scheme files (TOML)")

    rep = sub.add_parser("report", help="write a self-contained HTML report for a commissioner")
    rep.add_argument("file", help="scheme file (TOML)")
    rep.add_argument("-o", "--output", required=True, help="HTML file to write")
    rep.add_argument("--psa", type=int, default=2000, metavar="N", help="PSA draws in the report (default 2000; 0 for none)")
    rep.add_argument("--seed", type=int, default=1, help="PSA seed (default 1)")
    rep.add_argument("--ranges", choices=("triangular", "pert", "uniform"),
                     help="for the PSA, give parameters with a low-high range but no distribution this one")
    rep.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    add_set_option(rep)

    cmp_ = sub.add_parser("compare", help="a league table of schemes with comparability checks")
    cmp_.add_argument("files", nargs="+", help="scheme files (TOML)")
    cmp_.add_argument("--psa", type=int, default=2000, metavar="N",
                      help="PSA draws per scheme for the interval and P(ratio > 1) (default 2000; 0 for none)")
    cmp_.add_argument("--rank-by", choices=("sroi_ratio", "ratio_mean", "ratio_median", "ratio_low",
                                            "p_ratio_exceeds_1", "npv_rebased"), default="sroi_ratio",
                      help="statistic to rank the schemes on, largest first (default: the headline ratio)")
    cmp_.add_argument("--seed", type=int, default=1, help="PSA seed (default 1)")
    cmp_.add_argument("--price-base", help="price year to rebase NPVs to (default: the most common)")
    cmp_.add_argument("--ranges", choices=("triangular", "pert", "uniform"),
                      help="for the PSA, give parameters with a low-high range but no distribution this one")
    cmp_.add_argument("--format", choices=FORMATS, default="text")
    cmp_.add_argument("-o", "--output", help="write the table to this file")
    cmp_.add_argument("--chart", help="also write the comparison chart (PNG) to this file")
    cmp_.add_argument("--forest", help="also write a forest plot of the ratios and their intervals (PNG)")
    cmp_.add_argument("--force", action="store_true", help="overwrite output files if they exist")

    rpr = sub.add_parser("reproduce", help="re-run published evaluations: published against reproduced figures")
    rpr.add_argument("targets", nargs="*", metavar="ID|FILE",
                     help="a bundled evaluation (e.g. published/wsipp_2004_nurse_family_partnership, or its name) "
                          "or a scheme file with a [reproduction] table")
    rpr.add_argument("--all", action="store_true", help="every bundled published evaluation")
    rpr.add_argument("--format", choices=FORMATS, default="text")
    rpr.add_argument("-o", "--output", help="write to this file instead of standard output")
    rpr.add_argument("--force", action="store_true", help="overwrite the output file if it exists")

    chk = sub.add_parser("check", help="model checks: the warnings a careful reviewer would raise")
    chk.add_argument("files", nargs="+", help="scheme files (TOML)")
    chk.add_argument("--format", choices=FORMATS, default="text",
                     help="text (default); csv or json: one row per warning (file, code, field, message)")
    chk.add_argument("--standard", choices=("green-book", "svi"),
                     help="list, requirement by requirement, what the scheme shows and lacks for HM Treasury's "
                          "Green Book economic case or Social Value International's SROI principles")

    prx = sub.add_parser("proxies", help="list, search and show financial proxies with their provenance")
    prx.add_argument("--table", action="append", default=[], metavar="CSV",
                     help="a local proxy table to load beside the bundled one (repeatable)")
    psub = prx.add_subparsers(dest="proxies_command", required=True, metavar="ACTION")
    pl = psub.add_parser("list", help="list proxies, optionally of one area")
    pl.add_argument("--area", choices=AREAS)
    ps = psub.add_parser("search", help="find proxies whose id, description, unit or source match every word")
    ps.add_argument("query")
    ps.add_argument("--area", choices=AREAS)
    for q in (pl, ps):
        q.add_argument("--format", choices=FORMATS, default="text",
                       help="text (default), or csv or json with every field of each proxy")
    pw = psub.add_parser("show", help="show one proxy with its provenance and its rebased value")
    pw.add_argument("id")
    pw.add_argument("--year", help="price year to rebase to, e.g. 2024-25 or 2024")
    pw.add_argument("--format", choices=FORMATS, default="text",
                    help="text (default), or csv or json with every field (and, with --year, the rebased value)")

    exa = sub.add_parser("examples", help="list the bundled example schemes, or copy one where you can edit it")
    esub = exa.add_subparsers(dest="examples_command", metavar="ACTION")
    ecp = esub.add_parser("copy", help="copy an example scheme (and any local proxy table it names) into a folder")
    ecp.add_argument("name", help="example name, as 'sroi examples' lists it")
    ecp.add_argument("dir", nargs="?", default=".", help="folder to copy into (default: the current folder)")
    ecp.add_argument("--force", action="store_true", help="overwrite files of the same name")
    epa = esub.add_parser("path", help="print where an example's file is installed")
    epa.add_argument("name", help="example name, as 'sroi examples' lists it")

    from . import excel as cli_excel, sensitivity as cli_sensitivity

    cli_sensitivity.add_correlation_option(rep)
    cli_sensitivity.add_correlation_option(cmp_)
    cli_excel.register(sub)
    cli_sensitivity.register(sub)
    return p


def _run(args: argparse.Namespace) -> int:
    from ..results import run

    result = run(load_with_sets(args, args.file))
    if args.view == "economic":
        from ..economic import economic_case

        case = economic_case(result, cost_uplift=args.cost_uplift)
        if args.format == "csv":
            import pandas as pd

            head = {"present_value_benefits": case.present_value_benefits,
                    "present_value_costs": case.present_value_costs, "npsv": case.npsv, "bcr": case.bcr}
            text = sections_csv({"economic_case": pd.DataFrame({"value": head}),
                                 "fiscal_case": pd.DataFrame(case.fiscal_case).set_index("budget_holder")})
        else:
            text = json.dumps(case.to_dict(), indent=2, allow_nan=False) if args.format == "json" else case.text()
        _emit(text, args.output, args.force)
        return 0
    if args.format == "json":
        text = json.dumps(result.to_dict(), indent=2, allow_nan=False)
    elif args.format == "csv":
        text = sections_csv({"headline": result.summary, "ledger": result.ledger, "outcomes": result.by_outcome})
    else:
        from ..display import result_text

        text = result_text(result)
    _emit(text, args.output, args.force)
    return 0


def _short_names(names, width: int) -> list[str]:
    """Scheme names cut to ``width`` characters; names that would then read the same (two
    alternatives of one scheme) keep their ends instead, either side of an ellipsis."""
    from collections import Counter

    def cut(n: str) -> str:
        return n if len(n) <= width else n[: width - 1].rstrip() + "…"

    heads = [cut(n) for n in names]
    clash = Counter(heads)
    k = width // 2
    return [h if clash[h] == 1 or len(n) <= width else n[:k].rstrip() + "…" + n[-(width - k - 1):].lstrip()
            for n, h in zip(names, heads)]


def _league_text(league) -> str:
    """The league table as text within 100 columns: a numbered row a scheme (its name cut to
    fit), the figures, then each scheme's comparability flags as numbered notes."""
    import textwrap

    from ..display import _table, money, ratio_interval_text, ratio_text
    from ..plots import probability_text

    table = league.table
    has_psa = "p_ratio_exceeds_1" in table.columns
    cur = league.common.get("currency", "GBP")
    headers = ["#", "scheme", "ratio"] + (["95% interval", "P(>1)"] if has_psa else []) + \
        [f"NPV ({league.price_base})", "payback", "cashable"]
    name_width = 29 if has_psa else 50
    r2 = ratio_interval_text
    rows = []
    shorts = _short_names(list(table.index), name_width)
    for k, (short, (name, r)) in enumerate(zip(shorts, table.iterrows()), 1):
        row = [f"{k:>2}{'†' if r['illustrative'] else ' '}", short, ratio_text(r["sroi_ratio"])]
        if has_psa:
            row += (["no interval*", "-"] if r["ratio_low"] != r["ratio_low"] else
                    [f"{r2(r['ratio_low'])} to {r2(r['ratio_high'])}", probability_text(r["p_ratio_exceeds_1"])])
        row += ["-" if r["npv_rebased"] != r["npv_rebased"] else money(r["npv_rebased"], cur),
                "never" if r["payback_months"] == float("inf") else f"{r['payback_months']:.0f} mo",
                "-" if r["cashable_share"] != r["cashable_share"] else f"{100 * r['cashable_share']:.0f}%"]
        rows.append(row)
    right = [True, False, True] + ([False, True] if has_psa else []) + [True, True, True]
    c = league.common
    lines = textwrap.wrap(f"NPVs in {league.price_base} prices. Comparability is against the most common setting: "
                          f"discounting {c['discounting']}, horizon {c['horizon']} years, perspective "
                          f"{c['perspective']}.", 100)
    if league.rank_by != "sroi_ratio":
        lines.append(f"Ranked by {league.rank_by}, largest first.")
    lines += [""] + _table(headers, rows, right)
    if has_psa and table["ratio_low"].isna().any():
        lines += ["* no parameter of this scheme is uncertain, so no interval or probability can be given"]
    marked = [(k, why) for k, (flag, why) in enumerate(zip(table["illustrative"], table["illustrative_reason"]), 1)
              if flag]
    if marked:
        lines += ["", "† Illustrative: the headline rests mostly on assumptions or weak evidence, so it shows what "
                  "the", "  scheme could be worth, not what it has been shown to be worth:"]
        for k, why in marked:
            lines += textwrap.wrap(why, 100, initial_indent=f"{k:>3}  ", subsequent_indent="     ")
    kinds = [c for c in table.columns if c.startswith("per_kind:")]
    if kinds:
        lines += ["", "Who receives the value, per £ invested (holders grouped by kind)"]
        krows = [[str(k), short] + [f"{r[c] + 0.0:.2f}" if abs(r[c]) >= 0.005 else "0.00" for c in kinds]
                 for k, (short, (_, r)) in enumerate(zip(_short_names(list(table.index), 29), table.iterrows()), 1)]
        abbrev = {"local authority": "local auth.", "police and justice": "police/justice",
                 "central government": "central gov."}
        heads = ["#", "scheme"] + [abbrev.get(k, k) for k in (c.split(":", 1)[1] for c in kinds)]
        lines += _table(heads, krows, [True, False] + [True] * len(kinds))
    notes = [(k, flags) for k, flags in enumerate(table["comparability"], 1) if flags]
    if notes:
        lines += ["", "Not comparable as they stand:"]
        for k, flags in notes:
            lines += textwrap.wrap(flags, 100, initial_indent=f"{k:>3}  ", subsequent_indent="     ")
    return "\n".join(lines)


def _compare(args: argparse.Namespace) -> int:
    from ..sensitivity import comparison

    from .sensitivity import parse_correlations

    if args.rank_by.startswith(("ratio_", "p_")) and not args.psa:
        raise ScenarioError(args.files[0], "--rank-by", f"{args.rank_by} comes from a PSA; drop --psa 0")
    league = comparison(args.files, price_base=args.price_base, psa_draws=args.psa, seed=args.seed,
                        ranges_as=args.ranges, rank_by=args.rank_by,
                        correlation=parse_correlations(args.correlation, args.files[0]))
    table = league.table
    if args.format == "csv":
        text = safe_csv(table)
    elif args.format == "json":
        text = table.reset_index().to_json(orient="records", indent=2, double_precision=15)
    else:
        text = _league_text(league)
    # every chart drawn before anything is written: a chart that fails leaves no table behind
    charts = [(path, _chart_png(h * len(table), draw)) for path, h, draw in (
        (args.chart, 0.45, lambda ax: league.plot(ax=ax)), (args.forest, 0.4, lambda ax: league.plot_forest(ax=ax)))
        if path]
    _emit(text, args.output, args.force)
    for path, png in charts:
        atomic_write(path, png, force=args.force)
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    """Exit 0 when every figure is within its tolerance, 1 when any is not, 2 on bad input."""
    from pathlib import Path

    import textwrap

    from ..reproduce import registry, reproduce
    from ..resources import example_path
    from ..scenario import load

    if args.all == bool(args.targets):
        raise ScenarioError("sroi reproduce", "", "name evaluations (IDs or files) or give --all, not both and not "
                            "neither; 'sroi examples' lists the bundled ones under published/")
    targets: list[tuple[str, Path]] = list(registry().items()) if args.all else []
    for t in args.targets:
        p = Path(t)
        if p.suffix == ".toml" and p.exists():
            targets.append((p.stem, p))
        else:
            name = t if "/" in t else f"published/{t}"
            targets.append((name, example_path(name)))
    done = [reproduce(load(path), id=name) for name, path in targets]
    if args.format == "json":
        text = json.dumps([r.to_dict() for r in done], indent=2, allow_nan=False)
    elif args.format == "csv":
        text = sections_csv({r.id: r.table for r in done})
    else:
        from ..display import _table

        lines = []
        for r in done:
            lines += [f"{r.id} ({r.grade}): {r.name}"]
            lines += textwrap.wrap(f"tolerance: {r.tolerance_note}", 96, initial_indent="  ", subsequent_indent="    ")
            rows = [[m + (f" [{row['scenario']}]" if row["scenario"] else ""), f"{row['published']:,.6g}",
                     f"{row['reproduced']:,.6g}", f"{row['allowed']:,.4g}", "yes" if row["within"] else "NO"]
                    for m, row in r.table.iterrows()]
            lines += ["  " + line for line in _table(["figure", "published", "reproduced", "allowed +/-", "within"],
                                                      rows, [False, True, True, True, False])]
            lines.append("")
        ok = sum(r.passed for r in done)
        grades = {g: sum(r.grade == g for r in done) for g in ("rebuilt", "partial", "arithmetic")}
        lines.append(f"{ok} of {len(done)} evaluations within tolerance; graded "
                     + ", ".join(f"{n} {g}" for g, n in grades.items()))
        text = "\n".join(lines)
    _emit(text, args.output, args.force)
    return 0 if all(r.passed for r in done) else 1


def _check(args: argparse.Namespace) -> int:
    from ..results import run
    from ..scenario import load

    status = 0
    found: list[dict] = []
    for f in args.files:
        try:
            result = run(load(f))
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        if args.format != "text":
            found += [{"file": f, "code": w.code, "field": w.field, "message": w.message} for w in result.warnings]
            continue
        if args.standard:
            import textwrap

            from ..standards import assess

            reqs = assess(result, args.standard)
            title = {"green-book": "the Green Book economic case (HM Treasury, 2022)",
                     "svi": "the SROI principles (Social Value International)"}[args.standard]
            print(visible("\n".join(textwrap.wrap(f"{f} against {title}: meets {sum(r.meets for r in reqs)} of "
                                                   f"{len(reqs)}", 100, subsequent_indent="  "))))
            for r in reqs:
                print(visible("\n".join(textwrap.wrap(str(r), 100, initial_indent="  ", subsequent_indent="         "))))
            continue
        if not result.warnings:
            print(f"{f}: no warnings")
        for w in result.warnings:
            print(visible(f"{f}: {w}"))
    if args.format != "text":
        import pandas as pd

        table = pd.DataFrame(found, columns=["file", "code", "field", "message"]).set_index("file")
        _emit(safe_csv(table) if args.format == "csv" else json.dumps(found, indent=2), None, False)
    return status


def _validate(args: argparse.Namespace) -> int:
    from ..scenario import load

    status = 0
    for f in args.files:
        try:
            scheme = load(f)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(f"{f}: valid ({len(scheme.outcomes)} outcomes, {len(scheme.inputs)} inputs, "
                  f"{sum(1 for _ in scheme.parameters())} parameters)")
    return status


def _proxy_lines(records) -> str:
    from ..display import money

    if not records:
        return "no proxies found"
    w = max(len(r.id) for r in records)
    return "\n".join(f"{r.id.ljust(w)}  {money(r.value, r.currency, 2):>13} {r.unit} ({r.price_year} prices)  "
                     f"{r.description}" for r in records)


def _proxy_table(records, fmt: str, extra: dict | None = None) -> str:
    """Proxy records with every field, as CSV or JSON (price years as written, e.g. 2019-20);
    ``extra`` adds columns (the same for every record)."""
    from dataclasses import fields

    import pandas as pd

    from ..proxies import ProxyRecord

    rows = [{**{f.name: (str(r.price_year) if f.name == "price_year" else getattr(r, f.name))
                for f in fields(ProxyRecord)}, **(extra or {})} for r in records]
    if fmt == "json":
        return json.dumps(rows, indent=2, allow_nan=False)
    return safe_csv(pd.DataFrame(rows, columns=[f.name for f in fields(ProxyRecord)] + list(extra or {}))
                    .set_index("id"))


def _proxies(args: argparse.Namespace) -> int:
    from ..display import money
    from ..prices import load_deflator
    from ..proxies import ProxyLibrary

    lib = ProxyLibrary.load(args.table)
    for clash in lib.clashes:
        print(f"note: {clash}", file=sys.stderr)
    if args.proxies_command in ("list", "search"):
        records = (sorted((r for r in lib if not args.area or r.area == args.area), key=lambda r: r.id)
                   if args.proxies_command == "list" else lib.search(args.query, area=args.area))
        if args.format == "text":
            print(visible(_proxy_lines(records)))
        else:
            _emit(_proxy_table(records, args.format), None, False)
        return 0
    try:
        r = lib.get(args.id)
    except KeyError as exc:
        print(f"sroi proxies show: {exc.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = [("id", r.id), ("description", r.description), ("area", r.area),
            ("value", f"{money(r.value, r.currency, 2)} {r.unit} ({r.price_year} prices)")]
    extra: dict = {}
    if args.year:
        deflator = load_deflator(r.currency)
        try:
            extra = {"rebased_to": args.year, "rebased_value": r.rebased(args.year, deflator)}
            rows.append((f"in {args.year} prices",
                         f"{money(r.rebased(args.year, deflator), r.currency, 2)} {r.unit} (x "
                         f"{deflator.factor(r.price_year, args.year):.6f}, {deflator.title})"))
        except PriceYearError as exc:
            print(f"sroi proxies show: --year {args.year}: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    rows += [("value type", r.value_type), ("agency", r.agency), ("cashable", r.cashable),
             ("source", r.source), ("table or page", r.table_or_page), ("url", r.url), ("licence", r.licence),
             ("verification", r.verification), ("seen in", r.seen_in), ("checked", r.checked),
             ("notes", r.notes or "-"), ("table", r.table)]
    if args.format != "text":
        _emit(_proxy_table([r], args.format, extra), None, False)
        return 0
    w = max(len(k) for k, _ in rows)
    print("\n".join(f"{k.ljust(w)}  {v}" for k, v in rows))
    return 0


def _examples(args: argparse.Namespace) -> int:
    import textwrap

    from ..resources import copy_example, example_path, list_examples

    if args.examples_command == "copy":
        try:
            written = copy_example(args.name, args.dir, force=args.force)
        except OSError as exc:
            if isinstance(exc, (OutputExistsError, OutputWriteError)):
                raise
            print(OutputWriteError(exc.filename or args.dir, exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        for path in written:
            print(f"wrote {path}")
        print(f"run it with: sroi run {written[0]}")
        return 0
    if args.examples_command == "path":
        print(example_path(args.name))
        return 0
    examples = list_examples()
    lines = ["Bundled example schemes. Copy one to edit it: sroi examples copy NAME [DIR]"]
    for heading, group in (("Seed schemes", [e for e in examples if "/" not in e.name]),
                           ("Published evaluations (scenarios/published)", [e for e in examples if "/" in e.name])):
        if group:
            lines += ["", heading]
            for e in group:
                lines.append(f"  {e.name}")
                lines += textwrap.wrap(e.title, 78, initial_indent="      ", subsequent_indent="      ")
    print("\n".join(lines))
    return 0


#: The most PSA draws a command will run: its outputs alone would pass 10 GB beyond this.
MAX_DRAWS = 100_000_000


def check_options(args: argparse.Namespace) -> str | None:
    """Why an option value cannot be used (one line), or None. Values that would crash
    (a negative seed), exhaust memory (a PSA of 10^12 draws) or quietly mean nonsense (a
    negative spread inverts the tornado) are refused before any work."""
    import math

    seed = getattr(args, "seed", None)
    if seed is not None and not 0 <= seed < 2**63:
        return f"--seed must be a whole number from 0 to 2^63 - 1, got {seed}"
    psa = getattr(args, "psa", None)
    if psa is not None and not 0 <= psa <= MAX_DRAWS:
        return f"--psa must be from {0 if args.command != 'sensitivity' else 1} to {MAX_DRAWS:,} draws, got {psa}"
    for name in ("threshold", "target"):
        v = getattr(args, name, None)
        if v is not None and not (math.isfinite(v) and v >= 0):
            return f"--{name} must be a finite ratio of 0 or more, got {v}"
    uplift = getattr(args, "cost_uplift", None)
    if uplift is not None and not (math.isfinite(uplift) and 0 <= uplift <= 10):
        return f"--cost-uplift must be a fraction from 0 to 10 (0.24 is 24%), got {uplift}"
    if uplift and getattr(args, "view", "economic") != "economic":
        return "--cost-uplift is used only with --view economic"
    spread = getattr(args, "spread", None)
    if spread is not None and not (math.isfinite(spread) and 0 < spread <= 1):
        return f"--spread must be a fraction above 0 and at most 1 (0.2 moves each parameter by +/- 20%), got {spread}"
    sobol = getattr(args, "sobol", None)
    if sobol is not None and not 2 <= sobol <= 2**24:
        return f"--sobol must be from 2 to {2**24:,} base samples, got {sobol}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    problem = check_options(args)
    if problem:
        print(f"sroi {args.command}: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        for path in _outputs(args):
            refuse_existing(path, force=getattr(args, "force", False))  # before any work: an existing file or a missing folder
        if args.command == "run":
            return _run(args)
        if args.command == "proxies":
            return _proxies(args)
        if args.command == "examples":
            return _examples(args)
        if args.command == "check":
            return _check(args)
        if args.command == "reproduce":
            return _reproduce(args)
        if args.command == "report":
            from ..report import write_report
            from ..sensitivity import analyse

            from .sensitivity import check_correlations, parse_correlations

            scheme = load_with_sets(args, args.file)
            pairs = parse_correlations(args.correlation, args.file)
            if pairs:  # named parameters the PSA draws, or one line (not a traceback from the sampler)
                from ..engine import as_model
                from ..sensitivity import ranges_as_distributions

                check_correlations(as_model(ranges_as_distributions(scheme, args.ranges) if args.ranges else scheme),
                                   pairs, args.file)
            analyses = analyse(scheme, psa_draws=args.psa, seed=args.seed, ranges_as=args.ranges, correlation=pairs)
            write_report(analyses, args.output, force=args.force)
            print(f"wrote {args.output}")
            return 0
        if args.command == "compare":
            return _compare(args)
        if args.command == "portfolio":
            from . import portfolio as cli_portfolio

            return cli_portfolio.handle(args)
        if args.command == "sensitivity":
            from . import sensitivity as cli_sensitivity

            if args.psa is not None and args.psa < 1 or args.sobol is not None and args.sobol < 2:
                print("sroi sensitivity: --psa needs at least 1 draw and --sobol at least 2 samples",
                      file=sys.stderr)
                return EXIT_BAD_INPUT
            if args.evpi and not args.psa:
                print("sroi sensitivity: --evpi values the draws of a PSA; add --psa N", file=sys.stderr)
                return EXIT_BAD_INPUT
            if args.study and not args.evpi:
                print("sroi sensitivity: --study values information; add --psa N --evpi", file=sys.stderr)
                return EXIT_BAD_INPUT
            _emit(cli_sensitivity.handle(args), args.output, args.force)
            return 0
        if args.command in ("export", "import"):
            from . import excel as cli_excel

            return cli_excel.handle(args)
        return _validate(args)
    except (ScenarioError, PriceYearError, OutputExistsError, OutputWriteError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `sroi run x.toml | head`
        return 0
    except MemoryError:  # e.g. --psa 100,000,000 where the machine has too little memory for the draws
        print(f"sroi {args.command}: not enough memory for this analysis; use fewer draws (--psa, --sobol) or "
              "split the scheme", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C: nothing half-written is left (outputs are atomic), and no traceback
        print(f"sroi {args.command}: interrupted; nothing was written", file=sys.stderr)
        return 130


def _outputs(args: argparse.Namespace) -> list[str]:
    """Every file the command will write (-o and the chart options)."""
    names = ("output", "chart", "forest", "settlement_chart")
    return [p for p in (getattr(args, n, None) for n in names) if p]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
