"""The terms of a hand-made SROI value map: the headers and labels it may use, what the
command line may give instead, and the text its cells may hold (budget holders by
name, value types in words, years as lists or ranges). Read by
:mod:`sroi.excel.read_valuemap`; documented in ``docs/excel.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .read_cells import shown
from ..model import BUDGET_HOLDERS, VALUE_TYPES


@dataclass(frozen=True)
class ValueMapOptions:
    """What a value map does not say, given explicitly (``None``: not given)."""

    name: str | None = None
    price_year: int | str | None = None
    currency: str | None = None
    horizon: int | None = None
    convention: str | None = None
    schedule: str | None = None
    discount_rate: float | str | None = None
    beneficiary: str | None = None
    value_type: str | None = None
    funder: str | None = None

    def given(self) -> list[str]:
        return [k for k, v in self.__dict__.items() if v is not None]


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def norm(text: Any) -> str:
    """Lower-case words only: bracketed text (units such as '(£)' or '(%)'), punctuation
    and signs dropped, so 'Value (£)', 'value' and 'VALUE £' are one name."""
    if not isinstance(text, str):
        return ""
    return _words(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text.lower()))


def names(text: Any) -> list[str]:
    """The names a header may be known by, most specific first: its words with a bracketed
    qualifier kept ('Source (proxy)' -> 'source proxy'), then without ('source'). So two
    qualified headers stay apart while a unit in brackets is still ignored."""
    if not isinstance(text, str):
        return []
    kept = _words(re.sub(r"[()\[\]]", " ", text.lower()))
    dropped = norm(text)
    return [kept, dropped] if kept != dropped else [dropped]


def says_percent(text: Any) -> bool:
    """Whether a header states its unit as per cent ('Deadweight %', 'Attribution (%)')."""
    return isinstance(text, str) and "%" in text


OUTCOME_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "outcome id"),
    "stakeholder": ("stakeholder", "stakeholders", "stakeholder group"),
    "outcome": ("outcome", "outcomes", "outcome description", "what changes", "the outcome", "description outcome",
                "outcome what changes", "the outcomes what changes"),
    "indicator": ("indicator", "indicators"),
    "quantity": ("quantity", "qty", "number of people", "how many"),
    "duration": ("duration", "duration years", "how long it lasts"),
    "outcomes_start": ("outcomes start", "outcome start", "outcomes starts", "outcome starts"),
    "proxy": ("proxy", "financial proxy", "proxy description", "financial proxy description"),
    "value": ("value", "value per unit", "proxy value", "unit value", "value of proxy", "value of the proxy",
              "financial proxy value", "value proxy", "value financial proxy", "value in currency"),
    "unit": ("unit", "proxy unit", "unit of proxy"),
    "source": ("source", "proxy source", "source of proxy", "source of the proxy", "source of financial proxy",
               "source proxy", "source financial proxy"),
    "indicator_source": ("indicator source", "source indicator", "source of indicator", "source of the indicator"),
    # inputs in the map's own columns (the SVI template's Stage 2)
    "input_description": ("input description", "inputs description", "description input", "description inputs",
                          "what do they invest"),
    "input_value": ("input value", "inputs value", "value input", "value inputs", "value of inputs",
                    "value of the inputs", "input amount"),
    "input_source": ("input source", "inputs source", "source input", "source inputs"),
    "price_year": ("price year", "proxy price year"),
    "deadweight": ("deadweight", "dead weight"),
    "displacement": ("displacement",),
    "attribution": ("attribution",),
    "drop_off": ("drop off", "dropoff", "drop off per year", "drop off rate"),
    "start_year": ("start year", "starts in year"),
    "beneficiary": ("beneficiary", "budget holder"),
    "value_type": ("value type", "type of value"),
    "disbenefit": ("disbenefit",),
    "note": ("note", "notes", "comment", "comments"),
}
INPUT_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "input id"),
    "funder": ("funder", "paid by", "who pays", "stakeholder", "budget holder"),
    "description": ("description", "input", "inputs", "input description"),
    "amount": ("amount", "value", "cost", "amount per year"),
    "year": ("year", "years", "in year"),
    "price_year": ("price year",),
    "kind": ("kind",),
    "source": ("source",),
    "note": ("note", "notes", "comment", "comments"),
}
SETTING_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("scheme", "scheme name", "name", "title", "project"),
    "place": ("place", "location"),
    "description": ("description",),
    "price_year": ("price year", "price base", "prices"),
    "currency": ("currency",),
    "horizon": ("horizon", "horizon years", "period of analysis"),
    "convention": ("convention", "timing convention", "discounting convention"),
    "schedule": ("schedule", "discount schedule"),
    "discount_rate": ("discount rate", "discount rate used", "discount factor rate"),
    "deadweight": ("deadweight", "dead weight"),
    "displacement": ("displacement",),
    "attribution": ("attribution",),
    "drop_off": ("drop off", "dropoff", "drop off per year", "drop off rate"),
    "beneficiary": ("beneficiary", "budget holder"),
    "value_type": ("value type",),
    "funder": ("funder",),
}
OUTCOME_REQUIRED = ("stakeholder", "outcome", "quantity", "duration", "value")
#: Headers a value map may carry that sroi does not read (computed or descriptive columns),
#: named so that they are never taken for a misspelling of a column it does read.
OUTCOME_IGNORED = ("outputs", "output", "summary of activity in numbers", "impact", "intended unintended changes",
                   "intended changes", "unintended changes", "no in group", "number in group", "in group",
                   "sample size", "stage")
#: Headers whose meaning depends on where they stand (the SVI template has a 'Description',
#: 'Value' and 'Source' under the inputs and again under the outcomes): see
#: :func:`in_context`.
CONTEXTUAL = ("description", "value", "source", "inputs", "input")
#: Settings also read from a block below the table (the SVI template's Stage 4 and 5 area),
#: and the rates that may be given there as defaults for rows that leave them blank.
BELOW_TABLE = ("price_year", "currency", "horizon", "convention", "schedule", "discount_rate", "deadweight",
               "displacement", "attribution", "drop_off")
DEFAULT_RATES = ("deadweight", "displacement", "attribution", "drop_off")
OPTION_FLAGS = {"name": "--name", "price_year": "--price-year", "currency": "--currency", "horizon": "--horizon",
                "convention": "--convention", "schedule": "--schedule", "discount_rate": "--discount-rate",
                "beneficiary": "--beneficiary", "value_type": "--value-type", "funder": "--funder"}
UNIT_DEFAULT = "per unit of quantity (as in the value map)"


def lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: key for key, words in aliases.items() for alias in words}


def group_of(text: Any) -> str | None:
    """'inputs' or 'outcomes' when a band or group heading above a column names one."""
    t = norm(text)
    if re.search(r"\binputs?\b", t):
        return "inputs"
    if re.search(r"\boutcomes?\b", t):
        return "outcomes"
    return None


def in_context(name: str, key: str | None, group: str | None, left: str | None) -> str | None:
    """The column a header means where it stands: under an 'Inputs' band (or just right of
    an input column), 'Description', 'Value' and 'Source' are the input's; under an
    'Outcomes' band 'Description' is the outcome; a 'Source' just right of the indicator is
    the indicator's source, one right of the proxy or its value the proxy's. ``key`` is what
    the name means on its own, ``left`` the nearest column to its left already known."""
    if name not in CONTEXTUAL and key not in ("value", "source"):
        return key
    inputs = group == "inputs" or (group is None and left in ("input_description", "input_value", "input_source"))
    if name in ("inputs", "input"):
        return "input_description"
    if name == "description":
        return "input_description" if inputs else "outcome" if group == "outcomes" else None
    if key == "value" and name in ("value", "value in currency"):
        return "input_value" if inputs else "value"
    if key == "source" and name == "source":
        if inputs:
            return "input_source"
        return "indicator_source" if left == "indicator" else "source"
    return key


def slug(text: str, taken: set[str], prefix: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if len(s) > 40:  # at most 40 characters, cut between words where there is a word to cut after
        head = s[:40]
        s = (head[:head.rfind("_")] if s[40] != "_" and "_" in head else head).rstrip("_")
    s = s or prefix
    if not s[0].isalpha():
        s = f"{prefix}_{s}"
    out, n = s, 2
    while out in taken:
        out, n = f"{s}_{n}", n + 1
    taken.add(out)
    return out


def holder_id(text: str | None) -> str | None:
    """A budget holder id, or its built-in display name (case-insensitive) turned into the id."""
    if text is None:
        return None
    t = text.strip()
    names = {name.lower(): hid for hid, name in BUDGET_HOLDERS.items()}
    return names.get(t.lower(), t)


def value_type_id(text: str | None) -> str | None:
    if text is None:
        return None
    t = re.sub(r"[\s\-]+", "_", text.strip().lower()).replace(",", "")
    return t if t in VALUE_TYPES else text


def spending_years(v: Any, fail) -> list[int]:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
        return [int(v)]
    if isinstance(v, str):
        out: list[int] = []
        for part in re.split(r"[,;]", v):
            part = part.strip()
            m = re.fullmatch(r"(\d+)\s*(?:-|to|–)\s*(\d+)", part)
            if m and int(m[1]) <= int(m[2]):
                out.extend(range(int(m[1]), int(m[2]) + 1))
            elif part.isdigit():
                out.append(int(part))
            else:
                break
        else:
            if out:
                return out
    raise fail(f"year must be a year such as 1, a list such as '1, 2, 5' or a range such as '1-3', got {shown(v)}")
