"""The commissioners' portfolio (sroi.portfolio, sroi.selection): exact selection under
budgets, joint draws that share what schemes share, the pooled-budget settlement, the
value of information, the same bytes in process, on threads, in two passes and on Dask."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import sroi
from sroi.cli.main import main
from sroi.portfolio import _plan, _shared_uniforms, _uniforms, portfolio
from sroi.selection import POSITIVE_MARGIN, portfolio_evppi, select, settle, shapley

from .conftest import ROOT, minimal

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def scheme(name: str, *, funder: str, beneficiary: str, amount: float, value: float, proxy=None, **extra):
    """A small uncertain scheme: one input, one outcome, graded uncertainty."""
    d = minimal(name=name, uncertainty="graded")
    d["inputs"][0].update(funder=funder, amount=amount)
    d["outcomes"][0].update(beneficiary=beneficiary, value_type="fiscal_non_cashable",
                            proxy=proxy or {"value": value, "unit": "u", "price_year": 2024, "source": "test"})
    d.update(extra)
    return sroi.from_dict(d)


def small_set():
    return [scheme("A", funder="nhs", beneficiary="la_adult_social_care", amount=100000, value=2500),
            scheme("B", funder="la_adult_social_care", beneficiary="nhs", amount=80000, value=1500),
            scheme("C", funder="nhs", beneficiary="nhs", amount=60000, value=700),
            scheme("D", funder="la_adult_social_care", beneficiary="la_adult_social_care", amount=50000, value=300)]


BUDGETS = {"nhs": 150000, "la_adult_social_care": 120000}


# ---------------------------------------------------------------------------- selection


def brute_force(npv, spend, budgets):
    best, arg = 0.0, (0,) * len(npv)
    for pick in itertools.product((0, 1), repeat=len(npv)):
        x = np.array(pick, float)
        if all(b is None or x @ spend[:, h] <= b + 1e-9 for h, b in enumerate(budgets)):
            v = float(x @ npv)
            if v > best + 1e-9:
                best, arg = v, pick
    return best, arg


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 7), st.integers(1, 3), st.integers(0, 2**31 - 1))
def test_selection_is_exact(S, H, seed):
    """The MILP reaches the best set a brute-force search over every subset finds."""
    rng = np.random.default_rng(seed)
    npv = rng.normal(0, 100, S)
    spend = rng.uniform(0, 50, (S, H)) * (rng.random((S, H)) < 0.7)
    budgets = [float(rng.uniform(0, 120)) if rng.random() < 0.8 else None for _ in range(H)]
    sel = select(npv, spend, budgets, np.ones(S), np.ones(S))
    best, _ = brute_force(npv, spend, budgets)
    assert sel.status == "optimal"
    assert sel.objective == pytest.approx(best, abs=1e-6)
    for h, b in enumerate(budgets):
        if b is not None:
            assert sel.scale @ spend[:, h] <= b + 1e-6


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(2, 25), st.integers(0, 2**31 - 1))
def test_probability_objective_is_exact(S, D, seed):
    """P(portfolio NPV > 0) reached by the MILP equals the best over every subset."""
    rng = np.random.default_rng(seed)
    draws = rng.normal(0.2, 1.0, (S, D))
    spend = rng.uniform(0, 1, (S, 1))
    budgets = [float(rng.uniform(0.5, 2.0))]
    sel = select(draws.mean(axis=1), spend, budgets, np.ones(S), np.ones(S), objective="p_npv_positive",
                 npv_draws=draws)
    best = 0.0
    margin = max(POSITIVE_MARGIN, 1e-5 * (S + 1)) * np.abs(draws).max()
    for pick in itertools.product((0, 1), repeat=S):
        x = np.array(pick, float)
        if x @ spend[:, 0] <= budgets[0] + 1e-9:
            best = max(best, float((x @ draws > margin).mean()))
    assert sel.objective == pytest.approx(best)
    assert float((sel.scale @ draws > margin).mean()) == pytest.approx(best)


def test_partial_funding_scales_between_bounds():
    """One budget of 10 and two schemes costing 8 each (NPV 8 and 6): all or nothing funds the
    first only (8); the second allowed 0.25 to 1 of its scale takes 2/8 = 0.25 of it: 8 + 1.5."""
    npv, spend = np.array([8.0, 6.0]), np.array([[8.0], [8.0]])
    assert select(npv, spend, [10.0], np.ones(2), np.ones(2)).objective == 8.0
    sel = select(npv, spend, [10.0], np.array([1.0, 0.25]), np.array([1.0, 1.0]))
    assert sel.scale.tolist() == pytest.approx([1.0, 0.25])
    assert sel.objective == pytest.approx(9.5)


# ---------------------------------------------------------------------------- settlement


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(2, 3), st.integers(0, 2**31 - 1), st.sampled_from(["shapley", "proportional"]))
def test_settlement_leaves_no_holder_worse_off(S, H, seed, rule):
    """Whenever pooling creates a surplus over the holders' standalone positions, the
    settlement leaves every holder at or above its standalone position and the transfers sum
    to zero; when it does not, no settlement is offered."""
    rng = np.random.default_rng(seed)
    value = rng.uniform(0, 100, (S, H)) * (rng.random((S, H)) < 0.6)
    spend = rng.uniform(0, 60, (S, H)) * (rng.random((S, H)) < 0.5)
    budgets = [float(rng.uniform(20, 150)) for _ in range(H)]
    # the pooled portfolio: the best for society within the pooled budget, as portfolio() settles
    sel = select(value.sum(axis=1) - spend.sum(axis=1), spend.sum(axis=1)[:, None], [sum(budgets)],
                 np.ones(S), np.ones(S))
    out = settle(list(range(H)), [f"h{h}" for h in range(H)], sel.scale, value, spend, budgets, np.ones(S),
                 np.ones(S), rule=rule)
    if out["surplus"] >= 1e-9:
        assert out["feasible"]
    if out["feasible"]:
        for h in out["holders"]:
            assert h["final"] >= h["standalone"] - 1e-6
        assert sum(h["transfer_received"] for h in out["holders"]) == pytest.approx(0.0, abs=1e-6)


def test_settlement_hand_worked():
    """The wrong pocket: the NHS pays 6 for a scheme whose 10 of value falls to adult social
    care. Alone, neither funds it (the NHS loses 6; social care cannot spend the NHS's
    budget): both stand at 0. Pooled, the NHS is at -6 and social care at +10, a surplus of
    4. Shapley: v({NHS, ASC}) = 4, each singleton 0, so each gets 2: social care pays the
    NHS 8. Proportional to value received: all 4 to social care (the NHS receives none), so
    social care pays the NHS 6."""
    value, spend = np.array([[0.0, 10.0]]), np.array([[6.0, 0.0]])
    args = ([0, 1], ["nhs", "asc"], np.array([1.0]), value, spend, [6.0, 6.0], np.ones(1), np.ones(1))
    sh = {h["holder"]: h for h in settle(*args, rule="shapley")["holders"]}
    assert sh["nhs"]["transfer_received"] == pytest.approx(8.0) and sh["asc"]["final"] == pytest.approx(2.0)
    pr = {h["holder"]: h for h in settle(*args, rule="proportional")["holders"]}
    assert pr["nhs"]["transfer_received"] == pytest.approx(6.0) and pr["asc"]["final"] == pytest.approx(4.0)


def test_shapley_three_players():
    """The glove game: v = 1 for any coalition holding player 0 and another; Shapley (2/3, 1/6, 1/6)."""
    phi = shapley([0, 1, 2], lambda c: 1.0 if 0 in c and len(c) >= 2 else 0.0)
    assert phi.tolist() == pytest.approx([2 / 3, 1 / 6, 1 / 6])


def test_value_of_information_hand_worked():
    """Fund (rest of the portfolio worth 0) or not (rest worth 5); the scheme's NPV is -10 or
    30 with equal chance: E[max(5, NPV)] - max(5, E[NPV] = 10) = (5 + 30) / 2 - 10 = 7.5."""
    assert portfolio_evppi(np.array([-10.0, 30.0]), [(0.0, 5.0), (1.0, 0.0)]) == 7.5
    assert portfolio_evppi(np.array([20.0, 30.0]), [(0.0, 5.0), (1.0, 0.0)]) == 0.0


# ---------------------------------------------------------------------------- joint draws


def test_shared_proxy_takes_the_same_draw():
    """Two schemes valuing the same library proxy draw it together; an inline proxy does not
    share. With graded uncertainty the two library proxies have the same marginal, so their
    uniforms (and values) are equal in every draw."""
    lib = {"id": "nhs.ae_attendance_vb01z_2024_25"}
    a = scheme("A", funder="nhs", beneficiary="nhs", amount=1000, value=0, proxy=lib)
    b = scheme("B", funder="nhs", beneficiary="nhs", amount=2000, value=0, proxy=lib)
    c = scheme("C", funder="nhs", beneficiary="nhs", amount=2000, value=300)
    plan, _, _ = _plan([sroi.compile_scheme(x) for x in (a, b, c)], seed=5, n=500, block=500)
    assert plan.n_shared == 1
    Us = _shared_uniforms(plan, 0)
    ua, ub, uc = (_uniforms(plan, s, 0, Us) for s in range(3))
    col = lambda s, name: list(plan.models[s].refs[k].name for k in plan.cols[s]).index(name)  # noqa: E731
    assert np.array_equal(ua[:, col(0, "gain.proxy")], ub[:, col(1, "gain.proxy")])
    assert not np.allclose(ua[:, col(0, "gain.proxy")], uc[:, col(2, "gain.proxy")])
    assert not np.allclose(ua[:, col(0, "gain.deadweight")], ub[:, col(1, "gain.deadweight")])  # private


def test_scheme_correlations_hold_beside_shared_parameters():
    """A scheme correlating a shared proxy with its own deadweight at Spearman 0.6 keeps that
    rank correlation in the joint draws (20,000 draws: within 0.02), and its deadweight stays
    uniform on (0, 1) in the copula."""
    lib = {"id": "nhs.ae_attendance_vb01z_2024_25"}
    a = scheme("A", funder="nhs", beneficiary="nhs", amount=1000, value=0, proxy=lib,
               correlations=[{"parameters": ["gain.proxy", "gain.deadweight"], "rho": 0.6}])
    b = scheme("B", funder="nhs", beneficiary="nhs", amount=2000, value=0, proxy=lib)
    plan, _, _ = _plan([sroi.compile_scheme(x) for x in (a, b)], seed=9, n=20000, block=20000)
    U = _uniforms(plan, 0, 0, _shared_uniforms(plan, 0))
    names = [plan.models[0].refs[k].name for k in plan.cols[0]]
    rho = stats.spearmanr(U[:, names.index("gain.proxy")], U[:, names.index("gain.deadweight")]).statistic
    assert rho == pytest.approx(0.6, abs=0.02)
    assert stats.kstest(U[:, names.index("gain.deadweight")], "uniform").pvalue > 0.001


# ---------------------------------------------------------------------------- the whole call


def test_portfolio_respects_budgets_and_reports():
    r = portfolio(small_set(), budgets=BUDGETS, draws=2000, seed=3)
    d = r.to_dict()
    for key in ("selected", "expected_npv", "npv_interval", "p_portfolio_npv_positive", "by_budget_holder",
                "settlement", "provenance"):
        assert key in d, key
    for h, b in BUDGETS.items():
        assert d["by_budget_holder"][h]["spend"] <= b + 1e-6
    assert d["expected_npv"] == pytest.approx(sum(s["expected_npv"] for s in d["selected"]), rel=1e-9)
    lo, hi = d["npv_interval"]
    assert lo < d["expected_npv"] < hi
    assert 0 <= d["p_portfolio_npv_positive"] <= 1
    assert r.value_of_information is not None and all(v["evppi"] >= 0 for v in r.value_of_information)


def test_same_result_whatever_the_route():
    """Kept draws or a second pass, one thread or two: the same bytes."""
    a = portfolio(small_set(), budgets=BUDGETS, draws=3000, seed=4, block=512, voi=False)
    b = portfolio(small_set(), budgets=BUDGETS, draws=3000, seed=4, block=512, voi=False, keep=False, threads=1)
    assert np.array_equal(a.portfolio_npv, b.portfolio_npv)
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())


def test_no_uncertainty_gives_no_interval():
    """Schemes whose numbers carry no distribution: the expected NPV, but no interval and no
    probability (they would be a point and 0 or 1)."""
    xs = [sroi.from_dict(minimal(name=n)) for n in ("P", "Q")]
    r = portfolio(xs, budgets={"la_other": 150000}, draws=50, seed=1)
    assert r.npv_interval is None and r.p_npv_positive is None
    assert "no interval" in r.to_dict()["uncertainty_note"]


def test_cli_json_same_bytes_twice(tmp_path, capsys):
    files = [str(p) for p in SCENARIOS[:4]]
    argv = ["portfolio", *files, "--budget", "la_adult_social_care=2000000", "--budget", "nhs=1000000",
            "--psa", "400", "--seed", "11", "--format", "json"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out == first
    d = json.loads(first)
    assert d["provenance"]["seed"] == 11 and d["provenance"]["draws"] == 400
    assert main(["portfolio", *files, "--budget", "nhs=lots"]) == 2
    assert "--budget: 'nhs=lots' must be HOLDER=AMOUNT" in capsys.readouterr().err
    assert main(["portfolio", *files, "--scale", "nosuch=0.5:1"]) == 2
    assert "no scheme's name or file stem" in capsys.readouterr().err
    assert main(["portfolio", *files, "--budget", "nhs_england=5"]) == 2  # a typo is not ignored
    err = capsys.readouterr().err
    assert "a budget names 'nhs_england', which no scheme here funds or serves" in err and len(err.splitlines()) == 1
    assert main(["portfolio", *files, "--budget", "nhs=1000000"]) == 0
    text = capsys.readouterr().out
    assert max(len(line) for line in text.splitlines()) <= 100


def test_dask_local_cluster_gives_the_same_bytes(capsys):
    """The blocks regenerated on two worker processes give the in-process bytes."""
    pytest.importorskip("distributed")
    files = [str(p) for p in SCENARIOS[:3]]
    argv = ["portfolio", *files, "--budget", "la_adult_social_care=2000000", "--budget", "nhs=1000000",
            "--psa", "600", "--seed", "11", "--format", "json"]
    assert main(argv) == 0
    here = capsys.readouterr().out
    assert main([*argv, "--dask", "local"]) == 0
    assert capsys.readouterr().out == here
