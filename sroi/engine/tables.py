"""Tabulated inverse CDFs with a stated, checked error.

Scipy's inverse CDFs are exact but slow (beta's takes 0.5 to 1.9 microseconds a value,
measured), and even the normal quantile costs 14 ns a value in numpy and 44 ns called
one value at a time from compiled code. A PSA maps millions of uniforms through them,
so every smooth distribution (beta, gamma, PERT, normal, truncated normal, lognormal)
is tabulated once and looked up.

A :class:`QuantileTable` covers ``u`` in three pieces:

* the centre, ``u`` in ``[1/32, 31/32]`` (15 draws in 16): cubic Hermite pieces on
  equally spaced ``u``, from the exact quantile and its exact derivative
  ``1 / pdf(x)``. The lookup is one multiply, one gather and a cubic;
* each tail, ``w = min(u, 1 - u)`` below 1/32: cubic Hermite pieces in
  ``s = sqrt(-2 ln w)``, a variable in which every quantile function here is smooth
  (it is close to the normal score ``|z|``), down to ``w = 2**-80``;
* ``u <= 0`` and ``u >= 1`` give the ends of the support exactly.

**The error allowed** is ``ERROR_SD`` (1e-8) standard deviations, or ``ERROR_REL``
(1e-11) of the value itself where that is larger (only in the far tails of
heavy-tailed distributions, where the values are many standard deviations out). Each
table checks itself when built: it compares every piece's midpoint, where a cubic
Hermite piece's error peaks, with the exact quantile, and doubles the number of pieces
until every midpoint is within half the allowance. ``tests/test_sampling.py`` then
measures the error on dense random and tail draws. Draws with ``0 < w < 2**-80``
(never produced by numpy's generator, whose smallest non-zero uniform is ``2**-53``)
take the value at ``2**-80``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from scipy import special

__all__ = ["QuantileTable", "TruncatedNormal", "Polished", "ERROR_SD", "ERROR_REL", "P_TAIL", "W_MIN"]

ERROR_SD = 1e-8
ERROR_REL = 1e-11
P_TAIL = 1.0 / 32.0
W_MIN = 2.0 ** -80
S0, S1 = math.sqrt(-2.0 * math.log(P_TAIL)), math.sqrt(-2.0 * math.log(W_MIN))
MAX_PIECES = 2 ** 17


def _hermite(x: np.ndarray, dx: np.ndarray) -> np.ndarray:
    """Coefficients ``(pieces, 4)`` of ``x0 + s (c1 + s (c2 + s c3))`` for ``s`` in [0, 1],
    from values and derivatives (per unit of ``s``) at the nodes."""
    x0, x1, d0, d1 = x[:-1], x[1:], dx[:-1], dx[1:]
    return np.stack([x0, d0, 3.0 * (x1 - x0) - 2.0 * d0 - d1, 2.0 * (x0 - x1) + d0 + d1], axis=1)


def _cubic(c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Evaluate pieces at positions ``t`` in [0, pieces] (piece ``floor(t)``)."""
    i = np.minimum(t.astype(np.int64), c.shape[0] - 1)
    s = t - i
    out = c[i, 3] * s
    out += c[i, 2]
    out *= s
    out += c[i, 1]
    out *= s
    out += c[i, 0]
    return out


