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
    with pytest.raises(PriceYearError, match="1999-00 is outside the GBP deflator series"):
        d.factor(2000, "2019-20")  # calendar 2000 spans 1999-00, which is not bundled
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


def test_calendar_financial_bridge_hand_worked():
    """A 2019 calendar-year value (the Green Book WELLBY) in 2024-25 prices: calendar 2019 on
    the financial-year series is (3 x 78.7948 + 9 x 80.8738) / 12 = 964.2486 / 12 = 80.354050
    (FY 2018-19 and 2019-20 of the March 2026 release), so the factor is 100 / 80.354050 =
    1.2444923; £13,000 becomes £16,178.40. The way back is the exact reciprocal."""
    d = load_deflator("GBP")
    assert d.bridged(2019, "2024-25") and not d.bridged(2019, 2024) and not d.bridged("2019-20", "2019-20")
    assert d.factor(2019, "2024-25") == pytest.approx(100 / 80.35405, rel=1e-12)
    assert round(d.rebase(13000, 2019, "2024-25"), 2) == 16178.40
    assert d.factor("2024-25", 2019) == pytest.approx(1 / d.factor(2019, "2024-25"), rel=1e-15)
    # a financial year into a calendar base: FY 2016-17 into calendar 2024
    cy2024 = (3 * 96.1117 + 9 * 100.0) / 12
    assert d.factor("2016-17", 2024) == pytest.approx(cy2024 / 76.0754, rel=1e-12)


def test_bridge_tracks_the_calendar_series():
    """The bridge is an approximation: measure it against the calendar-year series HM Treasury
    publishes. For every pair of calendar years 2001-2024, the ratio of two bridged calendar
    years is within 1% of the published calendar-year ratio (largest gap 0.96%, 2021 to 2023,
    where the two releases' pandemic-era revisions differ); 2019 to 2024 is within 0.05%."""
    d = load_deflator("GBP")
    worst = 0.0
    for a in range(2001, 2025):
        for b in range(2001, 2025):
            bridged = d._on_financial_years(PriceYear(b)) / d._on_financial_years(PriceYear(a))
            published = d.index[PriceYear(b)] / d.index[PriceYear(a)]
            worst = max(worst, abs(bridged / published - 1))
    assert worst < 0.01
    gap_2019 = (d._on_financial_years(PriceYear(2024)) / d._on_financial_years(PriceYear(2019))) / (
        d.index[PriceYear(2024)] / d.index[PriceYear(2019)])
    assert abs(gap_2019 - 1) < 5e-4
