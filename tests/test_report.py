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


def _visible(text: str) -> str:
    """The report's text a reader sees: no tags, no hover titles, no embedded images, and
    without the appendix that maps names to ids."""
    import re

    body = text.split("<h2>Appendix: ids in the scheme file</h2>")[0]
    body = re.sub(r"<style>.*?</style>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_report_leads_with_three_sentences_worked_by_hand():
    """The minimal scheme: £100,000 from 'la_other' in year 1, SROI Guide timing (the
    investment is made at the start and not discounted), so inputs are £100,000; all value is social and goes to the
    participant, so none of it is cashable; no parameter is uncertain, so the third
    sentence says there is no interval and gives no probability."""
    from sroi.report import summary_sentences

    a = analyse(sroi.from_dict(minimal()), psa_draws=0)
    pays, saves, sure = summary_sentences(a)
    assert pays == "Local authority, other services pays for the scheme: £100,000 in present value over 3 years."
    assert saves.startswith(f"The value of {sroi.display.money(a.result.present_value)} all goes to the "
                            "participant") and "none of it is cashable" in saves
    assert "no interval" in sure and "%" not in sure
    a = analyse(sroi.from_dict(minimal()), psa_draws=500)  # asked for, but nothing is uncertain
    text = report_html(a)
    assert "no input of this scheme carries uncertainty" in text and "P(ratio &gt; 1)" not in text
    assert "PSA seed" not in text


def test_report_summary_cashable_share_and_interval():
    """A cashable outcome for the NHS beside a social one: the second sentence gives the
    cashable amount and its share of the present value; with a PSA the third gives the
    95% interval and the share of draws above 1 : 1, the same figures as the PSA's summary."""
    from sroi.display import money
    from sroi.report import summary_sentences

    d = minimal()
    extra = dict(d["outcomes"][0], id="bed_days", outcome="Fewer bed days", beneficiary="nhs",
                 value_type="fiscal_cashable")
    d["outcomes"].append(extra)
    r = sroi.run(sroi.from_dict(d))
    cash = float(r.ledger.loc["nhs", "fiscal_cashable"])
    assert cash == pytest.approx(r.present_value / 2)  # the two outcomes are equal
    _, saves, _ = summary_sentences(analyse(sroi.from_dict(d), psa_draws=0))
    assert f"{money(cash)} of it (50%) is cashable" in saves and "goes mostly to" in saves
    a = analyse(uncertain(), psa_draws=400, seed=3)
    lo, hi = a.psa.summary.loc["sroi_ratio", ["p2.5", "p97.5"]]
    sure = summary_sentences(a)[2]
    assert f"between {sroi.display.ratio_interval_text(lo)} and {sroi.display.ratio_interval_text(hi)}" in sure
    assert "PSA seed 3" in report_html(a)


def test_fnp_partial_model_shows_what_is_valued_beside_the_headline():
    """FNP's 0.01 : 1 values two injury outcomes: the headline is not in alarm red, and the
    box beside it lists both outcomes by name and every gap; names, not ids, are shown;
    numbers carry no scientific notation, nan or inf; no working file is cited."""
    import html

    a = analyse(sroi.load(ROOT / "tests/schemes/fnp_injuries.toml"), psa_draws=200, seed=1)  # the earlier FNP model
    text = report_html(a)
    top = text.split("<div class='top'>")[1].split("<h2>The scheme</h2>")[0]
    assert "big below" in top and "#b2182b" not in text  # the alarm red is gone
    assert "What is valued, and what is not" in top
    for o in a.result.scheme.outcomes:
        assert html.escape(o.outcome) in top
    assert top.count("<li>") == len(a.result.scheme.gaps)
    seen = _visible(text)
    for ident in ("fewer_injury_encounters", "fewer_injury_bed_days", "fnp_programme", "la_public_health",
                  "seed_fnp"):
        assert ident not in seen, ident
    assert "fewer_injury_encounters" in text  # still there, in hover titles and the appendix
    import re

    assert not re.search(r"\d[eE][+-]?\d|\bnan\b|\binf\b", seen)
    assert "shared/seeds" not in text and not re.search(r"\blines? \d", seen)
    assert "<a href='https://hansard.parliament.uk/" in text  # a reference's URL is a link


def test_public_text_drops_working_references():
    from sroi.report import public_text

    assert public_text("Boyle, Turbo charging volunteering, CentreForum, May 2014 "
                       "(shared/seeds/000_ba63d86310eb599e.txt, line 310 and note 40)") == \
        "Boyle, Turbo charging volunteering, CentreForum, May 2014 (note 40)"
    assert public_text("as seed 001 line 425 says") == "as says"
    assert public_text("8 members (seed_mosaic line 797)", {"seed_mosaic": "[1]"}) == "8 members ([1])"
    assert public_text("JAMA 1997;278(8):644-652, Table 2") == "JAMA 1997;278(8):644-652, Table 2"


def test_number_text_for_people():
    from sroi.display import number_text

    assert [number_text(x) for x in (10920.4, 0.005237, 12.5, 1234567.8, 0.0, -0.4)] == \
        ["10,920", "0.00524", "12.5", "1,234,568", "0", "-0.4"]
    assert number_text(float("nan")) == "n/a" and number_text(float("inf")) == "n/a" and number_text(None) == "-"
    assert "e" not in number_text(1e-12) and "e" not in number_text(1e15)


_MEASURE = """<script>(function(){var W=window.innerWidth,bad=[];
document.querySelectorAll('body *').forEach(function(el){var r=el.getBoundingClientRect();
if(r.right>W+0.5||r.left<-0.5){bad.push(el.tagName+' '+Math.round(r.right)+' '+(el.textContent||'').slice(0,50));}});
var p=document.createElement('pre');p.id='sroi-measure';p.textContent=JSON.stringify({width:W,
scroll:document.documentElement.scrollWidth,bad:bad.slice(0,5)});document.body.appendChild(p);})();</script>"""


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed "
                    "(CI installs it; locally: apt-get install chromium)")
