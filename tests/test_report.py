"""Plots, comparison and the HTML report (rendered in headless Chromium)."""

from __future__ import annotations

import math
import os
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import sroi  # noqa: E402
from sroi import plots  # noqa: E402
from sroi.report import report_html, write_report  # noqa: E402
from sroi.sensitivity import analyse, comparison  # noqa: E402
from sroi.sensitivity import one_way, psa, run_scenarios, sobol, switching_values  # noqa: E402

from .conftest import ROOT, minimal  # noqa: E402
from .test_sensitivity import uncertain  # noqa: E402

FNP = ROOT / "scenarios/family_nurse_partnership.toml"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_every_plot_returns_its_axes():
    s = uncertain()
    r = sroi.run(s)
    p = psa(s, 500, seed=1)
    table, _ = run_scenarios(sroi.load(FNP))
    cmp_table = comparison([FNP, ROOT / "tests/schemes/hand_worked.toml"], psa_draws=50, seed=1).summary
    calls = [
        (plots.plot_waterfall, r), (plots.plot_value_by_stakeholder, r), (plots.plot_ledger, r),
        (plots.plot_cash_flow, r), (plots.plot_tornado, one_way(s, spread=0.2)),
        (plots.plot_switching_values, switching_values(s)), (plots.plot_scenarios, table),
        (plots.plot_psa_distribution, p), (plots.plot_probability_curve, p), (plots.plot_convergence, p),
        (plots.plot_sobol, sobol(s, 64, seed=1)), (plots.plot_comparison, cmp_table),
    ]
    for fn, arg in calls:
        fig, ax = plt.subplots()
        assert fn(arg, ax=ax) is ax, fn.__name__
        assert ax.has_data(), fn.__name__
    assert plots.plot_evppi(p.evppi(), p.evpi(), ax=plt.subplots()[1]).has_data()
    assert plots.plot_waterfall(r) is not None  # makes its own figure without ax


def test_comparison_rebases_and_flags():
    """The hand-worked scheme is in 2024 prices; rebased to 2019 (HMT Dec 2025: 2019 = 81.1085,
    2024 = 100) its NPV 52,215.0078 becomes 52,215.0078 x 81.1085 / 100. FNP is in financial-year
    prices: it is rebased to calendar 2019 through the month-weighted bridge, which the
    comparison flags (NPV x calendar 2019 on the financial-year series / FY 2024-25); it also
    differs in discounting and horizon. A scheme priced outside the series is not rebased."""
    t = comparison([FNP, ROOT / "tests/schemes/hand_worked.toml"], price_base=2019).summary
    hw = t.loc["Hand-worked reference case"]
    assert hw["npv_rebased"] == pytest.approx(52215.00780800526 * 81.1085 / 100, rel=1e-12)
    fnp = t.loc["Family Nurse Partnership, England: the English trial's evidence (Building Blocks)"]
    from sroi.prices import load_deflator

    cy2019 = (3 * 78.7948 + 9 * 80.8738) / 12
    assert fnp["npv_rebased"] == pytest.approx(fnp["npv"] * cy2019 / 100.0, rel=1e-12)
    assert load_deflator("GBP").bridged("2024-25", 2019)
    assert "NPV rebased from 2024-25 through the calendar/financial-year bridge" in fnp["comparability"]
    old = minimal(price_base=1985, inputs=[dict(minimal()["inputs"][0], price_year=1985)])
    old["outcomes"][0]["proxy"]["price_year"] = 1985
    t2 = comparison([sroi.from_dict(old), ROOT / "tests/schemes/hand_worked.toml"], price_base=2019).summary
    assert math.isnan(t2.loc["Minimal", "npv_rebased"])
    assert "NPV in 1985 prices, not rebasable to 2019" in t2.loc["Minimal", "comparability"]
    assert list(t.index)[0] == "Hand-worked reference case"  # sorted by ratio
    assert "per_pound:la_childrens_services" in t.columns and "per_pound:participant" in t.columns


def test_report_escapes_scheme_text():
    d = minimal(name="<script>alert('x')</script> & <b>bold</b>", description="<img src=x onerror=alert(1)>")
    d["gaps"] = ["<iframe src='http://example.org'></iframe>"]
    text = report_html(analyse(sroi.from_dict(d), psa_draws=0))
    assert "<script>" not in text and "<iframe" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in text and "&amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert "http://" not in text.replace("&#x27;http://example.org&#x27;", "")  # nothing fetched


def test_report_sections_and_overwrite(tmp_path):
    out = tmp_path / "r.html"
    write_report(analyse(sroi.load(FNP), psa_draws=0), out)
    text = out.read_text()
    for heading in ("Headline", "The impact map", "Who pays, who saves", "Sensitivity", "How sure are we?",
                    "Every number and where it comes from", "Evidence gaps left open", "Model checks",
                    "Upper confidence bounds"):
        assert heading in text
    assert "PSA seed" not in text  # no PSA ran
    from sroi.fileio import OutputExistsError
    with pytest.raises(OutputExistsError):
        write_report(analyse(sroi.load(FNP), psa_draws=0), out)
    write_report(analyse(sroi.load(FNP), psa_draws=0), out, force=True)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed "
                    "(CI installs it; locally: apt-get install chromium)")
def test_report_renders_in_headless_chromium(tmp_path):
    """Render the report of a scheme with a PSA in headless Chromium: the screenshot is not
    blank and the browser logs no console error and no failed load."""
    assert CHROMIUM, "chromium is required in CI"
    html = tmp_path / "report.html"
    write_report(analyse(uncertain(), psa_draws=500, seed=2), html)
    png = tmp_path / "shot.png"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
         "--window-size=1280,3000", f"--screenshot={png}", html.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert png.exists(), proc.stderr[-2000:]
    img = plt.imread(png)
    assert img.shape[0] >= 2000 and img.shape[1] == 1280
    grey = img[..., :3].mean(axis=2)
    assert grey.std() > 0.05  # text and charts, not a blank page
    assert (grey < 0.5).mean() > 0.01  # enough dark pixels: text was drawn
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln or "net::ERR" in ln]
    assert console == []
