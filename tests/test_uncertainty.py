"""Honest uncertainty: evidence-graded defaults, correlations in the scheme file, refusal
of probabilities from inputs that carry no uncertainty, and the assumption gate."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import tomli_w
from hypothesis import given, settings, strategies as st
from scipy import stats

import sroi
from sroi.cli import main
from sroi.errors import ScenarioError
from sroi.scenario import from_dict, to_dict
from sroi.sensitivity import psa
from sroi.uncertainty import ASSUMPTION_THRESHOLD, grade_table

from .conftest import ROOT, declared_only, minimal

BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))
FNP = str(ROOT / "scenarios/family_nurse_partnership.toml")


def graded(**top) -> dict:
    d = minimal(uncertainty="graded", **top)
    d["outcomes"][0]["evidence"] = {"grade": 4}
    d["inputs"][0]["grade"] = 3
    return d


# ---------------------------------------------------------------- the grade table


def test_grade_table_has_the_greater_manchester_levels():
    """The six levels of the Unit Cost Database v1.2 drop-down: 0, 5, 10, 15, 25, 40%."""
    t = grade_table()
    assert [t.grades[g].optimism_bias for g in sorted(t.grades)] == [0.0, 0.05, 0.10, 0.15, 0.25, 0.40]
    assert t.ungraded == 6 and all(g.source and g.width_reason for g in t.grades.values())


# ---------------------------------------------------------------- graded defaults


def test_graded_widths_follow_the_grade():
    """Grade 4 (width 15%): proxy 1000 -> PERT(850, 1000, 1150); deadweight 0.2 ->
    PERT(0.17, 0.2, 0.23); the input (grade 3, 10%) 100,000 -> PERT(90,000, ..., 110,000);
    the discount rate (a convention) stays certain."""
    s = from_dict(graded())
    o, i = s.outcomes[0], s.inputs[0]
    p = o.proxy.value
    assert (p.low, p.base, p.high, p.distribution.kind, p.derived) == (850.0, 1000.0, 1150.0, "pert", "graded width")
    assert o.deadweight.low == pytest.approx(0.17) and o.deadweight.high == pytest.approx(0.23)
    assert (i.amount.low, i.amount.high) == pytest.approx((90_000.0, 110_000.0))
    assert s.discounting.rate.distribution is None


def test_graded_defaults_change_no_headline_and_round_trip():
    """Only low, high and distribution are filled: the ratio is the same to the bit, and the
    file written back says what the user wrote (uncertainty = "graded", no derived ranges)."""
    plain = from_dict(minimal())
    s = from_dict(graded())
    assert sroi.run(s).sroi_ratio == sroi.run(plain).sroi_ratio
    d = to_dict(s)
    assert d["uncertainty"] == "graded" and d["outcomes"][0]["proxy"]["value"] == 1000
    assert from_dict(d) == s


def test_a_file_range_is_kept_and_a_zero_stays_zero():
    d = graded()
    d["outcomes"][0]["attribution"] = {"base": 0.25, "low": 0.1, "high": 0.3}
    d["outcomes"][0]["displacement"] = 0.0
    d["outcomes"][0]["drop_off"] = {"base": 0.1, "high": 0.5}  # one-sided: base to high
    o = from_dict(d).outcomes[0]
    assert (o.attribution.low, o.attribution.high, o.attribution.derived) == (0.1, 0.3, "graded range")
    assert o.displacement.distribution is None
    assert (o.drop_off.low, o.drop_off.high, o.drop_off.derived) == (0.1, 0.5, "graded range+low")
    assert to_dict(from_dict(d))["outcomes"][0]["drop_off"] == {"base": 0.1, "high": 0.5}


def test_widths_are_clipped_to_the_field():
    """A deadweight of 0.9 at grade 6 (40%): 0.54 to 1.0, not 1.26."""
    d = minimal(uncertainty="graded")
    d["outcomes"][0]["deadweight"] = 0.9
    dw = from_dict(d).outcomes[0].deadweight
    assert (dw.low, dw.high) == pytest.approx((0.54, 1.0))


def test_a_parameter_grade_overrides_its_outcome():
    d = graded()
    d["outcomes"][0]["proxy"]["value"] = {"base": 1000, "grade": 2}
    p = from_dict(d).outcomes[0].proxy.value
    assert (p.low, p.high) == (950.0, 1050.0)


@pytest.mark.parametrize("where,value", [("evidence", 7), ("evidence", 0), ("evidence", "high"), ("input", 2.5)])
def test_an_unknown_grade_is_one_line(where, value):
    d = graded()
    if where == "evidence":
        d["outcomes"][0]["evidence"]["grade"] = value
        field = "outcomes[1].evidence.grade"
    else:
        d["inputs"][0]["grade"] = value
        field = "inputs[1].grade"
    with pytest.raises(ScenarioError) as info:
        from_dict(d)
    assert str(info.value).startswith(f"<scheme>: {field}: must be an evidence grade, one of 1 (measured and checked)")


def test_graded_psa_draws_the_pert():
    """PERT(850, 1000, 1150) with lambda 4 is a beta(3, 3) on [850, 1150]: mean 1000 and sd
    300 / sqrt(28) = 56.69; 40,000 draws agree to 0.2% and 2%."""
    s = from_dict(graded())
    r = psa(s, 40_000, seed=3)
    x = r.design[:, r.names.index("gain.proxy")]
    assert x.min() >= 850 and x.max() <= 1150
    assert x.mean() == pytest.approx(1000, rel=0.002) and x.std() == pytest.approx(300 / math.sqrt(28), rel=0.02)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_scheme_has_a_spread(path):
    r = psa(sroi.load(path), 2000, seed=1)
    assert r.summary.loc["sroi_ratio", "sd"] > 0
    lo, hi = r.summary.loc["sroi_ratio", ["p2.5", "p97.5"]]
    assert lo < hi


# ---------------------------------------------------------------- no false certainty


def test_probabilistic_requests_on_certain_inputs_are_refused(tmp_path, capsys):
    fnp = declared_only(FNP, tmp_path)
    for argv in (["--psa", "100"], ["--sobol", "64"], ["--psa", "100", "--evpi"]):
        assert main(["sensitivity", fnp, *argv]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and "no parameter in this scheme has a distribution" in err
        assert "uncertainty = \"graded\"" in err and "--ranges pert|triangular|uniform" in err
    with pytest.raises(ScenarioError, match="false certainty"):
        psa(declared_only(FNP), 100, seed=1)


def test_report_says_plainly_when_nothing_is_uncertain(tmp_path):
    fnp = declared_only(FNP, tmp_path)
    out = tmp_path / "r.html"
    assert main(["report", fnp, "-o", str(out), "--psa", "200"]) == 0
    html = out.read_text()
    headline = html.split("<h2>Headline</h2>")[1].split("</section>")[0]
    assert "<b>No interval:</b> no parameter of this scheme is uncertain" in headline
    assert "P(ratio &gt; 1)" not in html and "in 95% of simulations" not in html
    out.unlink()
    assert main(["report", fnp, "-o", str(out), "--psa", "200", "--ranges", "pert"]) == 0
    assert "<b>95% interval:</b>" in out.read_text()


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_report_shows_an_interval(path):
    from sroi.report import report_html
    from sroi.sensitivity import analyse

    html = report_html(analyse(sroi.load(path), psa_draws=300, seed=1))
    assert "<b>95% interval:</b>" in html and "P(ratio &gt; 1)" in html and "in 95% of simulations" in html
    assert "nan%" not in html and ">nan<" not in html  # a change from a base of 0 once printed +nan%


def test_compare_shows_intervals_and_says_when_there_is_none(tmp_path, capsys):
    fnp = declared_only(FNP, tmp_path)
    lac = str(ROOT / "scenarios/local_area_coordination.toml")
    assert main(["compare", fnp, lac, "--psa", "300", "--rank-by", "p_ratio_exceeds_1",
                 "--forest", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr().out
    assert "no interval*" in out and "no parameter of this scheme is uncertain" in out
    assert "Ranked by p_ratio_exceeds_1" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    lac_line = next(line for line in out.splitlines() if "Local Area" in line)
    assert " to " in lac_line
    assert (tmp_path / "f.png").stat().st_size > 5000
    # ranked on P(ratio > 1): the scheme with none comes last
    from sroi.sensitivity import comparison

    c = comparison([declared_only(FNP), sroi.load(lac)], psa_draws=300, seed=1, rank_by="p_ratio_exceeds_1")
    assert math.isnan(c.table["p_ratio_exceeds_1"].iloc[-1])


# ---------------------------------------------------------------- correlations


def two_proxies(rho: float | None, kind: str = "gamma") -> dict:
    """PV = q (p1 + p2) x adjustments; both proxies uncertain (gamma, or a normal truncated
    at 0 and 3,000, where the truncation is negligible), optionally correlated."""
    d = minimal()

    def value(base: float, sd: float) -> dict:
        if kind == "gamma":
            return {"base": base, "distribution": {"type": "gamma", "sd": sd}}
        return {"base": base, "low": 0, "high": 3000, "distribution": {"type": "truncnormal", "sd": sd}}

    d["outcomes"][0]["proxy"]["value"] = value(1000, 200)
    second = dict(d["outcomes"][0], id="other")
    second["proxy"] = dict(d["outcomes"][0]["proxy"], value=value(500, 150))
    d["outcomes"].append(second)
    if rho is not None:
        d["correlations"] = [{"parameters": ["gain.proxy", "other.proxy"], "rho": rho, "source": "test"}]
    return d


@settings(max_examples=12, deadline=None)
@given(st.floats(-0.9, 0.9), st.integers(0, 2**31 - 1))
def test_sampled_rank_correlation_matches_rho_and_marginals_are_unchanged(rho, seed):
    """The scheme file's rho is a rank correlation: the sampled Spearman correlation is rho
    (to 0.03 at 20,000 draws), and each marginal is the declared gamma (KS test)."""
    r = psa(from_dict(two_proxies(rho)), 20_000, seed=seed)
    a, b = r.design[:, r.names.index("gain.proxy")], r.design[:, r.names.index("other.proxy")]
    assert stats.spearmanr(a, b)[0] == pytest.approx(rho, abs=0.03)
    k, theta = (1000 / 200) ** 2, 200 ** 2 / 1000
    assert stats.kstest(a, stats.gamma(k, scale=theta).cdf).pvalue > 1e-4


def test_correlation_changes_the_spread_as_a_gaussian_copula_should():
    """PV is linear in the two proxies, so var(PV) = c1^2 v1 + c2^2 v2 + 2 c1 c2 cov. With
    normal marginals the copula's Pearson correlation is that of the normal scores,
    2 sin(pi rho / 6) (rho 0.8 -> 0.813); the sd of PV with rho = 0.8 and -0.8 is what that
    formula gives, within 3%, and brackets the independent one."""
    sds = {}
    for rho in (None, 0.8, -0.8):
        r = psa(from_dict(two_proxies(rho, "normal")), 60_000, seed=11)
        sds[rho] = r.out.present_value.std()
    base = sroi.run(from_dict(two_proxies(None, "normal")))
    c1, c2 = base.pv_by_outcome[0] / 1000, base.pv_by_outcome[1] / 500
    v1, v2 = (c1 * 200) ** 2, (c2 * 150) ** 2
    for rho in (0.8, -0.8):
        r_p = 2 * math.sin(math.pi * rho / 6)
        expected = math.sqrt(v1 + v2 + 2 * r_p * math.sqrt(v1 * v2))
        assert sds[rho] == pytest.approx(expected, rel=0.03)
    assert sds[-0.8] < sds[None] < sds[0.8]


@pytest.mark.parametrize("change,message", [
    (lambda c: c.update(parameters=["gain.proxy", "gain.nope"]), "'gain.nope' is not a parameter of this scheme"),
    (lambda c: c.update(parameters=["gain.proxy", "gain.deadweight"]), "'gain.deadweight' has no distribution"),
    (lambda c: c.update(rho=1.0), "must be strictly between -1 and 1, got 1"),
    (lambda c: c.update(parameters=["gain.proxy"]), "must be two different parameter names"),
])
def test_bad_correlations_are_one_line(change, message):
    d = two_proxies(0.5)
    change(d["correlations"][0])
    with pytest.raises(ScenarioError, match=message):
        from_dict(d)


def test_correlations_that_are_not_a_matrix_are_refused():
    d = two_proxies(0.9)
    d["outcomes"][0]["deadweight"] = {"base": 0.2, "distribution": {"type": "beta", "sd": 0.05}}
    d["correlations"] += [{"parameters": ["gain.proxy", "gain.deadweight"], "rho": 0.9},
                          {"parameters": ["other.proxy", "gain.deadweight"], "rho": -0.9}]
    with pytest.raises(ScenarioError, match="correlations: the correlations together are not a valid"):
        from_dict(d)


def test_command_line_correlation(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(two_proxies(None)), encoding="utf-8")
    base = ["sensitivity", str(path), "--psa", "4000", "--seed", "5", "--format", "json"]
    assert main(base) == 0
    plain = capsys.readouterr().out
    assert main(base + ["--correlation", "gain.proxy,other.proxy=0.9"]) == 0
    assert capsys.readouterr().out != plain
    for bad in ("gain.proxy,other.proxy", "gain.proxy=0.5", "gain.proxy,nope.proxy=0.5", "a,b=2"):
        assert main(base + ["--correlation", bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--correlation" in err


# ---------------------------------------------------------------- the assumption gate


def test_assumption_share_hand_worked():
    """Two outcomes with present values in the ratio 3:1 (quantities 300 and 100, all else
    equal); the smaller rests on an assumed deadweight: share 1/4 = 25%, which is not above
    the 25% threshold; assume the larger's proxy too and it is 100%."""
    d = minimal()
    d["outcomes"][0]["quantity"] = 300
    second = dict(d["outcomes"][0], id="other", quantity=100,
                  deadweight={"base": 0.2, "assumption": "no comparison group"})
    d["outcomes"].append(second)
    a = sroi.run(from_dict(d)).assumptions
    assert a["share_of_value"] == pytest.approx(0.25) and a["outcomes"] == ["other"]
    assert a["numbers"] == ["other.deadweight"] and not a["flagged"] and a["threshold"] == ASSUMPTION_THRESHOLD
    d["outcomes"][0]["proxy"]["value"] = {"base": 1000, "assumption": "a guess"}
    a = sroi.run(from_dict(d)).assumptions
    assert a["share_of_value"] == pytest.approx(1.0) and a["flagged"]


