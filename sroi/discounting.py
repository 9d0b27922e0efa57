"""Discount schedules and the timing conventions that decide which factor a year gets.

Two ideas are kept apart here:

* a **schedule** gives the rate for each *period* of discounting: period ``t`` runs from
  time ``t - 1`` to time ``t`` (time 0 is the present). The Green Book social time
  preference rate is 3.5% for periods 1-30, 3.0% for 31-75, 2.5% for 76-125, 2.0% for
  126-200, 1.5% for 201-300 and 1.0% beyond; factors are *chained* across bands, so
  ``DF(31) = 1.035**-30 * 1.03**-1`` rather than ``1.03**-31``.
* a **timing convention** says at what time the money of scheme year ``y`` (years are
  numbered 1, 2, ... in scheme files) is counted:

  ``"sroi_guide"``
      SROI Guide practice. Outcome value of year ``y`` is counted at the end of that
      year, time ``y``: year 1 is discounted once. Inputs are counted at the start of
      their year, time ``y - 1``: year-1 inputs are not discounted.
  ``"green_book"``
      Green Book practice. The first year is year 0, the present: both value and inputs
      of scheme year ``y`` are counted at time ``y - 1``, so year-1 figures are not
      discounted at all.

Every function here is pure and broadcasts over leading axes (draws), so the engine
can discount a whole Monte Carlo design at once.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = [
    "GREEN_BOOK_BANDS",
    "GREEN_BOOK_HEALTH_BANDS",
    "GREEN_BOOK_2026_BANDS",
    "GREEN_BOOK_2026_HEALTH_BANDS",
    "SCHEDULE_BANDS",
    "HEALTH_SCHEDULES",
    "OUTCOME_SCHEDULES",
    "green_book_health_rates",
    "CONVENTIONS",
    "Convention",
    "green_book_rates",
    "constant_rates",
    "discount_factors",
    "timing_factors",
    "value_time_offset",
]

Convention = Literal["sroi_guide", "green_book"]
CONVENTIONS: tuple[str, ...] = ("sroi_guide", "green_book")

#: (last period of the band, rate). HM Treasury, The Green Book, Annex 6, Table 6.1
#: "The declining long term discount rate": 3.5% for years 0-30, 3.0% for 31-75, 2.5%
#: for 76-125, 2.0% for 126-200, 1.5% for 201-300, 1.0% for 301+ (the same schedule
#: is listed in shared/EVIDENCE.md for the current edition).
GREEN_BOOK_BANDS: tuple[tuple[float, float], ...] = (
    (30, 0.035),
    (75, 0.030),
    (125, 0.025),
    (200, 0.020),
    (300, 0.015),
    (float("inf"), 0.010),
)


#: The Green Book's rate for health effects (values of life and health, QALYs, that are not
#: themselves money): the STPR without its wealth effect, 1.5% for years 0-30, declining on
#: the same bands in proportion (3.0/3.5 x 1.5% = 1.29%, then 1.07%, 0.86%, 0.64%, 0.43%).
#: The 2022 edition's schedule (HM Treasury, The Green Book 2022, Annex A6). The 1.5% for
#: years 0-30 and "declining gradually thereafter" are read in HMT's Wellbeing Guidance for
#: Appraisal (July 2021), Annex 2; the later bands' rounded figures are transcribed from two
#: independent third-party tabulations (charlescoverdale/greenbook, katehayes/dQALY), as the
#: 2022 text itself could not be read. They equal 1.5% x (band rate / 3.5%), rounded.
GREEN_BOOK_HEALTH_BANDS: tuple[tuple[float, float], ...] = (
    (30, 0.015),
    (75, 0.0129),
    (125, 0.0107),
    (200, 0.0086),
    (300, 0.0064),
    (float("inf"), 0.0043),
)

#: The 2026 edition's STPR: 3.5% for years 1-30, 3.0% for 31-75 and 2.5% from year 76 on, with
#: no further bands (HM Treasury, The Green Book 2026, paragraph 6.54; read in a
#: PDF-to-text copy of the Treasury's document, d1mitrij/greenbook_vf at commit 756c4a7).
GREEN_BOOK_2026_BANDS: tuple[tuple[float, float], ...] = ((30, 0.035), (75, 0.030), (float("inf"), 0.025))

#: The 2026 edition's health rate: 1.5% in every year of the appraisal, for effects on
#: individuals' health or life (The Green Book 2026, paragraph 6.58, same copy). The 2022
#: edition's health schedule declines instead (:data:`GREEN_BOOK_HEALTH_BANDS`).
GREEN_BOOK_2026_HEALTH_BANDS: tuple[tuple[float, float], ...] = ((float("inf"), 0.015),)

#: Scheme schedules given by bands: the Green Book's, by edition (2022 is the default).
SCHEDULE_BANDS: dict[str, tuple[tuple[float, float], ...]] = {
    "green_book": GREEN_BOOK_BANDS, "green_book_2026": GREEN_BOOK_2026_BANDS}

#: Health schedules an outcome may name, with the scheme schedule of the same edition they go
#: beside, and their bands.
HEALTH_SCHEDULES: dict[str, tuple[str, tuple[tuple[float, float], ...]]] = {
    "green_book_health": ("green_book", GREEN_BOOK_HEALTH_BANDS),
    "green_book_2026_health": ("green_book_2026", GREEN_BOOK_2026_HEALTH_BANDS),
}

#: The schedules an outcome may name: ``"scheme"`` follows the scheme's ``[discounting]``; a
#: health schedule (:data:`HEALTH_SCHEDULES`) goes only beside the Green Book schedule of
#: its own edition, as the Green Book pairs them.
OUTCOME_SCHEDULES: tuple[str, ...] = ("scheme", *HEALTH_SCHEDULES)


def green_book_rates(periods: int, bands: tuple[tuple[float, float], ...] = GREEN_BOOK_BANDS) -> np.ndarray:
    """Green Book STPR for discounting periods ``1..periods`` (or another schedule's
    ``bands``: (last period of the band, rate) pairs).

    >>> green_book_rates(3)
    array([0.035, 0.035, 0.035])
    >>> green_book_rates(32)[29:]
    array([0.035, 0.03 , 0.03 ])
    """
    if periods < 0:
        raise ValueError(f"periods must be >= 0, got {periods}")
    t = np.arange(1, periods + 1)
    rates = np.empty(periods, dtype=float)
    lower = 0.0
    for last, rate in bands:
        rates[(t > lower) & (t <= last)] = rate
        lower = last
    return rates


def green_book_health_rates(periods: int) -> np.ndarray:
    """The Green Book health schedule for discounting periods ``1..periods``.

    >>> green_book_health_rates(32)[29:]
    array([0.015 , 0.0129, 0.0129])
    """
    return green_book_rates(periods, GREEN_BOOK_HEALTH_BANDS)


def constant_rates(rate: float | np.ndarray, periods: int) -> np.ndarray:
    """A constant rate for ``periods`` periods; ``rate`` may be an array of draws.

    Returns shape ``rate.shape + (periods,)``.

    >>> constant_rates(0.05, 2)
    array([0.05, 0.05])
    """
    rate = np.asarray(rate, dtype=float)
    return np.broadcast_to(rate[..., None], rate.shape + (periods,)).copy()


def discount_factors(rates: np.ndarray) -> np.ndarray:
    """Chained discount factors ``DF(0..n)`` from the rates of periods ``1..n``.

    ``DF(0) = 1`` and ``DF(t) = DF(t - 1) / (1 + rates[t - 1])``. Broadcasts over
    leading axes: ``rates`` of shape ``(..., n)`` gives factors of shape ``(..., n + 1)``.

    >>> discount_factors(np.array([0.1, 0.1]))
    array([1.        , 0.90909091, 0.82644628])
    """
    rates = np.asarray(rates, dtype=float)
    if np.any(rates <= -1.0):
        raise ValueError("discount rates must be greater than -1")
    growth = np.cumprod(1.0 + rates, axis=-1)
    ones = np.ones(rates.shape[:-1] + (1,), dtype=float)
    return np.concatenate([ones, 1.0 / growth], axis=-1)


def value_time_offset(convention: Convention) -> int:
    """How many periods before its year's end the value of a scheme year counts: the
    value of year ``y`` is discounted by ``DF(y - offset)``. Inputs always count at the
    start of their year, ``DF(y - 1)``.

    ``"sroi_guide"``: 0 (value at the end of its year, year 1 discounted once);
    ``"green_book"``: 1 (year 1 is year 0, the present).

    >>> value_time_offset("sroi_guide"), value_time_offset("green_book")
    (0, 1)
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    return 0 if convention == "sroi_guide" else 1


