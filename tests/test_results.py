"""Result objects: tables add up, JSON carries the promised keys, display escapes text."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import sroi

from .conftest import minimal


@pytest.fixture
def two_holders():
    """Two outcomes for two budget holders, two funders."""
    d = minimal()
    d["inputs"].append({"id": "nhs_share", "description": "NHS share", "funder": "nhs", "amount": 50000})
    d["outcomes"].append(dict(d["outcomes"][0], id="fewer_admissions", beneficiary="nhs",
                              value_type="fiscal_cashable", stakeholder="NHS"))
    return sroi.run(sroi.from_dict(d))


def test_ledger(two_holders):
    """Each outcome is worth 152,215.0078 (reference case); investment 150,000.
    NHS: value 152,215.0078 cashable, spend 50,000 -> 1.01477 per £ invested, 3.04430 per £ own.
    Participant: value 152,215.0078 social, spend 0 -> own-spend ratio undefined (NaN).
    la_other: value 0, spend 100,000."""
    L = two_holders.ledger
    pv = 152215.00780800526
    assert L.loc["nhs", "fiscal_cashable"] == pytest.approx(pv)
    assert L.loc["nhs", "spend"] == pytest.approx(50000)
    assert L.loc["nhs", "value_per_pound_invested"] == pytest.approx(pv / 150000)
    assert L.loc["nhs", "value_per_pound_own_spend"] == pytest.approx(pv / 50000)
    assert math.isnan(L.loc["participant", "value_per_pound_own_spend"])
    assert L.loc["la_other", "total_value"] == 0
    assert L.loc["la_other", "net"] == pytest.approx(-100000)
    assert list(L.columns[1:5]) == ["fiscal_cashable", "fiscal_non_cashable", "economic", "social"]


def test_summary_and_breakdowns(two_holders):
    r = two_holders
    s = r.summary["value"]
    assert s["sroi_ratio"] == pytest.approx(2 * 152215.00780800526 / 150000)
    assert s["cashable_share"] == pytest.approx(0.5)
    assert r.by_stakeholder["present_value"].sum() == pytest.approx(r.present_value)
    assert r.by_value_type.to_dict() == pytest.approx(
        {"fiscal_cashable": 152215.00780800526, "fiscal_non_cashable": 0, "economic": 0,
         "social": 152215.00780800526})
    assert r.by_input["present_value"].sum() == pytest.approx(r.investment)
    years = r.by_year
    assert list(years.index) == [1, 2, 3]
    assert years["cumulative_npv"].iloc[-1] == pytest.approx(r.npv)


def test_tidy_frame(two_holders):
    f = two_holders.to_frame()
    assert set(f.columns) >= {"flow", "item", "holder", "year", "amount", "discount_factor", "present_value"}
    assert len(f) == (2 + 2) * 3
    by_flow = f.groupby("flow")["present_value"].sum()
    assert by_flow["value"] == pytest.approx(two_holders.present_value)
    assert by_flow["input"] == pytest.approx(two_holders.investment)


def test_json_keys_and_values(two_holders):
    d = two_holders.to_dict()
    for key in ("present_value", "investment", "npv", "sroi_ratio", "net_sroi_ratio", "payback_months",
                "by_beneficiary", "payback_convention", "provenance"):
        assert key in d
    assert d["by_beneficiary"]["participant"]["value_per_pound_own_spend"] is None  # NaN -> null
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text)["sroi_ratio"] == two_holders.sroi_ratio  # unrounded
    prov = d["provenance"]
    assert prov["seed"] is None and len(prov["scheme_sha256"]) == 64 and prov["sroi_version"]


def test_scheme_hash_ignores_layout_but_not_content():
    a = sroi.from_dict(minimal())
    b = sroi.loads(sroi.dumps(a))
    assert sroi.results.scheme_hash(a) == sroi.results.scheme_hash(b)
    d = minimal()
    d["outcomes"][0]["deadweight"] = 0.21
    assert sroi.results.scheme_hash(sroi.from_dict(d)) != sroi.results.scheme_hash(a)


def test_zero_investment_gives_infinite_ratio_not_an_error():
    d = minimal()
    d["inputs"][0]["amount"] = 0
    r = sroi.run(sroi.from_dict(d))
    assert math.isinf(r.sroi_ratio) and r.payback_months == 0
    assert r.to_dict()["sroi_ratio"] is None


def test_repr_and_html_escape_scheme_text():
    r = sroi.run(sroi.from_dict(minimal(name="<script>alert(1)</script> & co")))
    assert "SROI 1.52:1" in repr(r)
    html = r._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; co" in html


def test_print_summary(capsys):
    sroi.run(sroi.from_dict(minimal())).print_summary()
    out = capsys.readouterr().out
    assert "SROI ratio" in out and "1.52 : 1" in out and "Who pays, who saves" in out


def test_result_is_frozen():
    r = sroi.run(sroi.from_dict(minimal()))
    with pytest.raises(AttributeError):
        r.scheme = None
    assert isinstance(r.summary, pd.DataFrame)


def test_every_result_object_behaves_alike():
    """Deterministic, one-way, PSA, Sobol, switching-value, comparison and value-of-information
    results: a ``summary`` DataFrame property with no metadata hidden in ``attrs``, a one-line
    ``__repr__``, ``_repr_html_`` for notebooks, and plot methods that take ``ax=`` and return
    it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sroi.sensitivity import comparison, one_way, psa, sobol, switching_values

    from .test_sensitivity import uncertain

    scheme = uncertain()
    results = [sroi.run(scheme), one_way(scheme, spread=0.2), psa(scheme, 500, seed=1), sobol(scheme, 64, seed=2),
               switching_values(scheme), comparison([scheme, sroi.from_dict(minimal())], psa_draws=100, seed=3)]
    results.append(results[2].value_of_information(1.0))
    for r in results:
        table = r.summary
        assert isinstance(table, pd.DataFrame) and len(table) and table.attrs == {}
        assert "\n" not in repr(r) and len(repr(r)) < 200
        assert r._repr_html_().count("<table") >= 1
    plots = [lambda ax: results[1].plot_tornado(ax=ax), lambda ax: results[2].plot_distribution(ax=ax),
             lambda ax: results[2].plot_probability_curve(ax=ax), lambda ax: results[2].plot_convergence(ax=ax),
             lambda ax: results[3].plot(ax=ax), lambda ax: results[4].plot(ax=ax), lambda ax: results[5].plot(ax=ax),
             lambda ax: results[6].plot(ax=ax)]
    for draw in plots:
        fig, ax = plt.subplots()
        assert draw(ax) is ax
        plt.close(fig)
    assert results[2].summary is results[2].summary  # computed once
    assert list(results[2].summary_at(0.5).columns) == ["mean", "median", "p25", "p75", "sd"]
