"""Options several commands share: ``--set PARAM=VALUE`` and ``--payback``."""

from __future__ import annotations

import argparse

from ..errors import ScenarioError

__all__ = ["add_set_option", "parse_sets", "load_with_sets"]


def add_set_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--payback", choices=("discounted", "sroi_guide"),
                   help="which payback the headline shows (both are reported): discounted, or the SROI Guide's "
                        "investment / (first-year impact / 12); default: the scheme's payback setting")
    p.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE", dest="set_values",
                   help="replace a parameter's base value, e.g. lower_cost_support.deadweight=0.3 (repeatable; "
                        "checked against the field's range as the file is)")


def parse_sets(values: list[str], file: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in values:
        name, eq, x = v.partition("=")
        try:
            if not eq or not name.strip():
                raise ValueError
            out[name.strip()] = float(x)
        except ValueError:
            raise ScenarioError(file, "--set", f"'{v}' must be PARAM=VALUE with a number, e.g. "
                                "lower_cost_support.deadweight=0.3") from None
    return out


def load_with_sets(args: argparse.Namespace, file: str):
    """The scheme file with any --set values applied (validated as the file is)."""
    from ..scenario import load, with_values

    from dataclasses import replace

    scheme = load(file)
    sets = parse_sets(getattr(args, "set_values", []), file)
    scheme = with_values(scheme, sets) if sets else scheme
    payback = getattr(args, "payback", None)
    return replace(scheme, payback=payback) if payback else scheme
