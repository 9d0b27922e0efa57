"""The compiled kernel: present values per draw, and the fused sampler of the PSA.

Every sensitivity analysis evaluates the model for many draws. This module does it in
compiled code (numba), one draw at a time with no intermediate arrays:

* :func:`evaluate_rows` gives each draw's present value, investment and each budget
  holder's value and spend, for a design ``(draws, parameters)``;
* :func:`sample_and_evaluate` maps a block of uniforms through each parameter's
  inverse CDF and evaluates each draw in the same pass (the PSA's inner loop).

The sums are the year-by-year kernel's (:meth:`sroi.engine.Model.evaluate`), which the
tests hold this module to (1e-12 relative) on every bundled scheme. Where one discount
rate covers the horizon and an outcome ends inside it, the outcome's years are summed
once per outcome, as ``(sum of q**k over its years) x (sum of its intakes' discount
factors)`` with ``q = (1 - drop_off) / (1 + r)``; otherwise year by year. Each draw is
independent, so blocks of draws run on several threads (the compiled functions release
the GIL) and the result does not depend on the number of threads.

Compiled code is cached on disk by numba (``cache=True``) so only the first use on a
machine pays the compile time (a few seconds).
"""

from __future__ import annotations

import math
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numba as nb
import numpy as np

from ..engine import Model
from .outputs import Outputs, holders
from .tables import P_TAIL, S0

__all__ = ["evaluate_rows", "sample_and_evaluate", "pack_model", "pack_marginals", "run_blocks", "default_threads",
           "FIXED", "UNIFORM", "TRIANGULAR", "TABLE"]

FIXED, UNIFORM, TRIANGULAR, TABLE = 0, 1, 2, 3

# columns of the packed outcome table
_Q1, _Q2, _HAS_Q2, _PROXY, _DUR, _DROP, _DW, _DISP, _ATTR, _LAG, _LINKED, _HOLDER = range(12)
# columns of the packed input table
_A, _B, _HAS_B, _PER, _IHOLDER, _Y0, _Y1 = range(7)


def default_threads() -> int:
    """Threads for the compiled loops: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_PACKED: "weakref.WeakKeyDictionary[Model, tuple]" = weakref.WeakKeyDictionary()


def pack_model(model: Model) -> tuple:
    """The model's index arrays as the compiled kernel takes them (int64 and float64 only),
    and the budget holders' names. Kept while the model lives."""
    if model not in _PACKED:
        _PACKED[model] = _pack_model(model)
    return _PACKED[model]


def _pack_model(model: Model) -> tuple:
    names, out_map, in_map = holders(model)
    O, I = model.q1_idx.size, model.a_idx.size
    oi = np.empty((O, 12), dtype=np.int64)
    for c, a in ((_Q1, model.q1_idx), (_Q2, model.q2_idx), (_HAS_Q2, model.has_q2), (_PROXY, model.proxy_idx),
                 (_DUR, model.duration_idx), (_DROP, model.drop_idx), (_DW, model.deadweight_idx),
                 (_DISP, model.displacement_idx), (_ATTR, model.attribution_idx), (_LAG, model.lag),
                 (_LINKED, model.linked), (_HOLDER, out_map.argmax(axis=1) if O else np.zeros(0))):
        oi[:, c] = a
    years = [np.flatnonzero(model.year_mask[j]) for j in range(I)]
    ii = np.empty((I, 7), dtype=np.int64)
    stop = np.cumsum([len(y) for y in years]).astype(np.int64)
    for c, a in ((_A, model.a_idx), (_B, model.b_idx), (_HAS_B, model.has_b), (_PER, model.per_participant),
                 (_IHOLDER, in_map.argmax(axis=1) if I else np.zeros(0)), (_Y0, stop - [len(y) for y in years]),
                 (_Y1, stop)):
        ii[:, c] = a
    year_list = np.concatenate(years).astype(np.int64) if I else np.zeros(0, dtype=np.int64)
    T = model.horizon
    shift = 0 if model.scheme.discounting.convention == "sroi_guide" else 1
    if model.rates is not None:
        df = np.concatenate([[1.0], 1.0 / np.cumprod(1.0 + model.rates)])
        one_rate = bool(np.all(model.rates == model.rates[0]))
        v = 1.0 / (1.0 + model.rates[0])
        rate_col = -1
    else:
        df, one_rate, v, rate_col = np.ones(T + 1), True, 0.0, int(model.rate_idx)
    flags = np.array([T, shift, int(one_rate), rate_col, len(names)], dtype=np.int64)
    return (oi, np.ascontiguousarray(model.value_scale, dtype=float), ii,
            np.ascontiguousarray(model.cost_scale, dtype=float), year_list,
            model.cohort_idx.astype(np.int64), df, float(v), flags), tuple(names)


