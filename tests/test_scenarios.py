"""Every file under scenarios/ loads, runs, round-trips and passes `sroi validate`;
published reproductions match their sources."""

from __future__ import annotations

import math

import pytest

import sroi
from sroi.cli import main
from sroi.sensitivity import run_scenarios

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
    """FNP England, the English trial alternative: 100 families, 2024-25 prices.
    Inputs are the increment over usual health visiting at NCC 2024/25 unit costs (no
    rebasing), 40 visits spread 16 / 16 / 8 over the programme's three years, paid at the start
    of each year (SROI Guide timing: year 1 undiscounted):
      year 1: 100 x (16 x 111.79287 - 113.27400 - 116.04827 - 106.13812) = 145,322.56
      year 2: 100 x (16 x 111.79287 - 111.19476) = 167,749.12, / 1.035
      year 3: 100 x (8 x 111.79287 - 119.71333) = 77,462.97, / 1.035**2
      total 145,322.56 + 162,076.44 + 72,312.09 = 379,711.09 (to the cent of the rounded amounts).
    Maternal QALYs: 100 x 0.0036 QALY x £70,000 (2020-21) x 100/85.1002, on the Green Book
    health schedule (1.5%), one year: 25,200 x 1.1750854 / 1.015 = £29,174.9.
    Children in need: 100 x 0.00585 six-month periods x £1,416 (2008-09) x 100/66.8397, in
    year 5: 828.36 x 1.4961766 / 1.035**5 = £1,043.5. Plans added (a disbenefit):
    100 x 0.002 x £1,864 x 100/66.8397 / 1.035**5, subtracted."""
    r = sroi.run(sroi.load(ROOT / "scenarios/family_nurse_partnership.toml"))
    assert r.investment == pytest.approx(145322.56 + 167749.12 / 1.035 + 77462.97 / 1.035 ** 2, rel=1e-12)
    assert r.investment == pytest.approx(379711.09, abs=0.5)
    pv = r.by_outcome["present_value"]
    assert pv["maternal_qalys"] == pytest.approx(100 * 0.0036 * 70000 * 100 / 85.1002 / 1.015, rel=1e-12)
    assert pv["maternal_qalys"] == pytest.approx(29174.9, abs=0.5)
    assert pv["children_in_need_avoided"] == pytest.approx(
        100 * 0.00585 * 1416 * 100 / 66.8397 / 1.035 ** 5, rel=1e-12)
    assert pv["child_protection_plans_added"] == pytest.approx(
        -100 * 0.002 * 1864 * 100 / 66.8397 / 1.035 ** 5, rel=1e-12)
    assert r.sroi_ratio == pytest.approx(pv.sum() / r.investment, rel=1e-12)
    assert 0.07 < r.sroi_ratio < 0.09  # the English evidence returns about 8p per pound
    assert r.ledger.loc["la_public_health", "spend"] == pytest.approx(r.investment)
    assert any("School readiness" in g for g in r.scheme.gaps)


def test_family_nurse_partnership_us_transfer_hand_check():
    """FNP England, the US-trial alternative: the same inputs as the English file; the US
    effects halved. Injury encounters: 100 x 0.03 a year x £280.1718 (NCC 2024/25), years 1-2:
    840.52 x (1/1.035 + 1/1.035**2) = £1,596.7. Welfare is a transfer: 100 families x one
    month a year x £311.68 (UC standard allowance under 25, 2024-25) for 15 years,
    31,168 x (1/1.035 + ... + 1/1.035**15) = 31,168 x 11.517411 = £358,975.6 to DWP, paid by
    the mothers; it adds nothing to society's present value. Removing the haircut
    (the 'Full US effects' scenario) doubles every non-welfare outcome, so the ratio doubles."""
    path = ROOT / "scenarios/family_nurse_partnership_us_transfer.toml"
    r = sroi.run(sroi.load(path))
    english = sroi.run(sroi.load(ROOT / "scenarios/family_nurse_partnership.toml"))
    assert r.investment == pytest.approx(english.investment, rel=1e-12)
    pv = r.by_outcome["present_value"]
    annuity2 = 1 / 1.035 + 1 / 1.035 ** 2
    assert pv["injury_encounters_avoided"] == pytest.approx(100 * 0.03 * 280.1718 * annuity2, rel=1e-6)
    annuity15 = sum(1.035 ** -y for y in range(1, 16))
    assert annuity15 == pytest.approx(11.517411, rel=1e-6)
    assert pv["welfare_months_reduced"] == pytest.approx(100 * 311.68 * annuity15, rel=1e-12)
    assert r.ledger.loc["dwp", "total_value"] == pytest.approx(pv["welfare_months_reduced"], rel=1e-12)
    assert r.ledger.loc["participant", "total_value"] == pytest.approx(-pv["welfare_months_reduced"], rel=1e-12)
    social = pv.drop("welfare_months_reduced").sum()
    assert r.present_value == pytest.approx(social, rel=1e-12)
    table, _ = run_scenarios(sroi.load(path))
    assert table.loc["Full US effects", "sroi_ratio"] == pytest.approx(2 * r.sroi_ratio, rel=1e-4)
    assert table.loc["English trial: no US effect carries over", "sroi_ratio"] == 0
    assert r.sroi_ratio < 0.25 and table.loc["Full US effects", "sroi_ratio"] < 1


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(ROOT)) for p in ALL])
def test_every_number_has_a_source_or_an_assumption_with_a_range(path):
    """The evidence rule for bundled schemes: no written number without a source or an
    explicit assumption, and every assumption with a low/high range."""
    result = sroi.run(sroi.load(path))
    bad = [str(w) for w in result.warnings if w.code in ("unsourced", "assumption-without-range")]
    assert bad == []
