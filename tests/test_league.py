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
