"""The bundled proxy library, local tables, references from schemes, and the CLI."""

from __future__ import annotations

import csv
import math
import re

import pytest
import tomli_w

import sroi
from sroi.cli import main
from sroi.prices import load_deflator
from sroi.proxies import BUNDLED_TABLE, COLUMNS, ProxyLibrary, read_table

from .conftest import minimal


@pytest.fixture(scope="module")
def lib():
    return ProxyLibrary.load()


def test_at_least_80_proxies(lib):
    assert len(lib) >= 80


def test_every_row_is_complete_and_sensible(lib):
    """Every row parses (the loader validates each column), has a source, a table or page,
    a URL and a price year covered by the deflator; values are positive; units say 'per ...'."""
    deflator = load_deflator("GBP")
    for r in lib:
        assert r.source and r.table_or_page and r.url.startswith("http") and r.licence and r.verification
        assert r.value > 0 and math.isfinite(r.value)
        assert r.unit.startswith("per ")
        assert deflator.covers(r.price_year), r.id


def test_ids_are_unique_in_the_file():
    with open(BUNDLED_TABLE, encoding="utf-8") as fh:
        ids = [row["id"] for row in csv.DictReader(fh)]
    assert len(ids) == len(set(ids))


def test_areas_covered(lib):
    """The outcome areas of the schemes we model each have proxies."""
    areas = {r.area for r in lib}
    assert areas == {"health", "social_care", "children", "crime_justice", "employment", "education", "housing",
                     "wellbeing"}


def test_licence_rule_every_bundled_row_is_redistributable(lib):
    assert all(r.redistributable for r in lib)
    assert not any("hact" in (r.source + r.licence).lower() for r in lib)


