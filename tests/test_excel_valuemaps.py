"""Value maps as practitioners lay them out (issue 18): the SVI / Social Value UK template's
own layout (stage bands, 'Description' under the outcomes, two 'Value £' and two 'Source'
columns, inputs in the map's own columns, 'Outcomes start', the Stage 4 block below the
table), and the common variants of a hand-made map (merged stakeholder cells, whole and
text percentages, notes columns, bracketed qualifiers). Every figure is checked against a
hand calculation in the test's docstring.

The SVI template itself could not be seen (its download sits behind the publisher's site);
the layout generated here follows the column order of the published SROI Network training
value map (stakeholders; inputs and their value; outputs; the outcome's description,
indicator, source, quantity, duration, outcomes start, financial proxy, value and source;
deadweight, displacement, attribution, drop-off, impact) and the issue's description.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import sroi
from sroi.excel import import_workbook

from .test_excel import value_map

SVI_HEAD = {  # row 10: the headings under the bands (row 9 holds the group headings)
    "C": "Description", "D": "Value £", "F": "Description", "G": "Indicator", "H": "Source", "I": "Quantity",
    "J": "Duration", "K": "Outcomes start", "L": "Financial Proxy", "M": "Value £", "N": "Source"}
SVI_GROUPS = {"A": "Stakeholders", "B": "Intended/unintended changes", "E": "Outputs", "O": "Deadweight %",
              "P": "Displacement %", "Q": "Attribution %", "R": "Drop off %", "S": "Impact"}


def svi_map(path: Path, *, start: int = 2, block: dict | None = None, drop_off_13=None) -> Path:
    """A value map in the SVI template's layout, filled in for a befriending scheme.

    Rows 8-11: stage bands (merged), group headings (Inputs over C:D, The Outcomes over
    F:N, the Stage 4 columns merged down over two rows), the headings, a row of guidance
    questions. Rows 12-13: one stakeholder (merged A12:A13) with two outcomes; row 14: the
    funder's input in the map's own columns; row 15: an unused template row (zeros and a
    formula); row 16: totals; rows 18-20: the Stage 4 block below the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SROI Value Map"
    ws["A1"] = "Social value map: befriending"
    for r, (label, value) in enumerate({"Scheme": "Befriending", "Price year": 2024, "Currency": "GBP",
                                         "Horizon": 5, "Convention": "sroi_guide"}.items(), 2):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value)
    for rng, text in (("A8:B8", "Stage 1"), ("C8:F8", "Stage 2"), ("G8:N8", "Stage 3"), ("O8:S8", "Stage 4")):
        ws[rng.split(":")[0]] = text
        ws.merge_cells(rng)
    ws["C9"], ws["F9"] = "Inputs", "The Outcomes (what changes)"
    ws.merge_cells("C9:D9")
    ws.merge_cells("F9:N9")
    for c, text in SVI_GROUPS.items():
        ws[f"{c}9"] = text
        ws.merge_cells(f"{c}9:{c}10")
    for c, text in SVI_HEAD.items():
        ws[f"{c}10"] = text
    for c, text in {"A": "Who is affected?", "C": "What is put in?", "F": "What changed, in their words?",
                    "G": "Measured how?", "I": "How much?", "K": "During the activity (1) or after it (2)?"}.items():
        ws[f"{c}11"] = text
    rows = {
        12: {"A": "Isolated older people", "B": "Less lonely", "E": "40 visits", "F": "Feel less isolated",
             "G": "Loneliness scale", "H": "Survey 2024", "I": 20, "J": 3, "K": 1,
             "L": "Cost of a befriending service", "M": 500, "N": "Unit cost survey", "O": 0.25, "P": 0,
             "Q": 0.2, "R": 0.1},
        13: {"F": "Back into work", "G": "Jobs started", "H": "Records", "I": 5, "J": 2, "K": start,
             "L": "Annual earnings gain", "M": 3000, "N": "ONS ASHE", "O": 0.5, "P": 0.1, "Q": 0, "R": drop_off_13},
        14: {"A": "Local authority public health", "C": "Programme grant", "D": 12000},
        15: {"O": 0, "P": 0, "Q": 0, "R": 0},
        16: {"A": "Total", "D": "=SUM(D12:D15)", "S": "=SUM(S12:S15)"},
    }
    for r, cells in rows.items():
        for c, v in cells.items():
            if v is not None:
                ws[f"{c}{r}"] = v
        for c in "OPQR":
            ws[f"{c}{r}"].number_format = "0%"
        if r < 16:
            ws[f"S{r}"] = f"=I{r}*M{r}*(1-O{r})*(1-P{r})*(1-Q{r})"
    ws.merge_cells("A12:A13")
    ws["A18"] = "Stage 4"
    for r, (label, value) in enumerate((block if block is not None else
                                        {"Discount rate": 0.05, "Drop off": 0.1}).items(), 19):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value).number_format = "0.0%"
    wb.save(path)
    return path


