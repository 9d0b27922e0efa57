"""Write a scheme as an Excel impact map whose every derived cell is a live formula.

The layout (documented sheet by sheet in ``docs/excel.md``) is fixed by
:class:`~sroi.excel.layout.Layout`, which both the writer here and the reader in
:mod:`sroi.excel.read_exported` use, so the two cannot drift. Input cells hold the
scheme's numbers (:mod:`sroi.excel.write_sheets`); every figure the engine computes
(rebasing, first-year impact, the year-by-year values by intake, discount factors,
present values, NPV, ratios, the budget-holder ledger and payback) is an Excel formula
over them (:mod:`sroi.excel.write_formulas`), reproducing :mod:`sroi.engine` exactly, so a
change made in Excel or LibreOffice recalculates everything.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Iterator

from openpyxl import Workbook

from ..errors import ScenarioError
from .write_formulas import FormulaSheets
from .layout import INPUTS, LAYOUT_VERSION, MAP, RESULTS, YEARS, Layout
from .write_sheets import InputSheets
from ..model import Scheme

__all__ = ["Layout", "build_workbook", "workbook_bytes", "export_workbook", "engine_figures", "LAYOUT_VERSION"]


class _Writer(InputSheets, FormulaSheets):
    def build(self) -> Workbook:
        self.settings()
        self.inputs()
        self.impact_map()
        self.discounting()
        self.workings()
        self.years()
        self.results()
        self.sources()
        self.holders()
        self.gaps()
        self.deflator()
        self.parameters()  # last: every parameter cell is known by now
        self.scenarios()
        self.correlations()
        self.reproduction()
        self.about()
        self.wb.calculation.fullCalcOnLoad = True
        return self.wb


def build_workbook(scheme: Scheme) -> Workbook:
    """The impact map of ``scheme`` as an openpyxl :class:`Workbook` (not saved).

    A scheme with a transfer is refused: the workbook's formulas would count it as value
    to society, so the workbook would not match the scheme. So is an outcome on its own
    discount schedule (the workbook discounts all value with one row of factors)."""
    for i, o in enumerate(scheme.outcomes, 1):
        if o.is_transfer:
            raise ScenarioError(scheme.path, f"outcomes[{i}].value_type", "a transfer cannot be exported to a "
                                "workbook yet: its formulas would count it as value to society; export a copy "
                                "without the transfer, or work with the scheme file")
        if o.proxy.measure is not None:
            raise ScenarioError(scheme.path, f"outcomes[{i}].proxy.measure", "an outcome valued in a measure "
                                f"({o.proxy.measure.unit}) cannot be exported to a workbook yet: its columns hold a "
                                "money value per unit; work with the scheme file")
        if o.cashable_step is not None:
            raise ScenarioError(scheme.path, f"outcomes[{i}].cashable_step", "an outcome cashable in steps of "
                                "capacity cannot be exported to a workbook yet (it has no column for the step); "
                                "work with the scheme file")
        if o.schedule != "scheme":
            raise ScenarioError(scheme.path, f"outcomes[{i}].schedule", f"an outcome on the '{o.schedule}' "
                                "discount schedule cannot be exported to a workbook yet: the workbook has one row "
                                "of value discount factors; work with the scheme file")
    if scheme.discounting.schedule == "green_book_2026":
        raise ScenarioError(scheme.path, "discounting.schedule", "the 2026 Green Book schedule cannot be exported to "
                            "a workbook yet (its formulas carry the 2022 bands); work with the scheme file")
    return _Writer(scheme).build()


def workbook_bytes(scheme: Scheme) -> bytes:
    """The impact map of ``scheme`` as the bytes of an .xlsx file."""
    from ..fileio import deterministic_zip

    buf = io.BytesIO()
    build_workbook(scheme).save(buf)
    return deterministic_zip(buf.getvalue())  # no clock in the bytes: same scheme, same file


def export_workbook(scheme: Scheme, path: str | Path, *, force: bool = False) -> Path:
    """Write ``scheme`` to ``path`` as an .xlsx impact map with live formulas.

    The file is written atomically and an existing file is never overwritten unless
    ``force`` is true (:class:`~sroi.fileio.OutputExistsError`).
    """
    from ..fileio import atomic_write

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ScenarioError(str(path), "", f"sroi export writes an .xlsx workbook; name the output "
                                           f"'{target.with_suffix('.xlsx').name}'")
    return atomic_write(target, workbook_bytes(scheme), force=force)


def engine_figures(scheme: Scheme) -> Iterator[tuple[str, str, str, float]]:
    """Every computed cell of the exported workbook that the engine also computes:
    ``(what, sheet, cell, engine value)``. Used to check a recalculated workbook."""
    from ..results import run

    r = run(scheme)
    L = Layout.of(scheme)
    for y in range(1, L.horizon + 1):
        yc = L.year_col(y)
        yield f"value discount factor, year {y}", YEARS, f"{yc}{L.VALUE_DF_ROW}", float(r.value_df[y - 1])
        yield f"input discount factor, year {y}", YEARS, f"{yc}{L.INPUT_DF_ROW}", float(r.cost_df[y - 1])
        for i, o in enumerate(scheme.outcomes):
            yield f"{o.id}, year {y}", YEARS, f"{yc}{L.value_row(i)}", float(r.value[i, y - 1])
        for j, inp in enumerate(scheme.inputs):
            yield f"{inp.id}, year {y}", YEARS, f"{yc}{L.cost_row(j)}", float(r.cost[j, y - 1])
    by_year = r.by_year
    for y in range(1, L.horizon + 1):
        yc = L.year_col(y)
        row = by_year.loc[y]
        for key, rr in (("value", L.total_value_row), ("inputs", L.total_cost_row),
                        ("pv_value", L.pv_value_row), ("pv_inputs", L.pv_cost_row),
                        ("cumulative_npv", L.cum_npv_row)):
            yield f"{key}, year {y}", YEARS, f"{yc}{rr}", float(row[key])
    for i, o in enumerate(scheme.outcomes):
        yield f"{o.id}: present value", MAP, f"{Layout.out_col('pv')}{L.out_row(i)}", float(r.pv_by_outcome[i])
        yield f"{o.id}: undiscounted", MAP, f"{Layout.out_col('total')}{L.out_row(i)}", float(r.value[i].sum())
    for j, inp in enumerate(scheme.inputs):
        yield f"{inp.id}: present value", INPUTS, f"{Layout.in_col('pv')}{L.in_row(j)}", float(r.pv_by_input[j])
    for key, row in L.HEADLINE.items():
        yield key, RESULTS, f"B{row}", float(getattr(r, key))
    for k, (holder, rec) in enumerate(r.ledger.iterrows()):
        for key in L.LEDGER_KEYS[2:]:
            yield f"ledger {holder} {key}", RESULTS, f"{L.ledger_col(key)}{L.ledger_row(k)}", float(rec[key])
