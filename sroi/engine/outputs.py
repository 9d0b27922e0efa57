"""Per-draw outputs of the kernel: what every sensitivity analysis summarises.

:func:`outputs` turns a design (draws x parameters) into present value, investment,
NPV, SROI ratio and each budget holder's value and spend, evaluating in chunks so
memory stays flat however many draws there are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spec import Model

__all__ = ["Outputs", "outputs", "holders"]


def holders(model: Model) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Budget holders in first-seen order, and 0/1 matrices outcome->holder and input->holder."""
    s = model.scheme
    names = list(dict.fromkeys([o.beneficiary for o in s.outcomes] + [i.funder for i in s.inputs]))
    col = {h: k for k, h in enumerate(names)}
    out_map = np.zeros((len(s.outcomes), len(names)))
    for i, o in enumerate(s.outcomes):
        out_map[i, col[o.beneficiary]] = 1.0
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


def outputs(model: Model, design: np.ndarray, *, chunk_size: int = 4096, threads: int | None = None) -> Outputs:
    """Evaluate a design ``(draws, parameters)`` through the compiled kernel, in blocks of
    ``chunk_size`` draws on ``threads`` threads (default: every CPU available)."""
    from .compiled import evaluate_rows

    return evaluate_rows(model, design, block=chunk_size, threads=threads)
