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


def norm(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    t = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text.lower())
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


OUTCOME_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "outcome id"),
    "stakeholder": ("stakeholder", "stakeholders", "stakeholder group"),
    "outcome": ("outcome", "outcomes", "outcome description", "what changes", "the outcome"),
    "indicator": ("indicator", "indicators"),
    "quantity": ("quantity", "qty", "number of people", "how many"),
    "duration": ("duration", "duration years", "how long it lasts"),
    "proxy": ("proxy", "financial proxy", "proxy description", "financial proxy description"),
    "value": ("value", "value per unit", "proxy value", "unit value", "value of proxy", "value of the proxy",
              "financial proxy value"),
    "unit": ("unit", "proxy unit", "unit of proxy"),
    "source": ("source", "proxy source", "source of proxy", "source of the proxy", "source of financial proxy"),
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
    "discount_rate": ("discount rate",),
    "beneficiary": ("beneficiary", "budget holder"),
    "value_type": ("value type",),
    "funder": ("funder",),
}
OUTCOME_REQUIRED = ("stakeholder", "outcome", "quantity", "duration", "value")
OPTION_FLAGS = {"name": "--name", "price_year": "--price-year", "currency": "--currency", "horizon": "--horizon",
                "convention": "--convention", "schedule": "--schedule", "discount_rate": "--discount-rate",
                "beneficiary": "--beneficiary", "value_type": "--value-type", "funder": "--funder"}
UNIT_DEFAULT = "per unit of quantity (as in the value map)"


def lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: key for key, names in aliases.items() for alias in names}


def slug(text: str, taken: set[str], prefix: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].rstrip("_") or prefix
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