def test_the_svi_template_layout_imports(tmp_path):
    """Horizon 5, a constant 5% from the Stage 4 block, SROI Guide timing (value at the end
    of each year, inputs at the start), price year 2024.

    Feel less isolated (starts during the activity, year 1, for 3 years, 10% drop-off):
    20 x £500 x (1 - 25%) x (1 - 0) x (1 - 20%) = 6,000; then 5,400 and 4,860.
    Back into work (outcomes start 2: after the activity, whose only input is in year 1, so
    from year 2, for 2 years; drop-off blank in its row, so the block's 10%):
    5 x £3,000 x (1 - 50%) x (1 - 10%) x (1 - 0) = 6,750 in year 2; 6,075 in year 3.
    PV = 6,000/1.05 + (5,400 + 6,750)/1.05**2 + (4,860 + 6,075)/1.05**3
       = 5,714.2857 + 11,020.4082 + 9,446.0641 = 26,180.7580
    Inputs: the grant, £12,000 in year 1 (undiscounted): ratio 2.1817:1.
    """
    path = svi_map(tmp_path / "svi.xlsx")
    s = import_workbook(path, beneficiary="participant", value_type="social")
    assert [(o.id, o.stakeholder, o.outcome, o.start_year) for o in s.outcomes] == [
        ("feel_less_isolated", "Isolated older people", "Feel less isolated", 1),
        ("back_into_work", "Isolated older people", "Back into work", 2)]
    isolated, work = s.outcomes
    assert isolated.proxy.value.base == 500 and isolated.proxy.source.startswith("Unit cost survey (value map")
    assert isolated.evidence.source == "Survey 2024"  # the first 'Source', by the indicator
    assert work.drop_off.base == 0.1  # from the Stage 4 block
    assert [(i.id, i.funder, i.amount.base, i.years) for i in s.inputs] == [
        ("programme_grant", "la_public_health", 12000.0, (1,))]
    assert (s.discounting.schedule, s.discounting.rate.base) == ("constant", 0.05)
    r = sroi.run(s)
    assert r.value.sum(axis=0).tolist() == pytest.approx([6000, 12150, 10935, 0, 0], rel=1e-12)
    pv = 6000 / 1.05 + 12150 / 1.05 ** 2 + 10935 / 1.05 ** 3
    assert r.present_value == pytest.approx(pv, rel=1e-12) == pytest.approx(26180.758017, rel=1e-9)
    assert r.investment == 12000
    assert r.sroi_ratio == pytest.approx(pv / 12000, rel=1e-12)
    notes = "\n".join(s.notices)
    for said in ("read SROI Value Map!F10 'Description' as the outcome column",
                 "read SROI Value Map!C10 'Description' as the input description column",
                 "read SROI Value Map!D10 'Value £' as the input value column",
                 "read SROI Value Map!H10 'Source' as the indicator source column",
                 "used SROI Value Map!B19 for the discount rate: 0.05",
                 "used SROI Value Map!B20 for the drop-off of 1 outcome row that leave it blank (F13): 0.1",
                 "SROI Value Map!K13: outcomes start 2 (after the activity): 'Back into work' starts in year 2",
                 "skipped SROI Value Map!A11: a row of guidance questions"):
        assert said in notes, said


def test_svi_before_and_after(tmp_path):
    """The figures the issue's cases gave before this reader and give now.

    Before, the template did not import at all ('Description' was no outcome column).
    Read as the old reader would have had it, with outcomes start ignored (valued from
    year 1) and the Green Book 3.5% instead of the block's 5%, 'Back into work' gives
    6,750/1.035 + 6,075/1.035**2 = 12,192.8166 against 6,750/1.05**2 + 6,075/1.05**3 =
    11,370.2624 now."""
    now = sroi.run(import_workbook(svi_map(tmp_path / "a.xlsx"), beneficiary="participant", value_type="social"))
    old = sroi.run(import_workbook(svi_map(tmp_path / "b.xlsx", start=1, block={"Drop off": 0.1}),
                                   beneficiary="participant", value_type="social"))
    assert now.pv_by_outcome[1] == pytest.approx(6750 / 1.05 ** 2 + 6075 / 1.05 ** 3, rel=1e-12)
    assert old.pv_by_outcome[1] == pytest.approx(6750 / 1.035 + 6075 / 1.035 ** 2, rel=1e-12)


