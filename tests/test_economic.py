"""The Green Book economic case (sroi.economic) on a hand-worked scheme, the health discount
schedules, outcomes valued in WELLBYs and QALYs, and the checks and refusals around them."""

from __future__ import annotations

import json

import pytest

import sroi
from sroi.cli.main import main
from sroi.economic import economic_case
from sroi.scenario import from_dict, to_dict

from .conftest import ROOT, minimal

CASE = ROOT / "tests/schemes/economic_case.toml"

#: The 2019 WELLBY in 2024-25 prices: calendar 2019 on the financial-year deflator series is
#: (3 x 78.7948 + 9 x 80.8738) / 12 = 80.35405 (FY 2018-19 and 2019-20, HMT March 2026), so
#: £13,000 x 100 / 80.35405 = £16,178.4005.
WELLBY_2024_25 = 13000 * 100 / ((3 * 78.7948 + 9 * 80.8738) / 12)
#: Weight of quintile 1: (median 36,700 / quintile-1 median 16,800) ** 1.3 (ONS FYE2024).
W1 = (36700 / 16800) ** 1.3


def test_hand_worked_economic_case():
    """tests/schemes/economic_case.toml, Green Book timing (year 1 is the present):

    * family_gain: £10,000 in each of two years, on the standard schedule (3.5%):
      10,000 + 10,000 / 1.035 = 19,661.8357;
    * life_satisfaction: 10 parents x 0.5 WELLBY x £16,178.4005 = £80,892.0023 a year for two
      years, on the health schedule (1.5%): 80,892.0023 x (1 + 1 / 1.015) = 160,588.5564;
    * benefit_income: £5,000 from DWP to the family in year 1, a transfer: zero for society;
    * costs £12,000 in year 1.

    Benefits 180,250.3921, NPSV 168,250.3921, BCR 15.0209. Optimism bias by grade: grade 3
    lowers family_gain by 10%, grade 2 life_satisfaction by 5%: 17,695.6522 + 152,559.1285 =
    170,254.7807. Weighted (eta 1.3): family_gain and the transfer's recipients are in
    quintile 1 (weight 2.7617), the WELLBY outcome unweighted: 2.7617 x 19,661.8357 +
    160,588.5564 + (2.7617 - 1) x 5,000 = 223,695.16.
    """
    case = economic_case(sroi.load(CASE))
    family = 10000 + 10000 / 1.035
    wellbeing = 10 * 0.5 * WELLBY_2024_25 * (1 + 1 / 1.015)
    assert case.present_value_benefits == pytest.approx(family + wellbeing, rel=1e-12)
    assert case.present_value_benefits == pytest.approx(180250.3921, abs=1e-4)
    assert case.present_value_costs == 12000
    assert case.npsv == pytest.approx(family + wellbeing - 12000, rel=1e-12)
    assert case.bcr == pytest.approx((family + wellbeing) / 12000, rel=1e-12)
    assert case.optimism_bias["present_value_benefits"] == pytest.approx(0.9 * family + 0.95 * wellbeing, rel=1e-12)
    assert case.transfers == [{"outcome": "benefit_income", "payer": "dwp", "beneficiary": "participant",
                               "present_value": 5000.0}]
    weighted = W1 * family + wellbeing + (W1 - 1) * 5000
    assert case.distributional["weighted_npsv"] == pytest.approx(weighted - 12000, rel=1e-12)
    assert case.distributional["weighted_bcr"] == pytest.approx(weighted / 12000, rel=1e-12)
    assert weighted == pytest.approx(223695.16, abs=0.01)
    fiscal = {f["budget_holder"]: f for f in case.fiscal_case}
    assert fiscal["dwp"]["transfers"] == -5000 and fiscal["participant"]["transfers"] == 5000
    assert fiscal["la_other"]["net_cashable"] == -12000
    assert case.health_schedule == ["life_satisfaction"]
    assert case.switching_values[0]["parameter"] == "service.amount"
    assert case.switching_values[0]["switching_value"] == pytest.approx(family + wellbeing, rel=1e-12)
    # the SROI view of the same scheme counts the same value to society
    r = sroi.run(sroi.load(CASE))
    assert r.present_value == pytest.approx(case.present_value_benefits, rel=1e-15)
    frame = r.to_frame()
    health_rows = frame[frame["item"] == "life_satisfaction"]
    assert list(health_rows["discount_factor"]) == pytest.approx([1.0, 1 / 1.015])