class Polished:
    """A scipy frozen distribution whose quantiles are refined against its CDF.

    Boost's inverse of the incomplete beta function can stop about 1e-8 short for
    extreme shapes (seen: ``beta(0.0852, 0.0852).ppf(0.5)`` is 0.49999999, the median
    being 0.5 exactly), which is more than the tables' allowance. A quantile whose CDF
    misses its probability by more than ``xtol`` times its density (an error in ``x``
    of more than ``xtol``) gets Newton steps on the CDF (on the survival function for
    ``isf``), each kept only where it brings the CDF closer.
    """

    def __init__(self, dist, *, xtol: float) -> None:
        self.dist, self.xtol = dist, xtol

    def pdf(self, x):
        return self.dist.pdf(x)

    def ppf(self, u):
        return self._refine(self._bisect_gaps(self.dist.ppf(u), u, upper=False), u, upper=False)

    def isf(self, w):
        return self._refine(self._bisect_gaps(self.dist.isf(w), w, upper=True), w, upper=True)

    def _bisect_gaps(self, x, p, *, upper: bool):
        """Where scipy gives NaN for a probability strictly inside (0, 1) (seen: boost's
        inverse beta for a PERT with its mode 2e-16 from the low end, at p near 1e-15),
        bisect the CDF (or survival function) over the support instead: 1,100 halvings
        reach the nearest double anywhere in a bounded support."""
        scalar = np.ndim(x) == 0 and np.ndim(p) == 0
        x = np.array(x, dtype=float, copy=True, ndmin=1)
        p = np.broadcast_to(np.asarray(p, dtype=float), x.shape)
        gaps = np.flatnonzero(np.isnan(x) & (p > 0) & (p < 1))
        lo, hi = (float(v) for v in self.dist.support())
        if gaps.size and math.isfinite(lo) and math.isfinite(hi):
            a, b, target = np.full(gaps.size, lo), np.full(gaps.size, hi), p[gaps]
            with np.errstate(all="ignore"):
                for _ in range(1100):
                    mid = a + (b - a) / 2
                    below = (self.dist.sf(mid) > target) if upper else (self.dist.cdf(mid) < target)
                    a, b = np.where(below, mid, a), np.where(below, b, mid)
                    if np.all(b <= np.nextafter(a, np.inf)):
                        break
            x[gaps] = b
        return float(x[0]) if scalar else x

    def _refine(self, x, p, *, upper: bool, steps: int = 4):
        """Newton steps for quantiles ``x`` of probabilities ``p`` (below ``x``, or above it
        if ``upper``). Each is judged on its smaller side, the CDF below 1/2 and the
        survival function above, where the probability keeps its precision."""
        scalar = np.ndim(x) == 0 and np.ndim(p) == 0
        x = np.array(x, dtype=float, copy=True, ndmin=1)
        p = np.broadcast_to(np.asarray(p, dtype=float), x.shape)
        survival = (p <= 0.5) if upper else (p > 0.5)
        target = np.where(survival == upper, p, 1.0 - p)  # exact: 1 - p for p >= 1/2

        def miss_at(x, survival, target):
            out = np.empty_like(x)
            out[survival] = self.dist.sf(x[survival]) - target[survival]
            out[~survival] = self.dist.cdf(x[~survival]) - target[~survival]
            return out

        with np.errstate(all="ignore"):
            miss = miss_at(x, survival, target)
            density = self.dist.pdf(x)
            for _ in range(steps):
                todo = np.flatnonzero(np.isfinite(x) & (np.abs(miss) > self.xtol * density))
                if todo.size == 0:
                    break
                sv, tg = survival[todo], target[todo]
                new = x[todo] + np.where(sv, 1.0, -1.0) * miss[todo] / density[todo]  # sf falls as x rises
                new_miss = miss_at(new, sv, tg)
                better = np.isfinite(new) & (np.abs(new_miss) < np.abs(miss[todo]))
                if not better.any():
                    break
                k = todo[better]
                x[k], miss[k], density[k] = new[better], new_miss[better], self.dist.pdf(new[better])
        return float(x[0]) if scalar else x


class TruncatedNormal:
    """Exact quantiles of a normal distribution truncated to ``[low, high]``.

    scipy's ``truncnorm.isf`` returns values beyond the upper bound far in the tail
    (seen: 17.03 for a bound of 17 at ``w = 1e-20``), so both tails are computed here
    from the normal quantile of the tail's own probability, which keeps precision."""

    def __init__(self, mean: float, sd: float, low: float, high: float) -> None:
        self.mean, self.sd, self.low, self.high = mean, sd, low, high  # of the normal before truncation
        a, b = (low - mean) / sd, (high - mean) / sd
        self.pa, self.qb = special.ndtr(a), special.ndtr(-b)  # P(Z < a), P(Z > b)
        self.mass = special.ndtr(b) - self.pa if a < 0 else special.ndtr(-a) - self.qb

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        z = np.where(u <= 0.5, special.ndtri(self.pa + u * self.mass),
                     -special.ndtri(self.qb + (1.0 - u) * self.mass))
        return np.clip(self.mean + self.sd * z, self.low, self.high)

    def isf(self, w):
        z = -special.ndtri(self.qb + np.asarray(w, dtype=float) * self.mass)
        return np.clip(self.mean + self.sd * z, self.low, self.high)

    def pdf(self, x):
        z = (np.asarray(x, dtype=float) - self.mean) / self.sd
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) / (self.sd * self.mass), 0.0)


