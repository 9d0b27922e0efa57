"""The compiled kernel: present values per draw, and the fused sampler of the PSA.

Every sensitivity analysis evaluates the model for many draws. This module does it in
compiled code (numba), a block of draws at a time, with no draws x outcomes x years
array:

* :func:`evaluate_rows` gives each draw's present value, investment and each budget
  holder's value and spend, for a design ``(draws, parameters)``;
* :func:`sample_and_evaluate` maps a block of uniforms through each parameter's
  inverse CDF and evaluates the block's draws in the same call (the PSA's inner loop).

Within a block the work runs parameter by parameter (and outcome by outcome) over the
block's draws, which keeps each inverse-CDF table in cache while it is used and lets the
compiler vectorise the year sums; every draw's own arithmetic is the same as draw by draw.
The sums are the year-by-year kernel's (:meth:`sroi.engine.Model.evaluate`), which the
tests hold this module to (1e-12 relative) on every bundled scheme. Where one discount
rate covers the horizon and an outcome ends inside it, the outcome's years are summed
once per outcome, as ``(sum of q**k over its years) x (sum of its intakes' discount
factors)`` with ``q = (1 - drop_off) / (1 + r)``; otherwise year by year. Each draw is
independent, so blocks of draws run on several threads (the compiled function releases
the GIL) and the result does not depend on the number of threads.

Compiled code is cached on disk in a per-user folder (:mod:`.jitcache`), so only the
first use on a machine, or after sroi or numba is upgraded, pays the compile time (about
2.5 s on the project's 2-core machine).
"""

from __future__ import annotations

import math
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Callable, NamedTuple

import numba as nb
import numpy as np

from ..discounting import discount_factors, value_time_offset
from .jitcache import cached
from .outputs import Outputs, holders
from .spec import Model
from .tables import P_TAIL, S0

__all__ = ["outputs", "evaluate_rows", "sample_and_evaluate", "pack_model", "pack_marginals", "run_blocks",
           "default_threads", "FIXED", "UNIFORM", "TRIANGULAR", "TABLE"]

FIXED, UNIFORM, TRIANGULAR, TABLE = 0, 1, 2, 3

# columns of the packed outcome table
_Q1, _Q2, _HAS_Q2, _PROXY, _DUR, _DROP, _DW, _DISP, _ATTR, _LAG, _LINKED, _HOLDER, _PAYER, _SOCIETY, _SCHED = range(15)
# columns of the packed input table
_A, _B, _HAS_B, _PER, _IHOLDER, _Y0, _Y1 = range(7)


def default_threads() -> int:
    """Threads for the compiled loops: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class PackedModel(NamedTuple):
    """A model's arrays as the compiled kernel takes them (int64 and float64 only), in the
    order of :func:`_block`'s arguments."""

    outcomes: np.ndarray  # (O, 15) int64: columns _Q1 ... _HOLDER, _PAYER (-1: none), _SOCIETY (0: a transfer),
    #                       _SCHED (row of the discount factors: 0 the scheme's, 1 the health schedule's)
    outcome_scale: np.ndarray  # (O,) rebase factor x sign
    inputs: np.ndarray  # (I, 7) int64: columns _A ... _Y1
    input_scale: np.ndarray  # (I,) rebase factor
    input_years: np.ndarray  # scheme years (0-based) of every input, input by input
    cohort: np.ndarray  # parameter columns of the intakes
    discount_factors: np.ndarray  # (S, T + 1): DF(0..T) of each fixed schedule (ones if the rate is a parameter)
    fixed_v: np.ndarray  # (S,) 1 / (1 + rate) of each schedule, where one fixed rate covers the horizon
    flags: np.ndarray  # T, value time offset, one rate?, rate column (-1 if fixed), holders, health one rate?


_PACKED: "weakref.WeakKeyDictionary[Model, tuple[PackedModel, tuple[str, ...]]]" = weakref.WeakKeyDictionary()


def pack_model(model: Model) -> tuple[PackedModel, tuple[str, ...]]:
    """The model's index arrays as the compiled kernel takes them (int64 and float64 only),
    and the budget holders' names. Kept while the model lives."""
    if model not in _PACKED:
        _PACKED[model] = _pack_model(model)
    return _PACKED[model]