def test_run_prints_the_assumption_share_beside_the_headline(capsys):
    assert main(["run", str(ROOT / "scenarios/clubhouse_mosaic.toml")]) == 0
    out = capsys.readouterr().out
    assert "rests on numbers marked as assumptions" in out


# ---------------------------------------------------------------- optimism bias by grade


def test_optimism_bias_by_grade_and_green_book_bounds():
    """Grade 4 lowers value by 15%; Mott MacDonald Table 2 gives standard buildings' capital
    expenditure 24% (upper) and outsourcing's operating expenditure 41% (upper)."""
    from sroi.sensitivity import optimism_bias
    from sroi.sensitivity.scenarios import green_book_uplift

    s = from_dict(graded())
    adjusted = sroi.run(optimism_bias(s, by_grade=True, cost_uplift=green_book_uplift("outsourcing",
                                                                                    "operating_expenditure")))
    base = sroi.run(s)
    assert adjusted.present_value == pytest.approx(base.present_value * 0.85)
    assert adjusted.investment == pytest.approx(base.investment * 1.41)
    assert green_book_uplift("standard_buildings") == 0.24
    assert adjusted.provenance["adjustments"] == {"optimism_bias": {"cost_uplift": 0.41, "by_grade": (4,)}}
    with pytest.raises(ValueError, match="no operating_expenditure bound"):
        green_book_uplift("standard_buildings", "operating_expenditure")


