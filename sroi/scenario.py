"""Read a TOML scheme file, validate it once, and build the frozen :class:`Scheme`.

Nothing in a scheme file is ever executed: it is parsed with :mod:`tomllib` and
every field is checked against what is allowed. The first problem found raises a
:class:`~sroi.errors.ScenarioError` naming the file, the field path (arrays of
tables are counted from 1, as a reader counts ``[[outcomes]]`` blocks, so
``outcomes[3].attribution`` is the third outcome) and what is allowed.

The format is documented field by field in ``docs/scheme-format.md``.
"""

from __future__ import annotations

import difflib
import math
import re
import numbers
import tomllib
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping, cast, overload

from .discounting import HEALTH_SCHEDULES, OUTCOME_SCHEDULES
from .errors import PriceYearError, ScenarioError, ScenarioErrors
from .model import (
    FORMAT_VERSION,
    BUDGET_HOLDERS,
    CONFIDENCE_LEVELS,
    OUTCOME_VALUE_TYPES,
    MEASURES,
    UPRATING_RULES,
    Measure,
    BudgetHolder,
    Discounting,
    NamedScenario,
    Distribution,
    Evidence,
    Input,
    Outcome,
    Parameter,
    Proxy,
    Quantity,
    Scheme,
    Source,
    Correlation,
    Distributional,
    Reproduction,
    ReproductionFigure,
)
from .prices import Deflator, PriceYear, price_factors

__all__ = ["load", "loads", "from_dict", "to_dict", "dumps", "save", "validate", "price_factors", "FORMAT_VERSION"]

MAX_HORIZON = 200
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOML_POS = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_INF = math.inf
#: The largest magnitude any number in a scheme may have: products of a quantity, a
#: proxy, a cohort and a horizon of such numbers stay far from float overflow (1.8e308).
LARGEST = 1e15
#: The largest scheme file or local proxy table read (a scheme of a thousand outcomes is
#: well under 2 MiB).
MAX_FILE_BYTES = 16 * 2**20

TOP_KEYS = ("format", "name", "place", "description", "price_base", "currency", "horizon", "sources",
            "discounting", "cohort", "inputs", "outcomes", "budget_holders", "gaps", "proxy_tables", "scenarios",
            "uncertainty", "correlations", "reproduction", "payback", "distributional")
TOP_REQUIRED = ("name", "price_base", "horizon", "discounting", "inputs", "outcomes")
PARAM_KEYS = ("base", "low", "high", "distribution", "source", "assumption", "note", "grade")
DIST_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    # kind: (required own keys, optional own keys, needs low and high)
    "fixed": ((), (), False),
    "uniform": ((), (), True),
    "triangular": ((), (), True),
    "pert": ((), ("lambda",), True),
    "normal": (("sd",), (), False),
    "truncnormal": (("sd",), (), True),
    "lognormal": (("sd",), (), False),
    "gamma": (("sd",), (), False),
    "beta": (("sd",), (), False),
}
DISCOUNT_KEYS = ("schedule", "rate", "rates", "convention", "source")
COHORT_KEYS = ("participants", "source")
SOURCE_KEYS = ("id", "citation", "url", "note")
HOLDER_KEYS = ("id", "name")
INPUT_KEYS = ("id", "description", "funder", "amount", "quantity", "unit_cost", "unit", "basis", "kind",
              "year", "years", "price_year", "source", "note", "grade")
OUTCOME_KEYS = ("id", "stakeholder", "outcome", "indicator", "quantity", "proxy", "start_year", "duration",
                "drop_off", "deadweight", "displacement", "attribution", "beneficiary", "value_type",
                "disbenefit", "evidence", "note", "income_quintile", "recipient_income", "payer",
                "schedule", "cashable_step")
OUTCOME_REQUIRED = ("id", "stakeholder", "outcome", "quantity", "proxy", "duration", "beneficiary",
                    "value_type")
PROXY_KEYS = ("value", "unit", "price_year", "source", "url", "description")
PROXY_MEASURE_KEYS = ("measure", "amount", "uprating", "gdp_per_head_growth", "growth_source")
PROXY_REF_KEYS = ("id", "low", "high", "distribution", "assumption", "note", "grade")
EVIDENCE_KEYS = ("source", "confidence", "note", "grade")
CORRELATION_KEYS = ("parameters", "rho", "source")
REPRODUCTION_KEYS = ("grade", "publication", "tolerance", "tolerance_note", "figures", "note")
FIGURE_KEYS = ("metric", "published", "source", "tolerance", "abs_tolerance", "scenario", "note")
REPRODUCTION_GRADES = ("rebuilt", "partial", "arithmetic")
#: What a reproduction figure may name: headline figures, or a part of the result by id.
HEADLINE_METRICS = ("sroi_ratio", "net_sroi_ratio", "npv", "present_value", "investment")
PART_METRICS = ("outcome", "input", "holder", "stakeholder", "year")
SCENARIO_KEYS = ("name", "description", "source", "set")
#: The narrowest gamma sroi can sample: sd at least this share of the mean (shape at most
#: 250,000). Measured: the inverse-CDF table (sroi.engine.tables) is built for an sd of
#: 0.16% of the mean and cannot be built within its error bound at 0.13%, at any scale
#: (means 1, 1e5 and 1e12 tried); 0.2% keeps a margin.
GAMMA_MIN_CV = 0.002


# --------------------------------------------------------------------------- entry points


