"""Edits analysts make in an exported workbook: none may lose a number in silence."""

from __future__ import annotations

import openpyxl
import pytest

import sroi
from sroi.errors import ScenarioError
from sroi.excel import export_workbook, import_workbook
from sroi.excel.layout import MAP, OUTCOME_COLUMNS, Layout
from sroi.scenario import from_dict, to_dict

from .conftest import minimal


def two_outcomes() -> dict:
    d = minimal()
    d["outcomes"][0]["deadweight"] = {"base": 0.2, "low": 0.1, "high": 0.3, "source": "first outcome's source"}
    d["outcomes"].append(dict(d["outcomes"][0], id="other", quantity=50,
                              deadweight={"base": 0.4, "low": 0.35, "high": 0.6, "assumption": "second's reason"}))
    return d


def test_a_sorted_impact_map_keeps_each_outcomes_parameters(tmp_path):
    """Sorting the impact map's rows (here: the two outcome rows swap, as a sort on the ID
    column descending would) moves each row's input cells; its formulas, which refer to
    their own row, stay alike. The 'Parameters' rows are tied by name, so each outcome
    keeps its own range, source and assumption: the import is the scheme with the
    outcomes in the new order, and the ratio is unchanged. (Tied by cell, as before, each
    outcome silently took the other's deadweight range, source and assumption.)"""
    s = from_dict(two_outcomes())
    path = tmp_path / "m.xlsx"
    export_workbook(s, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[MAP]
    L = Layout(2, 1, s.horizon, 1, 0)
    r1, r2 = L.out_row(0), L.out_row(1)
    for k, (key, *_rest, style) in enumerate(OUTCOME_COLUMNS, 1):
        if style != "input":
            continue
        a, b = ws.cell(r1, k), ws.cell(r2, k)
        a.value, b.value = b.value, a.value
    wb.save(path)
    back = import_workbook(path)
    assert [o.id for o in back.outcomes] == ["other", "gain"]
    by_id = {o.id: o for o in back.outcomes}
    assert by_id["gain"].deadweight == s.outcomes[0].deadweight
    assert by_id["other"].deadweight == s.outcomes[1].deadweight
    assert sroi.run(back).sroi_ratio == pytest.approx(sroi.run(s).sroi_ratio, rel=1e-12)


def test_a_formula_typed_over_is_refused_naming_the_cell(tmp_path):
    """Typing a number over a green formula cell changed the workbook's figures while the
    import ignored it; now the import stops and names the cell."""
    s = from_dict(two_outcomes())
    path = tmp_path / "m.xlsx"
    export_workbook(s, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[MAP]
    col = next(k for k, (key, *_r) in enumerate(OUTCOME_COLUMNS, 1) if key == "impact")
    cell = ws.cell(5, col)
    assert isinstance(cell.value, str) and cell.value.startswith("=")
    cell.value = 1234.5
    wb.save(path)
    with pytest.raises(ScenarioError) as info:
        import_workbook(path)
    assert f"{MAP}!{cell.coordinate}" in str(info.value) and "held a formula and now holds 1234.5" in str(info.value)


def test_an_untouched_export_still_imports_exactly(tmp_path):
    s = from_dict(two_outcomes())
    export_workbook(s, tmp_path / "m.xlsx")
    assert to_dict(import_workbook(tmp_path / "m.xlsx")) == to_dict(s)


def test_scenarios_and_correlations_follow_a_renamed_id(tmp_path):
    """Renaming an outcome's id in the impact map: its 'Parameters' rows follow by cell, and
    now so do the named scenarios and correlations that name it (they broke before)."""
    d = two_outcomes()
    d["outcomes"][0]["proxy"]["value"] = {"base": 1000, "distribution": {"type": "gamma", "sd": 100}}
    d["outcomes"][1]["proxy"] = dict(d["outcomes"][1]["proxy"],
                                     value={"base": 1000, "distribution": {"type": "gamma", "sd": 100}})
    d["scenarios"] = [{"name": "low", "set": {"gain.deadweight": 0.3}}]
    d["correlations"] = [{"parameters": ["gain.proxy", "other.proxy"], "rho": 0.5}]
    s = from_dict(d)
    path = tmp_path / "m.xlsx"
    export_workbook(s, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[MAP]
    col = next(k for k, (key, *_r) in enumerate(OUTCOME_COLUMNS, 1) if key == "id")
    r = Layout(2, 1, s.horizon, 1, 0).out_row(0)
    assert ws.cell(r, col).value == "gain"
    ws.cell(r, col).value = "better_lives"
    wb.save(path)
    back = import_workbook(path)
    assert back.scenarios[0].overrides == (("better_lives.deadweight", 0.3),)
    assert back.correlations[0].parameters == ("better_lives.proxy", "other.proxy")
    assert back.outcomes[0].deadweight == s.outcomes[0].deadweight


def test_a_value_map_with_blank_and_total_rows_reads_every_outcome(tmp_path, capsys):
    """A stakeholder group, a subtotal row, a blank row, then a second group: every row
    after the first blank or 'Total' row was dropped in silence (ratio -2.2% in the issue's
    case). Now both groups are read, the skipped rows are reported, and the result equals
    the same map without them. Hand check of the added outcome: 10 x £200 x (1 - 0.1) =
    1,800 a year for 2 years at 3.5% (SROI Guide timing): 1,800/1.035 + 1,800/1.035**2 =
    3,419.4497 on top of the two-outcome map's 31,095.1755."""
    from sroi.cli import main

    from .test_excel import value_map

    rows = [
        ["Participants", "Improved wellbeing", "WEMWBS gain", 20, 3, "Wellbeing value", 1000, 0.2, 0, 0.25, 0.1,
         "participant", "social"],
        [None, "Fewer GP visits", "GP visits avoided", 30, 1, "Cost of a GP appointment", 50, "10%", None, 0.5, None,
         "nhs", "fiscal_non_cashable"],
        ["Subtotal", None, None, None, None, None, 1050],
        [],
        ["Carers", "Respite", "Hours of respite", 10, 2, "Respite hour", 200, 0.1, 0, 0, 0,
         "family_carers", "social"],
    ]
    clean = [r for r in rows if r and r[0] != "Subtotal"]
    gappy = import_workbook(value_map(tmp_path / "gappy.xlsx", rows=rows))
    tidy = import_workbook(value_map(tmp_path / "tidy.xlsx", rows=clean))
    assert [o.id for o in gappy.outcomes] == ["improved_wellbeing", "fewer_gp_visits", "respite"]
    same = repr(to_dict(gappy)["outcomes"][:2]).replace("gappy.xlsx", "tidy.xlsx")
    assert same == repr(to_dict(tidy)["outcomes"][:2])  # the same two outcomes, but for the file's name
    r = sroi.run(gappy)
    assert r.present_value == pytest.approx(31_095.175474644533 + 1800 / 1.035 + 1800 / 1.035 ** 2, rel=1e-12)
    assert any("total row" in n for n in gappy.notices) and any("blank row" in n for n in gappy.notices)
    assert main(["import", str(tmp_path / "gappy.xlsx"), "-o", str(tmp_path / "g.toml")]) == 0
    assert "note: skipped Impact map!A12: a total row" in capsys.readouterr().err


def test_rate_cells_accept_only_0_to_1(tmp_path):
    """Deadweight, displacement, attribution, drop-off and success rate cells carry a 0-1
    decimal validation, so 40 (meaning 40%) is stopped where it is typed."""
    s = from_dict(two_outcomes())
    export_workbook(s, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")[MAP]
    rules = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    covered = " ".join(str(dv.sqref) for dv in rules)
    col = {key: openpyxl.utils.get_column_letter(k) for k, (key, *_r) in enumerate(OUTCOME_COLUMNS, 1)}
    for key in ("deadweight", "displacement", "attribution", "drop_off", "success"):
        assert f"{col[key]}5:{col[key]}6" in covered, key
    assert all((dv.formula1, dv.formula2) == ("0", "1") for dv in rules)
