"""sroi: social return on investment and cost-benefit modelling of public-service schemes.

The verbs follow the data flow: define (a validated, frozen scheme), run (one kernel),
read (the result's tables)::

    >>> import sroi
    >>> scheme = sroi.load(sroi.example_path("family_nurse_partnership"))
    >>> result = sroi.run(scheme)
    >>> result.sroi_ratio == result.present_value / result.investment
    True
    >>> list(result.summary.index[:4])
    ['present_value', 'investment', 'npv', 'sroi_ratio']

``result.ledger`` (who pays, who saves), ``result.by_outcome`` and ``result.by_year`` hold
the rest.

See ``docs/scheme-format.md`` for the scheme file format, and ``sroi.list_examples()``
for the bundled schemes.

The package imports numpy and pandas only: scipy, matplotlib, numba and openpyxl are
imported by the functions that need them (``sroi.sensitivity``, the plots, the Excel
faces), so ``import sroi`` stays quick.
"""

from ._version import __version__
from .errors import PriceYearError, ScenarioError
from .model import Scheme
from .prices import PriceYear, load_deflator
from .scenario import dumps, from_dict, load, loads, save, to_dict, validate
from .engine import Model, compile_scheme
from .proxies import ProxyLibrary, load_library
from .results import Result, run
from .resources import copy_example, example_path, list_examples
from .portfolio import PortfolioResult, portfolio  # the function: sroi.portfolio(files, budgets=...)

__all__ = [
    "__version__", "ScenarioError", "PriceYearError", "Scheme", "PriceYear", "load_deflator",
    "load", "loads", "from_dict", "to_dict", "dumps", "save", "validate", "Model", "compile_scheme",
    "Result", "run", "ProxyLibrary", "load_library",
    "list_examples", "example_path", "copy_example", "portfolio", "PortfolioResult",
]