def _pack_model(model: Model) -> tuple[PackedModel, tuple[str, ...]]:
    names, out_map, in_map = holders(model)
    O, I = model.q1_idx.size, model.a_idx.size
    oi = np.empty((O, 15), dtype=np.int64)
    for c, a in ((_Q1, model.q1_idx), (_Q2, model.q2_idx), (_HAS_Q2, model.has_q2), (_PROXY, model.proxy_idx),
                 (_DUR, model.duration_idx), (_DROP, model.drop_idx), (_DW, model.deadweight_idx),
                 (_DISP, model.displacement_idx), (_ATTR, model.attribution_idx), (_LAG, model.lag),
                 (_LINKED, model.linked), (_HOLDER, out_map.argmax(axis=1) if O else np.zeros(0)),
                 (_PAYER, np.where((out_map < 0).any(axis=1), out_map.argmin(axis=1), -1) if O else np.zeros(0)),
                 (_SOCIETY, model.society), (_SCHED, model.health.astype(np.int64))):
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
    shift = value_time_offset(model.scheme.discounting.convention)  # year y's value at DF(y - shift)
    health_one_rate = 0
    if model.rates is not None:
        schedules = [model.rates] if model.health_rates is None else [model.rates, model.health_rates]
        df = np.array([discount_factors(r) for r in schedules])
        one_rate = bool(np.all(model.rates == model.rates[0]))
        v = np.array([1.0 / (1.0 + r[0]) for r in schedules])
        rate_col = -1
        if model.health_rates is not None:
            health_one_rate = int(np.all(model.health_rates == model.health_rates[0]))
    else:  # a constant rate that is a parameter (never beside a health schedule)
        assert model.rate_idx is not None and model.health_rates is None
        df, one_rate, v, rate_col = np.ones((1, T + 1)), True, np.zeros(1), int(model.rate_idx)
    flags = np.array([T, shift, int(one_rate), rate_col, len(names), health_one_rate], dtype=np.int64)
    return PackedModel(oi, np.ascontiguousarray(model.value_scale, dtype=float), ii,
                       np.ascontiguousarray(model.cost_scale, dtype=float), year_list,
                       model.cohort_idx.astype(np.int64), df, v, flags), tuple(names)


_PACKED_MARGINALS: dict[tuple[int, ...], tuple[list, tuple]] = {}


