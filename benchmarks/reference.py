"""The benchmark reference scheme: 20 outcomes over 30 years with 100 uncertain parameters.

Each outcome has five uncertain parameters, mixing the distributions the issue names:
rate of participants (beta), proxy (gamma for even outcomes, lognormal for odd),
deadweight (beta), attribution (triangular) and drop-off (PERT). The figures are
synthetic by design: this scheme measures speed, not any real programme.
"""

from __future__ import annotations

import sroi


def reference_dict(outcomes: int = 20, horizon: int = 30, *, distinct: bool = False) -> dict:
    """``distinct``: nudge each outcome's rate, deadweight, drop-off and attribution so that
    every parameter has a distribution of its own (no inverse-CDF table is shared)."""
    out = []
    for i in range(outcomes):
        e = 1e-5 * i if distinct else 0.0
        proxy_dist = {"type": "gamma", "sd": 300.0} if i % 2 == 0 else {"type": "lognormal", "sd": 300.0}
        out.append({
            "id": f"outcome_{i:02d}", "stakeholder": f"Stakeholder {i % 5}", "outcome": f"Synthetic outcome {i}",
            "quantity": {"rate": {"base": 0.1 + 0.02 * (i % 10) + e, "distribution": {"type": "beta", "sd": 0.03}}},
            "proxy": {"value": {"base": 1000.0 + 100 * i, "distribution": proxy_dist}, "unit": "per person per year",
                      "price_year": "2024-25", "source": "synthetic benchmark value"},
            "start_year": 1 + i % 3, "duration": 3 + i % 8,
            "drop_off": {"base": 0.1 + e, "low": 0.0, "high": 0.3, "distribution": "pert"},
            "deadweight": {"base": 0.2 + e, "distribution": {"type": "beta", "sd": 0.05}},
            "attribution": {"base": 0.25 + e, "low": 0.1, "high": 0.4, "distribution": "triangular"},
            "beneficiary": ["nhs", "la_adult_social_care", "police", "dwp", "participant"][i % 5],
            "value_type": ["fiscal_cashable", "fiscal_non_cashable", "fiscal_non_cashable", "economic", "social"][i % 5],
        })
    return {
        "name": "Benchmark reference scheme (synthetic)", "price_base": "2024-25", "horizon": horizon,
        "discounting": {"convention": "sroi_guide"},
        "cohort": {"participants": [500, 500, 500]},
        "inputs": [{"id": "delivery", "description": "Delivery", "funder": "la_other", "amount": 17500.0,
                    "basis": "per_participant", "price_year": "2024-25"},
                   {"id": "setup", "description": "Set-up", "funder": "la_other", "amount": 50000.0,
                    "price_year": "2024-25"}],
        "outcomes": out,
    }


def reference_scheme(**kw) -> sroi.Scheme:
    return sroi.from_dict(reference_dict(**kw), path="benchmarks/reference.py")