def test_excel_carries_grades_correlations_and_the_reproduction(tmp_path):
    from sroi.excel import export_workbook, import_workbook

    d = two_proxies(0.5)
    d["uncertainty"] = "graded"
    d["outcomes"][0]["evidence"] = {"grade": 5}
    d["inputs"][0]["grade"] = 2
    d["sources"] = [{"id": "pub", "citation": "A publication"}]
    d["reproduction"] = {"grade": "arithmetic", "publication": "pub", "tolerance": 0.005,
                         "tolerance_note": "printed to 2 decimals",
                         "figures": [{"metric": "sroi_ratio", "published": 1.5, "source": "pub: p. 3"}]}
    s = from_dict(d)
    path = tmp_path / "s.xlsx"
    export_workbook(s, path)
    back = import_workbook(path)
    assert to_dict(back) == to_dict(s)


# ---------------------------------------------------------------- value of information


def normal_loss(mu: float, tau: float) -> float:
    """E[max(Y, 0)] - max(E[Y], 0) for Y ~ N(mu, tau^2): tau phi(mu/tau) + mu Phi(mu/tau) - max(mu, 0)."""
    z = mu / tau
    return tau * stats.norm.pdf(z) + mu * stats.norm.cdf(z) - max(mu, 0.0)


def test_group_evppi_against_the_closed_form():
    """NB = X0 + X1 + X2 - 0.3 with standard normals: learning X0 and X1 together leaves
    E[NB | X0, X1] = X0 + X1 - 0.3 ~ N(-0.3, 2), so EVPPI = normal loss(-0.3, sqrt 2) =
    0.4189; a product NB = X0 X1 + X2 - 0.3 is caught by the pairwise term. 200,000 draws."""
    from sroi.sensitivity.psa import evppi_group_regression

    rng = np.random.default_rng(4)
    X = rng.standard_normal((200_000, 3))
    nb = X.sum(axis=1) - 0.3
    assert evppi_group_regression(X[:, :2], nb) == pytest.approx(normal_loss(-0.3, math.sqrt(2)), rel=0.02)
    nb = X[:, 0] * X[:, 1] + X[:, 2] - 0.3
    g = X[:, 0] * X[:, 1] - 0.3  # E[NB | X0, X1]
    exact = np.mean(np.maximum(g, 0)) - max(np.mean(g), 0)
    assert evppi_group_regression(X[:, :2], nb) == pytest.approx(exact, rel=0.02)


