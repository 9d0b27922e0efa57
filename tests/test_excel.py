"""Excel interop: export with live formulas, import of exported workbooks and value maps.

* every bundled scheme, and generated ones, round-trips scheme -> workbook -> scheme;
* LibreOffice (headless) recalculates every exported workbook, and every computed cell
  that has an engine counterpart equals the engine's figure to 1e-9 relative;
* a value map laid out by hand imports to a scheme whose figures are worked by hand;
* malformed sheets give one exact line naming the file, sheet!cell and what was
  expected; the CLI exits 2 without a traceback and never overwrites without --force.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sroi
from sroi.cli import main
from sroi.excel import engine_figures, export_workbook, import_workbook
from sroi.excel.layout import FORMULA_FILL, INPUT_FILL, Layout
from sroi.fileio import OutputExistsError
from sroi.scenario import to_dict

from .conftest import ROOT, SCHEMES, minimal
from .test_equivalence import seeded_scheme

REL, ABS = 1e-9, 1e-6
# economic_case.toml holds what a workbook refuses (a transfer, a WELLBY measure, a health
# schedule); tests/test_economic.py checks each refusal
BUNDLED = sorted(ROOT.joinpath("scenarios").rglob("*.toml")) + sorted(
    p for p in SCHEMES.glob("*.toml") if p.name != "economic_case.toml")
HAND = SCHEMES / "hand_worked.toml"
FNP = SCHEMES / "fnp_injuries.toml"  # the earlier FNP model: a library proxy in its first outcome


# ---------------------------------------------------------------------------- generated schemes


def long_cohort() -> dict:
    """Horizon 40 on the Green Book schedule (crossing the 30-year band), a cohort over
    five years (one of them empty), start_year > 1, fractional durations, a disbenefit,
    rebasing from financial years, a library proxy with a range, every kind of input
    and every piece of metadata a scheme can carry."""
    return {
        "name": "Generated: long cohort", "place": "Testshire", "description": "Line one\nline two\n",
        "price_base": "2024-25", "currency": "GBP", "horizon": 40,
        "gaps": ["No follow-up beyond year 10.", "=not a formula, just text"],
        "sources": [{"id": "trial", "citation": "A trial, 2020, table 2", "url": "https://example.org/t",
                     "note": "RCT"}, {"id": "costs", "citation": "Unit costs 2019-20"}],
        "budget_holders": [{"id": "trust_fund", "name": "A local trust fund"}],
        "discounting": {"convention": "sroi_guide", "schedule": "green_book", "source": "Green Book 2022"},
        "cohort": {"participants": [40, {"base": 50, "low": 40, "high": 60, "distribution": "uniform"}, 60, 0, 70],
                   "source": "trial: intake plan"},
        "inputs": [
            {"id": "staff", "description": "Key workers", "funder": "la_childrens_services",
             "amount": {"base": 1200.5, "low": 1000, "high": 1500, "distribution": {"type": "pert", "lambda": 3},
                        "source": "costs: p. 4", "note": "salary plus on-costs"},
             "basis": "per_participant", "years": {"from": 1, "to": 5}, "price_year": "2019-20"},
            {"id": "volunteers_time", "description": "Volunteer mentoring", "funder": "volunteers",
             "kind": "volunteer_time", "quantity": 520, "unit": "hour",
             "unit_cost": {"base": 11.44, "assumption": "National Living Wage 2024"}, "years": [1, 2, 3, 40]},
            {"id": "setup", "description": "Set-up", "funder": "trust_fund", "kind": "in_kind", "amount": 25000,
             "year": 3, "source": "trial", "note": "one-off"},
        ],
        "outcomes": [
            {"id": "better_school", "stakeholder": "Children", "outcome": "Better attendance",
             "indicator": "Days attended", "quantity": {"rate": {"base": 0.3, "low": 0.1, "high": 0.5,
                                                                 "distribution": {"type": "beta", "sd": 0.1}}},
             "proxy": {"value": 2500.75, "unit": "per child per year", "price_year": "2016-17",
                       "source": "costs: table 5", "url": "https://example.org/c", "description": "Cost of absence"},
             "start_year": 3, "duration": {"base": 2.5, "low": 1.5, "high": 4, "distribution": "triangular"},
             "drop_off": 0.1, "deadweight": {"base": 0.25, "low": 0.1, "high": 0.4, "distribution":
                                             {"type": "truncnormal", "sd": 0.05}},
             "displacement": 0.05, "attribution": 0.2, "beneficiary": "schools", "value_type": "fiscal_non_cashable",
             "evidence": {"source": "trial", "confidence": "medium", "note": "p = .04"}, "note": "main outcome"},
            {"id": "into_work", "stakeholder": "Parents", "outcome": "Into work",
             "quantity": {"engagement": 0.8, "success": {"base": 0.25, "source": "trial: 25%"}},
             "proxy": {"value": 9000, "unit": "per person per year", "price_year": "2019-20", "source": "costs"},
             "duration": 30.25, "drop_off": {"base": 0.02, "high": 0.05}, "beneficiary": "dwp",
             "value_type": "fiscal_cashable"},
            {"id": "ae_visits", "stakeholder": "NHS", "outcome": "Fewer A&E visits", "quantity": 35,
             "proxy": {"id": "nhs.ae_attendance_2016_17", "low": 120, "high": 180, "note": "range of HRGs"},
             "start_year": 2, "duration": 12, "attribution": 0.5, "beneficiary": "nhs",
             "value_type": "fiscal_non_cashable"},
            {"id": "noise", "stakeholder": "Neighbours", "outcome": "More noise", "quantity": 10,
             "proxy": {"value": 150, "unit": "per household", "price_year": "2024-25", "source": "assumption"},
             "duration": 40, "disbenefit": True, "beneficiary": "trust_fund", "value_type": "social"},
        ],
        "scenarios": [{"name": "Pessimistic", "description": "Low effects", "source": "trial: lower CI",
                       "set": {"better_school.rate": 0.1, "staff.amount": 1500}},
                      {"name": "Short", "set": {"into_work.duration": 5}}],
    }


def custom_rates() -> dict:
    """A custom schedule with more rates than years, Green Book timing, calendar-year
    rebasing and a count outcome starting late."""
    return minimal(
        name="Generated: custom rates", horizon=6, price_base=2024,
        discounting={"convention": "green_book", "schedule": "custom",
                     "rates": [0.05, 0.04, 0.035, 0.03, 0.02, 0.01, 0.0, 0.5]},
        inputs=[{"id": "grant", "description": "Grant", "funder": "la_other", "amount": 30000, "years": [1, 2],
                 "price_year": 2019}],
        outcomes=[{"id": "gain", "stakeholder": "Participants", "outcome": "A change", "quantity": 60,
                   "proxy": {"value": 700, "unit": "per person", "price_year": 2015, "source": "test"},
                   "start_year": 4, "duration": 2.75, "drop_off": 0.3, "deadweight": 0.1,
                   "beneficiary": "participant", "value_type": "economic"}],
    )


def constant_parameter_rate() -> dict:
    """A constant rate that is itself a parameter, total drop-off after year 1 (0 to the
    power 0 stays 1) and a half-year duration."""
    return minimal(
        name="Generated: constant rate parameter", horizon=4,
        discounting={"convention": "sroi_guide", "schedule": "constant",
                     "rate": {"base": 0.06, "low": 0.015, "high": 0.1, "source": "sensitivity"}},
        outcomes=[{"id": "gone", "stakeholder": "P", "outcome": "Short-lived", "quantity": 10,
                   "proxy": {"value": 100, "unit": "u", "price_year": 2024, "source": "t"}, "duration": 3,
                   "drop_off": 1.0, "beneficiary": "participant", "value_type": "social"},
                  {"id": "half", "stakeholder": "P", "outcome": "Half a year", "quantity": 4,
                   "proxy": {"value": 0.3, "unit": "u", "price_year": 2024, "source": "t"},
                   "duration": 0.5, "beneficiary": "nhs", "value_type": "fiscal_cashable"}],
    )


GENERATED = {"long_cohort": long_cohort, "custom_rates": custom_rates, "constant_rate": constant_parameter_rate,
             # made at random (cohorts, late starts, long and fractional durations, disbenefits, Green Book
             # bands past year 30, rebasing): LibreOffice's recalculation is held to the engine on them too
             **{f"seeded_{k}": (lambda k=k: seeded_scheme(k)) for k in (2, 3, 5, 7, 11)}}


def exportable(scheme: sroi.Scheme) -> bool:
    """The exporter refuses, by design, a transfer or an outcome valued in a measure."""
    return not any(o.value_type == "transfer" or o.proxy.measure is not None for o in scheme.outcomes)


EXPORTABLE = [p for p in BUNDLED if exportable(sroi.load(p))]


def all_schemes() -> dict[str, sroi.Scheme]:
    out = {f"bundled_{p.stem}": sroi.load(p) for p in EXPORTABLE}
    out.update({f"generated_{k}": sroi.from_dict(f()) for k, f in GENERATED.items()})
    return out


def roundtrip(scheme: sroi.Scheme, tmp_path: Path) -> sroi.Scheme:
    path = export_workbook(scheme, tmp_path / "map.xlsx")
    return import_workbook(path)


# ---------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_scheme_round_trips(path, tmp_path):
    """Every bundled scheme round-trips, except those the exporter refuses by design (a
    transfer or a measure-valued outcome), which must be refused with one line naming the
    outcome."""
    scheme = sroi.load(path)
    if not exportable(scheme):
        with pytest.raises(sroi.ScenarioError, match=r"outcomes\[\d+\]\.(value_type|proxy\.measure): .* cannot be "
                                                     "exported to a workbook yet"):
            export_workbook(scheme, tmp_path / "map.xlsx")
        return
    back = roundtrip(scheme, tmp_path)
    assert to_dict(back) == to_dict(scheme)
    assert back == scheme


@pytest.mark.parametrize("name", GENERATED)
def test_generated_schemes_round_trip(name, tmp_path):
    scheme = sroi.from_dict(GENERATED[name]())
    back = roundtrip(scheme, tmp_path)
    assert to_dict(back) == to_dict(scheme)
    assert back == scheme


def test_the_bundled_scenarios_folder_is_covered():
    assert {p.name for p in BUNDLED} >= {"family_nurse_partnership.toml", "wsipp_2017_nurse_family_partnership.toml",
                                         "hand_worked.toml", "fnp_injuries.toml"}


@settings(max_examples=15, deadline=None)
@given(dw=st.floats(0, 1), proxy=st.floats(0, 1e9), amount=st.floats(0, 1e9), rate=st.floats(0, 1),
       duration=st.floats(0.001, 50))
def test_any_numbers_round_trip_bit_for_bit(tmp_path_factory, dw, proxy, amount, rate, duration):
    """openpyxl writes 16 significant digits; floats that need 17 must still come back
    exactly."""
    d = minimal(discounting={"schedule": "constant", "rate": rate, "convention": "sroi_guide"})
    d["outcomes"][0].update(deadweight=dw, duration=duration)
    d["outcomes"][0]["proxy"]["value"] = proxy
    d["inputs"][0]["amount"] = amount
    scheme = sroi.from_dict(d)
    assert roundtrip(scheme, tmp_path_factory.mktemp("rt")) == scheme


def test_a_float_needing_17_digits_round_trips(tmp_path):
    """0.1 + 0.2 = 0.30000000000000004 needs 17 significant digits; openpyxl alone would
    write 0.3."""
    d = minimal()
    d["outcomes"][0]["proxy"]["value"] = 0.1 + 0.2
    scheme = sroi.from_dict(d)
    back = roundtrip(scheme, tmp_path)
    assert back.outcomes[0].proxy.value.base == 0.30000000000000004
    assert back == scheme


def test_an_edit_made_in_the_workbook_flows_back(tmp_path):
    """Import reads the visible input cells: deadweight 20% typed over with 30% in the
    impact map (column O) comes back as 0.3, and the ratio moves accordingly:
    60,000 x 0.7 / 0.8 = 52,500 in year 1, so PV = 152,215.0078 x 0.875."""
    path = export_workbook(sroi.load(HAND), tmp_path / "map.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["Impact map"]["O3"].value == "Deadweight"
    wb["Impact map"]["O5"] = 0.3
    wb["Year by year"]["E12"] = None  # a blank cell outside the cohort stays blank
    wb.save(path)
    scheme = import_workbook(path)
    assert scheme.outcomes[0].deadweight == sroi.model.Parameter(0.3)
    assert sroi.run(scheme).present_value == pytest.approx(152215.00780800526 * 0.875, rel=1e-12)


# ---------------------------------------------------------------------------- the workbook itself


def test_every_engine_figure_is_a_live_formula(tmp_path):
    scheme = sroi.from_dict(long_cohort())
    wb = openpyxl.load_workbook(export_workbook(scheme, tmp_path / "map.xlsx"))
    figures = list(engine_figures(scheme))
    assert len(figures) > 40 * 10
    for what, sheet, cell, _value in figures:
        c = wb[sheet][cell]
        assert c.data_type == "f", (what, sheet, cell, c.value)
        assert c.fill.fgColor.rgb == FORMULA_FILL.fgColor.rgb, (what, sheet, cell)


def test_sheets_are_laid_out_for_people(tmp_path):
    wb = openpyxl.load_workbook(export_workbook(sroi.load(FNP), tmp_path / "map.xlsx"))
    assert wb.sheetnames[:6] == ["About", "Settings", "Inputs", "Impact map", "Year by year", "Results"]
    m = wb["Impact map"]
    headers = [c.value for c in m[3]]
    for h in ("Stakeholder", "Outcome", "Indicator", "Quantity", "Financial proxy", "Value per unit",
              "Source of the proxy", "Deadweight", "Displacement", "Attribution", "Drop-off", "Duration",
              "Start year", "Present value"):
        assert h in headers
    assert m.freeze_panes == "C5" and wb["Year by year"].freeze_panes == "D4"
    assert m.column_dimensions["C"].width == 40
    assert m["O5"].number_format == "0.0##%" and m["AH5"].number_format == '"£"#,##0.00'  # first_value
    assert m["O5"].fill.fgColor.rgb == INPUT_FILL.fgColor.rgb != FORMULA_FILL.fgColor.rgb
    legend = [wb["About"][f"A{r}"].value for r in range(9, 12)]
    assert legend == ["Input", "Formula", "Reference"]
    assert wb["Results"]["A8"].value.startswith("SROI ratio")
    assert wb["Deflator"].protection.sheet


def test_export_refuses_to_overwrite_and_writes_atomically(tmp_path):
    out = tmp_path / "map.xlsx"
    out.write_text("an analyst's own workbook")
    with pytest.raises(OutputExistsError, match="already exists; pass --force"):
        export_workbook(sroi.load(HAND), out)
    assert out.read_text() == "an analyst's own workbook"
    export_workbook(sroi.load(HAND), out, force=True)
    assert openpyxl.load_workbook(out)["About"]["A1"].value == "Hand-worked reference case"
    assert [p.name for p in tmp_path.iterdir()] == ["map.xlsx"]


def test_export_names_the_format(tmp_path):
    with pytest.raises(sroi.ScenarioError) as info:
        export_workbook(sroi.load(HAND), tmp_path / "map.xls")
    assert str(info.value) == (f"{tmp_path / 'map.xls'}: sroi export writes an .xlsx workbook; name the output "
                               "'map.xlsx'")


# ---------------------------------------------------------------------------- LibreOffice


RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, but CI is set: .ci/run installs "
                        "libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui to recalculate the "
                    "exported workbooks")
    return exe


def edited_scheme() -> sroi.Scheme:
    """The long cohort with deadweight of its first outcome typed over in the workbook."""
    d = long_cohort()
    d["outcomes"][0]["deadweight"]["base"] = 0.35
    d["outcomes"][0]["deadweight"]["high"] = 0.4
    return sroi.from_dict(d)


@pytest.fixture(scope="session")
def recalculated(tmp_path_factory):
    """Every workbook exported once, then recalculated by LibreOffice in one headless run
    with a fresh profile. Returns name -> (scheme, path of the recalculated copy)."""
    exe = soffice()
    src, out = tmp_path_factory.mktemp("exported"), tmp_path_factory.mktemp("recalculated")
    profile = tmp_path_factory.mktemp("lo_profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ON_LOAD)
    schemes = all_schemes()
    for name, scheme in schemes.items():
        export_workbook(scheme, src / f"{name}.xlsx")
    # An assumption changed in the workbook: LibreOffice must recalculate everything from it.
    edited = src / "edited_long_cohort.xlsx"
    export_workbook(sroi.from_dict(long_cohort()), edited)
    wb = openpyxl.load_workbook(edited)
    wb["Impact map"]["O5"] = 0.35
    wb.save(edited)
    schemes["edited_long_cohort"] = edited_scheme()
    files = sorted(str(p) for p in src.glob("*.xlsx"))
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--calc",
           "--convert-to", "xlsx", "--outdir", str(out), *files]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    missing = [f for f in files if not (out / Path(f).name).exists()]
    if proc.returncode != 0 or missing:
        pytest.fail(f"LibreOffice failed (exit {proc.returncode}; missing {missing}): {proc.stderr[-2000:]}")
    return {name: (scheme, out / f"{name}.xlsx") for name, scheme in schemes.items()}


LO_NAMES = [*(f"bundled_{p.stem}" for p in EXPORTABLE), *(f"generated_{k}" for k in GENERATED), "edited_long_cohort"]


def largest_difference(scheme: sroi.Scheme, path: Path) -> float:
    """Check every figure LibreOffice recalculated against the engine; return the largest
    relative difference."""
    wb = openpyxl.load_workbook(path, data_only=True)
    worst, checked = 0.0, 0
    for what, sheet, cell, expected in engine_figures(scheme):
        got = wb[sheet][cell].value
        if not math.isfinite(expected):  # no spend of its own, or never paid back
            assert got in (None, "", "not within the horizon"), (what, got)
            continue
        assert isinstance(got, (int, float)) and not isinstance(got, bool), (what, sheet, cell, got)
        assert got == pytest.approx(expected, rel=REL, abs=ABS), (what, sheet, cell)
        if expected != 0:
            worst = max(worst, abs(got - expected) / abs(expected))
        checked += 1
    assert checked >= 20
    # the export stores the engine's figures as results; a cell it leaves without one (impact
    # per unit) holding a number shows LibreOffice recalculated rather than kept what was stored
    impact = wb["Impact map"][f"{Layout.out_col('impact')}5"].value
    assert isinstance(impact, (int, float)) or not scheme.outcomes, impact
    errors = [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("#") and c.value.rstrip("!?0/").isupper()]
    assert errors == []
    return worst


@pytest.mark.parametrize("name", LO_NAMES)
def test_libreoffice_recalculates_to_the_engine(recalculated, name):
    assert largest_difference(*recalculated[name]) <= REL


@pytest.mark.parametrize("name", LO_NAMES)
def test_a_workbook_saved_by_libreoffice_imports_back(recalculated, name):
    """LibreOffice rewrites the whole file (its own styles, shared strings, cached
    results); the input cells must still read back to the same scheme, including the
    assumption edited in the workbook."""
    scheme, path = recalculated[name]
    back = import_workbook(path)
    assert to_dict(back) == to_dict(scheme)
    assert back == scheme


def test_without_libreoffice_the_check_skips_but_fails_in_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install libreoffice-calc-nogui"):
        soffice()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set: .ci/run installs libreoffice-calc-nogui"):
        soffice()


def test_libreoffice_crosses_the_green_book_band(recalculated):
    """Under SROI Guide timing the value of year 31 of the long cohort is discounted over
    31 periods: 30 at 3.5% and period 31 at 3.0%, so DF = 1.035**-30 / 1.03 = 0.34597...,
    not 1.03**-31 = 0.39999... Its inputs (time 30) get 1.035**-30 = 0.35628..."""
    scheme, path = recalculated["generated_long_cohort"]
    wb = openpyxl.load_workbook(path, data_only=True)
    L = Layout.of(scheme)
    ws = wb["Year by year"]
    assert ws[f"{L.year_col(30)}{L.RATE_ROW}"].value == 0.035
    assert ws[f"{L.year_col(31)}{L.RATE_ROW}"].value == 0.03
    assert ws[f"{L.year_col(31)}{L.VALUE_DF_ROW}"].value == pytest.approx(1.035 ** -30 / 1.03, rel=1e-12)
    assert ws[f"{L.year_col(31)}{L.INPUT_DF_ROW}"].value == pytest.approx(1.035 ** -30, rel=1e-12)


def test_libreoffice_hand_worked_headline(recalculated):
    """The hand-worked case: PV 152,215.0078, investment 100,000, ratio 1.5221500780800526."""
    _scheme, path = recalculated["bundled_hand_worked"]
    ws = openpyxl.load_workbook(path, data_only=True)["Results"]
    assert ws["B5"].value == pytest.approx(152215.00780800526, rel=1e-12)
    assert ws["B6"].value == pytest.approx(100000.0, rel=1e-12)
    assert ws["B8"].value == pytest.approx(1.5221500780800526, rel=1e-12)


def test_largest_libreoffice_difference_is_reported(recalculated, capsys):
    """Stands alone: it compares every workbook itself rather than reading what the tests
    above recorded (run on its own, it once found nothing to report and failed)."""
    LARGEST = {name: largest_difference(*recalculated[name]) for name in LO_NAMES}
    name = max(LARGEST, key=LARGEST.get)
    with capsys.disabled():
        print(f"\nLargest relative difference, LibreOffice against the engine: {LARGEST[name]:.3e} ({name}; "
              f"{len(LARGEST)} workbooks)")
    assert LARGEST[name] <= REL


# ---------------------------------------------------------------------------- a value map laid out by hand


def value_map(path: Path, *, settings: dict | None = None, header: list | None = None, rows: list | None = None,
              inputs: list | None = None, inputs_sheet: bool = True) -> Path:
    """A value map as an analyst might lay it out: labelled settings above the header,
    percentages as 20% cells or 0.2 numbers, a blank stakeholder repeating the one above."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Impact map"
    ws["A1"] = "SROI value map: community allotments"
    cells = {"Scheme": "Community allotments", "Price year:": 2024, "Currency": "GBP", "Horizon (years)": 3,
             "Discount rate": 0.035, "Convention": "sroi_guide"}
    cells.update(settings or {})
    for r, (label, value) in enumerate(cells.items(), 2):
        if value is not None:
            ws.cell(r, 1, label)
            ws.cell(r, 2, value)
    ws["B6"].number_format = "0.0%"
    head = header or ["Stakeholder", "Outcome", "Indicator", "Quantity", "Duration (years)", "Financial proxy",
                      "Value (£)", "Deadweight %", "Displacement", "Attribution (%)", "Drop-off", "Beneficiary",
                      "Value type"]
    for k, h in enumerate(head, 1):
        ws.cell(9, k, h)
    data = rows if rows is not None else [
        ["Participants", "Improved wellbeing", "WEMWBS gain", 20, 3, "Wellbeing value", 1000, 0.2, 0, 0.25, 0.1,
         "participant", "social"],
        [None, "Fewer GP visits", "GP visits avoided", 30, 1, "Cost of a GP appointment", 50, "10%", None, 0.5, None,
         "nhs", "fiscal_non_cashable"],
    ]
    for r, row in enumerate(data, 10):
        for k, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, k, v)
    ws["H10"].number_format = "0%"
    costs = inputs if inputs is not None else [
        ["Funder", "Description", "Amount (£)", "Year"],
        ["la_public_health", "Programme grant", 10000, 1],
        ["Volunteers", "Volunteer time", 2000, "1-2"],
    ]
    target = wb.create_sheet("Inputs") if inputs_sheet else ws
    first = 1 if inputs_sheet else 10 + len(data) + 2
    for r, row in enumerate(costs, first):
        for k, v in enumerate(row, 1):
            if v is not None:
                target.cell(r, k, v)
    wb.save(path)
    return path