def pack_marginals(margs: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each marginal's kind and parameters, and all tables' pieces in one array."""
    d = len(margs)
    mi = np.zeros((d, 7), dtype=np.int64)
    mf = np.zeros((d, 7))
    pieces, row = [], 0
    for j, m in enumerate(margs):
        kind, params, table = m.compiled()
        mi[j, 0] = kind
        mf[j, :len(params)] = params
        if table is not None:
            for k, part in enumerate((table.centre, table.lower, table.upper)):
                mi[j, 1 + 2 * k], mi[j, 2 + 2 * k] = row, part.shape[0]
                pieces.append(part)
                row += part.shape[0]
    coef = np.ascontiguousarray(np.concatenate(pieces)) if pieces else np.zeros((1, 4))
    return mi, mf, coef


@nb.njit(cache=True, nogil=True)
def _block(src, sample, cols, mi, mf, coef, base, design, keep, oi, of, ii, ifl, years, cohort, df_fixed, v_fixed,
           flags, pv, inv, hv, hs):
    """Outputs of each draw of a block.

    ``sample`` true: ``src`` holds uniforms ``(draws, len(cols))``, mapped through each
    marginal (``mi``/``mf``/``coef``, see :func:`pack_marginals`) into columns ``cols``
    of a copy of ``base`` (and into ``design`` if ``keep``). ``sample`` false: ``src``
    holds whole parameter rows. One function with everything written in line: numba
    keeps a reference count on arrays passed to a helper, which costs more than the
    arithmetic (measured: 12 ns a value against 1 ns in line).
    """
    T, shift, one_rate, rate_col = flags[0], flags[1], flags[2], flags[3]
    C = cohort.shape[0]
    D = src.shape[0]
    df = df_fixed.copy()
    # ---- the draws: all of the block first (two tight loops beat one fused loop) --------
    if sample:
        Xb = np.empty((D, base.shape[0]))
        for r in range(D):
            for k in range(base.shape[0]):
                Xb[r, k] = base[k]
        for r in range(D):
            for j in range(cols.shape[0]):
                u = src[r, j]
                kind = mi[j, 0]
                if kind == 3:  # TABLE: mf = centre, lower, upper scales; values at u = 0 and 1
                    if P_TAIL <= u <= 1.0 - P_TAIL:  # the centre, 15 draws in 16: tested first
                        row0, pieces, t = mi[j, 1], mi[j, 2], (u - P_TAIL) * mf[j, 0]
                    elif 0.0 < u < P_TAIL:
                        row0, pieces, t = mi[j, 3], mi[j, 4], (math.sqrt(-2.0 * math.log(u)) - S0) * mf[j, 1]
                    elif 1.0 - P_TAIL < u < 1.0:
                        row0, pieces = mi[j, 5], mi[j, 6]
                        t = (math.sqrt(-2.0 * math.log(1.0 - u)) - S0) * mf[j, 2]
                    else:  # u <= 0, u >= 1 or NaN: no piece
                        row0, pieces, t = -1, 0, 0.0
                    if row0 < 0:
                        value = mf[j, 3] if u <= 0.0 else (mf[j, 4] if u >= 1.0 else np.nan)
                    else:
                        t = min(t, float(pieces))
                        i = min(int(t), pieces - 1)
                        s = t - i
                        k = row0 + i
                        value = coef[k, 0] + s * (coef[k, 1] + s * (coef[k, 2] + s * coef[k, 3]))
                elif kind == 2:  # TRIANGULAR: mf = low, mode, high, P(x < mode)
                    a, c, b = mf[j, 0], mf[j, 1], mf[j, 2]
                    if b == a:
                        value = a
                    elif u < mf[j, 3]:
                        value = a + math.sqrt(u * (b - a) * (c - a))
                    else:
                        value = b - math.sqrt((1.0 - u) * (b - a) * (b - c))
                elif kind == 1:  # UNIFORM: mf = low, high
                    value = mf[j, 0] + u * (mf[j, 1] - mf[j, 0])
                else:  # FIXED
                    value = mf[j, 0]
                Xb[r, cols[j]] = value
                if keep:
                    design[r, j] = value
    else:
        Xb = src
    for r in range(D):
        x = Xb[r]
        # ---- discount factors ----------------------------------------------------------
        v = v_fixed
        if rate_col >= 0:
            v = 1.0 / (1.0 + x[rate_col])
            df[0] = 1.0
            for t in range(1, T + 1):
                df[t] = df[t - 1] * v
        # ---- outcomes ------------------------------------------------------------------
        for h in range(hv.shape[1]):
            hv[r, h] = 0.0
            hs[r, h] = 0.0
        pv_r = 0.0
        for i in range(oi.shape[0]):
            mult = x[oi[i, 0]]
            if oi[i, 2]:
                mult *= x[oi[i, 1]]
            unit = x[oi[i, 3]] * of[i] * (1.0 - x[oi[i, 6]]) * (1.0 - x[oi[i, 7]]) * (1.0 - x[oi[i, 8]])
            keep_on = 1.0 - x[oi[i, 5]]
            dur = x[oi[i, 4]]
            lag, linked = oi[i, 9], oi[i, 10]
            intakes = C if linked else 1
            total = 0.0
            if one_rate and lag + intakes - 1 + math.ceil(dur) <= T:
                # every intake's years lie inside the horizon at one rate: sum them once
                q = keep_on * v
                series = 0.0
                qk = 1.0
                for k in range(T):
                    w = min(dur - k, 1.0)
                    if w <= 0.0:
                        break
                    series += qk * w
                    qk *= q
                for c in range(intakes):
                    n = x[cohort[c]] if linked else 1.0
                    total += n * df[lag + c + 1 - shift]
                total *= series
            else:
                for c in range(intakes):
                    start = lag + c
                    if start >= T:
                        break
                    n = x[cohort[c]] if linked else 1.0
                    acc = 0.0
                    kp = 1.0
                    for k in range(T - start):
                        w = min(dur - k, 1.0)
                        if w <= 0.0:
                            break
                        acc += kp * w * df[start + k + 1 - shift]
                        kp *= keep_on
                    total += n * acc
            value = total * mult * unit
            pv_r += value
            hv[r, oi[i, 11]] += value
        # ---- inputs --------------------------------------------------------------------
        inv_r = 0.0
        for j in range(ii.shape[0]):
            amount = x[ii[j, 0]] * ifl[j]
            if ii[j, 2]:
                amount *= x[ii[j, 1]]
            per = ii[j, 3]
            acc = 0.0
            for k in range(ii[j, 5], ii[j, 6]):
                y = years[k]
                if per:
                    if y < C:
                        acc += x[cohort[y]] * df[y]
                else:
                    acc += df[y]
            cost = amount * acc
            inv_r += cost
            hs[r, ii[j, 4]] += cost
        pv[r] = pv_r
        inv[r] = inv_r


def run_blocks(n: int, block: int, work: Callable[[int, int], None], *, threads: int,
               progress: Callable[[int], None] | None = None) -> None:
    """Call ``work(start, stop)`` for consecutive blocks covering ``range(n)``, on up to
    ``threads`` threads; ``progress(k)`` is called in this thread as blocks finish."""
    spans = [(a, min(n, a + block)) for a in range(0, n, block)]
    if threads <= 1 or len(spans) == 1:
        for a, b in spans:
            work(a, b)
            if progress is not None:
                progress(b - a)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(work, a, b) for a, b in spans]
        for (a, b), f in zip(spans, futures):
            f.result()
            if progress is not None:
                progress(b - a)


def _outputs_arrays(n: int, h: int) -> tuple[np.ndarray, ...]:
    return np.empty(n), np.empty(n), np.empty((n, h)), np.empty((n, h))


def evaluate_rows(model: Model, design: np.ndarray, *, block: int = 4096, threads: int | None = None) -> Outputs:
    """Outputs of each row of ``design`` ``(draws, parameters)``."""
    X = np.atleast_2d(np.asarray(design, dtype=float))
    if X.shape[1] != model.base.size:
        raise ValueError(f"design has {X.shape[1]} columns, the model has {model.base.size} parameters")
    packed, names = pack_model(model)
    pv, inv, hv, hs = _outputs_arrays(X.shape[0], len(names))

    none_i, none_f = np.zeros(0, dtype=np.int64), np.zeros((0, 7))
    base = np.ascontiguousarray(model.base, dtype=float)

    def work(a: int, b: int) -> None:
        _block(np.ascontiguousarray(X[a:b]), False, none_i, none_i.reshape(0, 7), none_f, np.zeros((0, 4)), base,
               none_f, False, *packed, pv[a:b], inv[a:b], hv[a:b], hs[a:b])

    run_blocks(X.shape[0], block, work, threads=default_threads() if threads is None else threads)
    return Outputs(pv, inv, hv, hs, names)


def sample_and_evaluate(model: Model, cols: list[int], margs: list, n: int,
                        uniforms: Callable[[int, int, np.ndarray], np.ndarray], *, block: int, threads: int,
                        keep_design: bool, progress: Callable[[int], None] | None = None
                        ) -> tuple[Outputs, np.ndarray | None]:
    """Draw ``n`` parameter vectors and evaluate them: ``uniforms(start, stop, buffer)``
    gives the uniforms of draws ``start..stop-1``, in ``buffer`` (this thread's own, of
    ``block`` rows) or a new array; it must be safe to call from several threads."""
    packed, names = pack_model(model)
    mi, mf, coef = pack_marginals(margs)
    c = np.asarray(cols, dtype=np.int64)
    pv, inv, hv, hs = _outputs_arrays(n, len(names))
    design = np.empty((n, len(cols))) if keep_design else np.empty((1, len(cols)))
    base = np.ascontiguousarray(model.base, dtype=float)

    local = threading.local()

    def work(a: int, b: int) -> None:
        buffer = getattr(local, "buffer", None)
        if buffer is None:
            buffer = local.buffer = np.empty((block, len(cols)))
        U = np.ascontiguousarray(uniforms(a, b, buffer), dtype=float)
        _block(U, True, c, mi, mf, coef, base, design[a:b] if keep_design else design, keep_design, *packed,
               pv[a:b], inv[a:b], hv[a:b], hs[a:b])

    run_blocks(n, block, work, threads=threads, progress=progress)
    return Outputs(pv, inv, hv, hs, names), (design if keep_design else None)
