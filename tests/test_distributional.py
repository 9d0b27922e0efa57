"""Green Book distributional weights beside the unweighted figures (annex A3)."""

from __future__ import annotations

import json

import pytest
import tomli_w

import sroi
from sroi.cli import main
from sroi.errors import ScenarioError
from sroi.scenario import from_dict, to_dict

from .conftest import minimal


def two_groups(**dist) -> dict:
    """Two outcomes alike but for who receives them: the poorest fifth (ONS FYE 2024
    median 16,800) and a group with median income 73,400 (twice the 36,700 median)."""
    d = minimal(distributional={"eta": 1.3, **dist})
    d["outcomes"][0]["income_quintile"] = 1
    d["outcomes"].append(dict(d["outcomes"][0], id="richer", income_quintile=None))
    del d["outcomes"][1]["income_quintile"]
    d["outcomes"][1]["recipient_income"] = 73_400
    return d


def test_weights_hand_worked():
    """Weight = (36,700 / income) ** 1.3 (Green Book A3.19-A3.20):
    poorest fifth (36,700 / 16,800) ** 1.3 = 2.184524 ** 1.3 = exp(1.3 x 0.781395) = 2.76162;
    income 73,400: 0.5 ** 1.3 = exp(-1.3 x 0.693147) = 0.40613.
    Each outcome's present value is the minimal scheme's, 152,215.0078 (hand-worked in
    test_engine), so weighted PV = 152,215.0078 x (2.76162 + 0.40613) = 482,178.4 and the
    weighted ratio on inputs of 100,000 is 4.8218, beside the unweighted 3.0443."""
    s = from_dict(two_groups())
    r = sroi.run(s)
    d = r.distributional
    w1, w2 = (36_700 / 16_800) ** 1.3, 0.5 ** 1.3
    assert d["weights"] == {"gain": pytest.approx(w1, rel=1e-12), "richer": pytest.approx(w2, rel=1e-12)}
    assert w1 == pytest.approx(2.76162, abs=5e-6) and w2 == pytest.approx(0.40613, abs=5e-6)
    one = r.by_outcome.loc["gain", "present_value"]
    assert one == pytest.approx(152_215.0078, abs=1e-3)
    assert d["weighted_present_value"] == pytest.approx(one * (w1 + w2), rel=1e-12)
    assert d["weighted_sroi_ratio"] == pytest.approx(one * (w1 + w2) / 100_000, rel=1e-12)
    assert d["weighted_present_value"] == pytest.approx(482_178.4, abs=0.05)
    assert d["present_value"] == r.present_value and d["unweighted_outcomes"] == []


def test_eta_zero_weighs_nothing_and_a_reference_income_can_be_given():
    r = sroi.run(from_dict(two_groups(eta=0.0)))
    assert r.distributional["weighted_present_value"] == pytest.approx(r.present_value, rel=1e-12)
    r = sroi.run(from_dict(two_groups(reference_income=16_800)))
    assert r.distributional["weights"]["gain"] == pytest.approx(1.0)


def test_cli_shows_weighted_beside_unweighted(tmp_path, capsys):
    p = tmp_path / "s.toml"
    p.write_text(tomli_w.dumps(two_groups()), encoding="utf-8")
    assert main(["run", str(p), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)["distributional"]
    assert {"eta", "weighted_present_value", "weighted_sroi_ratio"} <= set(d) and d["eta"] == 1.3
    assert main(["run", str(p)]) == 0
    out = capsys.readouterr().out
    assert "Distributionally weighted (Green Book annex A3, eta 1.3)" in out and "beside the unweighted" in out


def test_round_trip_and_excel(tmp_path):
    from sroi.excel import export_workbook, import_workbook

    s = from_dict(two_groups())
    assert from_dict(to_dict(s)) == s
    export_workbook(s, tmp_path / "s.xlsx")
    assert to_dict(import_workbook(tmp_path / "s.xlsx")) == to_dict(s)


@pytest.mark.parametrize("change,message", [
    (lambda d: d["outcomes"][0].update(income_quintile=3), "the median income of quintile 3 is not bundled"),
    (lambda d: d["outcomes"][1].update(income_quintile=1), "give income_quintile or recipient_income, not both"),
    (lambda d: d["outcomes"][1].update(recipient_income=0), "must be an income greater than 0"),
    (lambda d: d["distributional"].update(eta=-1), "must be an elasticity between 0 and 10"),
])
def test_bad_distributional_input_is_one_line(change, message):
    d = two_groups()
    change(d)
    with pytest.raises(ScenarioError, match=message):
        from_dict(d)
