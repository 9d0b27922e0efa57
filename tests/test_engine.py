"""The kernel against hand-worked cases. Each docstring carries the arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sroi
from sroi.engine import payback_months

from .conftest import SCHEMES, minimal

REL = 1e-9


def close(a, b, rel=REL):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def run(d: dict) -> sroi.Result:
    return sroi.run(sroi.from_dict(d))


def test_issue_reference_case():
    """100 participants x £1,000 proxy, deadweight 20%, attribution 25%, drop-off 10%,
    3 years at 3.5% (SROI Guide timing), inputs £100,000:

    year 1: 100 x 1000 x 0.8 x 0.75      = 60,000
    year 2: 60,000 x 0.9                 = 54,000
    year 3: 54,000 x 0.9                 = 48,600
    PV = 60000/1.035 + 54000/1.035**2 + 48600/1.035**3
       = 57,971.0145 + 50,409.5778 + 43,834.4157 = 152,215.0078
    ratio = 152,215.0078 / 100,000 = 1.5221500780800...
    """
    r = sroi.run(sroi.load(SCHEMES / "hand_worked.toml"))
    np.testing.assert_allclose(r.value[0], [60000.0, 54000.0, 48600.0], rtol=REL)
    pv = 60000 / 1.035 + 54000 / 1.035 ** 2 + 48600 / 1.035 ** 3
    assert close(r.present_value, pv)
    assert close(r.present_value, 152215.00780800526)
    assert close(r.investment, 100000.0)
    assert close(r.sroi_ratio, 1.5221500780800526)
    assert close(r.net_sroi_ratio, 0.5221500780800526)
    assert close(r.npv, 52215.00780800526)
    assert round(r.sroi_ratio, 2) == 1.52


def test_displacement_multiplies_in():
    """Adding displacement 10% to the reference case scales every year by 0.9:
    PV = 152,215.0078 x 0.9 = 136,993.5070."""
    d = minimal()
    d["outcomes"][0]["displacement"] = 0.1
    assert close(run(d).present_value, 152215.00780800526 * 0.9)


def test_green_book_convention_does_not_discount_year_one():
    """Green Book timing: year 1 is the present.
    PV = 60000 + 54000/1.035 + 48600/1.035**2 = 60,000 + 52,173.9130 + 45,368.6246."""
    d = minimal(discounting={"schedule": "constant", "rate": 0.035, "convention": "green_book"})
    r = run(d)
    assert close(r.present_value, 60000 + 54000 / 1.035 + 48600 / 1.035 ** 2)
    assert close(r.investment, 100000.0)


def test_green_book_schedule_across_the_30_year_boundary():
    """One outcome worth £1,000 a year for 35 years, Green Book schedule, SROI Guide timing:
    PV = sum_{t=1..30} 1000 x 1.035**-t + sum_{t=31..35} 1000 x 1.035**-30 x 1.03**-(t-30)."""
    d = minimal(horizon=35, discounting={"convention": "sroi_guide"})
    o = d["outcomes"][0]
    o.update(quantity=1, duration=35, drop_off=0, deadweight=0, attribution=0)
    r = run(d)
    expected = sum(1000 * 1.035 ** -t for t in range(1, 31)) + sum(
        1000 * 1.035 ** -30 * 1.03 ** -(t - 30) for t in range(31, 36))
    assert close(r.present_value, expected)
    assert close(r.value_df[30], 1.035 ** -30 * 1.03 ** -1)  # scheme year 31


def test_start_year_delays_the_outcome():
    """start_year 2, duration 2, horizon 4: value in years 2 and 3 only:
    years = [0, 60,000, 54,000, 0]."""
    d = minimal(horizon=4)
    d["outcomes"][0].update(start_year=2, duration=2)
    np.testing.assert_allclose(run(d).value[0], [0, 60000, 54000, 0], rtol=REL)


def test_value_beyond_the_horizon_is_cut():
    """Duration 5 from year 2 within a 3-year horizon keeps years 2 and 3 only."""
    d = minimal(horizon=3)
    d["outcomes"][0].update(start_year=2, duration=5)
    np.testing.assert_allclose(run(d).value[0], [0, 60000, 54000], rtol=REL)


def test_fractional_duration_counts_the_last_part_year_pro_rata():
    """Duration 2.5: years 1, 2 in full, year 3 at half: [60,000, 54,000, 24,300]."""
    d = minimal()
    d["outcomes"][0]["duration"] = 2.5
    np.testing.assert_allclose(run(d).value[0], [60000, 54000, 24300], rtol=REL)


def test_cohort_rate_follows_each_intake():
    """Cohort [100, 50], rate 0.4, proxy £500, no deductions, drop-off 50%, duration 2:
    intake 1: 40 people -> 20,000 in year 1, 10,000 in year 2
    intake 2: 20 people ->            10,000 in year 2,  5,000 in year 3
    total by year: [20,000, 20,000, 5,000]."""
    d = minimal(cohort={"participants": [100, 50]})
    d["outcomes"][0].update(quantity={"rate": 0.4}, proxy={"value": 500, "unit": "u", "price_year": 2024,
                                                           "source": "t"},
                            duration=2, drop_off=0.5, deadweight=0, attribution=0)
    np.testing.assert_allclose(run(d).value[0], [20000, 20000, 5000], rtol=REL)


def test_engagement_times_success():
    """Greater Manchester form: cohort 200 x engagement 0.75 x success 0.4 = 60 people;
    x £1,000 x (1 - 0.2) x (1 - 0.25) = £36,000 in year 1 (duration 1)."""
    d = minimal(cohort={"participants": [200]})
    d["outcomes"][0].update(quantity={"engagement": 0.75, "success": 0.4}, duration=1)
    np.testing.assert_allclose(run(d).value[0], [36000, 0, 0], rtol=REL)


def test_start_year_with_cohorts_shifts_every_intake():
    """Cohort [10, 10], rate 1, proxy £100, duration 1, start_year 2:
    intake 1 in year 2, intake 2 in year 3: [0, 1,000, 1,000]."""
    d = minimal(cohort={"participants": [10, 10]})
    d["outcomes"][0].update(quantity={"rate": 1.0}, start_year=2, duration=1, drop_off=0, deadweight=0,
                            attribution=0, proxy={"value": 100, "unit": "u", "price_year": 2024, "source": "t"})
    np.testing.assert_allclose(run(d).value[0], [0, 1000, 1000], rtol=REL)


def test_inputs_per_participant_recurring_and_unit_cost():
    """Cohort [10, 20, 0]; inputs:
    - £50 per participant in each cohort year: [500, 1,000, 0]
    - 100 volunteer hours x £12 in years 1-3 (from/to): [1,200, 1,200, 1,200]
    - one-off £3,000 in year 2: [0, 3,000, 0]
    At 3.5% SROI Guide timing, inputs of year y get 1.035**-(y-1):
    PV = 1,700 + 5,200/1.035 + 1,200/1.035**2."""
    d = minimal(cohort={"participants": [10, 20, 0]})
    d["inputs"] = [
        {"id": "per_head", "description": "d", "funder": "nhs", "amount": 50, "basis": "per_participant"},
        {"id": "volunteers", "description": "d", "funder": "volunteers", "kind": "volunteer_time",
         "quantity": 100, "unit_cost": 12, "unit": "hour", "years": {"from": 1, "to": 3}},
        {"id": "setup", "description": "d", "funder": "la_other", "amount": 3000, "year": 2},
    ]
    r = run(d)
    np.testing.assert_allclose(r.cost, [[500, 1000, 0], [1200, 1200, 1200], [0, 3000, 0]], rtol=REL)
    assert close(r.investment, 1700 + 5200 / 1.035 + 1200 / 1.035 ** 2)


def test_disbenefit_subtracts():
    """A second outcome marked disbenefit with the same figures cancels the first: PV 0."""
    d = minimal()
    neg = dict(d["outcomes"][0], id="harm", disbenefit=True)
    d["outcomes"].append(neg)
    r = run(d)
    assert abs(r.present_value) < 1e-6
    assert close(r.by_outcome.loc["harm", "present_value"], -152215.00780800526)


def test_rebasing_uses_two_deflator_rows():
    """A £1,000 proxy in 2016-17 prices in a 2024-25 scheme is worth
    1000 x 100.0000 / 76.0754 = £1,314.4853... (HMT GDP deflator, March 2026 vintage,
    2024-25 = 100; 2016-17 = 76.0754). One person, one year, no deductions, Green Book
    timing (undiscounted year 1)."""
    d = minimal(price_base="2024-25", discounting={"convention": "green_book"})
    d["inputs"][0]["price_year"] = "2024-25"
    d["outcomes"][0].update(quantity=1, duration=1, drop_off=0, deadweight=0, attribution=0,
                            proxy={"value": 1000, "unit": "u", "price_year": "2016-17", "source": "t"})
    r = run(d)
    assert close(r.present_value, 1000 * 100.0 / 76.0754)


def test_input_rebasing_calendar_years():
    """£10,000 of 2019 inputs in 2024 prices: 10000 x 100 / 81.1085 = £12,329.164...
    (HMT GDP deflator, December 2025 vintage, 2024 = 100; 2019 = 81.1085)."""
    d = minimal()
    d["inputs"][0].update(amount=10000, price_year=2019)
    assert close(run(d).investment, 10000 * 100 / 81.1085)


def test_custom_rates():
    """Custom rates [0.10, 0.05, 0.0]: value factors 1/1.1, 1/(1.1 x 1.05), 1/(1.1 x 1.05)."""
    d = minimal(discounting={"schedule": "custom", "rates": [0.10, 0.05, 0.0], "convention": "sroi_guide"})
    r = run(d)
    np.testing.assert_allclose(r.value_df, [1 / 1.1, 1 / 1.155, 1 / 1.155], rtol=REL)


def test_payback_hand_worked():
    """Reference case: £100,000 at the start; PV of value 57,971.01 in year 1 and 50,409.58 in
    year 2. After year 1, 42,028.99 is still to recover: 42,028.99 / 50,409.58 = 0.83375 of
    year 2, so payback = 12 x (1 + 0.83375) = 22.005 months."""
    r = sroi.run(sroi.load(SCHEMES / "hand_worked.toml"))
    gap = 100000 - 60000 / 1.035
    assert close(r.payback_months, 12 * (1 + gap / (54000 / 1.035 ** 2)))


@pytest.mark.parametrize("value,cost,expected", [
    ([0, 0], [100, 0], math.inf),          # never recovered
    ([50, 50], [0, 0], 0.0),               # nothing spent
    ([100, 0], [100, 0], 12.0),            # exactly at the end of year 1
    ([0, 100], [0, 100], 24.0),            # spending starts in year 2
    ([200, 0, 0], [100, 0, 100], 6.0),     # first crossing counts, later spending does not undo it
])
def test_payback_edge_cases(value, cost, expected):
    assert payback_months(np.array(value, float), np.array(cost, float)) == expected


def test_batched_draws_equal_one_at_a_time():
    """The kernel gives each row of a design the same answer as evaluating it alone."""
    model = sroi.compile_scheme(sroi.from_dict(minimal(cohort={"participants": [100, 50, 25]})))
    from .conftest import random_design

    X = random_design(model, 50, 0)
    batch = model.evaluate(X)
    for d in range(0, 50, 7):
        one = model.evaluate(X[d])
        np.testing.assert_allclose(batch.value[d], one.value[0], rtol=1e-13)
        np.testing.assert_allclose(batch.present_value[d], one.present_value[0], rtol=1e-13)


def test_discount_rate_as_a_parameter_varies_per_draw():
    """A constant-rate scheme exposes discounting.rate: at 0% the reference PV is
    60,000 + 54,000 + 48,600 = 162,600."""
    model = sroi.compile_scheme(sroi.from_dict(minimal()))
    X = model.design({"discounting.rate": 0.0})
    assert close(float(model.evaluate(X).present_value[0]), 162600.0)


def test_design_rejects_wrong_width():
    model = sroi.compile_scheme(sroi.from_dict(minimal()))
    with pytest.raises(ValueError, match="columns"):
        model.evaluate(np.zeros((2, 3)))
