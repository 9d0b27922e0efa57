"""Price years and rebasing money between them with a GDP deflator series.

A *price year* is either a calendar year (written ``2019`` in scheme files) or a UK
financial year running April to March (written ``"2019-20"``). Unit-cost sources use
both: the PSSRU and the Greater Manchester database quote financial years, the Green
Book's WELLBY value is in 2019 (calendar) prices.

Rebasing a value from price year ``a`` to price year ``b`` multiplies it by
``index[b] / index[a]``, where ``index`` is a GDP deflator series shipped in
``data/deflators/`` (``sroi/data/deflators/`` once installed) with its source and
vintage. The series for a currency is looked up by its ISO code (``gbp.csv`` beside
``gbp.toml``, which records the provenance).
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import PriceYearError, ScenarioError
from .resources import data_dir

if TYPE_CHECKING:
    from .model import Scheme

__all__ = ["PriceYear", "Deflator", "Series", "load_deflator", "price_factors", "DATA_DIR", "BRIDGE", "years_between",
           "real_income_uprating"]

#: The bundled data folder: ``sroi/data`` in an installed package, ``data/`` in a source tree.
DATA_DIR = data_dir()
#: How a calendar year and a financial year are put on one series (an sroi convention, the
#: averaging the Green Book issue names; HM Treasury publishes no official bridge): calendar
#: year y's price level is the month-weighted mean of the financial-year deflators it spans,
#: (3 x FY(y-1) + 9 x FY(y)) / 12, and rebasing then runs on the financial-year series. On the
#: bundled releases it reproduces the calendar-year series' own year-on-year ratios closely
#: (tests/test_prices.py measures the gap for every pair of years).
BRIDGE = ("calendar year y is put on the financial-year deflator series as (3 x FY(y-1) + 9 x FY(y)) / 12, "
          "the months of y that fall in each financial year")
#: The elasticity of the marginal utility of income the Green Book uses (Annex A3; 2026
#: edition paragraph 7.15), which the Wellbeing Guidance (HMT 2021, Annex 2) also applies to
#: growth in real GDP per head when it uprates the WELLBY and QALY values.
INCOME_ELASTICITY = 1.3
_FY = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")


@dataclass(frozen=True, order=True)
class PriceYear:
    """A calendar year (``fiscal=False``) or a UK financial year starting in April of
    ``year`` (``fiscal=True``, written ``"2019-20"``)."""

    year: int
    fiscal: bool = False

    @classmethod
    def parse(cls, value: object) -> "PriceYear":
        """Read ``2019``, ``"2019"``, ``"2019-20"``, ``"2019/20"`` or ``"2019-2020"``.

        >>> PriceYear.parse(2019), PriceYear.parse("2019-20")
        (PriceYear('2019'), PriceYear('2019-20'))
        """
        if isinstance(value, PriceYear):
            return value
        if isinstance(value, bool):
            raise PriceYearError(f"a price year is a year such as 2019 or '2019-20', not {value!r}")
        if isinstance(value, int):
            if not 1000 <= value <= 9999:
                raise PriceYearError(f"a price year has four digits, got {value}")
            return cls(value, False)
        if isinstance(value, str):
            text = value.strip()
            if text.isdigit() and len(text) == 4:
                return cls(int(text), False)
            m = _FY.match(text)
            if m:
                first, second = int(m.group(1)), m.group(2)
                expected = (first + 1) % (100 if len(second) == 2 else 10000)
                if int(second) == expected:
                    return cls(first, True)
        raise PriceYearError(
            f"a price year is a calendar year such as 2019 or a financial year such as "
            f"'2019-20', got {value!r}"
        )

    def __str__(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}" if self.fiscal else str(self.year)

    def __repr__(self) -> str:
        return f"PriceYear('{self}')"

    def to_toml(self) -> int | str:
        """The value as written in a scheme file."""
        return str(self) if self.fiscal else self.year


@dataclass(frozen=True)
class Series:
    """Provenance of one block of a deflator table (calendar or financial years)."""

    vintage: str
    reference: str
    url: str
    based_on: str
    transcription: str


@dataclass(frozen=True)
class Deflator:
    """GDP deflator indices by price year, with their provenance.

    ``index`` maps :class:`PriceYear` to the published index value. Calendar and
    financial years are separate series (``series[False]`` and ``series[True]``),
    usually with different reference years and even vintages, so values are only
    rebased between two years of the same kind.
    """

    currency: str
    index: dict[PriceYear, float]
    publisher: str
    title: str
    licence: str
    series: dict[bool, Series]
    forecast: frozenset[PriceYear] = frozenset()

    def covers(self, year: PriceYear | int | str) -> bool:
        return PriceYear.parse(year) in self.index

    def coverage(self) -> str:
        """Ranges covered, e.g. ``'1990 to 2024 and 2000-01 to 2024-25'``."""
        parts = []
        for fiscal in (False, True):
            ys = sorted(y for y in self.index if y.fiscal == fiscal)
            if ys:
                parts.append(f"{ys[0]} to {ys[-1]}")
        return " and ".join(parts) if parts else "nothing"

    def check(self, year: PriceYear | int | str) -> PriceYear:
        """Parse ``year`` and raise :class:`PriceYearError` unless it is covered."""
        y = PriceYear.parse(year)
        if y not in self.index:
            raise PriceYearError(
                f"price year {y} is outside the {self.currency} deflator series "
                f"(covered: {self.coverage()})"
            )
        return y

    def factor(self, from_year: PriceYear | int | str, to_year: PriceYear | int | str) -> float:
        """Multiplier taking money in ``from_year`` prices to ``to_year`` prices.

        Equal years give exactly 1 (even outside the series). Two years of the same kind
        use that kind's own series. A calendar year and a financial year meet on the
        financial-year series through the month-weighted bridge (:data:`BRIDGE`): the two
        bundled series come from different releases with different reference years, so
        their indices are never divided one by the other. Raises :class:`PriceYearError`
        when a year (or, for a bridged calendar year, either financial year it spans) is
        outside the series.

        >>> d = load_deflator("GBP")
        >>> round(d.factor(2019, "2024-25"), 6)  # 100 / ((3 x 78.7948 + 9 x 80.8738) / 12)
        1.244492
        """
        a, b = PriceYear.parse(from_year), PriceYear.parse(to_year)
        if a == b:
            return 1.0
        if a.fiscal != b.fiscal:
            return self._on_financial_years(b) / self._on_financial_years(a)
        a, b = self.check(a), self.check(b)
        return self.index[b] / self.index[a]

    def bridged(self, from_year: PriceYear | int | str, to_year: PriceYear | int | str) -> bool:
        """Whether rebasing ``from_year`` to ``to_year`` crosses between a calendar year and a
        financial year, and so goes through the month-weighted bridge (:data:`BRIDGE`)."""
        a, b = PriceYear.parse(from_year), PriceYear.parse(to_year)
        return a != b and a.fiscal != b.fiscal

    def _on_financial_years(self, year: PriceYear) -> float:
        """The price level of ``year`` on the financial-year series: the year's own index,
        or for calendar year ``y`` the month-weighted mean ``(3 x FY(y-1) + 9 x FY(y)) / 12``
        (January to March fall in financial year ``y-1``, April to December in ``y``).

        >>> d = load_deflator("GBP")
        >>> round(d._on_financial_years(PriceYear(2019)), 4)  # (3 x 78.7948 + 9 x 80.8738) / 12
        80.354
        """
        if year.fiscal:
            return self.index[self.check(year)]
        prev, cur = PriceYear(year.year - 1, True), PriceYear(year.year, True)
        missing = [str(y) for y in (prev, cur) if y not in self.index]
        if missing:
            raise PriceYearError(
                f"calendar year {year} prices are bridged to financial years through {prev} and {cur}, "
                f"but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} outside the "
                f"{self.currency} deflator series (covered: {self.coverage()})")
        return (3.0 * self.index[prev] + 9.0 * self.index[cur]) / 12.0

    def rebase(self, value: float, from_year, to_year) -> float:
        """``value`` in ``from_year`` prices expressed in ``to_year`` prices."""
        return value * self.factor(from_year, to_year)


@lru_cache(maxsize=None)
def load_deflator(currency: str = "GBP", data_dir: Path | None = None) -> Deflator:
    """Load the bundled deflator series for ``currency`` (an ISO 4217 code).

    Raises :class:`PriceYearError` if no series is bundled for that currency.
    """
    base = Path(data_dir) if data_dir is not None else DATA_DIR / "deflators"
    code = currency.lower()
    table, meta_path = base / f"{code}.csv", base / f"{code}.toml"
    if not table.exists() or not meta_path.exists():
        known = sorted(p.stem.upper() for p in base.glob("*.csv"))
        raise PriceYearError(
            f"no deflator series is bundled for {currency} (bundled: {', '.join(known) or 'none'})"
        )
    with meta_path.open("rb") as fh:
        meta = tomllib.load(fh)
    index: dict[PriceYear, float] = {}
    forecast: set[PriceYear] = set()
    with table.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            year = PriceYear.parse(row["period"])
            if year in index:
                raise PriceYearError(f"{table}: period {year} appears twice")
            if not (row.get("source") or "").strip():
                raise PriceYearError(f"{table}: period {year} has no source; every index value cites its release")
            index[year] = float(row["index"])
            if row.get("status", "outturn").strip() == "forecast":
                forecast.add(year)
    series = {
        fiscal: Series(**{k: meta[key][k] for k in Series.__dataclass_fields__})
        for fiscal, key in ((False, "calendar"), (True, "financial"))
        if key in meta
    }
    return Deflator(
        currency=meta.get("currency", currency).upper(),
        index=index,
        publisher=meta["publisher"],
        title=meta["title"],
        licence=meta["licence"],
        series=series,
        forecast=frozenset(forecast),
    )


def years_between(a: PriceYear, b: PriceYear) -> float:
    """Years from the middle of price year ``a`` to the middle of ``b`` (a calendar year's
    middle is 1 July, a financial year's 1 October).

    >>> years_between(PriceYear(2019), PriceYear(2024, True))
    5.25
    """
    return (b.year + (0.75 if b.fiscal else 0.5)) - (a.year + (0.75 if a.fiscal else 0.5))


def real_income_uprating(growth: float, from_year: PriceYear, to_year: PriceYear, elasticity: float = 1.3) -> float:
    """The real part of the Wellbeing Guidance's uprating (HMT 2021, Annex 2): (real GDP per
    head at ``to_year`` / at ``from_year``) ** ``elasticity``, with GDP per head growing at
    ``growth`` a year over :func:`years_between` the two.

    >>> round(real_income_uprating(0.01, PriceYear(2019), PriceYear(2024, True)), 6)  # 1.01 ** (1.3 x 5.25)
    1.07027
    """
    return (1.0 + growth) ** (elasticity * years_between(from_year, to_year))


def price_factors(scheme: Scheme, *, deflator: Deflator | None = None) -> tuple[list[float], list[float]]:
    """Rebasing multipliers to the scheme's price base for each input and outcome proxy.
    An outcome valued in a measure (WELLBYs, QALYs) also carries the measure's money value
    and its uprating: its proxy value is an amount of the measure, not money.

    Raises :class:`ScenarioError` naming the field whose price year cannot be rebased.
    """
    needed = [(f"inputs[{j}].price_year", inp.price_year) for j, inp in enumerate(scheme.inputs, 1)]
    needed += [(f"outcomes[{i}].proxy.price_year", o.proxy.price_year) for i, o in enumerate(scheme.outcomes, 1)]
    if all(y == scheme.price_base for _, y in needed):
        return [1.0] * len(scheme.inputs), [_measured(o, 1.0, scheme.price_base) for o in scheme.outcomes]
    if deflator is None:
        try:
            deflator = load_deflator(scheme.currency)
        except PriceYearError as exc:
            field_path = next(f for f, y in needed if y != scheme.price_base)
            raise ScenarioError(scheme.path, field_path,
                                f"differs from price_base {scheme.price_base} but {exc}") from None
    try:
        deflator.check(scheme.price_base)
    except PriceYearError as exc:
        raise ScenarioError(scheme.path, "price_base", str(exc)) from None
    factors = []
    for field_path, year in needed:
        try:
            factors.append(deflator.factor(year, scheme.price_base))
        except PriceYearError as exc:
            raise ScenarioError(scheme.path, field_path, str(exc)) from None
    n = len(scheme.inputs)
    return factors[:n], [_measured(o, f, scheme.price_base) for o, f in zip(scheme.outcomes, factors[n:])]


def _measured(outcome, factor: float, price_base: PriceYear) -> float:
    """An outcome's multiplier: the rebasing ``factor``, or for a measure its money value
    times the rebasing factor times its real-income uprating."""
    m = outcome.proxy.measure
    if m is None:
        return factor
    real = 1.0
    if m.uprating == "real_income_growth":
        real = real_income_uprating(m.growth or 0.0, outcome.proxy.price_year, price_base, INCOME_ELASTICITY)
    return m.money * factor * real
