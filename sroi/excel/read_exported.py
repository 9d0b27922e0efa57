"""Read the workbook ``sroi export`` writes back into a scheme.

Only the visible input cells are read (an assumption changed in Excel flows back);
formula cells never are. The rows and columns are found by
:class:`~sroi.excel.layout.Layout` from the counts on 'About', and the labels the
layout fixes are checked, so a moved, inserted or deleted row is named rather than
misread. Each parameter's range, distribution and evidence come from its row of
'Parameters'.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl.utils import get_column_letter

from ..discounting import GREEN_BOOK_BANDS
from .read_errors import validate
from .layout import (
    ABOUT, DISCOUNT_BAND_FIRST, DISCOUNTING, FIRST_ROW, GAPS, HOLDERS, INPUT_COLUMNS, INPUTS, MAP, OUTCOME_COLUMNS,
    CORRELATION_COLUMNS, CORRELATIONS, FIGURE_COLUMNS, REPRODUCTION, REPRODUCTION_FIGURES_HEADER, REPRODUCTION_ROWS,
    PARAMETER_META, PARAMETERS, SCENARIOS, SETTINGS, SETTINGS_ROWS, SOURCES, STRUCTURE_LABELS, YEARS, Layout,
)
from .read_cells import EXPORT_SHEETS, Book, Reader, blank, present, shown
from ..model import Scheme


class ExportedReader(Reader):
    """Reads the layout written by :mod:`sroi.excel.write`."""

    def __init__(self, book: Book) -> None:
        super().__init__(book)
        # "Sheet!A1" -> (row on 'Parameters', {key: (raw value, its cell)})
        self.meta: dict[str, tuple[int, dict[str, tuple[Any, str]]]] = {}
        # parameter name (column A, e.g. "gain.deadweight") -> its "Sheet!A1" key above: a row of
        # 'Parameters' belongs to its parameter by name, so a sorted impact map keeps each
        # outcome's range, distribution and source (the cell is the fallback, for a renamed id)
        self.meta_names: dict[str, str] = {}
        self.row_id: str | None = None  # the id of the outcome or input row being read
        self.names_by_key: dict[str, str] = {}  # "Sheet!A1" -> the name on its 'Parameters' row
        self.renames: dict[str, str] = {}  # an id renamed in the workbook: old id -> new id

    # -- structure ---------------------------------------------------------------------
    def labelled_rows(self, sheet: str, labels: list[str], column: str = "A", last: int = 80) -> dict[str, int]:
        found: dict[str, int] = {}
        wanted = {lab.lower(): lab for lab in labels}
        for r in range(1, min(last, self.book.max_row(sheet)) + 1):
            v = self.book.formulas[sheet][f"{column}{r}"].value
            if isinstance(v, str) and v.strip().lower() in wanted:
                found.setdefault(wanted[v.strip().lower()], r)
        for lab in labels:
            if lab not in found:
                raise self.fail(sheet, column, f"no row labelled '{lab}'; the exported layout was changed")
        return found

    def layout(self) -> Layout:
        rows = self.labelled_rows(ABOUT, list(STRUCTURE_LABELS))
        counts = []
        for lab in STRUCTURE_LABELS:
            n = self.c.whole(ABOUT, f"B{rows[lab]}", lab.lower())
            if n is None or n < 1:
                raise self.fail(ABOUT, f"B{rows[lab]}", f"{lab.lower()} must be a whole number of at least 1")
            counts.append(n)
        outcomes, inputs, horizon, intakes = counts
        periods = 0
        while self.book.formulas[DISCOUNTING][f"A{Layout.custom_row(periods + 1)}"].value is not None:
            periods += 1
        return Layout(outcomes, inputs, horizon, intakes, periods)

    def expect_label(self, sheet: str, ref: str, text: str) -> None:
        v = self.book.formulas[sheet][ref].value
        if not (isinstance(v, str) and v.strip() == text):
            raise self.fail(sheet, ref, f"expected the label '{text}', got {shown(v) if v is not None else 'a blank'}"
                                        "; rows of the exported layout must not be moved, inserted or deleted")

    # -- parameters --------------------------------------------------------------------
    def read_meta(self) -> None:
        sh = PARAMETERS
        for r in range(FIRST_ROW, self.book.max_row(sh) + 1):
            key = self.book.formulas[sh][f"C{r}"].value
            values = {m: (self.book.get(sh, f"{chr(ord('E') + k)}{r}"), f"{chr(ord('E') + k)}{r}")
                      for k, m in enumerate(PARAMETER_META)}
            if blank(key):
                if any(not blank(v) for v, _ in values.values()):
                    raise self.fail(sh, f"C{r}", "base value cell missing; name the cell that holds the base value "
                                                 "(such as 'Impact map!O5')")
                continue
            if not isinstance(key, str):
                raise self.fail(sh, f"C{r}", f"must name a cell such as 'Impact map!O5', got {shown(key)}")
            self.meta[key.strip()] = (r, values)
            name = self.book.formulas[sh][f"A{r}"].value
            if isinstance(name, str) and name.strip():
                self.meta_names[name.strip()] = key.strip()
                self.names_by_key[key.strip()] = name.strip()

    def param(self, sheet: str, ref: str, path: str, label: str, kind: str, *, base: bool = True) -> Any:
        """A parameter: the base from its cell, the rest from its row of 'Parameters'."""
        x = self.c.number(sheet, ref, label, kind, path) if base else None
        self.c.note(f"{path}.base", sheet, ref, label)
        name = self.param_name(path)
        key = self.meta_names.get(name or "", f"{sheet}!{ref}")
        old = self.names_by_key.get(key)
        if name and old and old != name and self.row_id and "." in old:  # found by cell: the id was renamed
            self.renames[old.rsplit(".", 1)[0]] = self.row_id
        meta = self.meta.pop(key, (0, None))[1]
        if not meta or all(blank(v) for v, _ in meta.values()):
            return x
        out: dict[str, Any] = {} if x is None and base else ({"base": x} if base else {})
        dist: dict[str, Any] = {}
        for key in PARAMETER_META:
            raw, cell = meta[key]
            self.c.note(f"{path}.distribution.type" if key == "distribution" else
                        f"{path}.distribution.{key}" if key in ("sd", "lambda") else f"{path}.{key}",
                        PARAMETERS, cell, f"{label} {key}")
            if blank(raw):
                continue
            if key in ("low", "high"):
                out[key] = self.c.number(PARAMETERS, cell, f"{label} {key}", kind, value=raw)
            elif key in ("sd", "lambda"):
                dist[key] = self.c.number(PARAMETERS, cell, f"{label} {key}", "number", value=raw)
            elif key == "distribution":
                dist["type"] = self.c.text(PARAMETERS, cell, f"{label} distribution")
            elif key == "grade":
                out[key] = self.c.whole(PARAMETERS, cell, f"{label} grade")
            else:
                out[key] = self.c.text(PARAMETERS, cell, f"{label} {key}")
        if dist:
            out["distribution"] = dist
            self.c.note(f"{path}.distribution", PARAMETERS, meta["distribution"][1], f"{label} distribution")
        return out

    def param_name(self, path: str) -> str | None:
        """The parameter's name as 'Parameters' column A writes it, from its field path."""
        if path == "discounting.rate":
            return path
        if path.startswith("cohort.participants["):
            return f"cohort.year{path[len('cohort.participants['):-1]}"
        if self.row_id is None or not path.startswith(("outcomes[", "inputs[")):
            return None
        parts = path.split(".")
        field = "proxy" if "proxy" in parts else parts[-1]
        return f"{self.row_id}.{field}"

    # -- sheets ------------------------------------------------------------------------
    def read(self) -> Scheme:
        for sheet in EXPORT_SHEETS:
            self.book.need(sheet)
        L = self.layout()
        self.read_meta()
        c = self.c
        rows = self.labelled_rows(SETTINGS, [lab for _k, lab, _h in SETTINGS_ROWS])
        row = {key: rows[lab] for key, lab, _h in SETTINGS_ROWS}
        S = SETTINGS

        def setting_text(key: str, path: str) -> str | None:
            return c.text(S, f"B{row[key]}", path.split(".")[-1].replace("_", " "), path)

        data: dict[str, Any] = present([*((key, setting_text(key, key)) for key in ("name", "place", "description",
                                                                                     "currency")),
                                        ("price_base", c.price_year(S, f"B{row['price_base']}", "price base",
                                                                    "price_base"))])
        horizon = c.whole(S, f"B{row['horizon']}", "horizon", "horizon")
        if horizon != L.horizon:
            raise self.fail(S, f"B{row['horizon']}", f"horizon is {shown(horizon) if horizon else 'blank'} but "
                                                      f"this workbook has {L.horizon} year columns; the horizon is "
                                                      "fixed by the export: change it in the scheme file and export "
                                                      "again")
        data["horizon"] = horizon
        for key in ("uncertainty", "payback"):
            value = setting_text(key, key)
            if value is not None:
                data[key] = value
        dist = present([(key, c.number(S, f"B{row['distributional_' + key]}", key.replace("_", " "), "number",
                                       f"distributional.{key}")) for key in ("eta", "reference_income")]
                       + [("source", setting_text("distributional_source", "distributional.source"))])
        if dist:
            data["distributional"] = dist
        tables = setting_text("proxy_tables", "proxy_tables")
        if tables:
            data["proxy_tables"] = [t.strip() for t in tables.splitlines() if t.strip()]
        disc = present([("convention", setting_text("convention", "discounting.convention")),
                        ("schedule", setting_text("schedule", "discounting.schedule")),
                        ("rate", self.param(S, f"B{row['rate']}", "discounting.rate", "constant discount rate",
                                            "rate")),
                        ("source", setting_text("discounting_source", "discounting.source"))])
        self.check_bands()
        rates = self.column_run(DISCOUNTING, "B", [Layout.custom_row(t) for t in range(1, L.periods + 1)],
                                "custom discount rate", "rate")
        if rates:
            disc["rates"] = rates
            c.note("discounting.rates", DISCOUNTING, f"B{Layout.custom_row(1)}", "custom discount rates")
            for t in range(1, len(rates) + 1):
                c.note(f"discounting.rates[{t}]", DISCOUNTING, f"B{Layout.custom_row(t)}", f"custom rate {t}")
        data["discounting"] = disc

        people = self.cohort(L)
        if people:
            data["cohort"] = {"participants": people,
                              **present([("source", setting_text("cohort_source", "cohort.source"))])}
            c.note("cohort.participants", YEARS, f"{L.year_col(1)}{L.PEOPLE_ROW}", "participants")
        elif setting_text("cohort_source", "cohort.source") is not None:
            raise self.fail(S, f"B{row['cohort_source']}", "cohort source is given but no participants are "
                                                           f"listed on '{YEARS}'")

        data["sources"] = self.records(SOURCES, ("id", "citation", "url", "note"), "source", "sources")
        data["budget_holders"] = self.records(HOLDERS, ("id", "name"), "budget holder", "budget_holders")
        data["gaps"] = self.gaps()
        data["inputs"] = [self.input(L, j) for j in range(L.inputs)]
        data["outcomes"] = [self.outcome(L, i) for i in range(L.outcomes)]
        data["scenarios"] = self.renamed_sets(self.scenarios())
        data["correlations"] = self.correlations()
        for corr in data["correlations"]:
            corr["parameters"] = [self.renamed(n) for n in corr["parameters"]]
        reproduction = self.reproduction()
        if reproduction:
            data["reproduction"] = reproduction
        self.no_extra_rows(INPUTS, INPUT_COLUMNS, L.inputs, "input")
        self.no_extra_rows(MAP, OUTCOME_COLUMNS, L.outcomes, "outcome")
        for key, (r, values) in self.meta.items():
            if any(not blank(v) for v, _ in values.values()):
                raise self.fail(PARAMETERS, f"C{r}", f"'{key}' is not a parameter cell of this workbook "
                                                     "(it holds no number the scheme uses)")
        for key in ("sources", "budget_holders", "gaps", "scenarios", "correlations"):
            if not data[key]:
                del data[key]
        scheme = validate(data, self.book.file, c.where)
        self.check_library(scheme, L)
        self.check_formulas(scheme)
        return scheme

    def check_formulas(self, scheme: Scheme) -> None:
        """A formula cell typed over with a number changes what the workbook shows but not
        the scheme, so the two would disagree in silence: refuse it, naming the cell. The
        cells checked are those the export writes as formulas for this scheme (rebuilt
        from what was read, so a sorted map is checked row for row)."""
        from .write import build_workbook

        expected = build_workbook(scheme)
        for ws in expected.worksheets:
            if ws.title not in self.book.formulas.sheetnames:
                continue
            mine = self.book.formulas[ws.title]
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    got = mine[cell.coordinate]
                    if got.data_type == "f" or (isinstance(got.value, str) and got.value.startswith("=")):
                        continue
                    raise self.fail(ws.title, cell.coordinate,
                                    f"this cell held a formula and now holds {shown(got.value) if got.value is not None else 'nothing'}"
                                    "; sroi import reads only the yellow input cells, so the scheme would not "
                                    "match what the workbook shows: put the change in an input cell (or restore "
                                    "the formula by exporting again)")

    def check_bands(self) -> None:
        lower = 0.0
        for k, (last, rate) in enumerate(GREEN_BOOK_BANDS):
            r = DISCOUNT_BAND_FIRST + k
            got = self.book.get(DISCOUNTING, f"C{r}")
            first = int(lower + 1)
            span = f"periods {first} to {int(last)}" if last != math.inf else f"periods from {first}"
            if not isinstance(got, (int, float)) or isinstance(got, bool) or float(got) != rate:
                raise self.fail(DISCOUNTING, f"C{r}", f"the Green Book rate for {span} is {rate:g}, got "
                                                      f"{shown(got)}; to use other rates set the discount schedule "
                                                      "to 'custom' and list them under Custom rates")
            lower = last

    def column_run(self, sheet: str, column: str, rows: list[int] | list[str], label: str, kind: str) -> list[Any]:
        """Values down (or across) a run of cells, stopping at the first blank; a value
        after a blank is an error."""
        out: list[Any] = []
        gap = None
        for r in rows:
            ref = f"{column}{r}" if column else str(r)
            v = self.book.get(sheet, ref)
            if blank(v):
                gap = gap or ref
                continue
            if gap:
                raise self.fail(sheet, ref, f"{label} after a blank at {gap}; fill the gap (0 if need be) or "
                                            "clear the later cells")
            out.append(self.c.number(sheet, ref, label, kind))
        return out

    def cohort(self, L: Layout) -> list[Any]:
        sh, r = YEARS, L.PEOPLE_ROW
        self.expect_label(sh, f"A{r}", "Participants joining in the year")
        cells = [f"{L.year_col(y)}{r}" for y in range(1, L.horizon + 1)]
        values = self.column_run(sh, "", cells, "participants", "number")
        if len(values) > L.intakes:
            ref = cells[L.intakes]
            raise self.fail(sh, ref, f"participants in year {L.intakes + 1} are beyond the {L.intakes} intake "
                                     f"year{'s' if L.intakes > 1 else ''} this workbook was built for; add them in "
                                     "the scheme file and export again")
        return [self.param(sh, cells[y], f"cohort.participants[{y + 1}]", f"participants in year {y + 1}", "number")
                for y in range(len(values))]

    def table_rows(self, sheet: str, ncols: int) -> list[tuple[int, list[Any]]]:
        out = []
        for r in range(FIRST_ROW, self.book.max_row(sheet) + 1):
            vals = [self.book.get(sheet, f"{chr(ord('A') + k)}{r}") for k in range(ncols)]
            if any(not blank(v) for v in vals):
                out.append((r, vals))
        return out

    def records(self, sheet: str, keys: tuple[str, ...], what: str, field: str) -> list[dict[str, Any]]:
        """One record per non-blank row of a table of text columns ``keys`` (from A), read
        into the scheme's list ``field``; ``what`` names one record in messages."""
        out = []
        for k, (r, _vals) in enumerate(self.table_rows(sheet, len(keys)), 1):
            out.append(present((key, self.c.text(sheet, f"{chr(ord('A') + n)}{r}", f"{what} {key}",
                                                 f"{field}[{k}].{key}")) for n, key in enumerate(keys)))
            self.c.note(f"{field}[{k}]", sheet, f"A{r}", what)
        return out

    def scenarios(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        sh, c = SCENARIOS, self.c
        for r, vals in self.table_rows(sh, 5):
            name = c.text(sh, f"A{r}", "scenario name")
            if name is not None:
                k = len(out) + 1
                at = f"scenarios[{k}]"
                c.note(at, sh, f"A{r}", "scenario")
                c.note(f"{at}.name", sh, f"A{r}", "scenario name")
                c.note(f"{at}.set", sh, f"D{r}", "scenario parameters")
                out.append({"name": name, "set": {}})
                out[-1].update(present((key, c.text(sh, f"{column}{r}", f"scenario {key}", f"{at}.{key}"))
                                       for key, column in (("description", "B"), ("source", "C"))))
            elif not out:
                raise self.fail(sh, f"A{r}", "scenario name missing; the first row of a scenario names it")
            else:
                for column in ("B", "C"):
                    if not blank(vals[ord(column) - ord("A")]):
                        raise self.fail(sh, f"{column}{r}", "a scenario's description and source go on its first "
                                                            "row, beside its name")
            at = f"scenarios[{len(out)}]"
            pname = c.text(sh, f"D{r}", "parameter")
            value = c.number(sh, f"E{r}", "scenario value", "number")
            if pname is None and value is None:
                continue
            if pname is None:
                raise self.fail(sh, f"D{r}", "parameter missing; name the parameter this value replaces")
            if value is None:
                raise self.fail(sh, f"E{r}", f"value missing for parameter '{pname}'")
            if pname in out[-1]["set"]:
                raise self.fail(sh, f"D{r}", f"parameter '{pname}' is set twice in this scenario")
            out[-1]["set"][pname] = value
            c.note(f"{at}.set.{pname}", sh, f"E{r}", f"value of {pname}")
        return out

    def renamed(self, name: str) -> str:
        """A parameter name with an id renamed in the workbook replaced by its new id."""
        owner, dot, field = name.rpartition(".")
        return f"{self.renames[owner]}.{field}" if dot and owner in self.renames else name

    def renamed_sets(self, scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Scenarios follow an id renamed in the workbook, as 'Parameters' does."""
        for sc in scenarios:
            sc["set"] = {self.renamed(k): v for k, v in sc["set"].items()}
        return scenarios

    def correlations(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        sh, c = CORRELATIONS, self.c
        for r, _vals in self.table_rows(sh, len(CORRELATION_COLUMNS)):
            at = f"correlations[{len(out) + 1}]"
            c.note(at, sh, f"A{r}", "correlation")
            c.note(f"{at}.parameters", sh, f"A{r}", "correlated parameters")
            names = [c.text(sh, f"{column}{r}", "parameter", f"{at}.parameters") for column in ("A", "B")]
            if None in names:
                raise self.fail(sh, f"{'A' if names[0] is None else 'B'}{r}", "parameter missing; a correlation "
                                                                               "names two parameters")
            rho = c.number(sh, f"C{r}", "rank correlation", "number", f"{at}.rho")
            if rho is None:
                raise self.fail(sh, f"C{r}", "rank correlation missing")
            out.append({"parameters": names, "rho": rho,
                        **present([("source", c.text(sh, f"D{r}", "source", f"{at}.source"))])})
        return out

    def reproduction(self) -> dict[str, Any]:
        sh, c = REPRODUCTION, self.c
        d: dict[str, Any] = {}
        for k, (key, label, _h) in enumerate(REPRODUCTION_ROWS, 4):
            ref, path = f"B{k}", f"reproduction.{key}"
            self.expect_label(sh, f"A{k}", label)
            v = (c.number(sh, ref, label.lower(), "number", path) if key == "tolerance"
                 else c.text(sh, ref, label.lower(), path))
            if v is not None:
                d[key] = v
        figures: list[dict[str, Any]] = []
        for r in range(REPRODUCTION_FIGURES_HEADER + 2, self.book.max_row(sh) + 1):
            at = f"reproduction.figures[{len(figures) + 1}]"
            row: dict[str, Any] = {}
            for n, (key, *_rest) in enumerate(FIGURE_COLUMNS):
                ref = f"{get_column_letter(n + 1)}{r}"
                v = (c.number(sh, ref, key.replace("_", " "), "number", f"{at}.{key}")
                     if key in ("published", "tolerance", "abs_tolerance") else
                     c.text(sh, ref, key.replace("_", " "), f"{at}.{key}"))
                if v is not None:
                    row[key] = v
            if row:
                c.note(at, sh, f"A{r}", "published figure")
                figures.append(row)
        if figures:
            d["figures"] = figures
        return d

    def gaps(self) -> list[str]:
        out = []
        for r, _vals in self.table_rows(GAPS, 1):
            text = self.c.text(GAPS, f"A{r}", "gap")
            if text is not None:  # table_rows yields only rows with something in them
                out.append(text)
        return out

    def no_extra_rows(self, sheet: str, columns, n: int, what: str) -> None:
        inputs = [k for k, (*_rest, style) in enumerate(columns, 1) if style == "input"]
        for r in range(FIRST_ROW + n, self.book.max_row(sheet) + 1):
            for k in inputs:
                ref = f"{get_column_letter(k)}{r}"
                if not blank(self.book.formulas[sheet][ref].value):
                    raise self.fail(sheet, ref, f"this workbook was exported with {n} {what} row"
                                                f"{'s' if n != 1 else ''}; a row added here has no year-by-year "
                                                f"formulas: add the {what} to the scheme file and export again "
                                                "(or import a value map)")

    def row_texts(self, sh: str, r: int, col, at: str, what: str, label: str, keys: tuple[str, ...]) -> dict[str, Any]:
        """Row ``r`` of a table sheet, the source of ``at`` (named ``label``): its text
        columns ``keys``, of which the id is required (``what``: one row, in messages)."""
        self.c.note(at, sh, f"A{r}", label)
        d = present((key, self.c.text(sh, f"{col(key)}{r}", key.replace("_", " "), f"{at}.{key}")) for key in keys)
        if "id" not in d:
            raise self.fail(sh, f"A{r}", f"ID missing; every {what} row needs an id (rows cannot be removed from an "
                                         f"exported workbook: remove the {what} from the scheme file and export "
                                         "again)")
        return d

    def input(self, L: Layout, j: int) -> dict[str, Any]:
        sh, r, col, c, at = INPUTS, L.in_row(j), Layout.in_col, self.c, f"inputs[{j + 1}]"
        d = self.row_texts(sh, r, col, at, "input", "input", ("id", "description", "funder", "kind", "basis", "unit",
                                                              "source", "note"))
        self.row_id = d["id"]
        amounts = ((key, self.param(sh, f"{col(key)}{r}", f"{at}.{key}", key.replace("_", " "), kind))
                   for key, kind in (("amount", "money"), ("quantity", "number"), ("unit_cost", "money")))
        d.update(present([*amounts, ("price_year", c.price_year(sh, f"{col('price_year')}{r}", "price year",
                                                                f"{at}.price_year")),
                          ("grade", c.whole(sh, f"{col('grade')}{r}", "evidence grade", f"{at}.grade"))]))
        fr = L.flag_row(j)
        self.expect_label(YEARS, f"A{fr}", "Spent in this year? (1 = yes)")
        d["years"] = [y for y in range(1, L.horizon + 1)
                      if c.flag(YEARS, f"{L.year_col(y)}{fr}", "a year of spending")]
        c.note(f"{at}.years", YEARS, f"{L.year_col(1)}{fr}", "years of spending")
        return d

    def outcome(self, L: Layout, i: int) -> dict[str, Any]:
        sh, r, col, c, at = MAP, L.out_row(i), Layout.out_col, self.c, f"outcomes[{i + 1}]"
        d = self.row_texts(sh, r, col, at, "outcome", "outcome row", ("id", "stakeholder", "outcome", "indicator",
                                                                      "beneficiary", "value_type", "note"))
        self.row_id = d["id"]
        basis = c.text(sh, f"{col('quantity_basis')}{r}", "quantity basis")
        ref = f"{col('quantity')}{r}"
        c.note(f"{at}.quantity", sh, ref, "quantity")
        success_ref = f"{col('success')}{r}"
        if basis == "count":
            d["quantity"] = {"count": self.param(sh, ref, f"{at}.quantity.count", "quantity", "number")}
        elif basis == "rate":
            d["quantity"] = {"rate": self.param(sh, ref, f"{at}.quantity.rate", "quantity (a rate)", "rate")}
        elif basis == "engagement_success":
            d["quantity"] = {"engagement": self.param(sh, ref, f"{at}.quantity.engagement", "engagement", "rate"),
                             "success": self.param(sh, success_ref, f"{at}.quantity.success", "success rate",
                                                   "rate")}
        else:
            raise self.fail(sh, f"{col('quantity_basis')}{r}", "quantity basis must be count, rate or "
                                                               f"engagement_success, got {shown(basis)}")
        if basis != "engagement_success" and not blank(self.book.get(sh, success_ref)):
            raise self.fail(sh, success_ref, "success rate is used only with quantity basis engagement_success; "
                                             "clear it or change the basis")
        for q in d["quantity"].values():
            if q is None:
                raise self.fail(sh, ref, "quantity missing; every outcome needs a quantity")
        d["proxy"] = self.proxy(sh, r, at)
        d.update(present((key, self.param(sh, f"{col(key)}{r}", f"{at}.{key}", key.replace("_", "-"), kind))
                         for key, kind in (("deadweight", "rate"), ("displacement", "rate"), ("attribution", "rate"),
                                           ("drop_off", "rate"), ("duration", "years"))))
        start = c.whole(sh, f"{col('start_year')}{r}", "start year", f"{at}.start_year")
        if start is not None:
            d["start_year"] = start
        d["disbenefit"] = c.flag(sh, f"{col('disbenefit')}{r}", "disbenefit", yes_no=True)
        d.update(present([("income_quintile", c.whole(sh, f"{col('income_quintile')}{r}", "income quintile",
                                                      f"{at}.income_quintile")),
                          ("recipient_income", c.number(sh, f"{col('recipient_income')}{r}", "recipients' income",
                                                        "money", f"{at}.recipient_income"))]))
        evidence = present([*((key, c.text(sh, f"{col('evidence_' + key)}{r}", f"evidence {key}",
                                           f"{at}.evidence.{key}")) for key in ("source", "confidence", "note")),
                            ("grade", c.whole(sh, f"{col('evidence_grade')}{r}", "evidence grade",
                                              f"{at}.evidence.grade"))])
        if evidence:
            d["evidence"] = evidence
        return d

    def proxy(self, sh: str, r: int, at: str) -> Any:
        c, col = self.c, Layout.out_col
        ref = c.text(sh, f"{col('proxy_ref')}{r}", "proxy library id", f"{at}.proxy")
        if ref is not None:
            extras = self.param(sh, f"{col('proxy_value')}{r}", f"{at}.proxy", "proxy", "money", base=False)
            return {"id": ref, **(extras or {})}
        value = self.param(sh, f"{col('proxy_value')}{r}", f"{at}.proxy.value", "value per unit", "money")
        details = ((key, c.text(sh, f"{col(name)}{r}", name.replace("_", " "), f"{at}.proxy.{key}"))
                   for key, name in (("unit", "proxy_unit"), ("source", "proxy_source"), ("url", "proxy_url"),
                                     ("description", "proxy_description")))
        return present([("value", value), *details,
                        ("price_year", c.price_year(sh, f"{col('proxy_price_year')}{r}", "proxy price year",
                                                    f"{at}.proxy.price_year"))])

    def check_library(self, scheme: Scheme, L: Layout) -> None:
        """Cells shown from the proxy library must still match it: an edit there would
        change the workbook's figures but could not be held by a library reference."""
        col = Layout.out_col
        for i, o in enumerate(scheme.outcomes):
            pr = o.proxy
            if pr.ref is None:
                continue
            r = L.out_row(i)
            library = {
                "proxy_value": (pr.value.base, lambda ref: self.c.number(MAP, ref, "value per unit", "money")),
                "proxy_unit": (pr.unit, lambda ref: self.c.text(MAP, ref, "unit")),
                "proxy_price_year": (pr.price_year.to_toml(), lambda ref: self.c.price_year(MAP, ref, "price year")),
                "proxy_source": (pr.source, lambda ref: self.c.text(MAP, ref, "source")),
                "proxy_url": (pr.url, lambda ref: self.c.text(MAP, ref, "url")),
                "proxy_description": (pr.description, lambda ref: self.c.text(MAP, ref, "description")),
            }
            for key, (expected, read) in library.items():
                ref = f"{col(key)}{r}"
                got = read(ref)
                if (key == "proxy_value" and isinstance(got, float) and isinstance(expected, float)
                        and math.isclose(got, expected, rel_tol=1e-14)):
                    continue  # LibreOffice saves 15 significant digits; the library row keeps all 17
                if got != expected:
                    label = next(h for k, h, *_ in OUTCOME_COLUMNS if k == key).lower()
                    raise self.fail(MAP, ref, f"{label} {shown(got) if got is not None else 'blank'} differs from "
                                              f"proxy library entry '{pr.ref}' ({shown(expected)}); to use your own, "
                                              "clear the proxy library id and give the value, unit, price year and "
                                              "source")