def pack_marginals(margs: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each marginal's kind and parameters, and all tables' pieces in one array. The
    last few packings are kept (with their marginals, so the ids stay theirs): joining
    the tables copies some megabytes, which a notebook rerunning a PSA need not repeat."""
    key = tuple(id(m) for m in margs)
    if key not in _PACKED_MARGINALS:
        if len(_PACKED_MARGINALS) >= 8:
            del _PACKED_MARGINALS[next(iter(_PACKED_MARGINALS))]
        _PACKED_MARGINALS[key] = (list(margs), _pack_marginals(margs))
    return _PACKED_MARGINALS[key][1]


def _pack_marginals(margs: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


@cached
@nb.njit(nogil=True)
def _block(src, sample, cols, mi, mf, coef, xt, ut, dft, design, at, keep, oi, of, ii, ifl, years, cohort, df_fixed,
           v_fixed, flags, pv, inv, hv, hs):
    """Outputs of each draw of a block, parameter by parameter over the block's draws.

    ``sample`` true: ``src`` holds uniforms ``(draws, len(cols))``; each column is mapped
    through its marginal (``mi``/``mf``/``coef``, see :func:`pack_marginals`) into row
    ``cols[j]`` of ``xt`` (and into ``design[j, at:at + draws]`` if ``keep``); the other rows of
    ``xt`` hold the fixed parameters' values and are not written. ``sample`` false:
    ``src`` holds whole parameter rows ``(draws, parameters)``, copied into ``xt``.

    ``xt`` is ``(parameters, block)``: working parameter by parameter over contiguous
    draws lets each inverse-CDF table stay in cache while it is used and lets the loops
    run without branches on the distribution's kind (measured on one thread, 100,000
    draws of 100 parameters: 46 ms this way plus 13 ms for the transpose, against 88 ms
    draw by draw). ``ut`` ``(len(cols), block)`` holds the
    uniforms transposed; ``dft`` holds each draw's discount factors when the rate is a
    parameter, else one row of them. One function with everything written in line:
    numba keeps a reference count on arrays passed to a helper, which costs more than
    the arithmetic (measured: 12 ns a value against 1 ns in line).
    """
    T, shift, one_rate, rate_col = flags[0], flags[1], flags[2], flags[3]
    C = cohort.shape[0]
    D = src.shape[0]
    # ---- the block transposed: uniforms into ut, or whole parameter rows into xt ------
    rows = ut if sample else xt
    whole = D - D % 8
    for r0 in range(0, whole, 8):  # in tiles of 8 draws (64-byte lines)
        for j in range(src.shape[1]):
            for r in range(r0, r0 + 8):
                rows[j, r] = src[r, j]
    for r in range(whole, D):
        for j in range(src.shape[1]):
            rows[j, r] = src[r, j]
    # ---- parameter values: xt[k, r] is parameter k of draw r --------------------------
    if sample:
        d = cols.shape[0]
        for j in range(d):
            kind = mi[j, 0]
            u_j = ut[j]
            x_j = xt[cols[j]]
            if kind == 3:  # TABLE: mf = centre, lower, upper scales; values at u = 0 and 1
                # every draw through the centre table (clamped, so no branch), then the
                # draws in the tails (one in sixteen) again through their own tables
                row0, pieces, scale = mi[j, 1], mi[j, 2], mf[j, 0]
                top = float(pieces)
                for r in range(D):
                    t = (u_j[r] - P_TAIL) * scale
                    t = t if t > 0.0 else 0.0  # NaN too
                    t = t if t < top else top
                    i = min(int(t), pieces - 1)
                    s = t - i
                    k = row0 + i
                    x_j[r] = coef[k, 0] + s * (coef[k, 1] + s * (coef[k, 2] + s * coef[k, 3]))
                for r in range(D):
                    u = u_j[r]
                    if P_TAIL <= u <= 1.0 - P_TAIL:
                        continue
                    if 0.0 < u < P_TAIL:
                        row0, pieces, t = mi[j, 3], mi[j, 4], (math.sqrt(-2.0 * math.log(u)) - S0) * mf[j, 1]
                    elif 1.0 - P_TAIL < u < 1.0:
                        row0, pieces = mi[j, 5], mi[j, 6]
                        t = (math.sqrt(-2.0 * math.log(1.0 - u)) - S0) * mf[j, 2]
                    else:  # u <= 0, u >= 1 or NaN: no piece
                        x_j[r] = mf[j, 3] if u <= 0.0 else (mf[j, 4] if u >= 1.0 else np.nan)
                        continue
                    t = min(t, float(pieces))
                    i = min(int(t), pieces - 1)
                    s = t - i
                    k = row0 + i
                    x_j[r] = coef[k, 0] + s * (coef[k, 1] + s * (coef[k, 2] + s * coef[k, 3]))
            elif kind == 2:  # TRIANGULAR: mf = low, mode, high, P(x < mode); no branch
                a, c, b, fc = mf[j, 0], mf[j, 1], mf[j, 2], mf[j, 3]
                for r in range(D):
                    u = u_j[r]
                    left = u < fc
                    w = u * (b - a) * (c - a) if left else (1.0 - u) * (b - a) * (b - c)
                    root = math.sqrt(w)
                    x_j[r] = a + root if left else b - root
            elif kind == 1:  # UNIFORM: mf = low, high
                a, b = mf[j, 0], mf[j, 1]
                for r in range(D):
                    x_j[r] = a + u_j[r] * (b - a)
            else:  # FIXED
                for r in range(D):
                    x_j[r] = mf[j, 0]
            if keep:
                for r in range(D):
                    design[j, at + r] = x_j[r]
    # ---- discount factors: one row, or one per draw when the rate is a parameter ------
    per_draw = 0
    if rate_col >= 0:
        per_draw = 1
        for r in range(D):
            v = 1.0 / (1.0 + xt[rate_col, r])
            dft[r, 0] = 1.0
            for t in range(1, T + 1):
                dft[r, t] = dft[r, t - 1] * v
    for r in range(D):
        pv[r] = 0.0
        inv[r] = 0.0
        for h in range(hv.shape[1]):
            hv[r, h] = 0.0
            hs[r, h] = 0.0
    # ---- outcomes, each over every draw --------------------------------------------------
    # Where one rate covers the horizon and an outcome's intakes all end inside it, its
    # value is (sum over intakes of people x discount factor) x (sum over its years of
    # q**k x the year's share) x quantity x unit value, q = (1 - drop_off) x v: those sums
    # run over all draws at once, year by year, in loops the compiler vectorises. Other
    # draws (long durations, stepped rates) are summed year by year, draw by draw.
    series, qk, q, people = np.empty(D), np.empty(D), np.empty(D), np.empty(D)
    yby, acc_y, kp_y = np.empty(D), np.empty(D), np.empty(D)
    for i in range(oi.shape[0]):
        x_q1, x_q2, x_proxy, x_dur = xt[oi[i, 0]], xt[oi[i, 1]], xt[oi[i, 3]], xt[oi[i, 4]]
        x_drop, x_dw, x_disp, x_attr = xt[oi[i, 5]], xt[oi[i, 6]], xt[oi[i, 7]], xt[oi[i, 8]]
        has_q2, scale, lag, linked, holder = oi[i, 2], of[i], oi[i, 9], oi[i, 10], oi[i, 11]
        payer, society, sched = oi[i, 12], oi[i, 13], oi[i, 14]
        one = one_rate if sched == 0 else flags[5]  # one rate over the horizon on this outcome's schedule
        intakes = C if linked else 1
        inside = T - lag - intakes + 1  # the one sum applies where duration <= inside
        if one:
            longest = 0.0
            for r in range(D):
                v = 1.0 / (1.0 + xt[rate_col, r]) if per_draw else v_fixed[sched]
                q[r] = (1.0 - x_drop[r]) * v
                series[r] = 0.0
                qk[r] = 1.0
                people[r] = 0.0
                longest = max(longest, x_dur[r])
            years_on = math.ceil(longest) if longest < T else T  # NaN and infinity too
            for k in range(years_on):
                for r in range(D):
                    w = min(x_dur[r] - k, 1.0)
                    w = w if w > 0.0 else 0.0  # adds nothing after the outcome ends
                    series[r] += qk[r] * w
                    qk[r] *= q[r]
            for c in range(intakes):
                if lag + c >= T:  # this intake and later ones start after the horizon: no value, no factor
                    break
                if linked:
                    x_n = xt[cohort[c]]
                    for r in range(D):
                        people[r] += x_n[r] * dft[r * per_draw + sched, lag + c + 1 - shift]
                else:  # one group, no cohort array (it may be empty)
                    for r in range(D):
                        people[r] += dft[r * per_draw + sched, lag + 1 - shift]
        # Draws the one sum does not cover (stepped rates, outcomes running past the
        # horizon) are summed year by year. Where many draws need it, over all draws at
        # once, year by year, in loops the compiler vectorises (the same terms in the same
        # order as draw by draw, so the same sums); otherwise draw by draw below.
        need, longest = 0, 0.0
        for r in range(D):
            dur = x_dur[r]
            if not (one and dur <= inside):
                need += 1
                longest = max(longest, dur) if dur == dur else float(T)  # NaN: every year
        together = need * 4 >= D
        if together:
            for r in range(D):
                yby[r] = 0.0
            for c in range(intakes):
                start = lag + c
                if start >= T:
                    break
                for r in range(D):
                    acc_y[r] = 0.0
                    kp_y[r] = 1.0
                    q[r] = 1.0 - x_drop[r]
                years_on = T - start
                if longest < years_on:
                    years_on = math.ceil(longest)
                for k in range(years_on):
                    at_year = start + k + 1 - shift
                    for r in range(D):
                        w = min(x_dur[r] - k, 1.0)
                        if w < 0.0:  # the outcome has ended: adds nothing (NaN stays NaN)
                            w = 0.0
                        acc_y[r] += kp_y[r] * w * dft[r * per_draw + sched, at_year]
                        kp_y[r] *= q[r]
                if linked:
                    x_n = xt[cohort[c]]
                    for r in range(D):
                        yby[r] += x_n[r] * acc_y[r]
                else:
                    for r in range(D):
                        yby[r] += 1.0 * acc_y[r]
        for r in range(D):
            mult = x_q1[r]
            if has_q2:
                mult *= x_q2[r]
            unit = x_proxy[r] * scale * (1.0 - x_dw[r]) * (1.0 - x_disp[r]) * (1.0 - x_attr[r])
            dur = x_dur[r]
            if one and dur <= inside:  # ceil(dur) <= inside, false for NaN
                total = people[r] * series[r]
            elif together:
                total = yby[r]
            else:
                f = r * per_draw + sched  # this draw's (or this schedule's) row of discount factors
                keep_on = 1.0 - x_drop[r]
                total = 0.0
                for c in range(intakes):
                    start = lag + c
                    if start >= T:
                        break
                    n = xt[cohort[c], r] if linked else 1.0
                    acc = 0.0
                    kp = 1.0
                    for k in range(T - start):
                        w = min(dur - k, 1.0)
                        if w <= 0.0:
                            break
                        acc += kp * w * dft[f, start + k + 1 - shift]
                        kp *= keep_on
                    total += n * acc
            value = total * mult * unit
            if society:
                pv[r] += value
            hv[r, holder] += value
            if payer >= 0:
                hv[r, payer] -= value
    # ---- inputs, each over every draw ----------------------------------------------------
    for j in range(ii.shape[0]):
        x_a, x_b = xt[ii[j, 0]], xt[ii[j, 1]]
        has_b, per, holder, y0, y1, scale = ii[j, 2], ii[j, 3], ii[j, 4], ii[j, 5], ii[j, 6], ifl[j]
        for r in range(D):
            f = r * per_draw
            amount = x_a[r] * scale
            if has_b:
                amount *= x_b[r]
            acc = 0.0
            for k in range(y0, y1):
                y = years[k]
                if per:
                    if y < C:
                        acc += xt[cohort[y], r] * dft[f, y]
                else:
                    acc += dft[f, y]
            cost = amount * acc
            inv[r] += cost
            hs[r, holder] += cost


_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}
_POOL_LOCK = threading.Lock()
_IN_POOL = threading.local()


def _pool(threads: int) -> ThreadPoolExecutor:
    """A pool of ``threads`` workers kept for the session: starting threads anew for
    each analysis cost about 3 ms a thread (measured), more than a small PSA takes.
    Keyed by process too: a forked child (multiprocessing) has none of its parent's
    threads, so it starts its own pool."""
    key = (os.getpid(), threads)
    with _POOL_LOCK:
        if key not in _POOLS:
            _POOLS[key] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sroi",
                                             initializer=setattr, initargs=(_IN_POOL, "inside", True))
        return _POOLS[key]


def run_blocks(n: int, block: int, work: Callable[[int, int], None], *, threads: int,
               progress: Callable[[int], None] | None = None) -> None:
    """Call ``work(start, stop)`` for consecutive blocks covering ``range(n)``, on up to
    ``threads`` threads; ``progress(k)`` is called in this thread as blocks finish.
    Called from one of the pool's own threads, it works in that thread (no deadlock)."""
    spans = [(a, min(n, a + block)) for a in range(0, n, block)]
    if threads <= 1 or len(spans) == 1 or getattr(_IN_POOL, "inside", False):
        for a, b in spans:
            work(a, b)
            if progress is not None:
                progress(b - a)
        return
    futures = [_pool(threads).submit(work, a, b) for a, b in spans]
    try:
        for (a, b), f in zip(spans, futures):
            f.result()
            if progress is not None:
                progress(b - a)
    except BaseException:
        for f in futures:
            f.cancel()
        wait(futures)  # no block may still be writing when the caller sees the error
        raise