def test_a_value_map_laid_out_by_hand_imports(tmp_path):
    """Two outcomes, 3 years at 3.5% (SROI Guide timing), price year 2024.

    Improved wellbeing: 20 x £1,000 x (1 - 20%) x (1 - 25%) = 12,000 in year 1,
    less 10% drop-off: 10,800 in year 2, 9,720 in year 3.
    Fewer GP visits: 30 x £50 x (1 - 10%) x (1 - 50%) = 675 in year 1 only.
    PV = 12,675/1.035 + 10,800/1.035**2 + 9,720/1.035**3
       = 12,246.3768 + 10,081.9156 + 8,766.8831 = 31,095.1755
    Inputs: grant 10,000 in year 1; volunteer time 2,000 in years 1 and 2:
    10,000 + 2,000 + 2,000/1.035 = 13,932.3671 (year-1 inputs undiscounted)
    SROI = 31,095.1755 / 13,932.3671 = 2.2319:1.
    """
    path = value_map(tmp_path / "allotments.xlsx")
    scheme = import_workbook(path)
    assert scheme.name == "Community allotments"
    assert [o.id for o in scheme.outcomes] == ["improved_wellbeing", "fewer_gp_visits"]
    assert [o.stakeholder for o in scheme.outcomes] == ["Participants", "Participants"]
    gp = scheme.outcomes[1]
    assert (gp.deadweight.base, gp.displacement.base, gp.attribution.base, gp.drop_off.base) == (0.1, 0, 0.5, 0)
    assert gp.proxy.source == "value map: allotments.xlsx, sheet 'Impact map', cell G11"
    assert gp.proxy.description == "Cost of a GP appointment"
    assert str(gp.proxy.price_year) == "2024" and gp.beneficiary == "nhs"
    assert [(i.id, i.funder, i.years) for i in scheme.inputs] == [
        ("programme_grant", "la_public_health", (1,)), ("volunteer_time", "volunteers", (1, 2))]
    r = sroi.run(scheme)
    assert r.value.sum(axis=0).tolist() == pytest.approx([12675, 10800, 9720], rel=1e-12)
    pv = 12675 / 1.035 + 10800 / 1.035 ** 2 + 9720 / 1.035 ** 3
    assert r.present_value == pytest.approx(pv, rel=1e-12) == pytest.approx(31095.175474644533, rel=1e-12)
    assert r.investment == pytest.approx(10000 + 2000 + 2000 / 1.035, rel=1e-12)
    assert r.sroi_ratio == pytest.approx(2.231865923457496, rel=1e-12)


