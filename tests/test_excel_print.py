"""The exported workbook as a user sees it (issue 18): printed landscape and fitted to
the page with its headers repeated, money in pounds, the SVI value map's stage bands over
the impact map, the engine's figures stored as the formulas' results for previewers and
pandas (and marked as such), and the same bytes from the same scheme."""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest

import sroi
from sroi.excel import engine_figures, export_workbook
from sroi.excel.layout import MAP, RESULTS
from sroi.excel.write import FIXED_TIME, workbook_bytes

from .conftest import ROOT, SCHEMES

HAND = SCHEMES / "hand_worked.toml"
FOUR = ROOT / "scenarios/local_area_coordination.toml"  # four outcomes, three years


def test_every_sheet_is_set_up_for_printing(tmp_path):
    wb = openpyxl.load_workbook(export_workbook(sroi.load(FOUR), tmp_path / "hc.xlsx"))
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert (ps.orientation, ps.paperSize, ps.fitToHeight) == ("landscape", 9, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth >= 1, ws.title
        assert ws.print_area and ws.oddFooter.center.text == "&A, page &P of &N", ws.title
    m = wb[MAP]
    assert m.print_title_rows == "$2:$4" and m.print_title_cols == "$A:$C" and m.page_setup.fitToWidth == 3
    assert wb["Inputs"].print_title_rows == "$3:$4" and wb["Settings"].page_setup.fitToWidth == 1


def test_money_is_in_pounds_and_rates_in_per_cent(tmp_path):
    wb = openpyxl.load_workbook(export_workbook(sroi.load(HAND), tmp_path / "h.xlsx"))
    assert wb[MAP]["J5"].number_format == wb[RESULTS]["B5"].number_format == '"£"#,##0.00'
    assert wb["Inputs"]["F5"].number_format == '"£"#,##0.00' and wb[MAP]["O5"].number_format == "0.0##%"


def test_the_impact_map_carries_the_stage_bands(tmp_path):
    wb = openpyxl.load_workbook(export_workbook(sroi.load(HAND), tmp_path / "h.xlsx"))
    m = wb[MAP]
    merged = {str(r) for r in m.merged_cells.ranges}
    assert {"D2:N2", "O2:R2", "AE2:AJ2"} <= merged
    assert (m["A2"].value, m["O2"].value) == ("Stage 1: stakeholders", "Stage 4: establishing impact")
    assert m["C1"].value.startswith("One row per outcome") and m["A3"].value == "ID"


def test_the_engine_figures_are_stored_for_previewers():
    """Every formula cell with an engine counterpart stores the engine's figure (a
    previewer or pandas sees numbers; openpyxl's data_only view reads them). The
    hand-worked case: PV 152,215.0078, investment 100,000, ratio 1.52215."""
    s = sroi.load(HAND)
    data = workbook_bytes(s)
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    figures = list(engine_figures(s))
    for what, sheet, cell, expected in figures:
        got = wb[sheet][cell].value
        if math.isfinite(expected):
            assert got == expected, (what, sheet, cell)
        else:
            assert got in ("", None, "not within the horizon"), (what, got)
    frame = pd.read_excel(io.BytesIO(data), sheet_name=RESULTS, header=None)
    assert frame.iloc[4, 1] == pytest.approx(152215.00780800526, rel=1e-15)
    assert frame.iloc[7, 1] == pytest.approx(1.5221500780800526, rel=1e-15)
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    assert formulas[RESULTS]["B8"].value == "=B5/B6"  # still a live formula
    assert formulas.calculation.fullCalcOnLoad
    assert "computed by sroi's engine at export" in formulas["About"]["B7"].value


def test_a_payback_never_reached_is_stored_as_its_text():
    d = sroi.scenario.to_dict(sroi.load(HAND))
    for o in d["outcomes"]:
        o["proxy"]["value"] = 1
    s = sroi.from_dict(d)
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(s)), data_only=True)
    assert wb[RESULTS]["B10"].value == "not within the horizon"


def test_the_same_scheme_gives_the_same_bytes():
    s = sroi.load(FOUR)
    first = workbook_bytes(s)
    assert workbook_bytes(s) == first
    z = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    core = z.read("docProps/core.xml").decode()
    assert re.findall(r"W3CDTF\">([^<]+)<", core) == [FIXED_TIME, FIXED_TIME]


def test_the_ledger_header_has_room_for_its_wrapped_headings(tmp_path):
    wb = openpyxl.load_workbook(export_workbook(sroi.load(HAND), tmp_path / "h.xlsx"))
    assert wb[RESULTS].row_dimensions[13].height == 48


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="needs LibreOffice (soffice) and poppler (pdfinfo)")
def test_a_four_outcome_impact_map_prints_on_few_landscape_pages(tmp_path):
    """Before: 12 portrait pages for this impact map alone (63 for the workbook), columns
    split across pages. Now one landscape row of three pages (the ID, stakeholder and
    outcome columns repeated on each)."""
    path = export_workbook(sroi.load(FOUR), tmp_path / "hc.xlsx")
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames:
        if name != MAP:
            del wb[name]
    wb.save(tmp_path / "map_only.xlsx")
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "map_only.xlsx")], capture_output=True, timeout=300)
    info = subprocess.run(["pdfinfo", str(tmp_path / "map_only.pdf")], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert pages <= 3 and width > height
