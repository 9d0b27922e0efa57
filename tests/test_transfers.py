"""Transfers: money moved between budget holders nets to zero for society."""

from __future__ import annotations

import numpy as np
import pytest

import sroi
from sroi.engine import compile_scheme
from sroi.engine.compiled import outputs
from sroi.engine.outputs import spec_outputs
from sroi.errors import ScenarioError
from sroi.scenario import from_dict, to_dict
from sroi.sensitivity import psa

from .conftest import minimal


def with_transfer(**extra) -> dict:
    """The minimal scheme plus benefit income DWP stops paying: 100 people x £1,000 a
    year for 3 years, same adjustments (deadweight 0.2, attribution 0.25, drop-off 0.1)."""
    d = minimal(**extra)
    d["outcomes"].append(dict(d["outcomes"][0], id="benefit_stopped", beneficiary="dwp", value_type="transfer",
                              payer="participant"))
    return d


def test_a_transfer_nets_to_zero_for_society_hand_worked():
    """The transfer outcome has the same numbers as the minimal outcome, so its present
    value is the minimal scheme's 152,215.0078 (hand-worked in test_engine). Society's
    present value is unchanged at 152,215.0078 (ratio 1.5221); in the ledger DWP gains
    152,215.0078 as a transfer and the participant loses it: the participant's total is
    152,215.0078 (social) - 152,215.0078 (transfer) = 0."""
    plain, s = sroi.run(from_dict(minimal())), sroi.run(from_dict(with_transfer()))
    assert s.present_value == plain.present_value and s.sroi_ratio == plain.sroi_ratio
    assert s.by_outcome.loc["benefit_stopped", "present_value"] == pytest.approx(152_215.0078, abs=1e-3)
    led = s.ledger
    assert led.loc["dwp", "transfer"] == pytest.approx(152_215.0078, abs=1e-3)
    assert led.loc["participant", "transfer"] == pytest.approx(-152_215.0078, abs=1e-3)
    assert led.loc["participant", "total_value"] == pytest.approx(0.0, abs=1e-9)
    assert led["total_value"].sum() == pytest.approx(s.present_value, rel=1e-12)
    assert s.by_year["pv_value"].sum() == pytest.approx(s.present_value, rel=1e-12)
    assert s.payback_months == plain.payback_months and s.waterfall["present_value"] == s.present_value


def test_the_fast_path_agrees_on_transfers():
    """Society's present value and every holder's value, compiled against specification,
    on 200 random designs."""
    from .conftest import random_design

    m = compile_scheme(from_dict(with_transfer()))
    X = random_design(m, 200, 3, rate_high=0.9)
    a, b = outputs(m, X), spec_outputs(m, X)
    assert a.holder_names == b.holder_names
    np.testing.assert_allclose(a.present_value, b.present_value, rtol=1e-12)
    np.testing.assert_allclose(a.holder_value, b.holder_value, rtol=1e-12, atol=1e-9)
    r = psa(from_dict(with_transfer(uncertainty="graded")), 500, seed=1)
    assert r.summary.loc["present_value", "sd"] > 0


def test_transfer_validation_and_round_trip():
    assert from_dict(to_dict(from_dict(with_transfer()))) == from_dict(with_transfer())
    d = with_transfer()
    del d["outcomes"][1]["payer"]
    with pytest.raises(ScenarioError, match=r"outcomes\[2\].payer: missing; a transfer needs"):
        from_dict(d)
    d = with_transfer()
    d["outcomes"][1]["payer"] = "dwp"
    with pytest.raises(ScenarioError, match="is also the beneficiary"):
        from_dict(d)
    d = minimal()
    d["outcomes"][0]["payer"] = "dwp"
    with pytest.raises(ScenarioError, match='is used only with value_type = "transfer"'):
        from_dict(d)


def test_excel_refuses_a_transfer_rather_than_count_it(tmp_path):
    from sroi.excel import export_workbook

    with pytest.raises(ScenarioError, match="a transfer cannot be exported to a workbook yet"):
        export_workbook(from_dict(with_transfer()), tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_weighted_transfer_counts_the_difference_in_weights():
    """Green Book A3.21: a transfer to the poorest fifth (weight 2.76162) from a payer at
    the median (weight 1) adds (2.761619 - 1) x 152,215.0078 = 268,144.9 to the weighted
    present value, though it adds nothing unweighted."""
    d = with_transfer(distributional={"eta": 1.3})
    d["outcomes"][1]["income_quintile"] = 1
    r = sroi.run(from_dict(d))
    w = (36_700 / 16_800) ** 1.3
    base = r.by_outcome.loc["gain", "present_value"]
    assert r.distributional["weighted_present_value"] == pytest.approx(base + (w - 1) * base, rel=1e-12)
    assert (w - 1) * base == pytest.approx(268_144.9, abs=0.05)


def test_a_transfers_share_of_societys_value_is_zero(capsys):
    """The outcome table's ``share`` is of society's present value: a transfer adds nothing
    to it, so its share is 0 and the text says 'transfer' rather than a percentage of a
    total it is not part of; the other outcomes' shares still sum to 1."""
    from pathlib import Path

    from sroi.cli import main

    path = Path(__file__).parent / "schemes" / "economic_case.toml"
    r = sroi.run(sroi.load(path))
    by = r.by_outcome
    transfers = by["value_type"] == "transfer"
    assert transfers.any()
    assert (by.loc[transfers, "share"] == 0).all()
    assert by["share"].sum() == pytest.approx(1.0, rel=1e-12)
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out.split("Outcomes (present values)", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in out.splitlines() if "benefit_income" in line]
    assert rows and rows[0].rstrip().endswith("£5,000  transfer")