def test_value_map_with_inputs_below_and_options(tmp_path):
    """No settings cells at all: options supply them, the inputs table sits below the
    outcomes, and options override nothing that is not there."""
    path = value_map(tmp_path / "map.xlsx", settings={k: None for k in ("Scheme", "Price year:", "Currency",
                                                                          "Horizon (years)", "Discount rate",
                                                                          "Convention")},
                     inputs=[["Inputs"], ["Paid by", "Input", "Cost"], [None, "Grant", "£12,000"]], inputs_sheet=False)
    scheme = import_workbook(path, price_year="2024", currency="GBP", horizon=3, convention="green_book",
                             funder="la_other")
    assert scheme.name == "Value map imported from map.xlsx"
    assert scheme.discounting.schedule == "green_book"
    assert scheme.discounting.source.startswith("Green Book declining schedule: the scheme format's default")
    assert [(i.id, i.funder, i.amount.base) for i in scheme.inputs] == [("grant", "la_other", 12000.0)]
    again = import_workbook(path, price_year="2024", currency="GBP", horizon=3, convention="green_book",
                            funder="la_other", discount_rate="3.5%")
    assert (again.discounting.schedule, again.discounting.rate.base) == ("constant", 0.035)


def test_value_map_round_trips_through_the_exported_layout(tmp_path):
    scheme = import_workbook(value_map(tmp_path / "vm.xlsx"))
    assert roundtrip(scheme, tmp_path) == scheme


