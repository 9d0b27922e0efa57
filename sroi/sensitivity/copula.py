"""The Gaussian copula's correlation matrix, with numpy only: a scheme's correlations are
checked when it loads, and loading a scheme must not import scipy."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

__all__ = ["correlation_factor"]


def correlation_factor(names: Sequence[str], correlation: Mapping[tuple[str, str], float] | None) -> np.ndarray | None:
    """Cholesky factor of the correlation matrix for a Gaussian copula, or None.

    ``correlation`` maps pairs of parameter names to rank (Spearman) correlations in
    (-1, 1). The copula's normal scores get the Pearson correlation that gives that rank
    correlation, ``2 sin(pi rho / 6)`` (the Gaussian copula's Spearman correlation is
    ``(6 / pi) arcsin(r / 2)``; Kruskal 1958), and every marginal is unchanged. Raises
    ``ValueError`` for unknown names or a matrix that is not positive definite.
    """
    if not correlation:
        return None
    index = {n: k for k, n in enumerate(names)}
    R = np.eye(len(names))
    for (a, b), rho in correlation.items():
        for n in (a, b):
            if n not in index:
                raise ValueError(f"correlation names {n!r}, which is not an uncertain parameter "
                                 f"(uncertain: {', '.join(names)})")
        if a == b or not -1 < rho < 1:
            raise ValueError(f"correlation of {a!r} and {b!r} must be strictly between -1 and 1 for two "
                             f"different parameters, got {rho}")
        R[index[a], index[b]] = R[index[b], index[a]] = 2 * np.sin(np.pi * rho / 6)
    try:
        return np.linalg.cholesky(R)
    except np.linalg.LinAlgError:
        raise ValueError("the correlations given do not form a positive definite matrix") from None
