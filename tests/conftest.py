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


@pytest.fixture
def scheme_dict() -> dict:
    return minimal()
