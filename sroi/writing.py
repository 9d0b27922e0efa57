"""Writing a :class:`Scheme` back out: to a mapping in the file format, to TOML, to a file.

``from_dict(to_dict(s)) == s`` for every valid scheme, so a scheme built or edited in
Python can be saved and reloaded without loss.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from .model import FORMAT_VERSION, MEASURES, Parameter, Proxy, Scheme

__all__ = ["to_dict", "dumps", "save"]


def _param_out(p: Parameter) -> float | dict[str, Any]:
    if p.derived is not None:  # write what the file said, not what graded uncertainty filled in
        from .uncertainty import declared

        p = declared(p)
    if p.is_plain:
        return p.base
    out: dict[str, Any] = {"base": p.base}
    for key in ("low", "high"):
        if getattr(p, key) is not None:
            out[key] = getattr(p, key)
    if p.distribution is not None:
        out["distribution"] = {"type": p.distribution.kind, **dict(p.distribution.params)}
    for key in ("source", "assumption", "note", "grade"):
        if getattr(p, key) is not None:
            out[key] = getattr(p, key)
    return out


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _proxy_out(p: Proxy) -> str | dict[str, Any]:
    if p.measure is not None:
        m = p.measure
        short = {v: k for k, v in MEASURES.items()}.get(m.id, m.id)
        return _drop_none({"measure": short, "amount": _param_out(p.value),
                           "uprating": None if m.uprating == "deflator" else m.uprating,
                           "gdp_per_head_growth": m.growth, "growth_source": m.growth_source})
    if p.ref is not None:
        extras = _param_out(p.value)
        if not isinstance(extras, dict):
            return p.ref
        extras.pop("base")
        return {"id": p.ref, **extras}
    return _drop_none({"value": _param_out(p.value), "unit": p.unit, "price_year": p.price_year.to_toml(),
                       "source": p.source, "url": p.url, "description": p.description})


def to_dict(scheme: Scheme) -> dict[str, Any]:
    """The scheme as a mapping in the file format: ``from_dict(to_dict(s)) == s``."""
    d = scheme.discounting
    out: dict[str, Any] = _drop_none({
        "format": FORMAT_VERSION, "name": scheme.name, "place": scheme.place,
        "description": scheme.description, "price_base": scheme.price_base.to_toml(),
        "currency": scheme.currency, "horizon": scheme.horizon,
    })
    if scheme.gaps:
        out["gaps"] = list(scheme.gaps)
    if scheme.proxy_tables:
        out["proxy_tables"] = list(scheme.proxy_tables)
    if scheme.sources:
        out["sources"] = [_drop_none({f.name: getattr(s, f.name) for f in fields(s)}) for s in scheme.sources]
    if scheme.budget_holders:
        out["budget_holders"] = [{"id": h.id, "name": h.name} for h in scheme.budget_holders]
    out["discounting"] = _drop_none({
        "convention": d.convention, "schedule": d.schedule,
        "rate": _param_out(d.rate) if d.rate is not None else None,
        "rates": list(d.rates) if d.rates is not None else None, "source": d.source,
    })
    if scheme.cohort:
        out["cohort"] = _drop_none({"participants": [_param_out(p) for p in scheme.cohort],
                                    "source": scheme.cohort_source})
    out["inputs"] = [_drop_none({
        "id": i.id, "description": i.description, "funder": i.funder,
        **{name: _param_out(p) for name, p in i.parts()},
        "unit": i.unit, "basis": i.basis, "kind": i.kind, "years": list(i.years),
        "price_year": i.price_year.to_toml(), "source": i.source, "note": i.note, "grade": i.grade,
    }) for i in scheme.inputs]
    outcomes = []
    for o in scheme.outcomes:
        q = o.quantity
        quantity = {name: _param_out(p) for name, p in q.parts()}
        outcomes.append(_drop_none({
            "id": o.id, "stakeholder": o.stakeholder, "outcome": o.outcome, "indicator": o.indicator,
            "quantity": quantity,
            "proxy": _proxy_out(o.proxy),
            "start_year": o.start_year, "duration": _param_out(o.duration),
            "drop_off": _param_out(o.drop_off), "deadweight": _param_out(o.deadweight),
            "displacement": _param_out(o.displacement), "attribution": _param_out(o.attribution),
            "beneficiary": o.beneficiary, "value_type": o.value_type, "disbenefit": o.disbenefit,
            "evidence": _drop_none({"source": o.evidence.source, "confidence": o.evidence.confidence,
                                    "note": o.evidence.note, "grade": o.evidence.grade}) or None,
            "note": o.note, "income_quintile": o.income_quintile, "recipient_income": o.recipient_income,
            "payer": o.payer, "schedule": None if o.schedule == "scheme" else o.schedule,
            "cashable_step": None if o.cashable_step is None else {"units": o.cashable_step,
                                                                   "label": o.cashable_step_label},
        }))
    out["outcomes"] = outcomes
    if scheme.scenarios:
        out["scenarios"] = [_drop_none({"name": sc.name, "description": sc.description, "source": sc.source,
                                        "set": dict(sc.overrides)}) for sc in scheme.scenarios]
    if scheme.distributional is not None:
        dd = scheme.distributional
        out["distributional"] = _drop_none({"eta": dd.eta, "reference_income": dd.reference_income,
                                            "source": dd.source})
    if scheme.payback != "discounted":
        out["payback"] = scheme.payback
    if scheme.uncertainty != "declared":
        out["uncertainty"] = scheme.uncertainty
    if scheme.correlations:
        out["correlations"] = [_drop_none({"parameters": list(c.parameters), "rho": c.rho, "source": c.source})
                               for c in scheme.correlations]
    if scheme.reproduction is not None:
        r = scheme.reproduction
        out["reproduction"] = _drop_none({
            "grade": r.grade, "publication": r.publication, "tolerance": r.tolerance,
            "tolerance_note": r.tolerance_note, "note": r.note,
            "figures": [_drop_none({f.name: getattr(fig, f.name) for f in fields(fig)}) for fig in r.figures],
        })
    return out


def dumps(scheme: Scheme) -> str:
    """The scheme as TOML text in the file format (``loads(dumps(s)) == s``)."""
    import tomli_w

    return tomli_w.dumps(to_dict(scheme), multiline_strings=True)


def save(scheme: Scheme, path: str | Path, *, force: bool = False) -> Path:
    """Write the scheme to ``path`` as TOML, atomically; refuses to overwrite an
    existing file unless ``force`` is true."""
    from .fileio import atomic_write

    return atomic_write(path, dumps(scheme), force=force)
