"""The charts as a reader sees them: names rather than ids, money axes with their unit and
price year, no scientific notation, small values visible, values written on the bars,
and every plot drawing on the axes it is given."""

from __future__ import annotations

import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import sroi  # noqa: E402
from sroi import plots  # noqa: E402
from sroi.sensitivity import comparison, one_way, psa, run_scenarios, sobol, switching_values  # noqa: E402

from .conftest import minimal  # noqa: E402


def small_scheme(proxy: float = 10.0):
    """FNP's shape: a scheme worth about a hundredth of its cost (ratio near 0.01), with
    uncertain parameters, a second outcome and a named scenario, in 2024-25 prices."""
    d = minimal(name="Small scheme", price_base="2024-25", horizon=4, cohort={"participants": [100]})
    d["inputs"][0].update(funder="la_public_health", price_year="2024-25",
                          amount={"base": 60000, "low": 50000, "high": 80000, "distribution": "triangular"})
    o = d["outcomes"][0]
    o.update(id="fewer_injury_visits", outcome="Fewer visits to hospital for injuries", beneficiary="nhs",
             value_type="fiscal_non_cashable",
             quantity={"rate": {"base": 0.5, "low": 0.3, "high": 0.7, "distribution": "triangular"}},
             proxy={"value": {"base": proxy, "low": proxy * 0.7, "high": proxy * 1.4, "distribution": "triangular"},
                    "unit": "per visit", "price_year": "2024-25", "source": "test"})
    second = {**o, "id": "fewer_bed_days", "outcome": "Fewer days in hospital", "quantity": {"rate": 0.1},
              "proxy": {"value": proxy * 3, "unit": "per day", "price_year": "2024-25", "source": "test"}}
    d["outcomes"].append(second)
    d["scenarios"] = [{"name": "No effect on bed days", "set": {"fewer_bed_days.rate": 0.0}}]
    return sroi.from_dict(d)


@pytest.fixture(scope="module")
def small():
    scheme = small_scheme()
    return {"scheme": scheme, "result": sroi.run(scheme), "one_way": one_way(scheme),
            "psa": psa(scheme, 400, seed=1, keep_design=True), "switching": switching_values(scheme)}


def drawn(draw):
    """Draw on a fresh axes, render the figure (tick labels are made at draw time) and
    return the axes and every piece of text on it."""
    fig, ax = plt.subplots(figsize=(8, 5))
    assert draw(ax) is ax  # ax= respected: the plot drew on the axes it was given
    fig.canvas.draw()
    texts = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    texts += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()] + [t.get_text() for t in ax.texts]
    if ax.get_legend() is not None:
        texts += [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)
    return ax, texts


def ticks(ax, which="x"):
    """Tick labels as read, a name wrapped onto two lines read as one."""
    return [t.get_text().replace(":\n", ": ").replace("\n", " ")
            for t in (ax.get_xticklabels() if which == "x" else ax.get_yticklabels())]


def ids_of(scheme):
    return {o.id for o in scheme.outcomes} | {i.id for i in scheme.inputs} | {r.name for r in scheme.parameters()} | {
        "nhs", "la_public_health"}


def all_plots(small):
    r, ow, p = small["result"], small["one_way"], small["psa"]
    table, _ = run_scenarios(small["scheme"])
    return {
        "waterfall": lambda ax: plots.plot_waterfall(r, ax=ax),
        "ledger": lambda ax: plots.plot_ledger(r, ax=ax),
        "stakeholders": lambda ax: plots.plot_value_by_stakeholder(r, ax=ax),
        "cash flow": lambda ax: plots.plot_cash_flow(r, ax=ax),
        "tornado": lambda ax: plots.plot_tornado(ow, ax=ax),
        "switching": lambda ax: plots.plot_switching_values(small["switching"], ax=ax),
        "scenarios": lambda ax: plots.plot_scenarios(table, ax=ax),
        "psa": lambda ax: plots.plot_psa_distribution(p, ax=ax),
        "curve": lambda ax: plots.plot_probability_curve(p, ax=ax),
        "convergence": lambda ax: plots.plot_convergence(p, ax=ax),
        "evppi": lambda ax: p.value_of_information(1.0, knots=4).plot(ax=ax),
    }