def _outputs_arrays(n: int, h: int) -> tuple[np.ndarray, ...]:
    return np.empty(n), np.empty(n), np.empty((n, h)), np.empty((n, h))


def _discount_rows(packed: PackedModel, block: int) -> np.ndarray:
    """Room for each draw's discount factors if the rate is a parameter, else the fixed
    schedules' rows (the scheme's, then the health schedule's if any outcome takes it)."""
    if packed.flags[3] >= 0:
        return np.empty((block, packed.flags[0] + 1))
    return np.ascontiguousarray(packed.discount_factors)


def evaluate_rows(model: Model, design: np.ndarray, *, block: int = 4096, threads: int | None = None) -> Outputs:
    """Outputs of each row of ``design`` ``(draws, parameters)``."""
    X = np.atleast_2d(np.asarray(design, dtype=float))
    if X.shape[1] != model.base.size:
        raise ValueError(f"design has {X.shape[1]} columns, the model has {model.base.size} parameters")
    packed, names = pack_model(model)
    pv, inv, hv, hs = _outputs_arrays(X.shape[0], len(names))
    block = max(1, min(block, X.shape[0]))
    none_i, none_f = np.zeros(0, dtype=np.int64), np.zeros((0, 7))
    unused = np.empty((0, 0))
    local = threading.local()

    def work(a: int, b: int) -> None:
        if getattr(local, "xt", None) is None:
            local.xt = np.empty((X.shape[1], block))
            local.dft = _discount_rows(packed, block)
        _block(np.ascontiguousarray(X[a:b]), False, none_i, none_i.reshape(0, 7), none_f, np.zeros((0, 4)),
               local.xt, unused, local.dft, unused, 0, False, *packed, pv[a:b], inv[a:b], hv[a:b], hs[a:b])

    run_blocks(X.shape[0], block, work, threads=default_threads() if threads is None else threads)
    return Outputs(pv, inv, hv, hs, names)