def test_an_xlsm_is_read_without_macros(tmp_path):
    path = value_map(tmp_path / "allotments.xlsx").rename(tmp_path / "allotments.xlsm")
    assert len(import_workbook(path).outcomes) == 2


# ---------------------------------------------------------------------------- bad input: exact messages


def set_cells(path: Path, edits: dict[tuple[str, str], object]) -> Path:
    wb = openpyxl.load_workbook(path)
    for (sheet, cell), value in edits.items():
        wb[sheet][cell] = value
    wb.save(path)
    return path


HOLDER_IDS = ("nhs, la_adult_social_care, la_childrens_services, la_public_health, la_housing, la_other, "
              "schools, police, courts, prisons_probation, dwp, hmrc, central_government_other, participant, "
              "family_carers, community, volunteers, employers, voluntary_sector, other")

VALUE_MAP_CASES = [
    ("rate-as-words", dict(rows=[["P", "Wellbeing", None, 20, 3, None, 1000, "high", 0, 0, 0, "participant",
                                  "social"]]),
     {}, "Impact map!H10: deadweight must be a rate between 0 and 1 (or a percentage), got 'high'"),
    ("rate-above-one", dict(rows=[["P", "Wellbeing", None, 20, 3, None, 1000, 0, 0, 1.5, 0, "participant",
                                   "social"]]),
     {}, "Impact map!J10: attribution must be a rate between 0 and 1 (or a percentage), got 1.5"),
    ("percent-number", dict(rows=[["P", "Wellbeing", None, 20, 3, None, 1000, 20, 0, 0, 0, "participant",
                                   "social"]]),
     {}, "Impact map!H10: deadweight must be a rate between 0 and 1 (or a percentage), got 20"),
    ("money-as-words", dict(rows=[["P", "Wellbeing", None, 20, 3, None, "lots", 0, 0, 0, 0, "participant",
                                   "social"]]),
     {}, "Impact map!G10: value must be an amount of money (a number), got 'lots'"),
    ("no-price-year", dict(settings={"Price year:": None}), {},
     "Impact map: no price year (the value map's prices): give --price-year, or a cell labelled 'Price year' "
     "above the header row with the value beside it"),
    ("no-convention", dict(settings={"Convention": None}), {},
     "Impact map: no timing convention ('sroi_guide': value at year end, inputs at start; or 'green_book'): give "
     "--convention, or a cell labelled 'Convention' above the header row with the value beside it"),
    ("bad-price-year-option", dict(settings={"Price year:": None}), {"price_year": "24/25"},
     "--price-year: a price year is a calendar year such as 2019 or a financial year such as '2019-20', got "
     "'24/25'"),
    ("no-beneficiary", dict(header=["Stakeholder", "Outcome", "Quantity", "Duration", "Value", "Value type"],
                            rows=[["P", "Wellbeing", 20, 3, 1000, "social"]]), {},
     "Impact map!B10: no beneficiary for this outcome (a budget holder id such as nhs): add a 'Beneficiary' "
     "column, or give --beneficiary"),
    ("unknown-beneficiary", dict(rows=[["P", "Wellbeing", None, 20, 3, None, 1000, 0, 0, 0, 0, "council",
                                        "social"]]), {},
     f"Impact map!L10: beneficiary: 'council' is not allowed; allowed: {HOLDER_IDS}"),
    ("misspelt-column", dict(header=["Stakeholder", "Outcome", "Quantity", "Duration", "Value", "Deadwieght"],
                             rows=[["P", "Wellbeing", 20, 3, 1000, 0.2]]), {},
     "Impact map!F9: unknown column 'Deadwieght'; did you mean 'deadweight'?"),
    ("missing-column", dict(header=["Stakeholder", "Outcome", "Quantity", "Value", "Beneficiary", "Value type"],
                            rows=[["P", "Wellbeing", 20, 1000, "nhs", "social"]]), {},
     "Impact map!A9:F9: the header row has no 'duration' column; a value map needs stakeholder, outcome, "
     "quantity, duration, value"),
    ("blank-quantity", dict(rows=[["P", "Wellbeing", None, None, 3, None, 1000, 0, 0, 0, 0, "nhs", "social"]]), {},
     "Impact map!D10: quantity missing; expected a number"),
    ("no-inputs", dict(inputs=[]), {},
     "Impact map: no inputs found: add a sheet named 'Inputs', or a table below the outcomes, with a header row "
     "holding funder, description and amount"),
    ("bad-input-year", dict(inputs=[["Funder", "Description", "Amount", "Year"], ["nhs", "Grant", 100, "soon"]]),
     {}, "Inputs!D2: year must be a year such as 1, a list such as '1, 2, 5' or a range such as '1-3', got 'soon'"),
    ("input-year-beyond-horizon", dict(inputs=[["Funder", "Description", "Amount", "Year"],
                                               ["nhs", "Grant", 100, 7]]),
     {}, "Inputs!D2: year must be a whole number from 1 to 3, got 7"),
]