def test_every_plot_draws_on_the_given_axes_with_names_and_no_scientific_notation(small):
    ids = ids_of(small["scheme"])
    for name, draw in all_plots(small).items():
        _, texts = drawn(draw)
        shown = [t for t in texts if t]
        assert shown, name
        for t in shown:
            assert not re.search(r"\de[+-]?\d", t), f"{name}: scientific notation in {t!r}"
            assert t.replace("\n", " ").strip() not in ids, f"{name}: an internal id {t!r} is shown"
            assert not any(re.search(rf"(^|\W){re.escape(i)}(\W|$)", t) for i in ids if "_" in i or "." in i), \
                f"{name}: an internal id inside {t!r}"


def test_money_axes_carry_the_unit_and_the_price_year(small):
    r = small["result"]
    for draw, axis in ((lambda ax: plots.plot_waterfall(r, ax=ax), "y"), (lambda ax: plots.plot_ledger(r, ax=ax), "x"),
                       (lambda ax: plots.plot_cash_flow(r, ax=ax), "y")):
        ax, _ = drawn(draw)
        label = ax.get_ylabel() if axis == "y" else ax.get_xlabel()
        assert label.endswith("(£, 2024-25 prices)"), label
        labels = [t for t in ticks(ax, axis) if t]
        assert labels and all(t.lstrip("−").startswith("£") for t in labels), labels


def test_tick_labels_have_thousands_separators_and_only_the_decimals_the_spacing_needs():
    """Ticks 0, 0.25, ..., 1 need two decimals (one would print 0.2 for 0.25); money below a
    million is written in full with commas; a million and more in millions."""
    fmt = plots._numbers_formatter()
    fmt.set_locs([0, 0.25, 0.5, 0.75, 1.0])
    assert [fmt(v) for v in fmt.ticks] == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    fmt.set_locs([0, 0.005, 0.01, 0.015])
    assert [fmt(v) for v in fmt.ticks] == ["0.000", "0.005", "0.010", "0.015"]
    money = plots._numbers_formatter("£")
    money.set_locs([-250000, 0, 250000, 500000, 750000])
    assert [money(v) for v in money.ticks] == ["−£250,000", "£0", "£250,000", "£500,000", "£750,000"]
    money.set_locs([0, 500000, 1000000, 1500000])
    assert [money(v) for v in money.ticks] == ["£0.0m", "£0.5m", "£1.0m", "£1.5m"]


def test_small_values_are_visible_not_squashed_against_a_ratio_of_1(small):
    """The ratio is about 0.01: the axis is fitted to the values (its span is a few times
    theirs, not 0 to 1) and the label says where the ratio of 1 lies instead."""
    ow = small["one_way"]
    assert ow.base_ratio < 0.05
    ax, _ = drawn(lambda ax: plots.plot_tornado(ow, ax=ax))
    lo = float(ow.table[["ratio_low", "ratio_high"]].min().min())
    hi = float(ow.table[["ratio_low", "ratio_high"]].max().max())
    x0, x1 = ax.get_xlim()
    assert x1 - x0 < 3 * (hi - lo) and x1 < 0.1
    assert "ratio of 1 lies off the scale, to the right" in ax.get_xlabel()
    for draw in (lambda ax: plots.plot_psa_distribution(small["psa"], ax=ax),
                 lambda ax: plots.plot_probability_curve(small["psa"], ax=ax)):
        ax, _ = drawn(draw)
        assert ax.get_xlim()[1] < 0.2 and "off the scale" in ax.get_xlabel()


def test_a_ratio_of_1_is_drawn_when_it_is_near_the_values():
    scheme = small_scheme(proxy=500.0)  # ratio around 1
    ow = one_way(scheme)
    assert 0.3 < ow.base_ratio < 3
    ax, _ = drawn(lambda ax: plots.plot_tornado(ow, ax=ax))
    assert any(np.allclose(line.get_xdata(), 1.0) for line in ax.lines)
    assert "off the scale" not in ax.get_xlabel()


