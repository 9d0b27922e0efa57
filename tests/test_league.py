"""The league table as a commissioner reads it: holders grouped by kind, illustrative
schemes marked, the text within 100 columns."""

from __future__ import annotations

import pytest
import tomli_w

import sroi
from sroi.cli import main
from sroi.compare import compare
from sroi.model import HOLDER_KINDS, KIND_ORDER, BUDGET_HOLDERS, holder_kind
from sroi.uncertainty import illustrative

from .conftest import minimal


def _scheme(grades, assumed=False, name="S"):
    """Two outcomes of one year, 600 and 400 a year (SROI Guide timing at 3.5%: PVs
    600/1.035 and 400/1.035), received by the NHS and by a council's adult social care;
    the grant is 1,000."""
    base = {"stakeholder": "People", "duration": 1, "value_type": "fiscal_non_cashable", "quantity": 1}
    out = [dict(base, id="big", outcome="Big", beneficiary="nhs",
                proxy={"value": 600, "unit": "per year", "price_year": 2024, "source": "test"}),
           dict(base, id="small", outcome="Small", beneficiary="la_adult_social_care",
                proxy={"value": 400, "unit": "per year", "price_year": 2024, "source": "test"})]
    for o, g in zip(out, grades):
        if g is not None:
            o["evidence"] = {"grade": g}
    if assumed:
        out[1]["quantity"] = {"base": 1, "assumption": "no count published"}
    return sroi.from_dict(minimal(name=name, outcomes=out,
                                  inputs=[dict(minimal()["inputs"][0], amount=1000)]))


@pytest.mark.parametrize("grades,assumed,expected,why", [
    ((6, 3), False, True, "60% of value rests on weak evidence"),        # 600 of 1,000 at grade 6
    ((3, 6), False, False, ""),                                          # 40% weak: not over half
    ((None, 3), False, True, "60% of value rests on weak evidence"),     # ungraded counts as 6
    ((2, 2), True, True, "40% of value rests on numbers marked as assumptions"),  # over the 25% gate
    ((5, 5), False, True, "100% of value rests on weak evidence"),
])
def test_illustrative_by_hand(grades, assumed, expected, why):
    flag, reason = illustrative(sroi.run(_scheme(grades, assumed)))
    assert flag is expected
    assert why in reason


def test_every_built_in_holder_has_a_kind_and_kinds_group_the_ledger():
    """Per-kind value per pound is the sum over the kind's holders: NHS 600/1.035/1000 =
    0.579710; local authority 400/1.035/1000 = 0.386473; kinds with no holder get 0."""
    assert set(HOLDER_KINDS) == set(BUDGET_HOLDERS)
    assert set(HOLDER_KINDS.values()) == set(KIND_ORDER)
    assert holder_kind("my_own_holder") == "other"
    t = compare([sroi.run(_scheme((3, 3)))]).table
    row = t.iloc[0]
    assert row["per_kind:NHS"] == pytest.approx(600 / 1.035 / 1000, rel=1e-12)
    assert row["per_kind:local authority"] == pytest.approx(400 / 1.035 / 1000, rel=1e-12)
    assert not row["illustrative"] and row["illustrative_reason"] == ""


def test_league_text_marks_illustrative_rows_and_fits_100_columns(tmp_path, capsys):
    paths = []
    for name, grades in (("Well evidenced scheme", (2, 2)), ("Scheme resting on claims", (6, 6))):
        p = tmp_path / f"{len(paths)}.toml"
        p.write_text(tomli_w.dumps(sroi.scenario.to_dict(_scheme(grades, name=name))))
        paths.append(str(p))
    assert main(["compare", *paths, "--psa", "0"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    rows = [line for line in out.splitlines() if "scheme" in line.lower() and "Scheme resting" in line
            or "Well evidenced" in line]
    assert any(line.lstrip().startswith("1 ") and "Well evidenced" in line for line in rows)
    assert any("†" in line and "Scheme resting on claims" in line for line in rows)
    assert "100% of value rests on weak evidence" in out
    assert "Who receives the value, per £ invested (holders grouped by kind)" in out


def test_run_and_report_say_illustrative_where_the_league_table_marks_it(tmp_path, capsys):
    """The same rule everywhere: a scheme resting on grade-6 evidence is marked † in the
    league table, and its run and report say it is illustrative and why."""
    from sroi.report import report_html
    from sroi.sensitivity import analyse

    weak = _scheme((6, 6))
    p = tmp_path / "weak.toml"
    p.write_text(tomli_w.dumps(sroi.scenario.to_dict(weak)))
    assert main(["run", str(p)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Illustrative (marked † in a league table): 100% of value rests on weak evidence" in out
    html = report_html(analyse(weak, psa_draws=0))
    assert "Illustrative (marked &dagger; in a league table): 100% of value rests on weak evidence" in html
    strong = _scheme((2, 2))
    assert "Illustrative" not in sroi.display.result_text(sroi.run(strong))


def test_the_html_result_shows_every_ledger_column_with_all_five_value_types():
    """A scheme with cashable, non-cashable, economic, social and transfer value has a
    ledger of 1 + 5 + 4 columns; the notebook's HTML table shows all ten headers."""
    import re as _re

    base = {"stakeholder": "People", "duration": 1, "quantity": 1,
            "proxy": {"value": 100, "unit": "per year", "price_year": 2024, "source": "test"}}
    kinds = [("cash", "fiscal_cashable", "nhs"), ("free", "fiscal_non_cashable", "nhs"),
             ("earn", "economic", "participant"), ("well", "social", "participant")]
    outs = [dict(base, id=i, outcome=i, value_type=v, beneficiary=b) for i, v, b in kinds]
    outs.append(dict(base, id="benefit", outcome="benefit", value_type="transfer", beneficiary="participant",
                     payer="dwp"))
    r = sroi.run(sroi.from_dict(minimal(outcomes=outs)))
    headers, _ = sroi.display._ledger_rows(r)
    assert len(headers) == 10
    html = sroi.display.result_html(r)
    ledger = html.split("Who pays, who saves", 1)[1].split("</table>", 1)[0]
    assert len(_re.findall("<th[ >]", ledger)) == 10
    assert all(h in ledger for h in headers[1:])


def test_proxy_tables_as_csv_and_json_give_price_years_as_written(capsys):
    import csv as _csv
    import io
    import json

    assert main(["proxies", "show", "cs.looked_after_child_year", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["price_year"] == "2011-12"
    assert main(["proxies", "search", "looked after", "--format", "csv"]) == 0
    rows = list(_csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["id"]: r["price_year"] for r in rows}["cs.looked_after_child_year"] == "2011-12"


def test_the_league_chart_draws_a_transfer_as_a_gain_and_a_loss_and_labels_the_net():
    """FNP's US file moves welfare from mothers to DWP: the chart draws the participants'
    loss left of 0 and central government's gain right of it, and the bar's label is the
    net, the SROI ratio, not the sum of the gains."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .conftest import ROOT

    r = sroi.run(sroi.load(ROOT / "scenarios/family_nurse_partnership_us_transfer.toml"))
    table = compare([r]).table
    fig, ax = plt.subplots()
    table_plot = compare([r]).plot(ax=ax)
    widths = [p.get_width() for p in table_plot.patches]
    assert min(widths) < 0 < max(widths)
    assert min(widths) == pytest.approx(table["per_kind:participants"].iloc[0], rel=1e-12)
    labels = [t.get_text() for t in ax.texts]
    assert f"net {sroi.plots._ratio_text(r.sroi_ratio)}" in labels
    plt.close(fig)