@pytest.mark.parametrize("layout,options,expected", [c[1:] for c in VALUE_MAP_CASES],
                         ids=[c[0] for c in VALUE_MAP_CASES])
def test_value_map_errors_name_the_cell(tmp_path, capsys, layout, options, expected):
    path = value_map(tmp_path / "map.xlsx", **layout)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path, **options)
    assert str(info.value) == f"{path}: {expected}"
    if not options:  # the command line prints the same one line and exits 2
        out = tmp_path / "scheme.toml"
        assert main(["import", str(path), "-o", str(out)]) == 2
        assert capsys.readouterr().err == f"{path}: {expected}\n"
        assert not out.exists()


def exported(tmp_path: Path, scheme_path: Path = HAND) -> Path:
    return export_workbook(sroi.load(scheme_path), tmp_path / "map.xlsx")


EXPORTED_CASES = [
    ("rate-as-words", {("Impact map", "O5"): "high"},
     "Impact map!O5: deadweight must be a rate between 0 and 1 (or a percentage), got 'high'"),
    ("percentage-text-is-fine-but-out-of-range", {("Impact map", "Q5"): "125%"},
     "Impact map!Q5: attribution must be a rate between 0 and 1 (or a percentage), got '125%'"),
    ("horizon-changed", {("Settings", "B9"): 5},
     "Settings!B9: horizon is 5 but this workbook has 3 year columns; the horizon is fixed by the export: change "
     "it in the scheme file and export again"),
    ("row-added", {("Impact map", "A6"): "another", ("Impact map", "B6"): "People"},
     "Impact map!A6: this workbook was exported with 1 outcome row; a row added here has no year-by-year formulas: "
     "add the outcome to the scheme file and export again (or import a value map)"),
    ("formula-without-result", {("Impact map", "O5"): "=0.1*2"},
     "Impact map!O5: holds a formula with no saved result; type the value, or open the workbook in Excel or "
     "LibreOffice and save it so the result is stored"),
    ("unknown-beneficiary", {("Impact map", "U5"): "council"},
     f"Impact map!U5: beneficiary: 'council' is not allowed; allowed: {HOLDER_IDS}"),
    ("low-above-base", {("Parameters", "E9"): 0.5},
     "Parameters!E9: deadweight low must not exceed base (0.2), got 0.5"),
    ("band-edited", {("Discounting", "C6"): 0.04},
     "Discounting!C6: the Green Book rate for periods 1 to 30 is 0.035, got 0.04; to use other rates set the "
     "discount schedule to 'custom' and list them under Custom rates"),
    ("spend-flag", {("Year by year", "E20"): "x"},
     "Year by year!E20: a year of spending must be 1 (spent in this year) or blank, got 'x'"),
    ("basis", {("Impact map", "E5"): "lots"},
     "Impact map!E5: quantity basis must be count, rate or engagement_success, got 'lots'"),
    ("rate-without-cohort", {("Impact map", "E5"): "rate", ("Impact map", "F5"): 0.5},
     "Impact map!F5: quantity: a rate quantity is applied to participants, so the scheme needs [cohort] "
     "participants"),
    ("participants-beyond-intakes", {("Year by year", "D12"): 10, ("Year by year", "E12"): 10},
     "Year by year!E12: participants in year 2 are beyond the 1 intake year this workbook was built for; add them "
     "in the scheme file and export again"),
    ("participants-after-a-gap", {("Year by year", "E12"): 10},
     "Year by year!E12: participants after a blank at D12; fill the gap (0 if need be) or clear the later cells"),
    ("row-moved", {("Year by year", "A20"): "Something else"},
     "Year by year!A20: expected the label 'Spent in this year? (1 = yes)', got 'Something else'; rows of the "
     "exported layout must not be moved, inserted or deleted"),
    ("custom-rates-on-constant", {("Discounting", "B14"): 0.03},
     "Discounting!B14: custom discount rates: only used with schedule = 'custom' (schedule is 'constant')"),
]