def sample_and_evaluate(model: Model, cols: list[int], margs: list, n: int,
                        uniforms: Callable[[int, int, np.ndarray], np.ndarray], *, block: int, threads: int,
                        keep_design: bool, progress: Callable[[int], None] | None = None
                        ) -> tuple[Outputs, np.ndarray | None]:
    """Draw ``n`` parameter vectors and evaluate them: ``uniforms(start, stop, buffer)``
    gives the uniforms of draws ``start..stop-1``, in ``buffer`` (this thread's own, of
    ``block`` rows) or a new array; it must be safe to call from several threads.

    The sampled values, if kept, are returned as an ``(n, len(cols))`` array stored
    column by column (each parameter's draws contiguous)."""
    packed, names = pack_model(model)
    mi, mf, coef = pack_marginals(margs)
    c = np.asarray(cols, dtype=np.int64)
    d = len(cols)
    block = max(1, min(block, n))
    pv, inv, hv, hs = _outputs_arrays(n, len(names))
    design = np.empty((d, n)) if keep_design else np.empty((0, 0))
    base = np.ascontiguousarray(model.base, dtype=float)
    local = threading.local()

    def work(a: int, b: int) -> None:
        if getattr(local, "xt", None) is None:
            local.buffer = np.empty((block, d))
            local.ut = np.empty((d, block))
            local.xt = np.repeat(base[:, None], block, axis=1)  # fixed parameters' rows stay as they are
            local.dft = _discount_rows(packed, block)
        U = np.ascontiguousarray(uniforms(a, b, local.buffer), dtype=float)
        _block(U, True, c, mi, mf, coef, local.xt, local.ut, local.dft, design, a, keep_design, *packed,
               pv[a:b], inv[a:b], hv[a:b], hs[a:b])

    run_blocks(n, block, work, threads=threads, progress=progress)
    return Outputs(pv, inv, hv, hs, names), (design.T if keep_design else None)


def outputs(model: Model, design: np.ndarray, *, chunk_size: int = 4096, threads: int | None = None) -> Outputs:
    """Evaluate a design ``(draws, parameters)`` through the compiled kernel, in blocks of
    ``chunk_size`` draws on ``threads`` threads (default: every CPU available)."""
    return evaluate_rows(model, design, block=chunk_size, threads=threads)
