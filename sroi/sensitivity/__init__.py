"""Sensitivity analysis: one-way and tornado, switching values, named scenarios,
probabilistic analysis, Sobol indices, optimism bias and the value of information.

Every analysis builds a design (draws x parameters) from the scheme's one parameter
table and evaluates it through the same kernel as the deterministic run.

The names below are imported from their modules on first use, so ``import
sroi.sensitivity`` is quick and scipy and numba load only when an analysis needs them.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors; at run time, __getattr__ below
    from .oneway import OneWay, SwitchingValues, one_way, switching_values, two_way
    from .psa import PSAResult, psa
    from .sampling import as_generator, marginal
    from .scenarios import optimism_bias, ranges_as_distributions, run_scenarios
    from .sobol import SobolResult, sobol
    from .standard import Analyses, analyse, comparison

_WHERE = {
    "one_way": "oneway", "OneWay": "oneway", "SwitchingValues": "oneway", "two_way": "oneway",
    "switching_values": "oneway",
    "psa": "psa", "PSAResult": "psa",
    "sobol": "sobol", "SobolResult": "sobol",
    "run_scenarios": "scenarios", "optimism_bias": "scenarios", "ranges_as_distributions": "scenarios",
    "marginal": "sampling", "as_generator": "sampling",
    "analyse": "standard", "Analyses": "standard", "comparison": "standard",
}

__all__ = ["one_way", "OneWay", "SwitchingValues", "two_way", "switching_values", "psa", "PSAResult", "sobol",
           "SobolResult",
           "run_scenarios", "optimism_bias", "ranges_as_distributions", "marginal", "as_generator",
           "analyse", "Analyses", "comparison"]


class _Package(ModuleType):
    """This package's module type. Importing a submodule binds it on its package: once
    ``psa.py`` or ``sobol.py`` has been imported (by anyone), ``sroi.sensitivity.psa`` would
    be that module rather than the function. Bind the function instead, as ``from .psa
    import psa`` did when this package imported everything at once."""

    def __setattr__(self, name: str, value: Any) -> None:
        if _WHERE.get(name) == name and isinstance(value, ModuleType) and value.__name__ == f"{__name__}.{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
