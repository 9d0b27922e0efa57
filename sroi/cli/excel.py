"""`sroi export` and `sroi import`: impact maps to and from Excel workbooks.

``sroi export FILE -o map.xlsx`` writes the scheme as a workbook whose every derived
cell is a live formula; ``sroi import map.xlsx -o scheme.toml`` reads an exported
workbook, or a common SROI value map, back into a scheme file. Bad input prints one
line (file, sheet!cell, what was expected) to standard error and exits with status 2;
neither command overwrites an existing file without ``--force``.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    exp = sub.add_parser("export", help="write a scheme as an Excel impact map with live formulas")
    exp.add_argument("file", help="scheme file (TOML)")
    exp.add_argument("-o", "--output", required=True, help="workbook to write (.xlsx)")
    exp.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    imp = sub.add_parser("import", help="read an Excel impact map into a scheme file",
                         description="Read a workbook written by 'sroi export', or a common SROI value map, into "
                                     "a scheme file. The value-map options supply what a value map does not say; "
                                     "they override labelled cells above its header row (see docs/excel.md).")
    imp.add_argument("workbook", help="workbook to read (.xlsx; an .xlsm is read without its macros)")
    imp.add_argument("-o", "--output", required=True, help="scheme file to write (.toml)")
    imp.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    vm = imp.add_argument_group("value maps only")
    vm.add_argument("--sheet", help="sheet holding the value map (default: the first with a value-map header)")
    vm.add_argument("--name", help="the scheme's name (default: from the workbook's file name)")
    vm.add_argument("--price-year", help="price year of the values and amounts, and the price base: 2024 or 2024-25")
    vm.add_argument("--currency", help="ISO 4217 currency code, such as GBP")
    vm.add_argument("--horizon", help="years over which value and inputs are counted")
    vm.add_argument("--convention", help="discounting timing convention: sroi_guide or green_book")
    vm.add_argument("--schedule", help="discount schedule: green_book (default) or constant")
    vm.add_argument("--discount-rate", help="a constant discount rate such as 0.035 or 3.5%%")
    vm.add_argument("--beneficiary", help="budget holder receiving the value of rows without a Beneficiary column")
    vm.add_argument("--value-type", help="value type of rows without a Value type column: fiscal_cashable, "
                                         "fiscal_non_cashable, economic or social")
    vm.add_argument("--funder", help="budget holder paying inputs without a Funder column")


def handle(args: argparse.Namespace) -> int:
    """Run ``export`` or ``import``. Errors propagate as :class:`ScenarioError`,
    :class:`PriceYearError` or :class:`OutputExistsError`, which ``sroi.cli.main``
    prints as one line with exit status 2."""
    if args.command == "export":
        return _export(args)
    return _import(args)


def _export(args: argparse.Namespace) -> int:
    from ..excel import export_workbook
    from ..scenario import load

    scheme = load(args.file)
    path = export_workbook(scheme, args.output, force=args.force)
    print(f"{path}: impact map of '{scheme.name}' ({len(scheme.outcomes)} outcomes, {len(scheme.inputs)} inputs, "
          f"{scheme.horizon} years) with live formulas")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..errors import ScenarioError
    from ..excel import import_workbook
    from ..scenario import save

    from pathlib import Path

    out = Path(args.output)
    if out.suffix.lower() != ".toml":  # TOML text under an .xlsx name would open as a broken workbook
        raise ScenarioError(args.output, "", f"sroi import writes a scheme file in TOML; name the output "
                                             f"'{out.with_suffix('.toml').name}'")
    horizon = args.horizon
    if horizon is not None:
        try:
            horizon = int(horizon)
        except ValueError:
            raise ScenarioError("--horizon", "", f"must be a whole number of years, got {horizon!r}") from None
    scheme = import_workbook(
        args.workbook, sheet=args.sheet, name=args.name, price_year=args.price_year, currency=args.currency,
        horizon=horizon, convention=args.convention, schedule=args.schedule, discount_rate=args.discount_rate,
        beneficiary=args.beneficiary, value_type=args.value_type, funder=args.funder,
    )
    path = save(scheme, args.output, force=args.force)
    for notice in scheme.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(f"{path}: scheme '{scheme.name}' ({len(scheme.outcomes)} outcomes, {len(scheme.inputs)} inputs) "
          f"from {args.workbook}")
    return 0
