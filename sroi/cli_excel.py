"""`sroi export` and `sroi import`: impact maps to and from Excel workbooks.

Placeholder until the Excel interop lands: the commands are registered so the CLI
shape is fixed, and they say plainly that they are not available yet.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    exp = sub.add_parser("export", help="write a scheme as an Excel impact map with live formulas")
    exp.add_argument("file", help="scheme file (TOML)")
    exp.add_argument("-o", "--output", required=True, help="workbook to write (.xlsx)")
    exp.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    imp = sub.add_parser("import", help="read an Excel impact map into a scheme file")
    imp.add_argument("workbook", help="workbook to read (.xlsx)")
    imp.add_argument("-o", "--output", required=True, help="scheme file to write (.toml)")
    imp.add_argument("--force", action="store_true", help="overwrite the output file if it exists")


def handle(args: argparse.Namespace) -> int:
    print(f"sroi {args.command}: Excel interop is not available yet", file=sys.stderr)
    return 2
