"""Per-draw outputs of the engine: what every analysis summarises.

:class:`Outputs` holds each draw's present value, investment and each budget holder's
value and spend (NPV and SROI ratio derive from them). Two paths give them:
:func:`spec_outputs` through the specification, summed as the headline is (the
deterministic analyses), and :func:`sroi.engine.compiled.outputs` through the compiled
kernel in blocks, memory flat however many draws (PSA, Sobol, root-finding).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .spec import Model

__all__ = ["Outputs", "spec_outputs", "holders"]


def holders(model: Model) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Budget holders in first-seen order, and matrices outcome->holder (1 for the
    beneficiary, -1 for a transfer's payer) and input->holder (0/1)."""
    s = model.scheme
    names = list(dict.fromkeys([o.beneficiary for o in s.outcomes] + [i.funder for i in s.inputs]
                               + [o.payer for o in s.outcomes if o.payer is not None]))
    col = {h: k for k, h in enumerate(names)}
    out_map = np.zeros((len(s.outcomes), len(names)))
    for i, o in enumerate(s.outcomes):
        out_map[i, col[o.beneficiary]] = 1.0
        if o.payer is not None:
            out_map[i, col[o.payer]] = -1.0
    in_map = np.zeros((len(s.inputs), len(names)))
    for j, inp in enumerate(s.inputs):
        in_map[j, col[inp.funder]] = 1.0
    return names, out_map, in_map


@dataclass(frozen=True)
class Outputs:
    """Outputs for ``D`` draws (arrays of length ``D``, or ``(D, H)`` by holder)."""

    present_value: np.ndarray
    investment: np.ndarray
    holder_value: np.ndarray
    holder_spend: np.ndarray
    holder_names: tuple[str, ...]

    @property
    def npv(self) -> np.ndarray:
        return self.present_value - self.investment

    @property
    def ratio(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.present_value / self.investment

    @property
    def holder_per_pound(self) -> np.ndarray:
        """Each holder's value per pound of total investment, ``(D, H)``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.holder_value / self.investment[:, None]


def spec_outputs(model: Model, design: np.ndarray) -> Outputs:
    """Evaluate a design ``(draws, parameters)`` through the specification
    (:meth:`Model.evaluate <sroi.engine.spec.Model.evaluate>`), each draw summed exactly
    as :class:`~sroi.results.Result` sums the headline: present value is
    ``float((value @ value_df).sum())`` and investment ``float((cost @ cost_df).sum())``,
    draw by draw. A row at the base values therefore gives the figures ``sroi run``
    prints, to the bit; the deterministic analyses (one-way, two-way, switching values)
    use this path so that their base is the headline. Memory is draws x outcomes x
    years: meant for designs of a few thousand rows, not for a PSA.
    """
    from .spec import outcome_present_values

    X = np.asarray(design, dtype=float)
    if X.ndim == 1:
        X = X[None, :]
    ev = model.evaluate(X)
    names, out_map, in_map = holders(model)
    D, H = X.shape[0], len(names)
    pv, inv = np.empty(D), np.empty(D)
    hv, hs = np.empty((D, H)), np.empty((D, H))
    for d in range(D):
        by_outcome = outcome_present_values(ev.value[d], np.asarray(ev.value_df[d]),
                                            None if ev.health_df is None else np.asarray(ev.health_df[d]), ev.health)
        by_input = ev.cost[d] @ np.asarray(ev.cost_df[d])
        pv[d], inv[d] = float((by_outcome * model.society).sum()), float(by_input.sum())
        hv[d], hs[d] = by_outcome @ out_map, by_input @ in_map
    return Outputs(pv, inv, hv, hs, tuple(names))
