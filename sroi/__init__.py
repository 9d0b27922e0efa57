"""sroi: social return on investment and cost-benefit modelling of public-service schemes.

The verbs follow the data flow::

    scheme = sroi.load("scenarios/family_nurse_partnership.toml")   # define (validated, frozen)
    result = sroi.run(scheme)                                        # run (one kernel)
    result.summary, result.ledger, result.by_year                    # read

See ``docs/scheme-format.md`` for the scheme file format.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("sroi")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

from .errors import PriceYearError, ScenarioError  # noqa: E402
from .model import Scheme  # noqa: E402
from .prices import PriceYear, load_deflator  # noqa: E402
from .scenario import dumps, from_dict, load, loads, save, to_dict, validate  # noqa: E402
from .engine import Model, compile_scheme  # noqa: E402
from .proxies import ProxyLibrary, load_library  # noqa: E402
from .results import Result, run  # noqa: E402

__all__ = [
    "__version__", "ScenarioError", "PriceYearError", "Scheme", "PriceYear", "load_deflator",
    "load", "loads", "from_dict", "to_dict", "dumps", "save", "validate", "Model", "compile_scheme", "Result", "run", "ProxyLibrary", "load_library",
]
