"""Sensitivity analysis: one-way and tornado, switching values, named scenarios,
probabilistic analysis, Sobol indices, optimism bias and the value of information.

Every analysis builds a design (draws x parameters) from the scheme's one parameter
table and evaluates it through the same kernel as the deterministic run.
"""

from .oneway import OneWay, one_way, switching_values, two_way
from .psa import PSAResult, psa
from .sampling import as_generator, marginal
from .scenarios import optimism_bias, ranges_as_distributions, run_scenarios
from .sobol import SobolResult, sobol

__all__ = ["one_way", "OneWay", "two_way", "switching_values", "psa", "PSAResult", "sobol", "SobolResult",
           "run_scenarios", "optimism_bias", "ranges_as_distributions", "marginal", "as_generator"]
