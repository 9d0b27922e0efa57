"""The financial proxy library: UK unit costs and values, each traceable to its source.

The bundled table is ``data/proxies/proxies.csv`` (columns documented in
``data/proxies/README.md``). A user may add local tables of the same shape, for
example values whose licence forbids bundling them in a tool; they are loaded beside
the bundled one, and any id they redefine is reported as a clash (the local row wins).

Every row is validated when the library loads; a bad row raises
:class:`~sroi.errors.ScenarioError` naming the file, the row and the column.
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from .errors import PriceYearError, ScenarioError
from .model import BUDGET_HOLDERS
from .prices import DATA_DIR, Deflator, PriceYear, load_deflator

__all__ = ["ProxyRecord", "ProxyLibrary", "Clash", "load_library", "BUNDLED_TABLE", "COLUMNS", "AREAS"]

BUNDLED_TABLE = DATA_DIR / "proxies" / "proxies.csv"
COLUMNS = ("id", "area", "description", "value", "unit", "price_year", "currency", "value_type", "agency",
           "cashable", "source", "table_or_page", "url", "licence", "redistributable", "verification",
           "seen_in", "checked", "notes")
AREAS = ("health", "social_care", "children", "crime_justice", "employment", "education", "housing", "wellbeing")
VALUE_TYPES = ("fiscal", "economic", "social")
CASHABLE = ("yes", "no", "partly")
#: Where the row's digits were seen (how the figure was verified, not how strong the evidence
#: behind it is; evidence strength is graded on a scheme's outcomes, ``evidence.grade``):
#: in the publication itself or on the publisher's own page, verbatim in an authoritative
#: copy (a named transcription), or only in a secondary summary.
SEEN_IN = ("publication", "copy", "summary")
#: Tables written before December 2026 had a ``confidence`` column (high, medium, low) in
#: place of ``seen_in``; they still load, read as below.
LEGACY_CONFIDENCE = {"high": "publication", "medium": "copy", "low": "summary"}
#: Who bears the cost or receives the saving: a budget holder, or "multiple" when it
#: falls across several (the row's notes name them).
AGENCIES = tuple(BUDGET_HOLDERS) + ("multiple",)
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class ProxyRecord:
    """One row of a proxy table."""

    id: str
    area: str
    description: str
    value: float
    unit: str
    price_year: PriceYear
    currency: str
    value_type: str
    agency: str
    cashable: str
    source: str
    table_or_page: str
    url: str
    licence: str
    redistributable: bool
    verification: str
    seen_in: str
    checked: str
    notes: str
    table: str  # the file it came from

    @property
    def citation(self) -> str:
        return f"{self.source}, {self.table_or_page}" if self.table_or_page else self.source

    def rebased(self, year: PriceYear | int | str, deflator: Deflator | None = None) -> float:
        """The value in ``year`` prices (raises :class:`PriceYearError` outside the series)."""
        deflator = deflator or load_deflator(self.currency)
        return deflator.rebase(self.value, self.price_year, year)


@dataclass(frozen=True)
class Clash:
    """A local table redefined a bundled (or earlier local) id; the later row wins."""

    id: str
    replaced: str  # table whose row was replaced
    by: str  # table whose row is used

    def __str__(self) -> str:
        return f"proxy '{self.id}' from {self.replaced} is replaced by the row in {self.by}"


def _row(raw: dict[str, str], file: str, n: int, *, bundled: bool) -> ProxyRecord:
    where = f"row {n}"
    rid = (raw.get("id") or "").strip()
    if rid:
        where = f"row {n} ({rid})"

    def fail(col: str, message: str) -> ScenarioError:
        return ScenarioError(file, f"{where}.{col}", message)

    def text(col: str, *, required: bool = True) -> str:
        value = (raw.get(col) or "").strip()
        if required and not value:
            raise fail(col, "missing; every row needs it")
        return value

    def choice(col: str, options: Sequence[str]) -> str:
        value = text(col)
        if value not in options:
            raise fail(col, f"'{value}' is not allowed; allowed: {', '.join(options)}")
        return value

    if not _ID.match(rid):
        raise fail("id", f"'{rid}' is not a valid proxy id: dotted lower-case words such as 'nhs.ae_attendance'")
    try:
        value = float(text("value"))
    except ValueError:
        raise fail("value", f"must be a number, got '{raw.get('value')}'") from None
    if not value > 0 or value != value or value == float("inf"):
        raise fail("value", f"must be a positive number, got '{raw.get('value')}'")
    unit = text("unit")
    if not unit.startswith("per "):
        raise fail("unit", f"must say what one unit is, starting 'per ' (e.g. 'per attendance'), got '{unit}'")
    try:
        price_year = PriceYear.parse(text("price_year"))
    except PriceYearError as exc:
        raise fail("price_year", str(exc)) from None
    currency = text("currency")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise fail("currency", f"must be a three-letter ISO 4217 code, got '{currency}'")
    url = text("url")
    if not url.startswith(("http://", "https://")):
        raise fail("url", f"must be an http(s) address, got '{url}'")
    checked = text("checked")
    try:
        _dt.date.fromisoformat(checked)
    except ValueError:
        raise fail("checked", f"must be a date written YYYY-MM-DD, got '{checked}'") from None
    redistributable = choice("redistributable", ("yes", "no")) == "yes"
    if bundled and not redistributable:
        raise fail("redistributable", "a bundled proxy must be redistributable; keep rows whose licence forbids "
                   "bundling in a local table")
    return ProxyRecord(
        id=rid, area=choice("area", AREAS), description=text("description"), value=value, unit=unit,
        price_year=price_year, currency=currency, value_type=choice("value_type", VALUE_TYPES),
        agency=choice("agency", AGENCIES), cashable=choice("cashable", CASHABLE),
        source=text("source"), table_or_page=text("table_or_page"), url=url, licence=text("licence"),
        redistributable=redistributable, verification=text("verification"),
        seen_in=choice("seen_in", SEEN_IN), checked=checked, notes=text("notes", required=False),
        table=file,
    )


def _legacy(raw: dict[str, str]) -> dict[str, str]:
    """A row of a table with the old ``confidence`` column, read with ``seen_in``."""
    out = {k: v for k, v in raw.items() if k != "confidence"}
    old = (raw.get("confidence") or "").strip()
    out["seen_in"] = LEGACY_CONFIDENCE.get(old, old)
    return out


def read_table(path: str | Path, *, bundled: bool = False) -> list[ProxyRecord]:
    """Read and validate one proxy table. Duplicate ids within a table are an error."""
    file = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:  # Excel's "CSV UTF-8" starts with a BOM
            reader = csv.DictReader(fh)
            header = tuple(reader.fieldnames or ())
            legacy = "confidence" in header and "seen_in" not in header
            if legacy:
                header = tuple("seen_in" if c == "confidence" else c for c in header)
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise ScenarioError(file, "header", f"missing column(s) {', '.join(missing)}; a proxy table has "
                                    f"the columns {', '.join(COLUMNS)}")
            extra = [c for c in header if c not in COLUMNS]
            if extra:
                raise ScenarioError(file, "header", f"unknown column(s) {', '.join(extra)}; allowed: "
                                    f"{', '.join(COLUMNS)}")
            rows = [_row(_legacy(raw) if legacy else raw, file, n, bundled=bundled)
                    for n, raw in enumerate(reader, start=2)]
    except FileNotFoundError:
        raise ScenarioError(file, "", "no such proxy table") from None
    except IsADirectoryError:
        raise ScenarioError(file, "", "is a directory, not a proxy table (a CSV file)") from None
    except csv.Error as exc:  # e.g. a field over the csv module's 128 kB limit
        raise ScenarioError(file, "", f"is not a readable proxy table ({exc})") from None
    except UnicodeDecodeError:
        raise ScenarioError(file, "", "is not UTF-8 text; a proxy table is CSV in UTF-8") from None
    seen: dict[str, int] = {}
    for n, r in enumerate(rows, start=2):
        if r.id in seen:
            raise ScenarioError(file, f"row {n} ({r.id}).id", f"duplicate id (also on row {seen[r.id]})")
        seen[r.id] = n
    return rows


class ProxyLibrary:
    """The bundled proxies plus any local tables, looked up by id."""

    def __init__(self, records: Iterable[ProxyRecord], clashes: Iterable[Clash] = (),
                 tables: Sequence[str] = ()) -> None:
        self._records = {r.id: r for r in records}
        self.clashes: tuple[Clash, ...] = tuple(clashes)
        self.tables: tuple[str, ...] = tuple(tables)

    @classmethod
    def load(cls, extra: Iterable[str | Path] = (), *, bundled: bool = True) -> "ProxyLibrary":
        """Load the bundled table (unless ``bundled=False``) and then each local table."""
        records: dict[str, ProxyRecord] = {}
        clashes: list[Clash] = []
        tables: list[str] = []
        sources = ([(BUNDLED_TABLE, True)] if bundled else []) + [(Path(p), False) for p in extra]
        for path, is_bundled in sources:
            tables.append(str(path))
            for r in read_table(path, bundled=is_bundled):
                if r.id in records:
                    clashes.append(Clash(r.id, records[r.id].table, r.table))
                records[r.id] = r
        return cls(records.values(), clashes, tables)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, pid: object) -> bool:
        return pid in self._records

    def __iter__(self):
        return iter(self._records.values())

    def ids(self) -> list[str]:
        return sorted(self._records)

    def suggest(self, pid: str, n: int = 3) -> list[str]:
        """Ids close to ``pid``: spelling neighbours first, then ids sharing its last part."""
        close = difflib.get_close_matches(pid, self.ids(), n=n, cutoff=0.6)
        tail = pid.rsplit(".", 1)[-1]
        for other in self.ids():
            if len(close) >= n:
                break
            if other not in close and tail and tail in other:
                close.append(other)
        return close

    def get(self, pid: str) -> ProxyRecord:
        """The record for ``pid``; ``KeyError`` naming near matches otherwise."""
        try:
            return self._records[pid]
        except KeyError:
            near = self.suggest(pid)
            hint = f"; did you mean {', '.join(repr(s) for s in near)}?" if near else ""
            raise KeyError(f"no proxy '{pid}' in the library{hint}") from None

    def search(self, query: str, *, area: str | None = None) -> list[ProxyRecord]:
        """Records whose id, description, unit or source contain every word of ``query``
        (case-insensitive), best first: id matches, then description matches."""
        words = [w.lower() for w in query.split() if w.strip()]
        hits = []
        for r in self._records.values():
            if area and r.area != area:
                continue
            hay = " ".join((r.id, r.description, r.unit, r.source, r.table_or_page, r.area)).lower()
            if all(w in hay for w in words):
                rank = (0 if all(w in r.id for w in words) else 1 if all(w in r.description.lower() for w in words)
                        else 2)
                hits.append((rank, r.id, r))
        return [r for _, _, r in sorted(hits, key=lambda t: (t[0], t[1]))]

    def frame(self) -> pd.DataFrame:
        """All records as a DataFrame indexed by id."""
        rows = [{c: getattr(r, c) for c in COLUMNS} for r in self._records.values()]
        df = pd.DataFrame(rows, columns=list(COLUMNS)).set_index("id").sort_index()
        df["price_year"] = df["price_year"].astype(str)
        return df


@lru_cache(maxsize=32)
def _cached(extra: tuple[str, ...], stamps: tuple[tuple[int, int], ...]) -> ProxyLibrary:
    return ProxyLibrary.load(extra)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def load_library(extra: Iterable[str | Path] = ()) -> ProxyLibrary:
    """The bundled library plus local tables. Cached, but reloaded when any table
    changes on disk (so a notebook sees an edited local table)."""
    paths = tuple(str(Path(p)) for p in extra)
    stamps = tuple(_stamp(Path(p)) for p in (str(BUNDLED_TABLE),) + paths)
    return _cached(paths, stamps)