def linear_in_a_normal(sd: float = 300.0) -> tuple[dict, float]:
    """A scheme whose PV is c x proxy, the proxy normal (truncated at 0 and 3,000, which
    is negligible at sd 300), and whose investment puts the base ratio at 0.95."""
    d = minimal()
    d["outcomes"][0]["proxy"]["value"] = {"base": 1000, "low": 0, "high": 3000,
                                          "distribution": {"type": "truncnormal", "sd": sd}}
    c = sroi.run(from_dict(minimal())).present_value / 1000
    d["inputs"][0]["amount"] = c * 1000 / 0.95
    return d, c


def test_evsi_against_the_closed_form():
    """NB = c p - I with p ~ N(1000, 300^2). A study of n observations with sd 600 each has
    prior worth n0 = 600^2 / 300^2 = 4 observations; the posterior mean of p is then
    N(1000, 300^2 n / (n + 4)) a priori, and EVSI = normal loss(c 1000 - I, c 300
    sqrt(n / (n + 4))). For n = 4 and n = 40, 200,000 draws agree to 2%; ENBS subtracts the
    cost; EVSI rises with n towards the partial EVPI."""
    d, c = linear_in_a_normal()
    r = psa(from_dict(d), 200_000, seed=6)
    mu = c * 1000 - d["inputs"][0]["amount"]
    values = []
    for n in (4, 40):
        exact = normal_loss(mu, c * 300 * math.sqrt(n / (n + 4)))
        got = r.evsi("gain.proxy", n, observation_sd=600)
        assert got == pytest.approx(exact, rel=0.02)
        assert r.enbs("gain.proxy", n, 1000.0, observation_sd=600) == pytest.approx(got - 1000.0)
        values.append(got)
    assert values[0] < values[1] < r.evppi(parameters=["gain.proxy"])["gain.proxy"] * 1.001


