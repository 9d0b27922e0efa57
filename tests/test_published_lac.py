"""Local Area Coordination and Connected Care: published reproductions match their headline
figures, and the two seed schemes match hand-worked figures.

The published figures were checked with the search tools; where only a secondary source
could be read, the test docstring says so.
"""

from __future__ import annotations

import pytest

import sroi
from sroi.sensitivity import run_scenarios

from .conftest import ROOT

PUB = ROOT / "scenarios" / "published"


def _run(path):
    return sroi.run(sroi.load(path))


def test_middlesbrough_lac_reproduction():
    """Peter Fletcher Associates, Evaluation of Local Area Co-ordination in Middlesbrough,
    final report, August 2011: savings estimated at between £1.80 and £3 per £1 invested.
    Seen second-hand only: Boyle, Turbo charging volunteering, CentreForum 2014
    (seeds/000_ba63d86310eb599e.txt line 312, note 42). The evaluation's existence and
    contents page were verified; its costing pages were not readable.
    Normalised to £1 of investment: base 1.80 / 1 = 1.80; the named scenario 3 / 1 = 3.00.
    Tolerance: exact to 1e-12 (no discounting, no price rebasing)."""
    path = PUB / "middlesbrough_lac_2011.toml"
    r = _run(path)
    assert r.investment == pytest.approx(1.0, abs=1e-12)
    assert r.sroi_ratio == pytest.approx(1.80, abs=1e-12)
    table, _ = run_scenarios(sroi.load(path))
    assert table.loc["High end of the published range", "sroi_ratio"] == pytest.approx(3.0, abs=1e-12)
    assert r.ledger.loc["middlesbrough_public_services", "total_value"] == pytest.approx(1.80)
    assert len(r.scheme.gaps) >= 3


def test_derby_lac_reproduction():
    """Kingfishers (H Marsh), Social Value of Local Area Coordination in Derby: a forecast
    SROI analysis for Derby City Council, March 2016, assured by Social Value UK; Think Local
    Act Personal news item: three-year forecast, 10 Local Area Coordinators, £4.00 of social
    value per £1.00 invested
    (https://www.thinklocalactpersonal.org.uk/Latest/Social-Value-of-Local-Area-Coordination-in-Derby/);
    Derby City Council JSNA page: £4 per £1. The report's investment and value in pounds
    could not be read, so the model is normalised: 4.00 / 1.00 = 4.00. Tolerance: the
    published ratio to the penny (0.005); the arithmetic is exact."""
    r = _run(PUB / "derby_lac_2016.toml")
    assert r.investment == pytest.approx(1.0, abs=1e-12)
    assert abs(r.sroi_ratio - 4.00) < 0.005
    assert r.sroi_ratio == pytest.approx(4.0, abs=1e-12)
    assert r.npv == pytest.approx(3.0, abs=1e-12)


def test_thurrock_lac_reproduction():
    """Kingfishers, Social Value of Local Area Coordination in Thurrock: a forecast SROI
    analysis for Adult Social Care, Thurrock Council (July 2015, nine coordinators per TLAP),
    as summarised by Inclusive Neighbourhoods: over £4.8m of social value over three years,
    up to £4 of social value per £1 invested
    (https://inclusiveneighbourhoods.co.uk/social-value-of-local-area-coordination-in-thurrock/).
    The investment is back-solved: 4,800,000 / 4 = 1,200,000 (a lower bound, since the value
    is 'over' and the ratio 'up to'); so PV 4,800,000, investment 1,200,000, ratio 4.00,
    NPV 3,600,000. Tolerance: exact (1e-9 relative); the published bound is the headline."""
    r = _run(PUB / "thurrock_lac_2015.toml")
    assert r.present_value == pytest.approx(4_800_000, rel=1e-9)
    assert r.investment == pytest.approx(1_200_000, rel=1e-9)
    assert r.sroi_ratio == pytest.approx(4.0, rel=1e-9)
    assert r.npv == pytest.approx(3_600_000, rel=1e-9)
    assert r.ledger.loc["la_adult_social_care", "spend"] == pytest.approx(1_200_000)
    # the per-coordinator figure the seed scheme uses: 1,200,000 / (9 x 3)
    assert 1_200_000 / 27 == pytest.approx(44444.44, abs=0.005)


def test_connected_care_basildon_reproduction():
    """LSE prospective modelling of a Connected Care service redesign proposal in Basildon,
    as reported by Loeffler et al. (eds), Making health and social care personal and local,
    Governance International / LGiU 2012 (seeds/004_9071cd5666d628a5.txt line 1779): £4.44
    saved per £1 through reduced demand on public services, £14.07 including the value of
    quality-of-life improvements. Seen second-hand only (the LSE report, Bauer et al. 2011,
    cited in seeds/000 line 324, was not found). Normalised to £1: 4.44 + (14.07 - 4.44) =
    14.07 in the base case; the scenario without quality of life gives 4.44.
    Tolerance: 1e-9 (no discounting, no rebasing)."""
    path = PUB / "connected_care_basildon.toml"
    r = _run(path)
    assert r.sroi_ratio == pytest.approx(14.07, abs=1e-9)
    assert r.by_outcome.loc["reduced_demand", "present_value"] == pytest.approx(4.44, abs=1e-9)
    assert r.by_outcome.loc["quality_of_life", "present_value"] == pytest.approx(14.07 - 4.44, abs=1e-9)
    table, _ = run_scenarios(sroi.load(path))
    assert table.loc["Reduced demand only", "sroi_ratio"] == pytest.approx(4.44, abs=1e-9)