def _write_table(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def _row(**changes):
    base = dict(id="local.social_value_item", area="wellbeing", description="A locally licensed value",
                value="1234.5", unit="per person per year", price_year="2021", currency="GBP", value_type="social",
                agency="participant", cashable="no", source="A licensed value bank", table_or_page="Table 1",
                url="https://example.org/values", licence="licensed to our organisation only",
                redistributable="no", verification="read from our licensed copy", seen_in="copy",
                checked="2026-11-01", notes="")
    base.update(changes)
    return base


def test_a_bundled_row_that_forbids_redistribution_is_refused(tmp_path):
    path = _write_table(tmp_path / "t.csv", [_row()])
    with pytest.raises(sroi.ScenarioError) as info:
        read_table(path, bundled=True)
    assert str(info.value) == (f"{path}: row 2 (local.social_value_item).redistributable: a bundled proxy must be "
                               "redistributable; keep rows whose licence forbids bundling in a local table")
    assert read_table(path)[0].redistributable is False  # fine as a local table


def test_local_table_is_merged_and_clashes_reported(tmp_path):
    clash = _row(id="nhs.ae_attendance_2016_17", area="health", value="150", unit="per attendance",
                 price_year="2016-17", agency="nhs", value_type="fiscal")
    path = _write_table(tmp_path / "mine.csv", [_row(), clash])
    merged = ProxyLibrary.load([path])
    bundled = ProxyLibrary.load()
    assert len(merged) == len(bundled) + 1
    assert merged.get("local.social_value_item").value == 1234.5
    assert merged.get("nhs.ae_attendance_2016_17").value == 150.0  # the local row wins
    assert [str(c) for c in merged.clashes] == [
        f"proxy 'nhs.ae_attendance_2016_17' from {BUNDLED_TABLE} is replaced by the row in {path}"]


@pytest.mark.parametrize("changes,message", [
    ({"value": "-3"}, "row 2 (local.social_value_item).value: must be a positive number, got '-3'"),
    ({"value": "lots"}, "row 2 (local.social_value_item).value: must be a number, got 'lots'"),
    ({"unit": "each"}, "row 2 (local.social_value_item).unit: must say what one unit is, starting 'per ' "
                       "(e.g. 'per attendance'), got 'each'"),
    ({"price_year": ""}, "row 2 (local.social_value_item).price_year: missing; every row needs it"),
    ({"source": ""}, "row 2 (local.social_value_item).source: missing; every row needs it"),
    ({"id": "NoDots"}, "row 2 (NoDots).id: 'NoDots' is not a valid proxy id: dotted lower-case words such as "
                       "'nhs.ae_attendance'"),
    ({"value_type": "cashable"}, "row 2 (local.social_value_item).value_type: 'cashable' is not allowed; "
                                 "allowed: fiscal, economic, social"),
    ({"checked": "22/11/2026"}, "row 2 (local.social_value_item).checked: must be a date written YYYY-MM-DD, "
                                "got '22/11/2026'"),
])
def test_bad_rows(tmp_path, changes, message):
    path = _write_table(tmp_path / "t.csv", [_row(**changes)])
    with pytest.raises(sroi.ScenarioError) as info:
        read_table(path)
    assert str(info.value) == f"{path}: {message}"


def test_duplicate_id_and_missing_column(tmp_path):
    path = _write_table(tmp_path / "t.csv", [_row(), _row()])
    with pytest.raises(sroi.ScenarioError, match=r"row 3 \(local.social_value_item\).id: duplicate id \(also on "
                                                 r"row 2\)$"):
        read_table(path)
    bad = tmp_path / "h.csv"
    bad.write_text("id,value\nx.y,1\n")
    with pytest.raises(sroi.ScenarioError, match=r"h.csv: header: missing column\(s\) area, description"):
        read_table(bad)


def test_rebasing_a_proxy_by_hand(lib):
    """nhs.ae_attendance_2016_17 is £148 in 2016-17 prices. HMT GDP deflator (March 2026,
    2024-25 = 100): 2016-17 = 76.0754, 2022-23 = 91.2996.
    In 2022-23 prices: 148 x 91.2996 / 76.0754 = £177.6176..."""
    r = lib.get("nhs.ae_attendance_2016_17")
    assert r.rebased("2022-23") == pytest.approx(148 * 91.2996 / 76.0754, rel=1e-12)


def test_search_and_suggest(lib):
    hits = [r.id for r in lib.search("A&E")]
    assert "nhs.ae_attendance_2016_17" in hits and "nhs.ae_attendance_vb11z" in hits
    assert lib.search("zzz no such thing") == []
    with pytest.raises(KeyError, match="did you mean 'nhs.ae_attendance_2016_17'"):
        lib.get("nhs.ae_attendance_2016_1")


def scheme_with_proxy(proxy, **top):
    d = minimal(price_base="2024-25", **top)
    d["inputs"][0]["price_year"] = "2024-25"
    d["outcomes"][0].update(proxy=proxy, quantity=1, duration=1, drop_off=0, deadweight=0, attribution=0)
    d["discounting"] = {"convention": "green_book"}
    return d


def test_scheme_uses_a_proxy_by_id_rebased_to_its_price_base():
    """One attendance avoided, valued with nhs.ae_attendance_2016_17 (£148, 2016-17) in a 2024-25
    scheme, year 1 undiscounted (Green Book timing): 148 x 100 / 76.0754 = £194.5438..."""
    scheme = sroi.from_dict(scheme_with_proxy("nhs.ae_attendance_2016_17"))
    p = scheme.outcomes[0].proxy
    assert (p.ref, p.value.base, p.unit, str(p.price_year)) == ("nhs.ae_attendance_2016_17", 148.0, "per attendance",
                                                                 "2016-17")
    assert sroi.run(scheme).present_value == pytest.approx(148 * 100 / 76.0754, rel=1e-12)
    # the reference survives a round trip: the file keeps the id, not a copy of the value
    assert sroi.to_dict(scheme)["outcomes"][0]["proxy"] == "nhs.ae_attendance_2016_17"
    assert sroi.loads(sroi.dumps(scheme)) == scheme


def test_proxy_reference_with_a_range():
    scheme = sroi.from_dict(scheme_with_proxy({"id": "nhs.ae_attendance_2016_17", "low": 100, "high": 200}))
    v = scheme.outcomes[0].proxy.value
    assert (v.base, v.low, v.high) == (148.0, 100.0, 200.0)
    assert sroi.to_dict(scheme)["outcomes"][0]["proxy"] == {"id": "nhs.ae_attendance_2016_17", "low": 100.0,
                                                            "high": 200.0}
    assert sroi.loads(sroi.dumps(scheme)) == scheme


def test_unknown_proxy_id_is_a_clear_error_with_near_matches(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(scheme_with_proxy("nhs.ae_attendence_2016_17")))
    with pytest.raises(sroi.ScenarioError) as info:
        sroi.load(path)
    assert str(info.value).startswith(f"{path}: outcomes[1].proxy: no proxy 'nhs.ae_attendence_2016_17' in the "
                                      "library; did you mean 'nhs.ae_attendance_2016_17', ")
    assert "\n" not in str(info.value)


def test_scheme_with_a_local_proxy_table(tmp_path):
    _write_table(tmp_path / "local.csv", [_row(price_year="2021")])
    d = scheme_with_proxy("local.social_value_item", proxy_tables=["local.csv"])
    d.update(price_base=2024)
    d["inputs"][0]["price_year"] = 2024
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(d))
    r = sroi.run(sroi.load(path))
    assert r.present_value == pytest.approx(1234.5 * 100 / 85.6358, rel=1e-12)  # 2021 -> 2024 (HMT Dec 2025)
    d["proxy_tables"] = ["missing.csv"]
    path.write_text(tomli_w.dumps(d))
    with pytest.raises(sroi.ScenarioError, match=r"proxy_tables\[1\]: no such proxy table 'missing.csv'"):
        sroi.load(path)