def load(path: str | Path, *, deflator: Deflator | None = None) -> Scheme:
    """Read and validate the scheme file at ``path``.

    Raises
    ------
    ScenarioError
        For a missing, unreadable, empty or malformed file, with the field path and
        what is allowed.
    """
    p = Path(path)
    name = str(path)
    import stat as _stat

    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise ScenarioError(name, "", "no such file") from None
    except OSError as exc:
        raise ScenarioError(name, "", f"cannot be read ({exc.strerror or exc})") from None
    if _stat.S_ISDIR(mode):
        raise ScenarioError(name, "", "is a directory, not a scheme file")
    if not _stat.S_ISREG(mode):  # a FIFO or a device would block or never end
        raise ScenarioError(name, "", "is not a regular file (a pipe or a device); a scheme is a TOML file")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(name, "", f"is larger than {MAX_FILE_BYTES // 2**20} MiB; a scheme file is a few "
                            "hundred kilobytes at most")
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(name, "", "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(name, "", "is a directory, not a scheme file") from None
    except OSError as exc:
        raise ScenarioError(name, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(name, "", f"is not UTF-8 text (byte {exc.start}); a scheme file is TOML in UTF-8") \
            from None
    return loads(text, path=name, deflator=deflator)


def loads(text: str, *, path: str = "<string>", deflator: Deflator | None = None) -> Scheme:
    """Validate a scheme given as TOML text; ``path`` names it in messages."""
    text = text.removeprefix("\ufeff")  # a byte-order mark (Notepad) is not content
    if not text.strip():
        raise ScenarioError(path, "", "the file is empty; a scheme needs at least "
                            + ", ".join(TOP_REQUIRED))
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib recurses once per level of nested arrays or inline tables
        raise ScenarioError(path, "", "is nested too deeply to read (arrays or tables inside one another "
                            "hundreds of levels deep); a scheme nests a few levels at most") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.match(msg)
        if m:
            raise ScenarioError(path, f"line {m['line']}, column {m['col']}",
                                f"invalid TOML: {m['msg']}") from None
        raise ScenarioError(path, "", f"invalid TOML: {msg}") from None
    return from_dict(data, path=path, deflator=deflator)


def from_dict(data: Mapping[str, Any], *, path: str = "<scheme>", deflator: Deflator | None = None) -> Scheme:
    """Validate a scheme given as a mapping (parsed TOML, or built in Python)."""
    scheme = _Reader(path).scheme(data)
    price_factors(scheme, deflator=deflator)  # checks every price year is covered
    return scheme


def validate(scheme: Scheme, *, deflator: Deflator | None = None) -> Scheme:
    """Check a :class:`Scheme` built in Python exactly as a file would be checked.

    Returns the scheme rebuilt from its own fields (equal to it when valid).
    """
    return from_dict(to_dict(scheme), path=scheme.path, deflator=deflator)


# --------------------------------------------------------------------------- helpers


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Stop(Exception):
    """A branch of the file stops being read: its problems are already recorded and the
    checks after it would only repeat them."""


class _Reader:
    """Walks a parsed scheme, validating as it builds the model objects.

    Problems in independent parts of the file (each top-level field, each input and
    outcome, each field of an outcome) are all recorded and reported together, one line
    each (:class:`ScenarioErrors`); a structural problem (a missing required field, a
    table that is not a table) stops only its own branch."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.tables: tuple[str, ...] = ()
        self._library = None
        self.errors: list[ScenarioError] = []
        self.horizon_known = True  # False once the horizon failed and a stand-in is used

    def attempt(self, build, default: Any = None) -> Any:
        """``build()``; if it fails, its problem is recorded and ``default`` returned."""
        try:
            return build()
        except ScenarioError as exc:
            self.errors.append(exc)
        except _Stop:
            pass
        return default

    def stop_if_new(self, mark: int) -> None:
        """Stop this branch if problems were recorded since ``len(self.errors)`` was ``mark``."""
        if len(self.errors) > mark:
            raise _Stop

    def library(self):
        if self._library is None:
            from .proxies import load_library

            folder = Path(self.file).parent if not self.file.startswith("<") else Path(".")
            try:
                self._library = load_library([folder / t for t in self.tables])
            except ScenarioError as exc:  # a problem inside a local table: say which field named it
                k = next((k for k, t in enumerate(self.tables, 1) if str(folder / t) == exc.file), None)
                if k is None:
                    raise
                raise self.fail(f"proxy_tables[{k}]", f"{exc}") from None
        return self._library

    def fail(self, path: str, message: str) -> ScenarioError:
        return ScenarioError(self.file, path, message)

    # -- structure ---------------------------------------------------------------------

    def table(self, value: Any, path: str, allowed: Iterable[str], required: Iterable[str] = (),
              what: str = "a table") -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be {what}, got {_type_name(value)}")
        allowed = tuple(allowed)
        for key in value:  # every unknown field is reported; reading goes on
            if not isinstance(key, str):  # a mapping built in Python may have any keys
                raise self.fail(_join(path, repr(key)), f"a field name must be text, got {_type_name(key)}")
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.65)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.errors.append(self.fail(_join(path, key), f"unknown field; {hint}allowed: {', '.join(allowed)}"))
        missing = [key for key in required if key not in value]
        for key in missing:
            self.errors.append(self.fail(_join(path, key), "missing; this field is required"))
        if missing:  # what follows reads the required fields
            raise _Stop
        return value

    def array_of_tables(self, value: Any, path: str, *, min_items: int = 0) -> list[Mapping[str, Any]]:
        if not isinstance(value, list):
            raise self.fail(path, f"must be an array of tables (written [[{path}]]), got {_type_name(value)}")
        if len(value) < min_items:
            raise self.fail(path, f"needs at least {min_items} entr{'y' if min_items == 1 else 'ies'}")
        for k, item in enumerate(value, 1):
            if not isinstance(item, Mapping):
                raise self.fail(f"{path}[{k}]", f"must be a table, got {_type_name(item)}")
        return value

    # -- scalars -----------------------------------------------------------------------

    @overload
    def string(self, table: Mapping[str, Any], key: str, path: str, *, required: Literal[True],
               choices: Mapping[str, str] | Iterable[str] | None = None) -> str: ...

    @overload
    def string(self, table: Mapping[str, Any], key: str, path: str, *, required: bool = False,
               choices: Mapping[str, str] | Iterable[str] | None = None) -> str | None: ...

    def string(self, table: Mapping[str, Any], key: str, path: str, *, required: bool = False,
               choices: Mapping[str, str] | Iterable[str] | None = None) -> str | None:
        here = _join(path, key)
        if key not in table:
            if required:
                raise self.fail(here, "missing; this field is required")
            return None
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(here, f"must be a string, got {_type_name(value)}")
        if not value.strip():
            raise self.fail(here, "must not be empty")
        if choices is not None:
            options = tuple(choices)
            if value not in options:
                close = difflib.get_close_matches(value, options, n=1, cutoff=0.65)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise self.fail(here, f"'{value}' is not allowed; {hint}allowed: {', '.join(options)}")
        return value

    def integer(self, value: Any, path: str, lo: int, hi: int) -> int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            value = int(value)  # numpy.int64 from a DataFrame, as numpy.float64 is accepted below
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise self.fail(path, f"must be a whole number from {lo} to {hi}, got {_type_name(value)}"
                                + (f" {value!r}" if isinstance(value, (str, float)) else ""))
        if not lo <= value <= hi:
            raise self.fail(path, f"must be a whole number from {lo} to {hi}, got {value}")
        return value

    def number(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            got = _type_name(value) + (f" {value!r}" if isinstance(value, str) else "")
            raise self.fail(path, f"must be a number, got {got}")
        x = float(value)
        if not math.isfinite(x):
            raise self.fail(path, f"must be a finite number, got {value}")
        return x

    def in_range(self, x: float, path: str, lo: float, hi: float, *, lo_open: bool = False, what: str) -> float:
        if x < lo or x > hi or (lo_open and x == lo):
            raise self.fail(path, f"{what}, got {_fmt(x)}")
        if abs(x) > LARGEST:
            raise self.fail(path, f"is too large: at most {LARGEST:g} (larger values overflow the sums), got {_fmt(x)}")
        return x

    def price_year(self, table: Mapping[str, Any], key: str, path: str, *, default: PriceYear | None = None,
                   missing: str = "missing; this field is required") -> PriceYear:
        here = _join(path, key)
        if key not in table:
            if default is not None:
                return default
            raise self.fail(here, missing)
        try:
            return PriceYear.parse(table[key])
        except PriceYearError as exc:
            raise self.fail(here, str(exc)) from None

    # -- parameters --------------------------------------------------------------------

    def parameter(self, value: Any, path: str, *, lo: float, hi: float, lo_open: bool = False,
                  what: str) -> Parameter:
        """A plain number or ``{base, low, high, distribution, source, assumption, note}``."""
        if not isinstance(value, Mapping):
            x = self.in_range(self.number(value, path), path, lo, hi, lo_open=lo_open, what=what)
            return Parameter(x)
        t = self.table(value, path, PARAM_KEYS, ("base",), what="a number or a parameter table")
        base = self.in_range(self.number(t["base"], f"{path}.base"), f"{path}.base", lo, hi,
                             lo_open=lo_open, what=what)
        low = high = None
        if "low" in t:
            low = self.in_range(self.number(t["low"], f"{path}.low"), f"{path}.low", lo, hi,
                                lo_open=lo_open, what=what)
            if low > base:
                raise self.fail(f"{path}.low", f"must not exceed base ({_fmt(base)}), got {_fmt(low)}")
        if "high" in t:
            high = self.in_range(self.number(t["high"], f"{path}.high"), f"{path}.high", lo, hi,
                                 lo_open=lo_open, what=what)
            if high < base:
                raise self.fail(f"{path}.high", f"must not be below base ({_fmt(base)}), got {_fmt(high)}")
        dist = None
        if "distribution" in t:
            dist = self.distribution(t["distribution"], f"{path}.distribution", base, low, high, lo, hi)
        return Parameter(base, low, high, dist,
                         self.string(t, "source", path), self.string(t, "assumption", path),
                         self.string(t, "note", path),
                         self.grade(t["grade"], f"{path}.grade") if "grade" in t else None)

    def grade(self, value: Any, path: str) -> int:
        from .uncertainty import grade_table

        grades = grade_table().grades
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value not in grades:
            raise self.fail(path, "must be an evidence grade, one of "
                            + ", ".join(f"{g} ({grades[g].label})" for g in sorted(grades))
                            + f"; got {value!r} (see data/uncertainty/grades.toml)")
        return value

    def distribution(self, value: Any, path: str, base: float, low: float | None, high: float | None,
                     lo: float, hi: float) -> Distribution:
        kinds = tuple(DIST_KEYS)
        if isinstance(value, str):
            value = {"type": value}
        t = self.table(value, path, ("type", "sd", "lambda"), ("type",),
                       what="a distribution name or a table with a type")
        kind = self.string(t, "type", path, required=True, choices=kinds)
        required, optional, needs_bounds = DIST_KEYS[kind]
        for key in t:
            if key != "type" and key not in required + optional:
                raise self.fail(f"{path}.{key}", f"not used by a {kind} distribution"
                                + (f"; it takes {', '.join(required + optional)}" if required + optional
                                   else "; it takes only the parameter's base, low and high"))
        params = []
        for key in required:
            if key not in t:
                raise self.fail(f"{path}.{key}", f"missing; a {kind} distribution needs {', '.join(required)}")
        for key in required + optional:
            if key in t:
                x = self.in_range(self.number(t[key], f"{path}.{key}"), f"{path}.{key}", 0, _INF, lo_open=True,
                                  what="must be greater than 0")
                params.append((key, x))
        if needs_bounds and (low is None or high is None):
            raise self.fail(path, f"a {kind} distribution needs the parameter's low and high")
        # The distribution must stay inside the field's valid range.
        support = {"normal": (-_INF, _INF), "lognormal": (0.0, _INF), "gamma": (0.0, _INF),
                   "beta": (0.0, 1.0)}.get(kind)
        if support is not None and (support[0] < lo or support[1] > hi):
            advice = "use beta, or truncnormal with low and high" if hi <= 1 else \
                "use lognormal, gamma, or truncnormal with low and high"
            raise self.fail(f"{path}.type", f"a {kind} distribution can fall outside the allowed range "
                            f"[{_fmt(lo)}, {_fmt(hi)}]; {advice}")
        sd = dict(params).get("sd")
        if kind in ("lognormal", "gamma") and base <= 0:
            raise self.fail(path, f"a {kind} distribution needs a base (its mean) greater than 0")
        if kind == "gamma" and sd is not None and sd < GAMMA_MIN_CV * base:
            raise self.fail(f"{path}.sd", f"{_fmt(sd)} is too narrow for a gamma with mean {_fmt(base)} to be "
                            f"sampled (its shape would exceed {1 / GAMMA_MIN_CV ** 2:,.0f}): give an sd of at least "
                            f"{_fmt(GAMMA_MIN_CV * base)} ({100 * GAMMA_MIN_CV:g}% of the mean), or a normal "
                            "distribution, which a gamma this narrow all but is")
        if kind == "beta":
            if not 0 < base < 1:
                raise self.fail(path, "a beta distribution needs a base (its mean) strictly between 0 and 1")
            if sd is not None and sd * sd >= base * (1 - base):
                raise self.fail(f"{path}.sd", f"too large for a beta with mean {_fmt(base)}: sd must be below "
                                f"{_fmt(math.sqrt(base * (1 - base)))}")
        return Distribution(cast(Any, kind), tuple(params))

    # -- the scheme ----------------------------------------------------------------------

    def scheme(self, data: Any) -> Scheme:
        """The scheme, or every problem found in one pass: a :class:`ScenarioError` for one,
        :class:`ScenarioErrors` (one line each) for several."""
        scheme = self.attempt(lambda: self._scheme(data))
        if self.errors:
            raise self.errors[0] if len(self.errors) == 1 else ScenarioErrors(self.errors)
        return scheme

    def _scheme(self, data: Any) -> Scheme:
        a = self.attempt
        top = self.table(data, "", TOP_KEYS, TOP_REQUIRED, what="a TOML document")
        if "format" in top:
            a(lambda: self.integer(top["format"], "format", FORMAT_VERSION, FORMAT_VERSION))
        name = a(lambda: self.string(top, "name", "", required=True))
        price_base = a(lambda: self.price_year(top, "price_base", ""), PriceYear.parse(2020))
        currency = a(lambda: self.currency_code(top), "GBP")
        mark = len(self.errors)
        horizon = a(lambda: self.integer(top["horizon"], "horizon", 1, MAX_HORIZON), MAX_HORIZON)
        # With a stand-in horizon, the checks that a list has one entry per year (custom
        # rates, a cohort by year) would report problems that are not in the file.
        self.horizon_known = len(self.errors) == mark
        mark = len(self.errors)
        self.tables = a(lambda: self.proxy_tables(top.get("proxy_tables", [])), ())
        self.stop_if_new(mark)  # outcomes would name proxies from tables that are not read
        self.currency = currency
        sources = a(lambda: self.sources(top.get("sources", [])), ())
        raw_holders = top.get("budget_holders", [])
        holders = a(lambda: self.budget_holders(raw_holders), ())
        holder_ids = {**BUDGET_HOLDERS, **{h.id: h.name for h in holders}}
        if isinstance(raw_holders, list):  # ids of holders with problems, so references to them are not doubted
            holder_ids |= {h["id"]: "" for h in raw_holders if isinstance(h, Mapping) and isinstance(h.get("id"), str)
                           and h["id"] not in holder_ids}
        discounting = a(lambda: self.discounting(top["discounting"], horizon))
        raw_cohort = top.get("cohort")
        stand_in = tuple(Parameter(0.0) for _ in (raw_cohort.get("participants") or [0]
                                                  if isinstance(raw_cohort, Mapping)
                                                  and isinstance(raw_cohort.get("participants"), list) else [0]))
        cohort, cohort_source = a(lambda: self.cohort(raw_cohort, horizon), (stand_in, None))
        inputs = tuple(a(lambda j=j, t=t: self.input(t, f"inputs[{j}]", price_base, horizon, cohort, holder_ids))
                       for j, t in enumerate(a(lambda: self.array_of_tables(top["inputs"], "inputs", min_items=1),
                                               []), 1))
        outcomes = tuple(a(lambda i=i, t=t: self.outcome(t, f"outcomes[{i}]", horizon, cohort, holder_ids))
                         for i, t in enumerate(a(lambda: self.array_of_tables(top["outcomes"], "outcomes",
                                                                              min_items=1), []), 1))
        gaps = top.get("gaps", [])
        if not isinstance(gaps, list) or not all(isinstance(g, str) and g.strip() for g in gaps):
            self.errors.append(self.fail("gaps", "must be an array of non-empty strings, each an evidence gap left "
                                         "open"))
        if self.errors:  # the checks below compare parts that must all have been read
            raise _Stop
        assert discounting is not None and name is not None
        for i, o in enumerate(outcomes, 1):
            if o.schedule in HEALTH_SCHEDULES and HEALTH_SCHEDULES[o.schedule][0] != discounting.schedule:
                partner = HEALTH_SCHEDULES[o.schedule][0]
                self.errors.append(self.fail(
                    f"outcomes[{i}].schedule", f"'{o.schedule}' is the Green Book's schedule for health effects and "
                    f"goes beside its standard schedule of the same edition: set [discounting] schedule = "
                    f"\"{partner}\" (it is '{discounting.schedule}')"))
        seen: dict[str, str] = {}
        labelled: list[tuple[str, tuple[Input | Outcome, ...]]] = [("inputs", inputs), ("outcomes", outcomes)]
        for kind, items in labelled:
            for k, item in enumerate(items, 1):
                here = f"{kind}[{k}].id"
                if item.id in seen:
                    self.errors.append(self.fail(here, f"duplicate id '{item.id}' (also used by {seen[item.id]}); "
                                                 "ids must be unique across inputs and outcomes"))
                else:
                    seen[item.id] = f"{kind}[{k}]"
        if self.errors:
            raise _Stop
        scheme = Scheme(
            name=name, price_base=price_base, horizon=horizon, discounting=discounting, inputs=inputs,
            outcomes=outcomes, currency=currency, place=self.string(top, "place", ""),
            description=self.string(top, "description", ""), sources=sources, cohort=cohort,
            cohort_source=cohort_source, budget_holders=holders, gaps=tuple(gaps), proxy_tables=self.tables,
            path=self.file,
            notices=tuple(str(c) for c in self.library().clashes) if self.tables else (),
        )
        from dataclasses import replace

        if "scenarios" in top:
            scheme = replace(scheme, scenarios=a(lambda: self.scenarios(top["scenarios"], scheme), ()))
        uncertainty = a(lambda: self.string(top, "uncertainty", "", choices=("declared", "graded"))) or "declared"
        if uncertainty == "graded":
            from .uncertainty import apply_grades

            scheme = replace(apply_grades(scheme), uncertainty="graded")
        if "correlations" in top:
            scheme = replace(scheme, correlations=a(lambda: self.correlations(top["correlations"], scheme), ()))
        if "distributional" in top:
            scheme = replace(scheme, distributional=a(lambda: self.distributional(top["distributional"])))
        if "payback" in top:
            scheme = replace(scheme, payback=a(lambda: self.string(top, "payback", "", choices=(
                "discounted", "sroi_guide")), "discounted"))
        if "reproduction" in top:
            scheme = replace(scheme, reproduction=a(lambda: self.reproduction(top["reproduction"], scheme)))
        return scheme

    def currency_code(self, top: Mapping[str, Any]) -> str:
        currency = self.string(top, "currency", "") or "GBP"
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise self.fail("currency", f"must be a three-letter ISO 4217 code such as GBP, got '{currency}'")
        return currency

    def distributional(self, value: Any) -> Distributional:
        t = self.table(value, "distributional", ("eta", "reference_income", "source"))
        eta = (self.in_range(self.number(t["eta"], "distributional.eta"), "distributional.eta", 0, 10,
                             what="must be an elasticity between 0 and 10 (the Green Book uses 1.3)")
               if "eta" in t else 1.3)
        ref = (self.in_range(self.number(t["reference_income"], "distributional.reference_income"),
                             "distributional.reference_income", 0, _INF, lo_open=True,
                             what="must be an income greater than 0") if "reference_income" in t else None)
        return Distributional(eta, ref, self.string(t, "source", "distributional"))

    def correlations(self, value: Any, scheme: Scheme) -> tuple[Correlation, ...]:
        """``[[correlations]]``: pairs of uncertain parameters and a rank correlation; the
        whole matrix must be a correlation matrix a Gaussian copula can use."""
        refs = {r.name: r for r in scheme.parameters()}
        out: list[Correlation] = []
        seen: dict[frozenset[str], str] = {}
        for k, t in enumerate(self.array_of_tables(value, "correlations"), 1):
            here = f"correlations[{k}]"
            self.table(t, here, CORRELATION_KEYS, ("parameters", "rho"))
            names = t["parameters"]
            if (not isinstance(names, list) or len(names) != 2 or not all(isinstance(n, str) for n in names)
                    or names[0] == names[1]):
                raise self.fail(f"{here}.parameters", "must be two different parameter names, e.g. "
                                "[\"better_outcome.deadweight\", \"better_outcome.attribution\"]")
            for n in names:
                if n not in refs:
                    close = difflib.get_close_matches(n, list(refs), n=1)
                    raise self.fail(f"{here}.parameters", f"'{n}' is not a parameter of this scheme"
                                    + (f"; did you mean '{close[0]}'?" if close else ""))
                d = refs[n].parameter.distribution
                if d is None or d.kind == "fixed":
                    raise self.fail(f"{here}.parameters", f"'{n}' has no distribution, so it cannot be "
                                    "correlated; give it one, or add uncertainty = \"graded\"")
            pair = frozenset(names)
            if pair in seen:
                raise self.fail(f"{here}.parameters", f"this pair is already correlated in {seen[pair]}")
            seen[pair] = here
            rho = self.number(t["rho"], f"{here}.rho")
            if not -1 < rho < 1:
                raise self.fail(f"{here}.rho", f"must be strictly between -1 and 1, got {_fmt(rho)}")
            out.append(Correlation((names[0], names[1]), rho, self.string(t, "source", here)))
        if out:
            from .sensitivity.copula import correlation_factor

            uncertain = sorted({n for c in out for n in c.parameters})
            try:
                correlation_factor(uncertain, {c.parameters: c.rho for c in out})
            except ValueError:
                raise self.fail("correlations", "the correlations together are not a valid correlation matrix "
                                "(not positive definite); lower some of them") from None
        return tuple(out)

    def reproduction(self, value: Any, scheme: Scheme) -> Reproduction:
        """``[reproduction]``: how this file reproduces a publication, figure by figure."""
        here = "reproduction"
        t = self.table(value, here, REPRODUCTION_KEYS, ("grade", "publication", "tolerance", "tolerance_note",
                                                         "figures"))
        grade = self.string(t, "grade", here, required=True, choices=REPRODUCTION_GRADES)
        publication = self.string(t, "publication", here, required=True)
        if publication not in {s.id for s in scheme.sources}:
            raise self.fail(f"{here}.publication", f"'{publication}' is not the id of one of this file's "
                            "[[sources]]")
        tol = self.in_range(self.number(t["tolerance"], f"{here}.tolerance"), f"{here}.tolerance", 0, 1,
                            what="must be a relative tolerance between 0 and 1")
        names = {sc.name for sc in scheme.scenarios}
        figures = []
        for k, f in enumerate(self.array_of_tables(t["figures"], f"{here}.figures", min_items=1), 1):
            at = f"{here}.figures[{k}]"
            self.table(f, at, FIGURE_KEYS, ("metric", "published", "source"))
            metric = self.string(f, "metric", at, required=True)
            for part in metric.split("+"):
                problem = metric_problem(part.strip(), scheme)
                if problem:
                    raise self.fail(f"{at}.metric", problem)
            scenario = self.string(f, "scenario", at)
            if scenario is not None and scenario not in names:
                raise self.fail(f"{at}.scenario", f"'{scenario}' is not one of this file's [[scenarios]]"
                                + (f" ({', '.join(sorted(names))})" if names else ""))
            ftol = (self.in_range(self.number(f["tolerance"], f"{at}.tolerance"), f"{at}.tolerance", 0, 1,
                                  what="must be a relative tolerance between 0 and 1") if "tolerance" in f else None)
            atol = (self.in_range(self.number(f["abs_tolerance"], f"{at}.abs_tolerance"), f"{at}.abs_tolerance",
                                  0, _INF, what="must not be negative") if "abs_tolerance" in f else None)
            figures.append(ReproductionFigure(metric, self.number(f["published"], f"{at}.published"),
                                              self.string(f, "source", at, required=True), ftol, atol, scenario,
                                              self.string(f, "note", at)))
        return Reproduction(cast(Any, grade), publication, tol,
                            self.string(t, "tolerance_note", here, required=True), tuple(figures),
                            self.string(t, "note", here))

    def scenarios(self, value: Any, scheme: Scheme) -> tuple[NamedScenario, ...]:
        refs = {r.name: r for r in scheme.parameters()}
        out, names = [], set()
        for k, t in enumerate(self.array_of_tables(value, "scenarios"), 1):
            here = f"scenarios[{k}]"
            self.table(t, here, SCENARIO_KEYS, ("name", "set"))
            name = self.string(t, "name", here, required=True)
            if name in names or name == "base":
                raise self.fail(f"{here}.name", f"'{name}' is already used; scenario names must be unique and "
                                "not 'base'")
            names.add(name)
            overrides = self.table(t["set"], f"{here}.set", tuple(refs), (),
                                   what="a table of parameter names and values")
            pairs = []
            for pname, raw in overrides.items():
                if pname not in refs:  # reported by table()
                    continue
                ref = refs[pname]
                what = {"rate": "must be a rate between 0 and 1", "years": "must be a number of years greater "
                        "than 0", "discount_rate": "must be a rate from 0 to 1"}.get(ref.kind, "must not be negative")
                x = self.in_range(self.number(raw, f"{here}.set.{pname}"), f"{here}.set.{pname}", ref.lower,
                                  ref.upper, lo_open=ref.kind == "years", what=what)
                pairs.append((pname, x))
            out.append(NamedScenario(name, tuple(pairs), self.string(t, "description", here),
                                     self.string(t, "source", here)))
        return tuple(out)

    def proxy_tables(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail("proxy_tables", "must be an array of file names (CSV proxy tables, relative to this "
                            "scheme file)")
        folder = Path(self.file).parent if not self.file.startswith("<") else Path(".")
        root = folder.resolve()
        for k, name in enumerate(value, 1):
            target = (folder / name).resolve()
            if target != root and root not in target.parents:
                raise self.fail(f"proxy_tables[{k}]", f"'{name}' is outside the scheme's folder ({folder}); a local "
                                "proxy table sits beside the scheme file or below it (copy it there)")
            if not (folder / name).is_file():
                raise self.fail(f"proxy_tables[{k}]", f"no such proxy table '{name}' (looked in {folder}); it must "
                                "be a CSV file")
            if (folder / name).stat().st_size > MAX_FILE_BYTES:
                raise self.fail(f"proxy_tables[{k}]", f"'{name}' is larger than {MAX_FILE_BYTES // 2**20} MiB; a "
                                "proxy table is a few hundred rows")
        return tuple(value)

    def sources(self, value: Any) -> tuple[Source, ...]:
        out, ids = [], set()
        for k, t in enumerate(self.array_of_tables(value, "sources"), 1):
            here = f"sources[{k}]"
            self.table(t, here, SOURCE_KEYS, ("id", "citation"))
            sid = self.ident(t, here)
            if sid in ids:
                raise self.fail(f"{here}.id", f"duplicate source id '{sid}'")
            ids.add(sid)
            out.append(Source(sid, self.string(t, "citation", here, required=True),
                              self.string(t, "url", here), self.string(t, "note", here)))
        return tuple(out)

    def budget_holders(self, value: Any) -> tuple[BudgetHolder, ...]:
        out, ids = [], set()
        for k, t in enumerate(self.array_of_tables(value, "budget_holders"), 1):
            here = f"budget_holders[{k}]"
            self.table(t, here, HOLDER_KEYS, HOLDER_KEYS)
            hid = self.ident(t, here)
            if hid in BUDGET_HOLDERS:
                raise self.fail(f"{here}.id", f"'{hid}' is a built-in budget holder; declare only new ones")
            if hid in ids:
                raise self.fail(f"{here}.id", f"duplicate budget holder id '{hid}'")
            ids.add(hid)
            out.append(BudgetHolder(hid, self.string(t, "name", here, required=True)))
        return tuple(out)

    def ident(self, t: Mapping[str, Any], path: str) -> str:
        value = self.string(t, "id", path, required=True)
        if not _ID.match(value):
            raise self.fail(f"{path}.id", f"'{value}' is not a valid id: use lower-case letters, digits and "
                            "underscores, starting with a letter")
        return value

    def discounting(self, value: Any, horizon: int) -> Discounting:
        path = "discounting"
        t = self.table(value, path, DISCOUNT_KEYS, ())
        if "convention" not in t:
            raise self.fail(f"{path}.convention", "missing; name the timing convention: 'sroi_guide' (year 1 "
                            "discounted once) or 'green_book' (year 1 is year 0, the present)")
        convention = self.string(t, "convention", path, choices=("sroi_guide", "green_book"))
        schedule = self.string(t, "schedule", path, choices=("green_book", "green_book_2026", "constant", "custom")) or "green_book"
        rate = rates = None
        if schedule == "constant":
            if "rate" not in t:
                raise self.fail(f"{path}.rate", "missing; a constant schedule needs a rate such as 0.035")
            rate = self.parameter(t["rate"], f"{path}.rate", lo=0.0, hi=1.0,
                                  what="must be a rate from 0 to 1 (0.035 is 3.5%)")
        elif "rate" in t:
            raise self.fail(f"{path}.rate", f"only used with schedule = 'constant' (schedule is '{schedule}')")
        if schedule == "custom":
            if "rates" not in t:
                raise self.fail(f"{path}.rates", "missing; a custom schedule needs one rate for each year")
            raw = t["rates"]
            if not isinstance(raw, list):
                raise self.fail(f"{path}.rates", f"must be an array of rates, got {_type_name(raw)}")
            if len(raw) < horizon and self.horizon_known:
                raise self.fail(f"{path}.rates", f"needs a rate for each of the {horizon} years of the horizon, "
                                f"got {len(raw)}")
            rates = tuple(self.in_range(self.number(r, f"{path}.rates[{k}]"), f"{path}.rates[{k}]", 0.0, 1.0,
                                        what="must be a rate from 0 to 1")
                          for k, r in enumerate(raw, 1))
        elif "rates" in t:
            raise self.fail(f"{path}.rates", f"only used with schedule = 'custom' (schedule is '{schedule}')")
        return Discounting(cast(Any, convention), cast(Any, schedule), rate, rates, self.string(t, "source", path))

    def cohort(self, value: Any, horizon: int) -> tuple[tuple[Parameter, ...], str | None]:
        if value is None:
            return (), None
        t = self.table(value, "cohort", COHORT_KEYS, ("participants",))
        raw = t["participants"]
        if not isinstance(raw, list) or not raw:
            raise self.fail("cohort.participants", "must be a non-empty array: participants joining in year 1, "
                            "year 2, ...")
        if len(raw) > horizon:
            if self.horizon_known:
                raise self.fail("cohort.participants", f"has {len(raw)} years but the horizon is {horizon}")
        people = tuple(self.parameter(v, f"cohort.participants[{y}]", lo=0.0, hi=_INF,
                                      what="must not be negative") for y, v in enumerate(raw, 1))
        return people, self.string(t, "source", "cohort")

    def years(self, t: Mapping[str, Any], path: str, horizon: int, default: tuple[int, ...]) -> tuple[int, ...]:
        if "year" in t and "years" in t:
            raise self.fail(f"{path}.years", "give either year (one-off) or years (recurring), not both")
        if "year" in t:
            return (self.integer(t["year"], f"{path}.year", 1, horizon),)
        if "years" not in t:
            return default
        raw = t["years"]
        here = f"{path}.years"
        if isinstance(raw, Mapping):
            r = self.table(raw, here, ("from", "to"), ("from", "to"), what="an array of years or {from, to}")
            first = self.integer(r["from"], f"{here}.from", 1, horizon)
            last = self.integer(r["to"], f"{here}.to", 1, horizon)
            if last < first:
                raise self.fail(f"{here}.to", f"must not be before from ({first}), got {last}")
            return tuple(range(first, last + 1))
        if not isinstance(raw, list) or not raw:
            raise self.fail(here, f"must be a non-empty array of years or a table {{from, to}}, "
                            f"got {_type_name(raw)}")
        ys = tuple(self.integer(y, f"{here}[{k}]", 1, horizon) for k, y in enumerate(raw, 1))
        if len(set(ys)) != len(ys):
            raise self.fail(here, "lists a year twice")
        return tuple(sorted(ys))

    def input(self, t: Mapping[str, Any], path: str, price_base: PriceYear, horizon: int,
              cohort: tuple[Parameter, ...], holders: Mapping[str, str]) -> Input:
        """One input; its independent fields are all checked even when one is wrong."""
        self.table(t, path, INPUT_KEYS, ("id", "description", "funder"))
        mark = len(self.errors)
        a = self.attempt

        def basis_and_years() -> tuple[str, tuple[int, ...]]:
            basis = self.string(t, "basis", path, choices=("total", "per_participant")) or "total"
            if basis == "per_participant" and not cohort:
                raise self.fail(f"{path}.basis", "per_participant needs [cohort] participants")
            default_years = tuple(range(1, len(cohort) + 1)) if basis == "per_participant" else (1,)
            return basis, self.years(t, path, horizon, default_years)

        def amounts() -> tuple[Parameter | None, Parameter | None, Parameter | None]:
            money: dict[str, Any] = dict(lo=0.0, hi=_INF, what="must not be negative")
            if "amount" in t:
                if "quantity" in t or "unit_cost" in t:
                    raise self.fail(f"{path}.amount", "give either amount, or quantity and unit_cost, not both")
                return self.parameter(t["amount"], f"{path}.amount", **money), None, None
            if "quantity" not in t or "unit_cost" not in t:
                missing = "unit_cost" if "quantity" in t else "quantity" if "unit_cost" in t else "amount"
                raise self.fail(f"{path}.{missing}", "missing; an input needs an amount, or a quantity and a "
                                "unit_cost")
            return (None, a(lambda: self.parameter(t["quantity"], f"{path}.quantity", **money)),
                    a(lambda: self.parameter(t["unit_cost"], f"{path}.unit_cost", **money)))

        iid = a(lambda: self.ident(t, path))
        funder = a(lambda: self.string(t, "funder", path, required=True, choices=holders))
        basis, years = a(basis_and_years, ("total", (1,)))
        kind = a(lambda: self.string(t, "kind", path, choices=("cash", "in_kind", "volunteer_time"))) or "cash"
        amount, quantity, unit_cost = a(amounts, (None, None, None))
        fields: dict[str, Any] = dict(
            description=a(lambda: self.string(t, "description", path, required=True)),
            price_year=a(lambda: self.price_year(t, "price_year", path, default=price_base)),
            unit=a(lambda: self.string(t, "unit", path)), source=a(lambda: self.string(t, "source", path)),
            note=a(lambda: self.string(t, "note", path)),
            grade=a(lambda: self.grade(t["grade"], f"{path}.grade") if "grade" in t else None))
        self.stop_if_new(mark)
        return Input(id=iid, funder=funder, years=years, amount=amount, quantity=quantity, unit_cost=unit_cost,
                     basis=cast(Any, basis), kind=cast(Any, kind), **fields)

    def quantity(self, value: Any, path: str, cohort: tuple[Parameter, ...]) -> Quantity:
        count: dict[str, Any] = dict(lo=0.0, hi=_INF, what="must not be negative")
        rate: dict[str, Any] = dict(lo=0.0, hi=1.0, what="must be a rate between 0 and 1")
        if not isinstance(value, Mapping) or "base" in value:  # a number or a parameter table: a count
            return Quantity("count", count=self.parameter(value, path, **count))
        t = self.table(value, path, ("count", "rate", "engagement", "success"), (),
                       what="a number or a table with count, rate, or engagement and success")
        keys = set(t)
        if keys == {"count"}:
            return Quantity("count", count=self.parameter(t["count"], f"{path}.count", **count))
        forms = "give exactly one of: count; rate (of each year's participants); engagement and success"
        if keys == {"rate"}:
            q = Quantity("rate", rate=self.parameter(t["rate"], f"{path}.rate", **rate))
        elif keys == {"engagement", "success"}:
            q = Quantity("engagement_success",
                         engagement=self.parameter(t["engagement"], f"{path}.engagement", **rate),
                         success=self.parameter(t["success"], f"{path}.success", **rate))
        else:
            raise self.fail(path, forms)
        if not cohort:
            raise self.fail(path, f"a {'rate' if q.kind == 'rate' else 'engagement and success'} quantity is "
                            "applied to participants, so the scheme needs [cohort] participants")
        return q

    def proxy(self, value: Any, path: str) -> Proxy:
        if isinstance(value, str) or (isinstance(value, Mapping) and "id" in value):
            return self.proxy_ref(value, path)
        if isinstance(value, Mapping) and "measure" in value:
            return self.proxy_measure(value, path)
        t = self.table(value, path, PROXY_KEYS, ("value", "unit"),
                       what="a table (value, unit, price_year, source) or a proxy library id")
        if "price_year" not in t:
            raise self.fail(f"{path}.price_year", "missing; every financial proxy needs the year its value is "
                            "priced in (e.g. 2019 or '2019-20')")
        if "source" not in t:
            raise self.fail(f"{path}.source", "missing; every financial proxy needs a source (publication, "
                            "table or page)")
        return Proxy(
            value=self.parameter(t["value"], f"{path}.value", lo=0.0, hi=_INF,
                                 what="must not be negative (mark a negative outcome with disbenefit = true)"),
            unit=self.string(t, "unit", path, required=True),
            price_year=self.price_year(t, "price_year", path),
            source=self.string(t, "source", path, required=True),
            url=self.string(t, "url", path), description=self.string(t, "description", path),
        )

    def proxy_measure(self, value: Mapping[str, Any], path: str) -> Proxy:
        """``{ measure = "wellby", amount = 0.5, uprating = "deflator" }``: the amount of a
        measure per unit of outcome, valued at the library's appraisal value of the measure."""
        t = self.table(value, path, PROXY_MEASURE_KEYS, ("measure", "amount"))
        name = self.string(t, "measure", path, required=True)
        pid = MEASURES.get(name, name)
        try:
            rec = self.library().get(pid)
        except KeyError as exc:
            raise self.fail(f"{path}.measure", f"{exc.args[0]}; the short names are "
                            f"{', '.join(f'{k} ({v})' for k, v in MEASURES.items())}") from None
        if rec.currency != self.currency:
            raise self.fail(f"{path}.measure", f"'{pid}' is in {rec.currency} but the scheme's currency is "
                            f"{self.currency}")
        uprating = self.string(t, "uprating", path, choices=UPRATING_RULES) or "deflator"
        growth = growth_source = None
        if uprating == "real_income_growth":
            if "gdp_per_head_growth" not in t or "growth_source" not in t:
                missing = "gdp_per_head_growth" if "gdp_per_head_growth" not in t else "growth_source"
                raise self.fail(f"{path}.{missing}", "missing; uprating = \"real_income_growth\" needs the yearly "
                                "growth of real GDP per head between the value's price year and the price base "
                                "(e.g. 0.008) and its source (no GDP-per-head series is bundled)")
            growth = self.in_range(self.number(t["gdp_per_head_growth"], f"{path}.gdp_per_head_growth"),
                                   f"{path}.gdp_per_head_growth", -0.5, 0.5,
                                   what="must be a yearly growth rate between -0.5 and 0.5 (0.01 is 1%)")
            growth_source = self.string(t, "growth_source", path, required=True)
        else:
            for key in ("gdp_per_head_growth", "growth_source"):
                if key in t:
                    raise self.fail(f"{path}.{key}", "only used with uprating = \"real_income_growth\"")
        amount = self.parameter(t["amount"], f"{path}.amount", lo=0.0, hi=_INF,
                                what="must not be negative (mark a negative outcome with disbenefit = true)")
        unit = rec.unit.removeprefix("per ").strip()
        return Proxy(value=amount, unit=unit, price_year=rec.price_year, source=rec.citation, url=rec.url,
                     description=rec.description,
                     measure=Measure(pid, rec.value, unit, uprating, growth, growth_source))

    def proxy_ref(self, value: Any, path: str) -> Proxy:
        """``"nhs.ae_attendance"`` or ``{ id = "...", low = ..., high = ..., ... }``."""
        extras: dict[str, Any] = {}
        if isinstance(value, Mapping):
            t = self.table(value, path, PROXY_REF_KEYS, ("id",))
            pid = self.string(t, "id", path, required=True)
            extras = {k: v for k, v in t.items() if k != "id"}
        else:
            pid = value
        try:
            rec = self.library().get(pid)
        except KeyError as exc:
            raise self.fail(path, exc.args[0]) from None
        if rec.currency != self.currency:
            raise self.fail(path, f"proxy '{pid}' is in {rec.currency} but the scheme's currency is {self.currency}")
        param = self.parameter({"base": rec.value, **extras}, path, lo=0.0, hi=_INF, what="must not be negative")
        return Proxy(value=param, unit=rec.unit, price_year=rec.price_year, source=rec.citation, url=rec.url,
                     description=rec.description, ref=pid)

    def outcome(self, t: Mapping[str, Any], path: str, horizon: int, cohort: tuple[Parameter, ...],
                holders: Mapping[str, str]) -> Outcome:
        """One outcome; each of its fields is checked even when another is wrong."""
        self.table(t, path, OUTCOME_KEYS, OUTCOME_REQUIRED)
        mark = len(self.errors)
        rate: dict[str, Any] = dict(lo=0.0, hi=1.0, what="must be a rate between 0 and 1")

        def rate_field(key: str) -> Parameter:
            return self.parameter(t[key], f"{path}.{key}", **rate) if key in t else Parameter(0.0)

        def evidence() -> Evidence:
            if "evidence" not in t:
                return Evidence()
            e = self.table(t["evidence"], f"{path}.evidence", EVIDENCE_KEYS)
            return Evidence(self.string(e, "source", f"{path}.evidence"),
                            self.string(e, "confidence", f"{path}.evidence", choices=CONFIDENCE_LEVELS),
                            self.string(e, "note", f"{path}.evidence"),
                            self.grade(e["grade"], f"{path}.evidence.grade") if "grade" in e else None)

        def disbenefit() -> bool:
            value = t.get("disbenefit", False)
            if not isinstance(value, bool):
                raise self.fail(f"{path}.disbenefit", f"must be true or false, got {_type_name(value)}")
            return value

        a = self.attempt
        fields: dict[str, Any] = dict(
            id=a(lambda: self.ident(t, path)),
            stakeholder=a(lambda: self.string(t, "stakeholder", path, required=True)),
            outcome=a(lambda: self.string(t, "outcome", path, required=True)),
            indicator=a(lambda: self.string(t, "indicator", path)),
            quantity=a(lambda: self.quantity(t["quantity"], f"{path}.quantity", cohort)),
            proxy=a(lambda: self.proxy(t["proxy"], f"{path}.proxy")),
            start_year=a(lambda: self.integer(t["start_year"], f"{path}.start_year", 1, horizon)
                         if "start_year" in t else 1),
            duration=a(lambda: self.parameter(t["duration"], f"{path}.duration", lo=0.0, hi=_INF, lo_open=True,
                                              what="must be a number of years greater than 0")),
            **{k: a(lambda k=k: rate_field(k)) for k in ("drop_off", "deadweight", "displacement", "attribution")},
            beneficiary=a(lambda: self.string(t, "beneficiary", path, required=True, choices=holders)),
            value_type=a(lambda: self.string(t, "value_type", path, required=True, choices=OUTCOME_VALUE_TYPES)),
            disbenefit=a(disbenefit),
            evidence=a(evidence),
            note=a(lambda: self.string(t, "note", path)),
            **a(lambda: self.recipients(t, path), {}),
            payer=a(lambda: self.payer(t, path, holders)),
            schedule=a(lambda: self.string(t, "schedule", path, choices=OUTCOME_SCHEDULES) or "scheme"),
            **a(lambda: self.cashable_step(t, path), {}),
        )
        self.stop_if_new(mark)
        return Outcome(**fields)

    def cashable_step(self, t: Mapping[str, Any], path: str) -> dict[str, Any]:
        """``cashable_step = { units = 7300, label = "a 20-bed ward" }`` on a cashable outcome."""
        if "cashable_step" not in t:
            return {}
        here = f"{path}.cashable_step"
        if t.get("value_type") != "fiscal_cashable":
            raise self.fail(here, "is used only with value_type = \"fiscal_cashable\" (a saving released in steps "
                            "of capacity)")
        c = self.table(t["cashable_step"], here, ("units", "label"), ("units", "label"))
        units = self.in_range(self.number(c["units"], f"{here}.units"), f"{here}.units", 0.0, _INF, lo_open=True,
                              what="must be a number of units greater than 0 (the outcome's units one step needs "
                                   "in a year)")
        return {"cashable_step": units, "cashable_step_label": self.string(c, "label", here, required=True)}

    def payer(self, t: Mapping[str, Any], path: str, holders: Mapping[str, str]) -> str | None:
        """A transfer's payer: required for ``value_type = "transfer"``, not allowed otherwise."""
        transfer = t.get("value_type") == "transfer"
        if "payer" not in t:
            if transfer:
                raise self.fail(f"{path}.payer", "missing; a transfer needs the budget holder that pays it (e.g. "
                                "payer = \"dwp\" for benefit income), so that it nets to zero for society")
            return None
        payer = self.string(t, "payer", path, required=True, choices=holders)
        if not transfer:
            raise self.fail(f"{path}.payer", "is used only with value_type = \"transfer\"")
        if payer == t.get("beneficiary"):
            raise self.fail(f"{path}.payer", f"'{payer}' is also the beneficiary; a transfer moves money between two "
                            "different budget holders")
        return payer

    def recipients(self, t: Mapping[str, Any], path: str) -> dict[str, Any]:
        """``income_quintile`` (a bundled ONS quintile) or ``recipient_income``, not both."""
        if "income_quintile" in t and "recipient_income" in t:
            raise self.fail(f"{path}.recipient_income", "give income_quintile or recipient_income, not both")
        if "income_quintile" in t:
            from .distributional import quintile_incomes

            known = quintile_incomes()
            q = self.integer(t["income_quintile"], f"{path}.income_quintile", 1, 5)
            if q not in known:
                raise self.fail(f"{path}.income_quintile", f"the median income of quintile {q} is not bundled (only "
                                f"{', '.join(map(str, sorted(known)))}); give recipient_income, the recipients' "
                                "median equivalised disposable income, with its source in the note")
            return {"income_quintile": q}
        if "recipient_income" in t:
            return {"recipient_income": self.in_range(self.number(t["recipient_income"], f"{path}.recipient_income"),
                                                      f"{path}.recipient_income", 0, _INF, lo_open=True,
                                                      what="must be an income greater than 0")}
        return {}


def metric_problem(metric: str, scheme: Scheme) -> str | None:
    """Why ``metric`` names nothing this scheme computes, or None when it does."""
    if metric in HEADLINE_METRICS:
        return None
    kind, _, key = metric.partition(".")
    if kind not in PART_METRICS or not key:
        return (f"'{metric}' is not a figure sroi computes; use one of {', '.join(HEADLINE_METRICS)}, or "
                + ", ".join(f"{p}.<{'n' if p == 'year' else 'name' if p == 'stakeholder' else 'id'}>"
                            for p in PART_METRICS) + ", or a sum of them with '+'")
    known: dict[str, Iterable[str]] = {
        "outcome": [o.id for o in scheme.outcomes], "input": [i.id for i in scheme.inputs],
        "holder": {o.beneficiary for o in scheme.outcomes} | {i.funder for i in scheme.inputs},
        "stakeholder": {o.stakeholder for o in scheme.outcomes},
        "year": [str(y) for y in range(1, scheme.horizon + 1)],
    }
    if key not in known[kind]:
        return f"'{metric}': no {kind} '{key}' in this scheme (there are: {', '.join(sorted(known[kind]))})"
    return None


def with_values(scheme: Scheme, values: Mapping[str, float]) -> Scheme:
    """``scheme`` with the base value of each named parameter replaced (``--set
    PARAM=VALUE``), validated as a file would be: a value outside the field's range, or
    outside the parameter's own low-high range, is the same one-line error. A proxy taken
    from the library keeps the library's value (override it in ``sroi run --set``, or give
    the outcome its own proxy)."""
    from .model import check_override

    refs = {r.name: r for r in scheme.parameters()}
    data = to_dict(scheme)
    for name, value in values.items():
        if name not in refs:
            close = difflib.get_close_matches(name, list(refs), n=1)
            raise ScenarioError(scheme.path, "--set", f"no parameter named '{name}'"
                                + (f"; did you mean '{close[0]}'?" if close else ""))
        ref = refs[name]
        x = check_override(ref, value, scheme.path)
        node: Any = data
        tokens = re.findall(r"([a-z_]+)(?:\[(\d+)\])?", ref.path)
        for k, (key, idx) in enumerate(tokens):
            last = k == len(tokens) - 1
            if key == "proxy" and isinstance(node.get("proxy"), (str, Mapping)) and (
                    isinstance(node["proxy"], str) or "id" in node["proxy"]):
                raise ScenarioError(scheme.path, "--set", f"'{name}' comes from the proxy library; its value is "
                                    "the library's (use sroi run --set, or give the outcome its own proxy)")
            if idx:
                lst = node[key]
                if last:
                    cur = lst[int(idx) - 1]
                    lst[int(idx) - 1] = {**cur, "base": x} if isinstance(cur, dict) else x
                else:
                    node = lst[int(idx) - 1]
            elif last:
                cur = node.get(key)
                node[key] = {**cur, "base": x} if isinstance(cur, dict) else x
            else:
                node = node[key]
    try:
        return from_dict(data, path=scheme.path)
    except ScenarioError as exc:
        sets = ", ".join(f"{k}={v:g}" for k, v in values.items())
        raise ScenarioError(scheme.path, "--set", f"{sets} leaves {exc.field}: {exc.message}") from None


# The writing half lives in sroi.writing; re-exported here for one place to import from.
from .writing import dumps, save, to_dict  # noqa: E402