def test_economic_view_on_the_command_line(capsys):
    assert main(["run", str(CASE), "--view", "economic"]) == 0
    text = capsys.readouterr().out
    assert "NPSV" in text and "£168,250" in text and "Transfers left out" in text and "BCR is not a pass/fail" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert main(["run", str(CASE), "--view", "economic", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for key in ("npsv", "bcr", "optimism_bias", "transfers_excluded", "distributional", "switching_values",
                "fiscal_case", "not_valued", "reading_notes"):
        assert key in d, key
    assert d["npsv"] == pytest.approx(168250.3921, abs=1e-4)
    assert main(["run", str(CASE), "--cost-uplift", "0.2"]) == 2  # only with --view economic
    assert main(["run", str(CASE), "--view", "economic", "--cost-uplift", "-1"]) == 2


def _long(schedule: str, health: str, horizon: int = 45) -> sroi.Result:
    d = minimal(horizon=horizon, discounting={"schedule": schedule, "convention": "sroi_guide"})
    d["outcomes"][0].update(duration=horizon, drop_off=0)
    d["outcomes"].append(dict(d["outcomes"][0], id="health_gain", schedule=health))
    return sroi.run(from_dict(d))


def test_health_schedules_by_edition():
    """Scheme year 40 under SROI Guide timing is discounted 40 times. 2022 health schedule:
    1.015^-30 x 1.0129^-10; 2026 health rate: 1.015^-40 (flat). The 2026 STPR differs from the
    2022 one only past year 125, so year 40 is 1.035^-30 x 1.03^-10 under both."""
    r22 = _long("green_book", "green_book_health")
    r26 = _long("green_book_2026", "green_book_2026_health")
    df22 = r22.outcome_df
    assert df22[1, 39] == pytest.approx(1.015 ** -30 * 1.0129 ** -10, rel=1e-14)
    assert r26.outcome_df[1, 39] == pytest.approx(1.015 ** -40, rel=1e-14)
    assert df22[0, 39] == pytest.approx(1.035 ** -30 * 1.03 ** -10, rel=1e-14)
    assert r26.outcome_df[0, 39] == pytest.approx(df22[0, 39], rel=1e-14)
    # the present value of the health outcome is its value discounted on its own row
    assert r22.pv_by_outcome[1] == pytest.approx(float(r22.value[1] @ df22[1]), rel=1e-14)
    far = _long("green_book_2026", "green_book_2026_health", horizon=140)
    assert far.value_df[129] == pytest.approx(1.035 ** -30 * 1.03 ** -45 * 1.025 ** -55, rel=1e-13)


def test_real_income_uprating():
    """uprating = "real_income_growth" with 1% a year: £13,000 x 1.2444923 (prices) x
    1.01 ** (1.3 x 5.25) (mid-2019 to the middle of 2024-25, 5.25 years) = £17,315.26."""
    d = to_dict(sroi.load(CASE))
    d["outcomes"][1]["proxy"].update(uprating="real_income_growth", gdp_per_head_growth=0.01,
                                     growth_source="test input")
    r = sroi.run(from_dict(d))
    per_year = r.value[1, 0] / (10 * 0.5)
    assert per_year == pytest.approx(WELLBY_2024_25 * 1.01 ** (1.3 * 5.25), rel=1e-12)
    assert round(per_year, 1) == 17315.3
    assert "deflator-only-uprating" not in {w.code for w in r.warnings}
    assert from_dict(to_dict(from_dict(d))) == from_dict(d)  # round trip keeps the measure


def test_qaly_measure_and_double_counting_check():
    d = to_dict(sroi.load(CASE))
    qaly = dict(d["outcomes"][1], id="health_qalys", proxy={"measure": "qaly", "amount": 0.02})
    d["outcomes"].append(qaly)
    r = sroi.run(from_dict(d))
    # £70,000 per QALY in 2020-21 prices (HL5283) rebased to 2024-25: 70,000 x 100 / 85.1002
    assert r.value[3, 0] == pytest.approx(10 * 0.02 * 70000 * 100 / 85.1002, rel=1e-12)
    codes = [w for w in r.warnings if w.code == "wellbeing-double-count"]
    assert codes and "in QALYs" in codes[0].message


@pytest.mark.parametrize("change, message", [
    (lambda d: d["discounting"].update(schedule="constant", rate=0.035),
     "outcomes[2].schedule: 'green_book_health' is the Green Book's schedule for health effects and goes beside "
     "its standard schedule of the same edition: set [discounting] schedule = \"green_book\" (it is 'constant')"),
    (lambda d: d["outcomes"][1].update(schedule="green_book_2026_health"),
     "set [discounting] schedule = \"green_book_2026\" (it is 'green_book')"),
    (lambda d: d["outcomes"][1]["proxy"].update(uprating="real_income_growth"),
     "outcomes[2].proxy.gdp_per_head_growth: missing; uprating = \"real_income_growth\" needs the yearly growth"),
    (lambda d: d["outcomes"][1]["proxy"].update(measure="wellbys"), "outcomes[2].proxy.measure: "),
    (lambda d: d["outcomes"][1]["proxy"].update(gdp_per_head_growth=0.01),
     "outcomes[2].proxy.gdp_per_head_growth: only used with uprating = \"real_income_growth\""),
])
def test_refused_clearly(change, message):
    d = to_dict(sroi.load(CASE))
    change(d)
    with pytest.raises(sroi.ScenarioError) as info:
        from_dict(d)
    assert message in str(info.value)


def test_workbook_refuses_what_it_cannot_hold():
    """Each refusal names the first outcome the workbook cannot hold, in file order."""
    from sroi.excel.write import build_workbook

    with pytest.raises(sroi.ScenarioError, match=r"outcomes\[2\].proxy.measure: an outcome valued in a measure"):
        build_workbook(sroi.load(CASE))
    d = to_dict(sroi.load(CASE))
    d["outcomes"][1]["proxy"] = {"value": 100, "unit": "u", "price_year": "2024-25", "source": "s"}
    with pytest.raises(sroi.ScenarioError, match=r"outcomes\[2\].schedule"):
        build_workbook(from_dict(d))
    del d["outcomes"][1]
    with pytest.raises(sroi.ScenarioError, match=r"outcomes\[2\].value_type: a transfer cannot be exported"):
        build_workbook(from_dict(d))
    del d["outcomes"][1]
    assert build_workbook(from_dict(d)) is not None


def test_payback_option_chooses_the_headline(capsys):
    """--payback puts either payback first; JSON carries both with their conventions. The
    hand-worked scheme: inputs 100,000 in year 1; year-1 value 100 x 1,000 x (1 - 0.2) x
    (1 - 0.25) = 60,000; the SROI Guide's payback is 100,000 / (60,000 / 12) = 20 months."""
    hand = ROOT / "tests/schemes/hand_worked.toml"
    assert main(["run", str(hand), "--payback", "sroi_guide", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["payback"]["headline"] == "sroi_guide"
    assert d["payback"]["sroi_guide"]["months"] == pytest.approx(20.0)
    assert main(["run", str(hand), "--payback", "discounted"]) == 0
    text = capsys.readouterr().out
    assert text.index("Payback (discounted)") < text.index("Payback (SROI Guide)")


def test_cashable_in_steps_of_capacity():
    """9,000 bed-days avoided in year 1 (a count, so one intake), falling 10% a year over three
    years (9,000, 8,100, 7,290), at £500 a bed-day, no deadweight: a 20-bed ward frees
    20 x 365 = 7,300 bed-days a year. Year 1 releases one ward, 7,300 x 500 = £3,650,000, and
    holds 1,700 x 500 = £850,000; year 2 one ward and £400,000 held; year 3 (7,290 < 7,300)
    nothing released, £3,645,000 held."""
    d = minimal(horizon=3)
    d["outcomes"][0].update(quantity=9000, drop_off=0.1, deadweight=0, attribution=0, duration=3,
                            beneficiary="nhs", value_type="fiscal_cashable",
                            proxy={"value": 500, "unit": "per bed-day", "price_year": 2024, "source": "test"},
                            cashable_step={"units": 7300, "label": "a 20-bed ward (20 x 365 bed-days)"})
    r = sroi.run(from_dict(d))
    prof = r.cashable_profile.set_index("year")
    assert prof["units"].tolist() == pytest.approx([9000, 8100, 7290])
    assert prof["steps_released"].tolist() == [1, 1, 0]
    assert prof["cashable"].tolist() == pytest.approx([3_650_000, 3_650_000, 0])
    assert prof["held_below_step"].tolist() == pytest.approx([850_000, 400_000, 3_645_000])
    assert prof["pv_cashable"].iloc[0] == pytest.approx(3_650_000 / 1.035)
    from sroi.display import result_text

    text = result_text(r)
    assert "When cashable savings become cash" in text and "a 20-bed ward" in text
    assert from_dict(to_dict(from_dict(d))) == from_dict(d)
    d["outcomes"][0]["value_type"] = "social"
    with pytest.raises(sroi.ScenarioError, match="cashable_step: is used only with value_type"):
        from_dict(d)