def test_cli_search_and_show(capsys):
    assert main(["proxies", "search", "A&E"]) == 0
    assert "nhs.ae_attendance_2016_17" in capsys.readouterr().out
    assert main(["proxies", "show", "nhs.ae_attendance_2016_17", "--year", "2024-25"]) == 0
    out = capsys.readouterr().out
    assert "£148.00 per attendance (2016-17 prices)" in out
    assert f"£{148 * 100 / 76.0754:,.2f} per attendance" in out
    assert "hfma.org.uk" in out
    assert re.search(r"^seen in +copy$", out, re.M)
    assert main(["proxies", "show", "nhs.nope"]) == 2
    assert "no proxy 'nhs.nope'" in capsys.readouterr().err
    assert main(["proxies", "list", "--area", "housing"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == sum(1 for r in ProxyLibrary.load()
                                                                     if r.area == "housing")


def test_run_reports_a_local_table_clash(tmp_path, capsys):
    """A local row that replaces a bundled proxy is named in the output of sroi run."""
    clash = _row(id="nhs.ae_attendance_2016_17", area="health", value="150", unit="per attendance",
                 price_year="2016-17", agency="nhs", value_type="fiscal")
    _write_table(tmp_path / "mine.csv", [clash])
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(scheme_with_proxy("nhs.ae_attendance_2016_17", proxy_tables=["mine.csv"])))
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Proxy table notes" in out and "proxy 'nhs.ae_attendance_2016_17' from" in out


def test_the_library_covers_what_analysts_look_for_and_is_mostly_current(capsys):
    """Rows exist for the topics the gap lists named (mental-health bed days, child
    protection, looked-after children, burglary, Universal Credit, police time), and at
    least half the library is priced 2019 or later."""
    import csv

    from sroi.cli import main
    from sroi.resources import data_dir

    for query in ("mental health bed day", "child protection", "looked after", "burglary", "universal credit",
                  "police recorded crime"):
        assert main(["proxies", "search", query]) == 0
        out = capsys.readouterr().out
        assert out.strip() and "no proxies found" not in out, query
    with open(data_dir() / "proxies" / "proxies.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sum(int(r["price_year"][:4]) >= 2019 for r in rows) * 2 >= len(rows)
    assert all(r["redistributable"] == "yes" for r in rows)


def test_every_citation_is_a_public_reference(lib):
    """A reader can follow each row's verification route: no row points at files only the
    project's researchers had (the seed documents) or names the tools they searched with."""
    for r in lib:
        text = " ".join((r.source, r.table_or_page, r.verification, r.notes, r.licence)).lower()
        for internal in ("corpus", "search tool", "shared/seeds", "seed 0", "find_string", "before release"):
            assert internal not in text, (r.id, internal)
        assert r.seen_in in ("publication", "copy", "summary")


def test_a_table_with_the_old_confidence_column_still_loads(tmp_path):
    """Tables written before the column was renamed carry ``confidence`` (high, medium,
    low); they load with high read as 'publication' and medium as 'copy'."""
    path = tmp_path / "old.csv"
    with open(BUNDLED_TABLE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:2]
    old = {"publication": "high", "copy": "medium"}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        cols = [("confidence" if c == "seen_in" else c) for c in COLUMNS]
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            r["confidence"] = old[r.pop("seen_in")]
            w.writerow(r)
    got = read_table(path)
    assert [g.seen_in for g in got] == [r_seen for r_seen in
                                        [{"high": "publication", "medium": "copy"}[r["confidence"]] for r in rows]]
