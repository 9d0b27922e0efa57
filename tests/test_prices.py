"""Price years and the bundled HM Treasury GDP deflator series."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sroi.errors import PriceYearError
from sroi.prices import PriceYear, load_deflator


@pytest.mark.parametrize("text,expected", [
    (2019, PriceYear(2019)), ("2019", PriceYear(2019)), ("2019-20", PriceYear(2019, True)),
    ("2019/20", PriceYear(2019, True)), ("2019-2020", PriceYear(2019, True)), ("1999-00", PriceYear(1999, True)),
])
def test_parse(text, expected):
    assert PriceYear.parse(text) == expected


@pytest.mark.parametrize("bad", ["2019-21", "19", "twenty", 2019.5, True, 99, "2019-20-21"])
def test_parse_rejects(bad):
    with pytest.raises(PriceYearError):
        PriceYear.parse(bad)


def test_financial_year_rebase_by_hand():
    """HMT GDP deflators, March 2026 QNA (2024-25 = 100): 2016-17 = 76.0754, 2022-23 = 91.2996.
    £100 in 2016-17 prices is 100 x 91.2996 / 76.0754 = £120.0119... in 2022-23 prices."""
    d = load_deflator("GBP")
    assert math.isclose(d.rebase(100, "2016-17", "2022-23"), 100 * 91.2996 / 76.0754, rel_tol=1e-15)


def test_calendar_year_rebase_by_hand():
    """HMT GDP deflators, December 2025 QNA (2024 = 100): 2019 = 81.1085.
    The Green Book WELLBY of £13,000 (2019 prices) is 13000 x 100 / 81.1085 = £16,027.92... in 2024."""
    d = load_deflator("GBP")
    assert math.isclose(d.rebase(13000, 2019, 2024), 13000 * 100 / 81.1085, rel_tol=1e-15)


def test_coverage_and_provenance():
    d = load_deflator("GBP")
    assert d.coverage() == "1990 to 2024 and 2000-01 to 2024-25"
    assert d.series[True].reference == "2024-25 = 100"
    assert d.series[False].reference == "2024 = 100"
    assert "March 2026" in d.series[True].vintage and "December 2025" in d.series[False].vintage
    assert d.index[PriceYear(2024)] == 100 and d.index[PriceYear(2024, True)] == 100


def test_series_rises_every_year_in_the_bundled_range():
    """A transcription check: the UK GDP deflator rose in every year covered here."""
    d = load_deflator("GBP")
    for fiscal in (False, True):
        ys = sorted(y for y in d.index if y.fiscal == fiscal)
        assert all(d.index[a] < d.index[b] for a, b in zip(ys, ys[1:]))
        assert all(b.year - a.year == 1 for a, b in zip(ys, ys[1:]))  # no holes


def test_errors():
    d = load_deflator("GBP")
    with pytest.raises(PriceYearError, match="outside the GBP deflator series"):
        d.factor(1980, 2024)
    with pytest.raises(PriceYearError, match="cannot rebase between calendar year and financial year"):
        d.factor(2019, "2019-20")
    with pytest.raises(PriceYearError, match="no deflator series is bundled for XYZ"):
        load_deflator("XYZ")
    assert d.factor(1850, 1850) == 1.0  # no rebasing needed, no table needed


@given(st.sampled_from(range(1990, 2025)), st.sampled_from(range(1990, 2025)), st.sampled_from(range(1990, 2025)))
def test_rebasing_chains(a, b, c):
    """Rebasing a -> b -> c equals a -> c; and a -> b -> a returns the value."""
    d = load_deflator("GBP")
    assert math.isclose(d.factor(a, b) * d.factor(b, c), d.factor(a, c), rel_tol=1e-12)
    assert math.isclose(d.factor(a, b) * d.factor(b, a), 1.0, rel_tol=1e-12)


def test_every_deflator_row_cites_its_release():
    import csv

    from sroi.prices import DATA_DIR
    with open(DATA_DIR / "deflators" / "gbp.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["source"].startswith("HM Treasury, GDP deflators") for r in rows)


def test_a_deflator_row_without_a_source_is_refused(tmp_path):
    import shutil

    from sroi.prices import DATA_DIR
    shutil.copy(DATA_DIR / "deflators" / "gbp.toml", tmp_path / "gbp.toml")
    (tmp_path / "gbp.csv").write_text("period,index,status,source\n2019,81.1085,outturn,\n")
    with pytest.raises(PriceYearError, match="period 2019 has no source"):
        load_deflator("GBP", tmp_path)
