"""Every file under scenarios/ loads, runs, round-trips and passes `sroi validate`;
published reproductions match their sources."""

from __future__ import annotations

import math

import pytest

import sroi
from sroi.cli import main

from .conftest import ROOT

ALL = sorted((ROOT / "scenarios").rglob("*.toml"))


def test_there_are_scenarios():
    assert len(ALL) >= 2


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(ROOT)) for p in ALL])
def test_every_scenario_runs_and_round_trips(path, tmp_path):
    scheme = sroi.load(path)
    result = sroi.run(scheme)
    assert math.isfinite(result.present_value) and result.investment > 0
    assert sroi.loads(sroi.dumps(scheme), path=str(path)) == scheme
    saved = sroi.save(scheme, tmp_path / "copy.toml")
    assert sroi.load(saved) == scheme
    assert main(["validate", str(path)]) == 0


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(ROOT)) for p in ALL])
def test_every_proxy_and_input_cites_a_source(path):
    """Every number that carries money into the model names where it came from."""
    scheme = sroi.load(path)
    for o in scheme.outcomes:
        assert o.proxy.source.strip()
        assert o.evidence.source or any(p.source or p.assumption for _, p in o.quantity.parts())
    for i in scheme.inputs:
        assert i.source or any(p.source or p.assumption for _, p in i.parts())


def test_wsipp_2017_reproduction():
    """WSIPP, Nurse Family Partnership, benefit-cost estimates updated May 2017 (2016 dollars),
    http://wsipp.wa.gov/BenefitCost/Program/35: taxpayers $7,489, participants $8,995, others
    $5,931, indirect ($3,257), total benefits $19,157, costs ($10,170), benefits minus costs
    $8,988, benefit-cost ratio $1.88. Our total is 7,489 + 8,995 + 5,931 - 3,257 = 19,158
    (WSIPP's parts are rounded; its total is $1 lower), so the ratio 19,158 / 10,170 =
    1.88378 rounds to WSIPP's 1.88 and NPV is 8,988 exactly."""
    r = sroi.run(sroi.load(ROOT / "scenarios/published/wsipp_2017_nurse_family_partnership.toml"))
    assert r.present_value == pytest.approx(19158, abs=1e-6)
    assert abs(r.present_value - 19157) <= 1
    assert r.investment == pytest.approx(10170, abs=1e-9)
    assert round(r.sroi_ratio, 2) == 1.88
    assert r.npv == pytest.approx(8988, abs=1e-6)
    ledger = r.ledger
    assert ledger.loc["taxpayers", "total_value"] == pytest.approx(7489)
    assert ledger.loc["indirect", "total_value"] == pytest.approx(-3257)
    assert ledger.loc["taxpayers", "value_per_pound_own_spend"] == pytest.approx(7489 / 10170)


def test_family_nurse_partnership_hand_check():
    """FNP England: 100 families (FNP National Unit team size).
    Inputs: 100 x £4,500 in 2009-10 prices, rebased to 2024-25 with the HMT financial-year
    deflator (100.0000 / 67.7042): 450,000 x 1.477001... = £664,656.6; year 1, not discounted.
    Injury encounters: 100 x 0.06 a year x £148 (2016-17) x 100/76.0754, years 1-2 at 3.5%
    (SROI Guide timing): 1,167.40... x (1/1.035 + 1/1.035**2).
    Bed days: 100 x 0.065 x £313 x 100/76.0754, same timing."""
    r = sroi.run(sroi.load(ROOT / "scenarios/family_nurse_partnership.toml"))
    up = 100 / 76.0754
    annuity = 1 / 1.035 + 1 / 1.035 ** 2
    assert r.investment == pytest.approx(450000 * 100 / 67.7042, rel=1e-12)
    assert r.by_outcome.loc["fewer_injury_encounters", "present_value"] == pytest.approx(
        100 * 0.06 * 148 * up * annuity, rel=1e-12)
    assert r.by_outcome.loc["fewer_injury_bed_days", "present_value"] == pytest.approx(
        100 * 0.065 * 313 * up * annuity, rel=1e-12)
    assert r.ledger.loc["la_public_health", "spend"] == pytest.approx(r.investment)
    assert r.ledger.loc["nhs", "spend"] == 0
    assert len(r.scheme.gaps) >= 3


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(ROOT)) for p in ALL])
def test_every_number_has_a_source_or_an_assumption_with_a_range(path):
    """The evidence rule for bundled schemes: no written number without a source or an
    explicit assumption, and every assumption with a low/high range."""
    result = sroi.run(sroi.load(path))
    bad = [str(w) for w in result.warnings if w.code in ("unsourced", "assumption-without-range")]
    assert bad == []