def test_tornado_and_league_bars_carry_their_values(small):
    ow = small["one_way"]
    ax, texts = drawn(lambda ax: plots.plot_tornado(ow, ax=ax))
    top = ow.table.iloc[0]
    for end in ("ratio_low", "ratio_high"):
        assert plots._ratio_text(top[end]) in texts
    assert f"base {plots._ratio_text(ow.base_ratio)}" in texts
    league = comparison([small["scheme"], small_scheme(proxy=1500.0)])
    ax, texts = drawn(lambda ax: league.plot(ax=ax))
    per_pound = league.table[[c for c in league.table.columns if c.startswith("per_pound:")]].sum(axis=1)
    for v in per_pound:
        assert f"net {plots._ratio_text(v)}" in texts
    # holders are grouped by kind: one legend entry per kind present, not one per holder
    assert set(ax.get_legend().get_texts()[k].get_text() for k in range(len(ax.get_legend().get_texts()))) == {"NHS"}


def test_legend_lists_only_what_is_drawn_and_labels_rename(small):
    r = small["result"]
    ax, texts = drawn(lambda ax: plots.plot_ledger(r, ax=ax))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["spend", "fiscal, non-cashable"]
    assert "Local authority public health" in ticks(ax, "y")
    assert any(t.startswith("NHS") for t in ticks(ax, "y"))
    ax, _ = drawn(lambda ax: plots.plot_ledger(r, ax=ax, labels={"nhs": "The hospital trust"}))
    assert "The hospital trust" in ticks(ax, "y")
    ax, _ = drawn(lambda ax: plots.plot_tornado(small["one_way"], ax=ax,
                                                labels={"fewer_injury_visits.rate": "Visits avoided per child"}))
    assert "Visits avoided per child" in ticks(ax, "y")


def test_tornado_names_parameters_as_the_scheme_does(small):
    ax, _ = drawn(lambda ax: plots.plot_tornado(small["one_way"], ax=ax))
    names = ticks(ax, "y")
    assert "Fewer visits to hospital for injuries: value per unit" in names
    assert "Grant: cost" in names


def test_year_ticks_are_whole_years(small):
    ax, _ = drawn(lambda ax: plots.plot_cash_flow(small["result"], ax=ax))
    x0, x1 = ax.get_xlim()
    labels = [t.get_text() for t in ax.get_xticklabels() if x0 <= t.get_position()[0] <= x1]
    assert labels == ["0", "1", "2", "3", "4"]


def test_long_names_are_fitted_to_two_lines():
    long = "Fewer health-care encounters for injuries or ingestions in the first two years"
    assert plots._short(long + ": deadweight") == "Fewer health-care encounters for injuries…:\ndeadweight"
    assert plots._short(long) == "Fewer health-care encounters for injuries or\ningestions in the first two years"
    longer = plots._short(long + " among first-time teenage mothers in England")
    assert longer.count("\n") == 1 and longer.endswith("…") and all(len(line) <= 44 for line in longer.split("\n"))
    assert plots._short("Short name") == "Short name"


def test_sobol_and_portfolio_charts_follow_the_style(small):
    s = sobol(small["scheme"], 64, seed=2)
    ax, texts = drawn(lambda ax: s.plot(ax=ax))
    assert "Fewer visits to hospital for injuries: value per unit" in ticks(ax, "y")
    r = sroi.portfolio([small["scheme"], small_scheme(1500.0)], budgets={"la_public_health": 70000}, draws=200,
                       seed=1)
    ax, texts = drawn(lambda ax: r.plot(ax=ax))
    assert ax.get_xlabel().endswith("(£, each scheme's own prices)")
    ax, texts = drawn(lambda ax: r.plot_settlement(ax=ax))
    assert not any("la_public_health" in t for t in texts)


def test_every_chart_in_a_notebook_is_shown(tmp_path):
    """With the notebook's inline backend, the second chart shows as well as the first.
    (pyplot loads the inline backend when the first figure is made, inside the plots'
    settings context, which switched its interactive mode off again as it closed: only the
    first chart of a notebook showed.)"""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    from .conftest import ROOT

    setup = "import sroi\nfrom sroi import plots\nr = sroi.run(sroi.load(sroi.example_path('family_nurse_partnership')))"
    nb = new_notebook(cells=[new_code_cell(setup), new_code_cell("plots.plot_ledger(r);"),
                             new_code_cell("plots.plot_waterfall(r);"), new_code_cell("plots.plot_cash_flow(r);")])
    env = os.environ.pop("MPLBACKEND", None)  # the kernel's own default: the inline backend
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        if env is not None:
            os.environ["MPLBACKEND"] = env
    shown = [any("image/png" in o.get("data", {}) for o in c.outputs) for c in nb.cells[1:]]
    assert shown == [True, True, True]