@pytest.mark.parametrize("edits,expected", [c[1:] for c in EXPORTED_CASES], ids=[c[0] for c in EXPORTED_CASES])
def test_exported_workbook_errors_name_the_cell(tmp_path, capsys, edits, expected):
    path = set_cells(exported(tmp_path), edits)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path)
    assert str(info.value) == f"{path}: {expected}"
    out = tmp_path / "scheme.toml"
    assert main(["import", str(path), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"{path}: {expected}\n"


def test_a_library_proxy_cannot_be_edited_silently(tmp_path):
    path = set_cells(exported(tmp_path, FNP), {("Impact map", "J5"): 160})
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path)
    assert str(info.value) == (f"{path}: Impact map!J5: value per unit 160 differs from proxy library entry "
                               "'nhs.ae_attendance_2016_17' (148); to use your own, clear the proxy library id and "
                               "give the value, unit, price year and source")


def test_a_library_value_saved_to_15_digits_still_matches(tmp_path):
    """LibreOffice saves numbers to 15 significant digits. The NHS 2024/25 crisis-team row
    is held to 17 (356.8324614108287); read back as 356.832461410829 it still matches the
    library, while a real edit (357) is refused."""
    crisis = ROOT / "scenarios/survivor_led_crisis_service.toml"
    scheme = sroi.load(crisis)
    assert scheme.outcomes[2].proxy.value.base == 356.8324614108287
    path = set_cells(exported(tmp_path, crisis), {("Impact map", "J7"): 356.832461410829})
    assert import_workbook(path) == scheme
    path = set_cells(path, {("Impact map", "J7"): 357})
    with pytest.raises(sroi.ScenarioError, match="Impact map!J7: value per unit 357 differs from proxy library"):
        import_workbook(path)


def test_clearing_the_library_id_makes_the_proxy_your_own(tmp_path):
    path = set_cells(exported(tmp_path, FNP), {("Impact map", "I5"): None, ("Impact map", "J5"): 160})
    o = import_workbook(path).outcomes[0]
    assert (o.proxy.ref, o.proxy.value.base, o.proxy.unit) == (None, 160.0, "per attendance")


@pytest.mark.parametrize("name,content,expected", [
    ("map.xls", b"\xd0\xcf\x11\xe0", "is an Excel 97-2003 .xls workbook; open it in Excel or LibreOffice and save "
                                     "it as .xlsx"),
    ("map.ods", b"PK", "is an OpenDocument spreadsheet; save it as .xlsx"),
    ("map.csv", b"a,b", "is not an Excel workbook: sroi import reads .xlsx (or .xlsm, without its macros)"),
    ("map.xlsx", b"not a zip", "is not an .xlsx workbook (the file is not a zip archive)"),
    ("missing.xlsx", None, "no such file"),
])
def test_files_that_are_not_workbooks(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path)
    assert str(info.value) == f"{path}: {expected}"


def test_value_map_options_are_refused_for_an_exported_workbook(tmp_path):
    path = exported(tmp_path)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path, price_year=2024, beneficiary="nhs")
    assert str(info.value) == (f"{path}: --price-year, --beneficiary apply only to value maps; this is an exported "
                               "sroi workbook, whose settings are on its 'Settings' sheet")


