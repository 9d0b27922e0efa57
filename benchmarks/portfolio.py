"""Portfolio benchmark: many generated schemes on joint draws, in process and on Dask.

Run from the repository root:

    .venv/bin/python benchmarks/portfolio.py [--schemes 1000] [--draws 100000] [--dask]

Each figure is measured in a fresh child process (time inside it, peak resident memory from
outside by the launcher in benchmarks/run.py) and printed beside its target and a baseline
measured in the same run: the same schemes' PSAs run one by one with ``sroi.psa`` (the
same draws per scheme and the same threads, but no joint draws, no selection and no
settlement), the floor the portfolio's extra work sits on. Memory is also measured at a
tenth of the draws, to show whether it grows with them (target: flat).

The generated schemes (``generated``) are random but seeded: 3 outcomes and 2 inputs each,
graded uncertainty (so every number is drawn), funders and beneficiaries among four budget
holders, one outcome in three valued with a library proxy shared across schemes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from run import child_peak_mb  # noqa: E402

HOLDERS = ("nhs", "la_adult_social_care", "police", "dwp")
SHARED = ("nhs.ae_attendance_vb01z_2024_25", "nhs.gp_surgery_consultation")


def generated(n: int, seed: int = 7):
    """``n`` seeded random schemes (see the module docstring)."""
    import numpy as np

    import sroi

    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        outcomes = []
        for j in range(3):
            proxy: object = {"value": float(rng.uniform(200, 5000)), "unit": "per person", "price_year": 2024,
                             "source": "generated"}
            if j == 0 and i % 3 == 0:
                proxy = {"id": SHARED[i % 2]}
            outcomes.append({"id": f"o{j}", "stakeholder": "People", "outcome": f"change {j}",
                             "quantity": {"count": float(rng.integers(5, 60))}, "proxy": proxy,
                             "duration": float(rng.integers(1, 4)), "drop_off": 0.2, "deadweight": 0.2,
                             "attribution": 0.2, "beneficiary": HOLDERS[int(rng.integers(0, 4))],
                             "value_type": "fiscal_non_cashable"})
        inputs = [{"id": f"i{k}", "description": "cost", "funder": HOLDERS[int(rng.integers(0, 2))],
                   "amount": float(rng.uniform(5_000, 60_000))} for k in range(2)]
        out.append(sroi.from_dict({"name": f"Scheme {i}", "price_base": 2024, "horizon": 5,
                                   "uncertainty": "graded",
                                   "discounting": {"convention": "sroi_guide", "schedule": "green_book"},
                                   "inputs": inputs, "outcomes": outcomes}))
    return out


def child(kind: str, schemes: int, draws: int) -> str:
    """The code a child process runs: prints its own wall time."""
    work = {
        "portfolio": "portfolio(xs, budgets=B, draws=D, seed=1, voi=False).expected_npv",
        "dask": "portfolio(xs, budgets=B, draws=D, seed=1, voi=False, client='local').expected_npv",
        "baseline": "[psa(x, D, seed=1, keep_design=False).out.npv.mean() for x in xs]",
    }[kind]
    return (f"import sys, time; sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]\n"
            "from portfolio import generated\nfrom sroi.portfolio import portfolio\nfrom sroi.sensitivity import psa\n"
            f"xs = generated({schemes}); D = {draws}\n"
            "B = {'nhs': 2e7, 'la_adult_social_care': 1e7}\n"
            "psa(xs[0], 10, seed=1)  # compile outside the timing\n"
            f"t = time.perf_counter(); {work}; print(f'TIME {{time.perf_counter() - t:.2f}}', file=sys.stderr)\n")


def measure(kind: str, schemes: int, draws: int) -> tuple[float, float]:
    """(seconds, peak MB) of one child run."""
    import subprocess

    from run import LAUNCHER

    out = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-c", child(kind, schemes, draws)],
                         capture_output=True, text=True, check=True)
    seconds = float(next(line for line in out.stderr.splitlines() if line.startswith("TIME")).split()[1])
    return seconds, int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemes", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--dask", action="store_true", help="also run on a two-worker LocalCluster")
    args = ap.parse_args()
    S, D = args.schemes, args.draws
    print(f"{S:,} generated schemes x {D:,} joint draws; this machine's CPUs: "
          f"{__import__('os').cpu_count()}")
    t_base, m_base = measure("baseline", S, D)
    t_port, m_port = measure("portfolio", S, D)
    _, m_small = measure("portfolio", S, max(1, D // 10))
    print(f"{'portfolio in process':<40} {t_port:8.1f} s  target <= 60 s  {'meets' if t_port <= 60 else 'MISSES'}"
          f"  (baseline: one PSA per scheme {t_base:.1f} s; ratio {t_port / t_base:.2f})")
    print(f"{'  peak memory':<40} {m_port:8.0f} MB at {D:,} draws, {m_small:.0f} MB at {max(1, D // 10):,} "
          f"(baseline {m_base:.0f} MB)")
    if args.dask:
        t_dask, m_dask = measure("dask", S, D)
        print(f"{'portfolio on a 2-worker LocalCluster':<40} {t_dask:8.1f} s  (client process tree peak "
              f"{m_dask:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
