"""Model checks: the warnings a careful reviewer of an SROI would raise.

These are warnings, not errors: the scheme is valid, but a reader should know. Each
has a code, the field it concerns and a sentence. ``sroi check FILE`` prints them,
and ``sroi run`` prints them under its tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import MEASURES, Outcome, Parameter, Scheme
from .prices import BRIDGE

__all__ = ["Warning_", "check", "CODES"]

CODES = {
    "double-count": "the same proxy is counted twice for one stakeholder",
    "fiscal-and-wellbeing": "a fiscal saving and a wellbeing value on the same change, without a note",
    "long-no-drop-off": "an outcome lasts over 5 years with no drop-off",
    "zero-deadweight": "deadweight left at zero with no reason given",
    "zero-attribution": "attribution left at zero with no reason given",
    "old-proxy": "a proxy priced more than 10 years before the price base",
    "assumption-carries-value": "an outcome resting on assumptions carries most of the value",
    "unsourced": "a number with neither a source nor an assumption",
    "assumption-without-range": "an assumption with no low/high range for sensitivity analysis",
    "wellbeing-double-count": "the same change valued in WELLBYs and again in a fiscal, QALY or other money proxy",
    "deflator-only-uprating": "a WELLBY or QALY value carried forward by prices alone, not also by real income growth",
    "price-bridge": "a calendar-year price rebased to a financial-year base (or back) through the month-weighted "
                    "bridge",
}


@dataclass(frozen=True)
class Warning_:
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message} [{self.code}]"


def _explained(p: Parameter) -> bool:
    return bool(p.source or p.assumption or p.note)


def _proxy_key(o) -> tuple:
    p = o.proxy
    return ("ref", p.ref) if p.ref else ("inline", p.value.base, p.unit, p.price_year, p.source)


def check(scheme: Scheme, *, present_values: dict[str, float] | None = None) -> list[Warning_]:
    """All warnings for a scheme, in file order.

    ``present_values`` (outcome id to PV) enables the "assumption carries most of the
    value" check; :func:`sroi.run` supplies it.
    """
    out: list[Warning_] = []
    outcomes = list(enumerate(scheme.outcomes, 1))

    # the same proxy twice for one stakeholder
    seen: dict[tuple, int] = {}
    for i, o in outcomes:
        key = (o.stakeholder, _proxy_key(o))
        if key in seen:
            first = scheme.outcomes[seen[key] - 1]
            out.append(Warning_("double-count", f"outcomes[{i}].proxy",
                                f"'{o.id}' uses the same proxy as '{first.id}' for stakeholder "
                                f"'{o.stakeholder}'; check the two are different changes"))
        else:
            seen[key] = i

    # a change valued in WELLBYs and again in money or QALYs (life satisfaction already
    # reflects health, income and savings felt by the person)
    def measure_of(o: Outcome) -> str | None:
        return o.proxy.measure.id if o.proxy.measure is not None else None

    by_change: dict[tuple, list[tuple[int, Outcome]]] = defaultdict(list)  # one stakeholder's one change
    for i, o in outcomes:
        by_change[(o.stakeholder, (o.indicator or o.outcome).strip().lower())].append((i, o))
    for group in by_change.values():
        wellbys = [(i, o) for i, o in group if measure_of(o) == MEASURES["wellby"]]
        others = [(i, o) for i, o in group if measure_of(o) != MEASURES["wellby"]]
        if wellbys and others:
            i, o = wellbys[0]
            other = others[0][1]
            how = "in QALYs" if measure_of(other) == MEASURES["qaly"] else f"as a {other.value_type.replace('_', ' ')} value"
            out.append(Warning_("wellbeing-double-count", f"outcomes[{i}]",
                                f"'{o.id}' values a change in WELLBYs that '{other.id}' also values {how}; life "
                                "satisfaction already reflects the health, income and savings the person feels, so "
                                "count one or show why the two do not overlap"))
    for i, o in outcomes:
        m = o.proxy.measure
        if m is not None and m.id in MEASURES.values() and m.uprating == "deflator" \
                and o.proxy.price_year != scheme.price_base:
            out.append(Warning_("deflator-only-uprating", f"outcomes[{i}].proxy.uprating",
                                f"'{o.id}' carries the {m.unit} value from {o.proxy.price_year} to {scheme.price_base} "
                                "by the deflator alone; HM Treasury's wellbeing guidance also uprates it by real GDP "
                                "per head to the power 1.3 (uprating = \"real_income_growth\"), so this understates "
                                "it a little"))

    # a fiscal saving and a wellbeing value on the same change
    for group in by_change.values():
        fiscal = [(i, o) for i, o in group if o.value_type.startswith("fiscal")]
        social = [(i, o) for i, o in group if o.value_type == "social"]
        if fiscal and social and not any(o.note for _, o in fiscal + social):
            i, o = social[0]
            out.append(Warning_("fiscal-and-wellbeing", f"outcomes[{i}]",
                                f"'{o.id}' adds a wellbeing value to the fiscal saving '{fiscal[0][1].id}' on the "
                                "same change; add a note saying why this is not double counting"))

    base_year = scheme.price_base.year
    for i, o in outcomes:
        at = f"outcomes[{i}]"
        if o.duration.base > 5 and o.drop_off.base == 0 and not _explained(o.drop_off):
            out.append(Warning_("long-no-drop-off", f"{at}.drop_off",
                                f"'{o.id}' lasts {o.duration.base:g} years with no drop-off; state a drop-off "
                                "or the reason for none"))
        for name, code in (("deadweight", "zero-deadweight"), ("attribution", "zero-attribution")):
            p = getattr(o, name)
            if p.base == 0 and not _explained(p):
                out.append(Warning_(code, f"{at}.{name}", f"'{o.id}' has {name} 0 and no reason is given"))
        if o.proxy.price_year.fiscal != scheme.price_base.fiscal:
            out.append(Warning_("price-bridge", f"{at}.proxy.price_year",
                                f"'{o.id}' is priced in {o.proxy.price_year} and the scheme in {scheme.price_base}: "
                                f"rebased through the calendar/financial-year bridge ({BRIDGE})"))
        if base_year - o.proxy.price_year.year > 10:
            out.append(Warning_("old-proxy", f"{at}.proxy",
                                f"'{o.id}' uses a {o.proxy.price_year} price; rebasing keeps its real value but "
                                f"not changes in how the service is delivered since"))
        # every written number sourced; every assumption with a range
        params = [(f"quantity.{n}", p) for n, p in o.quantity.parts()] + [
            ("duration", o.duration), ("drop_off", o.drop_off), ("deadweight", o.deadweight),
            ("displacement", o.displacement), ("attribution", o.attribution)]
        if o.proxy.ref is None:
            params.append(("proxy.value", o.proxy.value))
        for name, p in params:
            sourced = p.source or p.assumption or (name == "proxy.value" and o.proxy.source)
            if p.base != 0 and not sourced:
                out.append(Warning_("unsourced", f"{at}.{name}",
                                    f"{p.base:g} has neither a source nor an assumption"))
            if p.assumption and (p.low is None or p.high is None):
                out.append(Warning_("assumption-without-range", f"{at}.{name}",
                                    "is an assumption but has no low/high range"))
    for j, inp in enumerate(scheme.inputs, 1):
        if inp.price_year.fiscal != scheme.price_base.fiscal:
            out.append(Warning_("price-bridge", f"inputs[{j}].price_year",
                                f"'{inp.id}' is priced in {inp.price_year} and the scheme in {scheme.price_base}: "
                                f"rebased through the calendar/financial-year bridge ({BRIDGE})"))
        for name, p in inp.parts():
            if p.base != 0 and not (p.source or p.assumption or inp.source):
                out.append(Warning_("unsourced", f"inputs[{j}].{name}", f"{p.base:g} has neither a source nor an "
                                    "assumption"))
            if p.assumption and (p.low is None or p.high is None):
                out.append(Warning_("assumption-without-range", f"inputs[{j}].{name}",
                                    "is an assumption but has no low/high range"))
    if scheme.cohort and not scheme.cohort_source:
        for y, p in enumerate(scheme.cohort, 1):
            if p.base != 0 and not (p.source or p.assumption):
                out.append(Warning_("unsourced", f"cohort.participants[{y}]",
                                    f"{p.base:g} has neither a source nor an assumption"))

    # an assumption carrying most of the value
    if present_values:
        total = sum(v for v in present_values.values() if v > 0)
        for i, o in outcomes:
            pv = present_values.get(o.id, 0.0)
            if total > 0 and pv / total > 0.5:
                assumed = [n for n, p in [*o.quantity.parts(), ("proxy", o.proxy.value), ("duration", o.duration)]
                           if p.assumption]
                if assumed:
                    out.append(Warning_("assumption-carries-value", f"outcomes[{i}]",
                                        f"'{o.id}' carries {100 * pv / total:.0f}% of the value and its "
                                        f"{', '.join(assumed)} {'is an assumption' if len(assumed) == 1 else 'are assumptions'}"))
    return out
