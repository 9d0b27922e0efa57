"""Start-up benchmarks: what a user waits for before any work is done (not part of the tests).

Run with the interpreter sroi is installed in:  .venv/bin/python benchmarks/startup.py [--runs N]

Every figure is a whole new process, timed from outside it, and is set beside its
baseline timed in the same run, the two alternating so that load elsewhere on the
machine slows both. Medians over the runs, with the range; peak memory is the child's
maximum resident set size as the kernel reports it to the parent (``os.wait4``).

* ``import sroi`` and ``sroi run`` of a bundled scheme, against ``python -c "import
  pandas"`` (targets 1.3x and 2x);
* the first ``sroi sensitivity --psa 10000`` in a fresh environment (an empty cache
  folder, so the kernel compiles) against the same command once the cache is warm
  (target 2x).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process, measured by the parent."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss / 1024


def pairs(a: list[str], b: list[str], runs: int, env_a, env_b) -> tuple[list, list]:
    """Run ``a`` and ``b`` alternately ``runs`` times each; ``env_*`` are callables giving
    each run its environment (so a run can be given a fresh cache folder)."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(timed(a, env_a()))
        tb.append(timed(b, env_b()))
    return ta, tb


def report(name: str, got: list, base: list, base_name: str, target: float) -> None:
    g = [t for t, _ in got]
    b = [t for t, _ in base]
    ratios = [x / y for x, y in zip(g, b)]
    med = statistics.median(g) / statistics.median(b)
    mark = "meets" if med <= target else "MISSES"
    print(f"{name:<44} {statistics.median(g):6.3f} s ({min(g):.3f}-{max(g):.3f}), peak "
          f"{statistics.median([m for _, m in got]):4.0f} MB")
    print(f"{'  baseline: ' + base_name:<44} {statistics.median(b):6.3f} s ({min(b):.3f}-{max(b):.3f}), peak "
          f"{statistics.median([m for _, m in base]):4.0f} MB")
    print(f"{'  ratio (of medians; range of pairs)':<44} {med:6.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) "
          f"target <= {target:g}x  {mark}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11, help="runs of each command (default 11; 5 for the cold PSA)")
    args = ap.parse_args()
    py = sys.executable
    sroi_cmd = [py, "-m", "sroi"]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SROI_", "NUMBA_CACHE"))}
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.runs} runs each, alternating with the baseline")
    pandas = [py, "-c", "import pandas"]
    env = lambda: base_env  # noqa: E731
    got, base = pairs([py, "-c", "import sroi"], pandas, args.runs, env, env)
    report("import sroi", got, base, "import pandas", 1.3)
    got, base = pairs(sroi_cmd + ["run", "scenarios/local_area_coordination.toml"], pandas, args.runs, env, env)
    report("sroi run local_area_coordination", got, base, "import pandas", 2.0)

    psa = sroi_cmd + ["sensitivity", "scenarios/local_area_coordination.toml", "--ranges", "triangular",
                      "--psa", "10000", "--seed", "1"]
    scratch = Path(tempfile.mkdtemp(prefix="sroi-startup-"))
    try:
        warm_env = dict(base_env, SROI_CACHE_DIR=str(scratch / "warm"))
        timed(psa, warm_env)  # fill the warm cache
        count = [0]

        def cold_env() -> dict[str, str]:
            count[0] += 1
            return dict(base_env, SROI_CACHE_DIR=str(scratch / f"cold{count[0]}"))

        cold, warm = pairs(psa, psa, max(3, args.runs // 2), cold_env, lambda: warm_env)
        report("sroi sensitivity --psa 10000, fresh cache", cold, warm, "the same, warm cache", 2.0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