@pytest.mark.parametrize("edit,expected", [
    ({"K13": 3}, "SROI Value Map!K13: outcomes start must be 1 (during the activity) or 2 (after it), got 3"),
    ({"R13": 0.4, "R12": 40}, "SROI Value Map!R12: drop-off must be a rate between 0 and 1 (or a percentage), got 40"),
    ({"B21": None, "A21": "Discount rate", "C21": 0.035},
     "SROI Value Map!C21: 'Discount rate' is 0.035 here but 0.05 in B19; give it once"),
    ({"A14": "Trustees"}, "SROI Value Map!C14: no funder for the input 'Programme grant': its stakeholder "
                          "'Trustees' is not a budget holder (an id such as la_other, or its name); give --funder, or "
                          "a cell labelled 'Funder'"),
])
def test_svi_layout_mistakes_name_the_cell(tmp_path, edit, expected):
    """A whole number in a Stage 4 column whose other rows hold fractions (R12: 40 beside
    0.4, with the cell formatted as 0%) is refused rather than read as 4000% or 40%."""
    path = svi_map(tmp_path / "svi.xlsx")
    wb = openpyxl.load_workbook(path)
    for ref, v in edit.items():
        wb.active[ref] = v
    wb.save(path)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path, beneficiary="participant", value_type="social")
    assert str(info.value) == f"{path}: {expected}"


def test_svi_inputs_in_two_places_are_refused(tmp_path):
    path = svi_map(tmp_path / "svi.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Inputs")
    ws.append(["Funder", "Description", "Amount"])
    ws.append(["nhs", "Grant", 100])
    wb.save(path)
    with pytest.raises(sroi.ScenarioError, match=r"Inputs!A1: inputs are given twice: in the map's own inputs "
                                                 r"columns \(C10\) and in this table; keep one"):
        import_workbook(path, beneficiary="participant", value_type="social")


def test_outcomes_start_beyond_the_horizon_is_refused(tmp_path):
    path = svi_map(tmp_path / "svi.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["B5"] = 1  # horizon 1: 'after the activity' would be year 2
    wb.save(path)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path, beneficiary="participant", value_type="social")
    assert str(info.value) == (f"{path}: SROI Value Map!K13: outcomes start 2 (after the activity, which ends in "
                               "year 1) puts the start in year 2, beyond the horizon of 1 years")


PLAIN = ["Stakeholder", "Outcome", "Indicator", "Quantity", "Duration (years)", "Financial proxy", "Value (£)",
         "Deadweight %", "Displacement", "Attribution (%)", "Drop-off", "Beneficiary", "Value type"]


def test_practitioners_variants_read_as_the_tidy_map(tmp_path):
    """The two-outcome map of test_excel.test_a_value_map_laid_out_by_hand_imports (PV
    31,095.1755, ratio 2.2319) written as practitioners write it: the stakeholder in a
    merged cell, deadweight as whole percentages (20 and 10 under 'Deadweight %'),
    attribution as text ('25%', '50%'), a notes column, the two sources told apart by
    bracketed qualifiers, and the discount rate in a block below the table instead of
    above it. Every figure is the tidy map's."""
    head = PLAIN[:3] + ["Source (indicator)"] + PLAIN[3:7] + ["Source (proxy)"] + PLAIN[7:] + ["Notes"]
    rows = [
        ["Participants", "Improved wellbeing", "WEMWBS gain", "Survey", 20, 3, "Wellbeing value", 1000, "HACT",
         20, 0, "25%", 0.1, "participant", "social", "from the 2023 survey"],
        [None, "Fewer GP visits", "GP visits avoided", "GP records", 30, 1, "Cost of a GP appointment", 50, "PSSRU",
         10, None, "50%", None, "nhs", "fiscal_non_cashable", None],
    ]
    path = value_map(tmp_path / "variants.xlsx", header=head, rows=rows, settings={"Discount rate": None})
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.merge_cells("A10:A11")
    ws["A14"], ws["B14"] = "Discount rate", 0.035
    ws["J10"].number_format = "General"
    wb.save(path)
    s = import_workbook(path)
    wellbeing, gp = s.outcomes
    assert (wellbeing.deadweight.base, wellbeing.attribution.base, gp.deadweight.base, gp.attribution.base) == (
        0.2, 0.25, 0.1, 0.5)
    assert gp.stakeholder == "Participants" and wellbeing.note == "from the 2023 survey"
    assert (wellbeing.evidence.source, wellbeing.proxy.source.split(" (")[0]) == ("Survey", "HACT")
    assert (s.discounting.schedule, s.discounting.rate.base) == ("constant", 0.035)
    r = sroi.run(s)
    assert r.present_value == pytest.approx(31095.175474644533, rel=1e-12)
    assert r.sroi_ratio == pytest.approx(2.231865923457496, rel=1e-12)
    assert any("as whole percentages: the column is headed 'Deadweight %' and holds 20 in J10" in n
               for n in s.notices)


