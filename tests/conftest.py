"""Shared helpers: a minimal valid scheme as a dict, to vary one field at a time."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMES = Path(__file__).resolve().parent / "schemes"


def minimal(**top) -> dict:
    """A small valid scheme mapping; keyword arguments replace top-level keys."""
    base = {
        "name": "Minimal",
        "price_base": 2024,
        "horizon": 3,
        "discounting": {"schedule": "constant", "rate": 0.035, "convention": "sroi_guide"},
        "inputs": [{"id": "grant", "description": "Grant", "funder": "la_other", "amount": 100000}],
        "outcomes": [{
            "id": "gain", "stakeholder": "Participants", "outcome": "A change", "quantity": 100,
            "proxy": {"value": 1000, "unit": "per person per year", "price_year": 2024, "source": "test"},
            "duration": 3, "drop_off": 0.1, "deadweight": 0.2, "attribution": 0.25,
            "beneficiary": "participant", "value_type": "social",
        }],
    }
    base.update(copy.deepcopy(top))
    return base


def declared_only(path: str | Path, tmp_path: Path | None = None):
    """The bundled scheme at ``path`` without its ``uncertainty = "graded"``: only the
    distributions its file declares (for the bundled seed schemes, none). Returns the
    scheme, or with ``tmp_path`` the path of a file holding it."""
    from sroi.scenario import dumps, from_dict, load, to_dict

    data = to_dict(load(path))
    data.pop("uncertainty", None)
    scheme = from_dict(data, path=str(path))
    if tmp_path is None:
        return scheme
    out = tmp_path / Path(path).name
    out.write_text(dumps(scheme), encoding="utf-8")
    return str(out)


def random_design(model, n: int, seed: int, *, rate_high: float = 1.0):
    """``n`` draws around a model's base: rates uniform on [0, rate_high], money and counts
    times U(0.5, 1.5), durations U(0.5, 3); other parameters at base."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = np.repeat(model.base[None, :], n, axis=0)
    for k, ref in enumerate(model.refs):
        if ref.kind == "rate":
            X[:, k] = rng.uniform(0, rate_high, n)
        elif ref.kind in ("money", "count"):
            X[:, k] *= rng.uniform(0.5, 1.5, n)
        elif ref.kind == "years":
            X[:, k] = rng.uniform(0.5, 3, n)
    return X


@pytest.fixture
def scheme_dict() -> dict:
    return minimal()
