"""Discount schedules and timing conventions against hand-worked factors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sroi.discounting import constant_rates, discount_factors, green_book_rates, timing_factors


def test_green_book_bands():
    """Green Book (2022) long-term rates: 3.5% for periods 1-30, 3.0% for 31-75, 2.5% for
    76-125, 2.0% for 126-200, 1.5% for 201-300, 1.0% beyond."""
    r = green_book_rates(400)
    assert set(r[:30]) == {0.035}
    assert set(r[30:75]) == {0.030}
    assert set(r[75:125]) == {0.025}
    assert set(r[125:200]) == {0.020}
    assert set(r[200:300]) == {0.015}
    assert set(r[300:]) == {0.010}


def test_green_book_factor_chains_across_the_30_year_boundary():
    """DF(30) = 1.035**-30 = 0.356278...; DF(31) = 1.035**-30 * 1.03**-1 (chained, not
    1.03**-31); DF(76) = 1.035**-30 * 1.03**-45 * 1.025**-1."""
    df = discount_factors(green_book_rates(76))
    assert df[0] == 1.0
    assert math.isclose(df[30], 1.035 ** -30, rel_tol=1e-12)
    assert math.isclose(df[31], 1.035 ** -30 * 1.03 ** -1, rel_tol=1e-12)
    assert math.isclose(df[75], 1.035 ** -30 * 1.03 ** -45, rel_tol=1e-12)
    assert math.isclose(df[76], 1.035 ** -30 * 1.03 ** -45 * 1.025 ** -1, rel_tol=1e-12)
    assert not math.isclose(df[31], 1.03 ** -31, rel_tol=1e-6)


def test_sroi_guide_timing_discounts_year_one_once_and_inputs_not_at_all():
    """SROI Guide: value of year y at time y; inputs of year y at time y - 1.
    At 3.5%: value factors 1/1.035, 1/1.035**2; input factors 1, 1/1.035."""
    v, c = timing_factors(np.full(2, 0.035), 2, convention="sroi_guide")
    np.testing.assert_allclose(v, [1 / 1.035, 1 / 1.035 ** 2], rtol=1e-15)
    np.testing.assert_allclose(c, [1.0, 1 / 1.035], rtol=1e-15)


def test_green_book_timing_treats_year_one_as_the_present():
    """Green Book: scheme year 1 is year 0, so value and inputs both get DF(y - 1)."""
    v, c = timing_factors(green_book_rates(31), 31, convention="green_book")
    np.testing.assert_array_equal(v, c)
    assert v[0] == 1.0
    assert math.isclose(v[30], 1.035 ** -30, rel_tol=1e-12)  # scheme year 31 = time 30


def test_unknown_convention_is_refused():
    with pytest.raises(ValueError, match="convention must be one of"):
        timing_factors(np.full(2, 0.035), 2, convention="end")


@given(st.floats(0.0, 0.2), st.integers(1, 60))
def test_constant_rate_factors_are_powers(rate, n):
    """With a constant rate r, chained factors equal (1 + r)**-t."""
    df = discount_factors(constant_rates(rate, n))
    np.testing.assert_allclose(df, (1 + rate) ** -np.arange(n + 1.0), rtol=1e-12)


@given(st.lists(st.floats(0.0, 0.5), min_size=1, max_size=40))
def test_factors_never_increase_for_non_negative_rates(rates):
    df = discount_factors(np.array(rates))
    assert np.all(np.diff(df) <= 0)


def test_factors_broadcast_over_draws():
    rates = constant_rates(np.array([0.0, 0.1]), 3)
    df = discount_factors(rates)
    assert df.shape == (2, 4)
    np.testing.assert_allclose(df[0], 1.0)
    np.testing.assert_allclose(df[1], 1.1 ** -np.arange(4.0))