def test_a_missing_sheet_is_named(tmp_path):
    path = exported(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["Parameters"]
    wb.save(path)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path)
    assert str(info.value) == (f"{path}: Parameters: sheet missing; an exported sroi workbook has the sheets About, "
                               "Settings, Inputs, Impact map, Year by year, Discounting, Parameters, Scenarios, "
                               "Correlations, Sources, Budget holders, Gaps, Reproduction")


# ---------------------------------------------------------------------------- the command line


def test_cli_export_then_import_round_trips(tmp_path, capsys):
    book, back = tmp_path / "fnp.xlsx", tmp_path / "fnp.toml"
    assert main(["export", str(FNP), "-o", str(book)]) == 0
    assert "with live formulas" in capsys.readouterr().out
    assert main(["import", str(book), "-o", str(back)]) == 0
    assert sroi.load(back) == sroi.load(FNP)


def test_cli_never_overwrites_without_force(tmp_path, capsys):
    book, toml = tmp_path / "map.xlsx", tmp_path / "scheme.toml"
    book.write_text("mine")
    toml.write_text("mine too")
    assert main(["export", str(HAND), "-o", str(book)]) == 2
    assert capsys.readouterr().err == f"{book}: already exists; pass --force to overwrite it\n"
    assert book.read_text() == "mine"
    assert main(["export", str(HAND), "-o", str(book), "--force"]) == 0
    assert main(["import", str(book), "-o", str(toml)]) == 2
    assert capsys.readouterr().err == f"{toml}: already exists; pass --force to overwrite it\n"
    assert toml.read_text() == "mine too"
    assert main(["import", str(book), "-o", str(toml), "--force"]) == 0
    assert sroi.load(toml) == sroi.load(HAND)


def test_cli_value_map_options(tmp_path, capsys):
    path = value_map(tmp_path / "map.xlsx", settings={"Price year:": None, "Currency": None})
    out = tmp_path / "scheme.toml"
    assert main(["import", str(path), "-o", str(out), "--price-year", "2024", "--currency", "GBP",
                 "--horizon", "3"]) == 0
    assert sroi.run(sroi.load(out)).sroi_ratio == pytest.approx(2.231865923457496, rel=1e-12)
    assert "note: used Impact map!B6 for the discount rate: 0.035\n" in capsys.readouterr().err
    assert main(["import", str(path), "-o", str(out), "--force", "--horizon", "three"]) == 2
    assert capsys.readouterr().err == "--horizon: must be a whole number of years, got 'three'\n"


def test_cli_bad_workbook_prints_one_line_without_traceback(tmp_path):
    path = set_cells(exported(tmp_path), {("Impact map", "O5"): "high"})
    proc = subprocess.run([sys.executable, "-m", "sroi", "import", str(path), "-o", str(tmp_path / "s.toml")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == (f"{path}: Impact map!O5: deadweight must be a rate between 0 and 1 (or a percentage), "
                           "got 'high'\n")
    assert "Traceback" not in proc.stderr and proc.stdout == ""
