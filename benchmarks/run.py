"""Speed benchmarks for the engine and the sensitivity analyses (not part of the tests).

Run from the repository root:  .venv/bin/python benchmarks/run.py  [--quick]

Each line prints a measured figure, its target, and where named the baseline measured
in the same run and the ratio between them. Timings are medians of repeated runs (wall
clock, this machine); a figure and its baseline are timed alternately, so that load
elsewhere on the shared machine slows both, and with the same number of threads. Peak
memory is measured from outside the process: a small launcher starts the child and reads
its peak resident set from the kernel (``os.wait4``), so the figure is the child's own
(plus the launcher's few MB copied at fork), not the benchmark process's.
The reference scheme (benchmarks/reference.py) has 20 outcomes over 30 years and 100
uncertain parameters (beta, gamma, lognormal, triangular and PERT).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import sroi  # noqa: E402
from reference import reference_dict, reference_scheme  # noqa: E402
from sroi.engine.compiled import default_threads, outputs  # noqa: E402
from sroi.sensitivity import one_way, psa, sobol  # noqa: E402
from sroi.sensitivity.psa import design_columns, marginals  # noqa: E402


def median_time(f, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def side_by_side(f, g, repeat: int = 7) -> tuple[float, float]:
    """Median times of ``f`` and ``g`` run alternately, so that both see the same state of
    a shared machine (a burst of load elsewhere then slows both rather than one)."""
    tf, tg = [], []
    for _ in range(repeat):
        for fn, times in ((f, tf), (g, tg)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return statistics.median(tf), statistics.median(tg)


def line(name: str, value: float, unit: str, target: str, ok: bool, extra: str = "") -> None:
    mark = "meets" if ok else "MISSES"
    print(f"{name:<48} {value:>10.4g} {unit:<3} target {target:<12} {mark:<6} {extra}")


def uniforms(n: int, d: int, threads: int) -> np.ndarray:
    """The floor of any Monte Carlo: numpy's uniforms, n x d, drawn on ``threads`` threads
    (each fills its rows from its own jumped PCG64 stream; numpy releases the GIL)."""
    out = np.empty((n, d))
    cuts = np.linspace(0, n, threads + 1).astype(int)
    bits = np.random.PCG64(1)
    gens = [np.random.Generator(bits.jumped(k)) for k in range(threads)]
    work = [threading.Thread(target=gens[k].random, kwargs={"out": out[cuts[k]:cuts[k + 1]]})
            for k in range(threads)]
    for t in work:
        t.start()
    for t in work:
        t.join()
    return out


def scipy_numpy_psa(model: sroi.Model, cols: list[int], n: int, seed: int = 1, chunk: int = 10_000) -> np.ndarray:
    """A straightforward numpy/scipy PSA of the same model: each uncertain parameter drawn with
    scipy.stats ``rvs`` from the same distributions, the model evaluated with numpy
    broadcasting (the specification, :meth:`Model.evaluate`) in chunks; returns the ratios."""
    rng = np.random.default_rng(seed)
    margs = marginals(model, cols)
    ratios = np.empty(n)
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        X = np.repeat(model.base[None, :], b - a, axis=0)
        for k, m in zip(cols, margs):
            X[:, k] = m.dist.rvs(size=b - a, random_state=rng) if m.dist is not None else m.mean
        ev = model.evaluate(X)
        ratios[a:b] = ev.present_value / ev.investment
    return ratios


def loop_baseline(model: sroi.Model, X: np.ndarray) -> np.ndarray:
    """A straightforward per-draw Python loop over the same semantics: for each draw,
    each outcome, each intake and each year, in plain Python floats."""
    s = model.scheme
    T = s.horizon
    vdf = [float(v) for v in sroi.run(model).value_df]
    cdf = [float(v) for v in sroi.run(model).cost_df]
    out = np.empty(X.shape[0])
    for d in range(X.shape[0]):
        x = X[d]
        people = [float(x[k]) for k in model.cohort_idx]
        pv = 0.0
        for i, o in enumerate(s.outcomes):
            mult = x[model.q1_idx[i]] * (x[model.q2_idx[i]] if model.has_q2[i] else 1.0)
            unit = (x[model.proxy_idx[i]] * model.value_scale[i] * (1 - x[model.deadweight_idx[i]])
                    * (1 - x[model.displacement_idx[i]]) * (1 - x[model.attribution_idx[i]]))
            keep, dur = 1 - x[model.drop_idx[i]], x[model.duration_idx[i]]
            intakes = enumerate(people) if model.linked[i] else [(0, 1.0)]
            for c, n in intakes:
                for k in range(T):
                    y = c + o.start_year - 1 + k
                    if y >= T:
                        break
                    w = min(1.0, max(0.0, dur - k))
                    if w == 0:
                        break
                    pv += n * mult * unit * keep ** k * w * vdf[y]
        cost = 0.0
        for j, inp in enumerate(s.inputs):
            amount = x[model.a_idx[j]] * (x[model.b_idx[j]] if model.has_b[j] else 1.0) * model.cost_scale[j]
            for y in inp.years:
                per = people[y - 1] if inp.basis == "per_participant" and y - 1 < len(people) else (
                    0.0 if inp.basis == "per_participant" else 1.0)
                cost += amount * per * cdf[y - 1]
        out[d] = pv / cost
    return out


LAUNCHER = ("import os, subprocess, sys\n"
            "p = subprocess.Popen(sys.argv[1:])\n"
            "_, status, usage = os.wait4(p.pid, 0)\n"
            "sys.exit(os.waitstatus_to_exitcode(status)) if status else print(usage.ru_maxrss)\n")


def child_peak_mb(code: str) -> float:
    """Peak resident memory (MB) of a fresh Python process running ``code``, read from
    outside it by a small launcher process."""
    out = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-c", code], capture_output=True,
                         text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def psa_peak_mb(n: int, outcomes: int = 20) -> float:
    """Peak memory of a PSA of n draws (sampled values not kept) on the reference scheme."""
    return child_peak_mb(f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]\n"
                         "import sroi\nfrom reference import reference_scheme\nfrom sroi.sensitivity import psa\n"
                         f"m = sroi.compile_scheme(reference_scheme(outcomes={outcomes}))\n"
                         f"psa(m, {n}, seed=1, keep_design=False).summary\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the 1,000,000- and 3,000,000-draw runs")
    args = ap.parse_args()
    threads = default_threads()
    print(f"sroi {sroi.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, cores: {threads}")
    model = sroi.compile_scheme(reference_scheme())
    cols = design_columns(model)
    print(f"reference scheme: {len(model.scheme.outcomes)} outcomes, {model.horizon} years, "
          f"{len(model.refs)} parameters of which {len(cols)} uncertain; medians\n")

    t = median_time(lambda: model.evaluate(model.base), 51)
    line("deterministic evaluation (specification)", t * 1e3, "ms", "<= 1 ms", t <= 1e-3)
    t = median_time(lambda: outputs(model, model.base), 51)
    line("deterministic present values (compiled kernel)", t * 1e3, "ms", "<= 1 ms", t <= 1e-3)
    t = median_time(lambda: sroi.run(model), 21)
    line("sroi.run (specification + Result)", t * 1e3, "ms", "(no target)", True)
    names = [model.refs[k].name for k in cols]
    t = median_time(lambda: one_way(model, spread=0.2, parameters=names), 11)
    line("one-way over the 100 uncertain parameters", t * 1e3, "ms", "<= 20 ms", t <= 0.02)

    psa(model, 1000, seed=1)  # build the inverse-CDF tables once, as in a notebook session
    n, d = 100_000, len(cols)
    t_psa, t_u = side_by_side(lambda: psa(model, n, seed=1, threads=threads), lambda: uniforms(n, d, threads))
    line(f"PSA, 100,000 draws ({threads} threads)", t_psa, "s", "<= 1 s", t_psa <= 1.0)
    line(f"whole PSA / uniforms, both on {threads} threads", t_psa / t_u, "x", "<= 2 x", t_psa / t_u <= 2,
         f"(uniforms {t_u * 1e3:.1f} ms; PSA {t_psa * 1e3:.1f} ms)")
    t_one, t_u1 = side_by_side(lambda: psa(model, n, seed=1, threads=1), lambda: uniforms(n, d, 1), 5)
    line("whole PSA / uniforms, both on 1 thread", t_one / t_u1, "x", "(info)", True,
         f"(uniforms {t_u1 * 1e3:.1f} ms; PSA {t_one * 1e3:.1f} ms)")
    t_nokeep = median_time(lambda: psa(model, n, seed=1, keep_design=False, threads=threads), 5)
    print(f"{'   without keeping the sampled values':<48} {t_nokeep / t_u:>10.4g} x   ({t_nokeep * 1e3:.1f} ms)")
    t_sp = median_time(lambda: scipy_numpy_psa(model, cols, n), 3)
    line("numpy/scipy PSA (rvs + specification) / sroi", t_sp / t_psa, "x", ">= 1 x", t_sp >= t_psa,
         f"(scipy rvs, then the year-by-year numpy specification in chunks of 10,000: {t_sp:.2f} s, one "
         f"thread as numpy gives it; sroi {t_psa:.3f} s on {threads})")

    # the same draws, evaluated by a per-draw Python loop and by the kernel
    draws = psa(model, n, seed=1)
    X = np.empty((n, model.base.size))
    X[...] = model.base
    X[:, cols] = draws.design
    sample = 1000
    t_loop = median_time(lambda: loop_baseline(model, X[:sample]), 1) / sample
    check = loop_baseline(model, X[:50])
    assert np.allclose(check, draws.ratio[:50], rtol=1e-9), "the loop baseline must compute the same model"
    t_kernel = median_time(lambda: outputs(model, X, threads=1), 5) / n
    line("kernel over a per-draw Python loop (1 thread)", t_loop / t_kernel, "x", ">= 300 x",
         t_loop / t_kernel >= 300, f"(loop {t_loop * 1e6:.0f} us/draw over {sample} draws; kernel "
         f"{t_kernel * 1e6:.3f} us/draw over {n:,})")

    # 1,000 distinct parameters against 100: the cost per parameter of a repeated PSA
    per = {}
    for outcomes in (20, 200):
        m = sroi.compile_scheme(reference_scheme(outcomes=outcomes, distinct=True))
        p = len(design_columns(m))
        psa(m, 100, seed=1)  # tables built once
        per[p] = median_time(lambda: psa(m, 10_000, seed=1, threads=threads), 5) / p
    ratio = per[1000] / per[100]
    line("1,000 parameters: cost a parameter / at 100", ratio, "x", "<= 2 x", ratio <= 2,
         f"({per[100] * 1e6:.1f} and {per[1000] * 1e6:.1f} us a parameter for 10,000 draws)")

    # a 200-year horizon under the Green Book's stepped rates against one constant rate
    times = {}
    for disc in ({"convention": "sroi_guide"}, {"schedule": "constant", "rate": 0.035, "convention": "sroi_guide"}):
        dd = reference_dict(horizon=200)
        dd["discounting"] = disc
        for o in dd["outcomes"]:
            o["duration"] = 150
        m = sroi.compile_scheme(sroi.from_dict(dd))
        psa(m, 100, seed=1)
        times[disc.get("schedule", "green_book")] = median_time(lambda: psa(m, 20_000, seed=1), 5)
    ratio = times["green_book"] / times["constant"]
    line("200 years, Green Book steps / constant rate", ratio, "x", "<= 1.5 x", ratio <= 1.5,
         f"(20,000 draws, outcomes lasting 150 years: {times['green_book'] * 1e3:.0f} against "
         f"{times['constant'] * 1e3:.0f} ms)")

    if not args.quick:
        t = median_time(lambda: psa(model, 1_000_000, seed=1, keep_design=False), 3)
        line("PSA, 1,000,000 draws", t, "s", "<= 10 s", t <= 10)
        peaks = {k: psa_peak_mb(k) for k in (100_000, 300_000, 1_000_000, 3_000_000)}
        line("PSA, 3,000,000 draws: peak memory", peaks[3_000_000], "MB", "<= 300 MB", peaks[3_000_000] <= 300,
             "(" + ", ".join(f"{k:,}: {v:.0f} MB" for k, v in peaks.items()) + "; design not kept)")
        wide = psa_peak_mb(1_000_000, outcomes=100)
        print(f"{'   1,000,000 draws, 100 outcomes (500 parameters)':<48} {wide:>10.4g} MB")

    forty = names[:40]
    t = median_time(lambda: sobol(model, 4096, seed=1, parameters=forty), 3)
    line("Sobol, 40 parameters, N = 4,096, with analysis", t, "s", "<= 3 s", t <= 3.0,
         f"({4096 * 42:,} evaluations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
