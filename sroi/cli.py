"""The ``sroi`` command. Reads schemes, runs them, prints or writes results.

Bad input prints one line (file, field, what is allowed) to standard error and exits
with status 2; it never shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from . import __version__
from .errors import PriceYearError, ScenarioError
from .fileio import OutputExistsError, atomic_write

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sroi", description="Social return on investment for public-service schemes.")
    p.add_argument("--version", action="version", version=f"sroi {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scheme file and print its headline table and ledger")
    run.add_argument("file", help="scheme file (TOML)")
    run.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    run.add_argument("-o", "--output", help="write to this file instead of standard output")
    run.add_argument("--force", action="store_true", help="overwrite the output file if it exists")

    val = sub.add_parser("validate", help="check a scheme file and say what is wrong")
    val.add_argument("files", nargs="+", help="scheme files (TOML)")
    return p


def _emit(text: str, output: str | None, force: bool) -> None:
    if output:
        atomic_write(output, text if text.endswith("\n") else text + "\n", force=force)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _run(args: argparse.Namespace) -> int:
    from .results import run
    from .scenario import load

    result = run(load(args.file))
    if args.format == "json":
        text = json.dumps(result.to_dict(), indent=2, allow_nan=False)
    else:
        from .display import result_text

        text = result_text(result)
    _emit(text, args.output, args.force)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .scenario import load

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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        return _validate(args)
    except (ScenarioError, PriceYearError, OutputExistsError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `sroi run x.toml | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