def test_every_bundled_report_fits_1280_pixels_and_a4(tmp_path):
    """Every bundled scheme's report, in headless Chromium: at a 1280-pixel window no element
    reaches past the viewport and the page does not scroll sideways; with the print rules
    applied at the width A4 leaves inside the margins (210 - 2 x 12 mm = 703 px) the same
    holds; the PDF prints on A4; the browser logs no console error. A script measuring the
    layout is added to a copy of each report (the report itself has none)."""
    import json
    import re

    assert CHROMIUM, "chromium is required in CI"
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]
    problems = []
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        text = report_html(analyse(sroi.load(path), psa_draws=100, seed=1))
        screen = tmp_path / f"{path.stem}.html"
        screen.write_text(text.replace("</body>", _MEASURE + "</body>"))
        paper = tmp_path / f"{path.stem}.print.html"
        paper.write_text(text.replace("@media print{", "@media all{").replace("</body>", _MEASURE + "</body>"))
        pdf = tmp_path / f"{path.stem}.pdf"
        for page, width, extra in ((screen, 1280, [f"--screenshot={tmp_path / path.stem}.png",
                                                   f"--print-to-pdf={pdf}", "--no-pdf-header-footer"]),
                                   (paper, 703, [])):
            proc = subprocess.run(base + [f"--window-size={width},1600", *extra, "--dump-dom", page.as_uri()],
                                  capture_output=True, text=True, timeout=120)
            m = re.search(r'<pre id="sroi-measure">(.*?)</pre>', proc.stdout)
            assert m, (path.stem, proc.stderr[-1000:])
            got = json.loads(html_unescape(m.group(1)))
            if got["bad"] or got["scroll"] > width:
                problems.append((path.stem, width, got))
            console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln
                       or "net::ERR" in ln]
            assert console == [], (path.stem, console)
        assert pdf.read_bytes()[:5] == b"%PDF-"
        sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
        assert sizes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in sizes), path.stem
    assert problems == []


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_summary_leaves_transfers_out_of_who_gains():
    """FNP's US file moves £358,975 of benefit from mothers to DWP: that is not value to
    society, so the second sentence names the holders who gain society's £65,108 (children's
    services and the courts) and gives the transfer separately."""
    from sroi.report import summary_sentences

    a = analyse(sroi.load(ROOT / "scenarios/family_nurse_partnership_us_transfer.toml"), psa_draws=0)
    second = summary_sentences(a)[1]
    assert "Department for Work and Pensions" not in second
    assert "Local authority children's services (£34,102)" in second
    assert "(£358,975 more moves between budgets as a transfer, which nets to zero)" in second