class QuantileTable:
    """The inverse CDF of a scipy frozen distribution, tabulated as the module describes.

    Attributes used by the compiled sampler: ``centre`` (pieces, 4), ``lower`` and
    ``upper`` (tail pieces, 4 each), ``ends`` (the values at u = 0 and 1).
    """

    def __init__(self, dist, *, sd: float | None = None, name: str = "distribution") -> None:
        self.dist = dist
        self.sd = float(dist.std()) if sd is None else float(sd)
        self.ends = (float(dist.ppf(0.0)), float(dist.ppf(1.0)))
        with warnings.catch_warnings():
            # far in the tail of a J-shaped beta, boost's root finder may give up and warn
            # while returning a value within rounding of the bound; the build's own check
            # judges every value it uses
            warnings.simplefilter("ignore", RuntimeWarning)
            self.centre = self._build(self._centre_nodes, 1024, name)
            self.lower = self._build(lambda g: self._tail_nodes(g, upper=False), 64, name)
            self.upper = self._build(lambda g: self._tail_nodes(g, upper=True), 64, name)
        self.centre_scale = self.centre.shape[0] / (1.0 - 2.0 * P_TAIL)
        self.lower_scale = self.lower.shape[0] / (S1 - S0)
        self.upper_scale = self.upper.shape[0] / (S1 - S0)

    # -- nodes: values and derivatives per unit of the piece coordinate ------------------
    def _centre_nodes(self, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        u = np.linspace(P_TAIL, 1.0 - P_TAIL, g + 1)
        h = u[1] - u[0]
        x = self.dist.ppf(u)
        mid = (u[:-1] + u[1:]) / 2
        return x, h / self.dist.pdf(x), mid, self.dist.ppf(mid)

    def _tail_nodes(self, g: int, *, upper: bool):
        s = np.linspace(S0, S1, g + 1)
        h = s[1] - s[0]
        mid = (s[:-1] + s[1:]) / 2

        def at(s):
            w = np.exp(-0.5 * s * s)
            x = self.dist.isf(w) if upper else self.dist.ppf(w)
            bad = ~np.isfinite(x)
            if bad.any():  # scipy's beta.isf gives NaN below w = 5e-17 for some shapes (seen: 0.90, 1.02)
                x[bad] = self.dist.ppf(1.0 - w[bad]) if upper else self.dist.isf(1.0 - w[bad])
            return x, w

        x, w = at(s)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            dx = (1.0 if upper else -1.0) * s * w / self.dist.pdf(x) * h  # dx/ds = dx/dw * dw/ds
        return x, np.where(np.isfinite(dx), dx, 0.0), mid, at(mid)[0]

    def _build(self, nodes, pieces: int, name: str) -> np.ndarray:
        while True:
            x, dx, _, exact = nodes(pieces)
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(exact))):
                raise ValueError(f"{name}: its inverse CDF is not finite everywhere, so it cannot be sampled")
            c = _hermite(x, dx)
            approx = _cubic(c, np.arange(pieces) + 0.5)
            if np.all(np.abs(approx - exact) <= 0.5 * self.allowed(exact)):
                return c
            pieces *= 2
            if pieces > MAX_PIECES:
                raise ValueError(f"{name}: its inverse CDF cannot be tabulated within the stated error "
                                 f"(1e-8 sd); it is too extreme a distribution to sample")

    def allowed(self, x: np.ndarray) -> np.ndarray:
        """The error allowed at value(s) ``x``."""
        return np.maximum(ERROR_SD * self.sd, ERROR_REL * np.abs(x))

    def __call__(self, u: np.ndarray) -> np.ndarray:
        """Values at probabilities ``u`` (numpy; the compiled sampler does the same sums)."""
        u = np.asarray(u, dtype=float)
        t = np.clip((u - P_TAIL) * self.centre_scale, 0.0, self.centre.shape[0])
        out = _cubic(self.centre, np.where(np.isnan(t), 0.0, t))  # NaN has no piece; set below
        low, high = u < P_TAIL, u > 1.0 - P_TAIL
        for mask, table, scale, w in ((low, self.lower, self.lower_scale, u),
                                      (high, self.upper, self.upper_scale, 1.0 - u)):
            if mask.any():
                with np.errstate(divide="ignore"):
                    s = np.sqrt(-2.0 * np.log(w[mask]))
                out[mask] = _cubic(table, np.clip((s - S0) * scale, 0.0, table.shape[0]))
        out[u <= 0.0] = self.ends[0]
        out[u >= 1.0] = self.ends[1]
        out[np.isnan(u)] = np.nan
        return out