def test_value_of_information_groups_and_per_participant(tmp_path, capsys):
    lac = str(ROOT / "scenarios/local_area_coordination.toml")
    r = psa(sroi.load(lac), 2000, seed=1)
    v = r.value_of_information()
    assert set(v.summary["kind"]) == {"parameter", "group"} and "evppi_per_participant" in v.summary
    assert "effect of lower_cost_support" in v.groups.index and "per participant of 1,500" in repr(v)
    assert (v.groups <= v.evpi * 1.0001).all()
    assert main(["sensitivity", lac, "--psa", "2000", "--seed", "1", "--evpi",
                 "--study", "lower_cost_support.success:100:20000"]) == 0
    out = capsys.readouterr().out
    assert "Partial EVPI of groups" in out and "Proposed studies" in out
    assert main(["sensitivity", lac, "--psa", "200", "--evpi", "--study", "lower_cost_support.success:0:5"]) == 2
    assert main(["sensitivity", lac, "--psa", "200", "--study", "lower_cost_support.success:10:5"]) == 2


def test_sroi_guide_payback_hand_worked(tmp_path, capsys):
    """The minimal scheme: inputs 100,000 (year 1 only); year-1 value 100 x 1,000 x (1 - 0.2)
    x (1 - 0.25) = 60,000. The SROI Guide's payback is 100,000 / (60,000 / 12) = 20 months;
    both paybacks are in the JSON with their conventions, and payback = "sroi_guide" puts
    that one first in the headline (and survives Excel)."""
    import json

    from sroi.excel import export_workbook, import_workbook

    s = from_dict(minimal(payback="sroi_guide"))
    r = sroi.run(s)
    assert r.payback_sroi_guide_months == pytest.approx(20.0)
    assert r.headline_payback == ("sroi_guide", pytest.approx(20.0))
    p = tmp_path / "s.toml"
    p.write_text(tomli_w.dumps(minimal(payback="sroi_guide")), encoding="utf-8")
    assert main(["run", str(p), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["payback"]["sroi_guide"]["months"] == pytest.approx(20.0) and d["payback"]["headline"] == "sroi_guide"
    assert "convention" in d["payback"]["discounted"]
    assert main(["run", str(p)]) == 0
    out = capsys.readouterr().out
    assert out.index("Payback (SROI Guide)") < out.index("Payback (discounted)")
    export_workbook(s, tmp_path / "s.xlsx")
    assert import_workbook(tmp_path / "s.xlsx").payback == "sroi_guide"


def test_overrides_and_set_are_range_checked(tmp_path, capsys):
    """A deadweight of 1.5 gave a negative present value in silence through overrides=;
    now it is the file's message, and --set applies the same check on run, sensitivity and
    report (moving a base outside the file's own range names that range)."""
    lac = str(ROOT / "scenarios/local_area_coordination.toml")
    s = sroi.load(lac)
    with pytest.raises(ScenarioError, match="lower_cost_support.deadweight: must be a rate between 0 and 1, got 1.5"):
        sroi.run(s, overrides={"lower_cost_support.deadweight": 1.5})
    with pytest.raises(ScenarioError, match="coordinators.unit_cost: must not be negative"):
        sroi.run(s, overrides={"coordinators.unit_cost": -1})
    with pytest.raises(KeyError, match="did you mean 'lower_cost_support.deadweight'"):
        sroi.run(s, overrides={"lower_cost_support.deadwight": 0.3})
    moved = sroi.run(s, overrides={"lower_cost_support.deadweight": 0.3}).sroi_ratio
    assert main(["run", lac, "--set", "lower_cost_support.deadweight=0.3", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["sroi_ratio"] == pytest.approx(moved, rel=1e-12)
    for argv in (["run", lac, "--set", "lower_cost_support.deadweight=1.5"],
                 ["sensitivity", lac, "--psa", "100", "--set", "nope=1"],
                 ["report", lac, "-o", str(tmp_path / "r.html"), "--set", "coordinators.unit_cost=40000"],
                 ["run", lac, "--set", "deadweight"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, argv
    assert not (tmp_path / "r.html").exists()


def test_loading_a_scheme_with_correlations_does_not_import_scipy(tmp_path):
    """The positive-definiteness check at load uses numpy only (sroi.sensitivity.copula);
    a scheme with [[correlations]] loads and runs without scipy, like any other."""
    import os
    import subprocess
    import sys

    import tomli_w

    path = tmp_path / "corr.toml"
    path.write_text(tomli_w.dumps(two_proxies(0.5)))
    code = (f"import sys, sroi\ns = sroi.load({str(path)!r})\nassert s.correlations\nsroi.run(s)\n"
            "print('scipy' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