def test_local_area_coordination_hand_check():
    """Seed scheme: 10 coordinators x £44,444.44 (2015-16 prices; back-solved from Thurrock)
    rebased with the HMT financial-year deflator 100 / 74.5804, paid at the start of years
    1-3 (SROI Guide timing, Green Book 3.5%): 444,444.4 x 1.340835... x (1 + 1/1.035 +
    1/1.035**2).
    Quality of life: 500 people a year x 0.3 starting community activities x 0.030 QALYs
    (Munford et al. 2020) x £70,000 (2020-21) x 100/85.1002 x (1 - 0.2) x (1 - 0.3), each
    year's intake valued at the end of its year: x (1/1.035 + 1/1.035**2 + 1/1.035**3).
    Care package cost gap: 500 x 0.2 x 0.35 x £18,876 (£363 a week x 52, 2012-13) x
    100/71.5454 x 0.75 x 0.9, same annuity. NHS care costs: 500 x 0.3 x £283 (2015-16
    assumed) x 100/74.5804 x 0.8 x 0.7, same annuity."""
    r = _run(ROOT / "scenarios" / "local_area_coordination.toml")
    inputs_annuity = 1 + 1 / 1.035 + 1 / 1.035 ** 2
    value_annuity = 1 / 1.035 + 1 / 1.035 ** 2 + 1 / 1.035 ** 3
    assert r.investment == pytest.approx(10 * 44444.44 * 100 / 74.5804 * inputs_annuity, rel=1e-12)
    pv = r.by_outcome["present_value"]
    assert pv["community_participation_qaly"] == pytest.approx(
        500 * 0.3 * 0.030 * 70000 * 100 / 85.1002 * 0.8 * 0.7 * value_annuity, rel=1e-12)
    assert pv["lower_cost_support"] == pytest.approx(
        500 * 0.2 * 0.35 * 363 * 52 * 100 / 71.5454 * 0.75 * 0.9 * value_annuity, rel=1e-12)
    assert pv["community_participation_care_costs"] == pytest.approx(
        500 * 0.3 * 283 * 100 / 74.5804 * 0.8 * 0.7 * value_annuity, rel=1e-12)
    # adult social care pays everything; the NHS and the people supported receive value
    assert r.ledger.loc["la_adult_social_care", "spend"] == pytest.approx(r.investment)
    assert r.ledger.loc["nhs", "spend"] == 0
    assert r.ledger.loc["nhs", "total_value"] > 0
    assert 1.3 < r.sroi_ratio < 1.5
    # the case rests on the Western Australian cost gap: without it the ratio is below 1
    table, _ = run_scenarios(r.scheme)
    assert table.loc["Western Australian cost gap does not transfer", "sroi_ratio"] < 1


def test_connected_care_basildon_hand_check():
    """Seed scheme: 500 clients x £225.23 (= £1,000 / 4.44, 2010-11 assumed) x 100/68.8561,
    paid at the start of year 1 (not discounted). Reduced demand: 500 x £1,000 x
    100/68.8561 x (1 - 0.25) x (1 - 0.1) / 1.035. Quality of life: 500 x £2,168.92
    (= 1,000 x 9.63 / 4.44) on the same terms. Ratio = (1,000 + 2,168.92) x 0.675 / 1.035 /
    225.23 = 9.18; with no deadweight or attribution it is (3,168.92 / 225.23) / 1.035 =
    13.59, the published £14.07 less one year's discounting."""
    r = _run(ROOT / "scenarios" / "connected_care_basildon.toml")
    up = 100 / 68.8561
    assert r.investment == pytest.approx(500 * 225.23 * up, rel=1e-12)
    assert r.by_outcome.loc["reduced_demand", "present_value"] == pytest.approx(
        500 * 1000 * up * 0.75 * 0.9 / 1.035, rel=1e-12)
    assert r.by_outcome.loc["quality_of_life", "present_value"] == pytest.approx(
        500 * 2168.92 * up * 0.75 * 0.9 / 1.035, rel=1e-12)
    assert r.sroi_ratio == pytest.approx(3168.92 * 0.675 / 1.035 / 225.23, rel=1e-12)
    table, _ = run_scenarios(r.scheme)
    assert table.loc["As published: no deadweight or attribution", "sroi_ratio"] == pytest.approx(
        3168.92 / 225.23 / 1.035, rel=1e-12)
    assert table.loc["Savings to public services only", "sroi_ratio"] == pytest.approx(
        1000 * 0.675 / 1.035 / 225.23, rel=1e-12)
    assert r.ledger.loc["basildon_public_services", "spend"] == 0