def test_a_column_mixing_whole_percentages_and_fractions_is_refused(tmp_path):
    rows = [["P", "Wellbeing", None, 20, 3, None, 1000, 40, 0, 0, 0, "participant", "social"],
            [None, "Sleep", None, 20, 3, None, 1000, 0.4, 0, 0, 0, "participant", "social"]]
    path = value_map(tmp_path / "mixed.xlsx", rows=rows)
    wb = openpyxl.load_workbook(path)
    wb.active["H10"].number_format = "General"
    wb.save(path)
    with pytest.raises(sroi.ScenarioError) as info:
        import_workbook(path)
    assert str(info.value) == (f"{path}: Impact map!H11: deadweight 0.4 is a fraction in a column of whole "
                               "percentages (H10 holds 40); write every rate in the column the same way, e.g. 40 "
                               "or 40%")


def test_text_left_below_the_table_is_reported(tmp_path):
    """An outcome typed below the table without figures is not read, and says so."""
    path = value_map(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["B16"] = "Better sleep (to be valued)"
    wb.save(path)
    s = import_workbook(path)
    assert len(s.outcomes) == 2
    assert ("skipped Impact map!B16: 'Better sleep (to be valued)' below the table, with no quantity, duration or "
            "value (not read as an outcome)") in s.notices


def test_ids_made_from_long_outcomes_end_on_a_whole_word():
    """Ids were cut at 40 characters mid-word ('..._long_term_health_con')."""
    from sroi.excel.read_terms import slug

    text = "Improved confidence in managing long-term health conditions"
    assert slug(text, set(), "outcome") == "improved_confidence_in_managing_long"
    assert slug("x" * 50, set(), "outcome") == "x" * 40
    assert slug("Feel less isolated", {"feel_less_isolated"}, "outcome") == "feel_less_isolated_2"


def test_two_blank_rows_between_stakeholder_groups_no_longer_end_the_table(tmp_path):
    """Two blank rows ended the table, dropping the second stakeholder group in silence.
    Now every group is read. Hand check: the two-outcome map's PV 31,095.1755 plus
    Respite, 10 x £200 x (1 - 0.1) = 1,800 a year for 2 years at 3.5%:
    1,800/1.035 + 1,800/1.035**2 = 3,419.4497; inputs 13,932.3671; ratio 2.4773."""
    rows = [
        ["Participants", "Improved wellbeing", "WEMWBS gain", 20, 3, "Wellbeing value", 1000, 0.2, 0, 0.25, 0.1,
         "participant", "social"],
        [None, "Fewer GP visits", "GP visits avoided", 30, 1, "Cost of a GP appointment", 50, "10%", None, 0.5, None,
         "nhs", "fiscal_non_cashable"],
        ["Subtotal", None, None, None, None, None, 1050], [], [],
        ["Carers", "Respite", "Hours of respite", 10, 2, "Respite hour", 200, 0.1, 0, 0, 0, "family_carers", "social"],
    ]
    s = import_workbook(value_map(tmp_path / "groups.xlsx", rows=rows))
    assert [o.id for o in s.outcomes] == ["improved_wellbeing", "fewer_gp_visits", "respite"]
    r = sroi.run(s)
    pv = 31_095.175474644533 + 1800 / 1.035 + 1800 / 1.035 ** 2
    assert r.present_value == pytest.approx(pv, rel=1e-12)
    assert r.sroi_ratio == pytest.approx(pv / (10000 + 2000 + 2000 / 1.035), rel=1e-12)
    assert "skipped Impact map!A13: a blank row inside the table (rows after it are read)" in s.notices