def timing_factors(
    rates: np.ndarray, horizon: int, *, convention: Convention
) -> tuple[np.ndarray, np.ndarray]:
    """Discount factors for scheme years ``1..horizon`` under a timing convention.

    Parameters
    ----------
    rates:
        Rates of discounting periods ``1..horizon`` (at least ``horizon`` of them along
        the last axis); leading axes are kept (draws).
    horizon:
        Number of scheme years.
    convention:
        ``"sroi_guide"`` (value at the end of its year, inputs at the start) or
        ``"green_book"`` (both at the start: year 1 is year 0, the present).

    Returns
    -------
    (value_factors, input_factors), each of shape ``rates.shape[:-1] + (horizon,)``.

    Examples
    --------
    >>> v, c = timing_factors(np.full(2, 0.035), 2, convention="sroi_guide")
    >>> v.round(6), c.round(6)
    (array([0.966184, 0.933511]), array([1.      , 0.966184]))
    >>> v, c = timing_factors(np.full(2, 0.035), 2, convention="green_book")
    >>> v.round(6), c.round(6)
    (array([1.      , 0.966184]), array([1.      , 0.966184]))
    """
    offset = value_time_offset(convention)
    rates = np.asarray(rates, dtype=float)
    if rates.shape[-1] < horizon:
        raise ValueError(f"need rates for {horizon} periods, got {rates.shape[-1]}")
    df = discount_factors(rates[..., :horizon])  # DF(0..horizon)
    start = df[..., :horizon]  # time y - 1 for y = 1..horizon
    value = df[..., 1 - offset : horizon + 1 - offset]  # time y - offset
    return value, start
