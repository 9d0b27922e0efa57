"""Speed benchmarks for the engine and the sensitivity analyses (not part of the tests).

Run from the repository root:  .venv/bin/python benchmarks/run.py  [--quick]

Each line prints a measured figure, its target, and where named the baseline measured
in the same run and the ratio between them. Timings are the best of a few repeats
(wall clock, this machine); peak memory is measured in a fresh child process.
The reference scheme (benchmarks/reference.py) has 20 outcomes over 30 years and 100
uncertain parameters (beta, gamma, lognormal, triangular and PERT).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import sroi  # noqa: E402
from reference import reference_scheme  # noqa: E402
from sroi.sensitivity import one_way, psa, sobol  # noqa: E402
from sroi.engine.compiled import outputs  # noqa: E402
from sroi.engine.compiled import default_threads  # noqa: E402
from sroi.sensitivity.psa import design_columns  # noqa: E402


def best(f, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def side_by_side(f, g, repeat: int = 7) -> tuple[float, float]:
    """Best times of ``f`` and ``g`` run alternately, so that both see the same state of a
    shared machine (a burst of load elsewhere then slows both rather than one)."""
    tf, tg = [], []
    for _ in range(repeat):
        for fn, times in ((f, tf), (g, tg)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return min(tf), min(tg)


def line(name: str, value: float, unit: str, target: str, ok: bool, extra: str = "") -> None:
    mark = "meets" if ok else "MISSES"
    print(f"{name:<48} {value:>10.4g} {unit:<3} target {target:<12} {mark:<6} {extra}")


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


def child_peak_mb(n: int) -> float:
    """Peak resident memory of a child process that runs a PSA of n draws (design not kept)."""
    code = (f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]\n"
            "import resource, sroi\nfrom reference import reference_scheme\nfrom sroi.sensitivity import psa\n"
            "m = sroi.compile_scheme(reference_scheme())\n"
            "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            f"psa(m, {n}, seed=1, keep_design=False)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the 1,000,000-draw runs")
    args = ap.parse_args()
    print(f"sroi {sroi.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, cores: {len(__import__('os').sched_getaffinity(0))}")
    model = sroi.compile_scheme(reference_scheme())
    cols = design_columns(model)
    print(f"reference scheme: {len(model.scheme.outcomes)} outcomes, {model.horizon} years, "
          f"{len(model.refs)} parameters of which {len(cols)} uncertain\n")

    t = best(lambda: model.evaluate(model.base), 50)
    line("deterministic evaluation (year-by-year kernel)", t * 1e3, "ms", "<= 1 ms", t <= 1e-3)
    t = best(lambda: outputs(model, model.base), 50)
    line("deterministic present values (compiled kernel)", t * 1e3, "ms", "<= 1 ms", t <= 1e-3)
    t = best(lambda: sroi.run(model), 20)
    line("sroi.run (kernel + Result)", t * 1e3, "ms", "(no target)", True)

    names = [model.refs[k].name for k in cols]
    t = best(lambda: one_way(model, spread=0.2, parameters=names), 10)
    line("one-way over the 100 uncertain parameters", t * 1e3, "ms", "<= 20 ms", t <= 0.02)

    psa(model, 1000, seed=1)  # build the inverse-CDF tables once, as in a notebook session
    n, threads = 100_000, default_threads()
    t_psa, t_u = side_by_side(lambda: psa(model, n, seed=1), lambda: np.random.default_rng(1).random((n, len(cols))))
    line(f"PSA, 100,000 draws ({threads} threads)", t_psa, "s", "<= 1 s", t_psa <= 1.0)
    share = t_psa / t_u
    line("PSA / numpy uniforms (100,000 x 100)", share, "x", "<= 3 x", share <= 3,
         f"(uniforms alone: {t_u * 1e3:.1f} ms; PSA {t_psa * 1e3:.1f} ms)")
    t_one = best(lambda: psa(model, n, seed=1, threads=1), 3)
    print(f"{'   the same PSA on one thread':<48} {t_one / t_u:>10.4g} x   ({t_one * 1e3:.1f} ms)")
    t_nokeep = best(lambda: psa(model, n, seed=1, keep_design=False), 3)
    print(f"{'   without keeping the sampled values':<48} {t_nokeep / t_u:>10.4g} x   ({t_nokeep * 1e3:.1f} ms)")

    # the same draws, evaluated by a per-draw Python loop and by the kernel
    draws = psa(model, n, seed=1)
    X = np.empty((n, model.base.size))
    X[...] = model.base
    X[:, cols] = draws.design
    sample = 1000
    t_loop = best(lambda: loop_baseline(model, X[:sample]), 1) / sample
    check = loop_baseline(model, X[:50])
    assert np.allclose(check, draws.ratio[:50], rtol=1e-9), "the loop baseline must compute the same model"
    t_kernel = best(lambda: outputs(model, X), 5) / n
    line("kernel over a per-draw Python loop (same draws)", t_loop / t_kernel, "x", ">= 300 x",
         t_loop / t_kernel >= 300, f"(loop {t_loop * 1e6:.0f} us/draw over {sample} draws; kernel "
         f"{t_kernel * 1e6:.3f} us/draw over {n:,})")
    print(f"{'   whole PSA (sampling + kernel) over the loop':<48} {t_loop / (t_psa / n):>10.4g} x   "
          f"({t_psa / n * 1e6:.2f} us/draw)")
    t_np = best(lambda: [model.evaluate(X[d]) for d in range(200)], 1) / 200
    print(f"{'   per-draw calls of the numpy kernel instead':<48} {t_np / t_kernel:>10.4g} x   "
          f"({t_np * 1e6:.0f} us/draw)")
    line("kernel / numpy uniforms (kernel's own share)", t_kernel * n / t_u, "x", "<= 3 x", t_kernel * n / t_u <= 3)

    if not args.quick:
        t = best(lambda: psa(model, 1_000_000, seed=1, keep_design=False), 1)
        line("PSA, 1,000,000 draws", t, "s", "<= 10 s", t <= 10)
        peaks = {m: child_peak_mb(m) for m in (100_000, 300_000, 1_000_000)}
        peak = peaks[1_000_000]
        line("PSA, 1,000,000 draws: peak memory", peak, "MB", "<= 1024 MB", peak <= 1024,
             "(" + ", ".join(f"{k:,} draws: {v:.0f} MB" for k, v in peaks.items()) + ")")

    forty = names[:40]
    t = best(lambda: sobol(model, 4096, seed=1, parameters=forty), 2)
    line("Sobol, 40 parameters, N = 4,096, with analysis", t, "s", "<= 3 s", t <= 3.0,
         f"({4096 * 42:,} evaluations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
