"""The package as a user gets it: built with ``python -m build``, installed from the wheel
into a fresh virtual environment outside the repository, and run from an unrelated folder
with a home of its own.

Each command's output is compared with the same command run from this source tree, so
the installed package is held to give the same figures, not merely to exit 0. Two more
tests run ``sroi sensitivity`` with the installed package and the home folder mounted
read-only (a private mount namespace), and with a truncated compiled-code cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

LAC = "local_area_coordination"
SENSITIVITY = ["--ranges", "triangular", "--tornado", "--psa", "2000", "--seed", "4"]


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "SROI_", "NUMBA_CACHE", "VIRTUAL_ENV", "XDG_CACHE"))}
    env["HOME"] = str(home)
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``python -m build``: an sdist, and a wheel built from that sdist (so the sdist is
    checked to carry everything the wheel needs)."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> dict:
    """A fresh venv (outside the repository) with the wheel installed, a home folder and
    a working folder of its own."""
    base = tmp_path_factory.mktemp("user")
    venv, home, work = base / "venv", base / "home", base / "work"
    home.mkdir()
    work.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    wheel = next(dist.glob("*.whl"))
    env = _clean_env(home)
    # pip's own cache stays where the session's pip keeps it, so dependencies are not fetched twice
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=1200, env=env, cwd=work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"venv": venv, "home": home, "work": work, "env": _clean_env(home)}


def _sroi(inst: dict, *args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(inst["venv"] / "bin" / "sroi"), *args], capture_output=True, text=True, timeout=600,
                          env=env or inst["env"], cwd=cwd or inst["work"])


def _here(*args: str) -> str:
    """The same command from this source tree."""
    proc = subprocess.run([sys.executable, "-m", "sroi", *args], capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_wheel_and_sdist_carry_code_data_examples_and_licence(dist):
    wheel = next(dist.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sroi").rglob("*.py")}
    assert code <= names, sorted(code - names)
    data = {f"sroi/data/deflators/{n}" for n in ("gbp.csv", "gbp.toml")} | {
        "sroi/data/proxies/proxies.csv", "sroi/data/proxies/README.md", "sroi/data/uncertainty/grades.toml",
        "sroi/data/uncertainty/optimism_bias.toml", "sroi/data/uncertainty/README.md",
        "sroi/data/distributional/ons_income.toml"}
    examples = {"sroi/examples/" + p.relative_to(ROOT / "scenarios").as_posix()
                for p in (ROOT / "scenarios").rglob("*.toml")}
    assert data | examples <= names, sorted((data | examples) - names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    # nothing the package does not read: no research working files, no tests
    assert not [n for n in names if "/research/" in n or n.startswith("tests/")]
    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as tf:
        members = {m.split("/", 1)[1] for m in tf.getnames() if "/" in m}
    assert {"LICENSE", "data/proxies/proxies.csv", "scenarios/family_nurse_partnership.toml"} <= members


def test_installed_package_is_the_wheel_not_the_source_tree(installed):
    py = installed["venv"] / "bin" / "python"
    proc = subprocess.run([str(py), "-c", "import sroi, sroi.resources as r; print(sroi.__file__); "
                           "print(r.data_dir()); print(r.examples_dir())"],
                          capture_output=True, text=True, env=installed["env"], cwd=installed["work"], timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split()
    site = str(installed["venv"])
    assert all(line.startswith(site) for line in lines), lines
    assert lines[1].endswith("sroi/data") and lines[2].endswith("sroi/examples")


def test_examples_list_and_copy_then_run_from_anywhere(installed):
    listing = _sroi(installed, "examples")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout == _here("examples")
    assert "family_nurse_partnership" in listing.stdout
    assert "published/wsipp_2017_nurse_family_partnership" in listing.stdout
    work = installed["work"]
    copied = _sroi(installed, "examples", "copy", "family_nurse_partnership")
    assert copied.returncode == 0, copied.stderr
    assert (work / "family_nurse_partnership.toml").read_bytes() == \
        (ROOT / "scenarios" / "family_nurse_partnership.toml").read_bytes()
    again = _sroi(installed, "examples", "copy", "family_nurse_partnership")
    assert again.returncode == 2 and "already exists; pass --force" in again.stderr and not again.stdout
    assert _sroi(installed, "examples", "copy", "family_nurse_partnership", "--force").returncode == 0
    (work / "lac").mkdir()
    assert _sroi(installed, "examples", "copy", LAC, "lac").returncode == 0
    run = _sroi(installed, "run", "family_nurse_partnership.toml", "--format", "json")
    assert run.returncode == 0, run.stderr
    mine, theirs = json.loads(run.stdout), json.loads(_here("run", "scenarios/family_nurse_partnership.toml",
                                                             "--format", "json"))
    assert mine == theirs  # every figure, unrounded, and the scheme hash: the copy is the bundled scheme
    assert _sroi(installed, "validate", "lac/local_area_coordination.toml").returncode == 0


def test_sensitivity_report_export_and_proxies_from_the_wheel(installed):
    work = installed["work"]
    if not (work / f"{LAC}.toml").exists():
        assert _sroi(installed, "examples", "copy", LAC).returncode == 0
    sens = _sroi(installed, "sensitivity", f"{LAC}.toml", *SENSITIVITY)
    assert sens.returncode == 0, sens.stderr
    assert sens.stdout == _here("sensitivity", f"scenarios/{LAC}.toml", *SENSITIVITY)
    assert "One-way sensitivity" in sens.stdout and "Probabilistic" in sens.stdout
    rep = _sroi(installed, "report", f"{LAC}.toml", "-o", "report.html", "--psa", "500")
    assert rep.returncode == 0, rep.stderr
    html = (work / "report.html").read_text(encoding="utf-8")
    assert "<html" in html and "Local Area Coordination" in html
    exp = _sroi(installed, "export", f"{LAC}.toml", "-o", "map.xlsx")
    assert exp.returncode == 0, exp.stderr
    assert zipfile.is_zipfile(work / "map.xlsx")
    back = _sroi(installed, "import", "map.xlsx", "-o", "back.toml")
    assert back.returncode == 0, back.stderr
    prx = _sroi(installed, "proxies", "search", "A&E")
    assert prx.returncode == 0 and prx.stdout == _here("proxies", "search", "A&E") and "no proxies" not in prx.stdout
    py = _sroi_python(installed, "import sroi.sensitivity as s; print(s.psa.__module__)")
    assert py.stdout.strip() == "sroi.sensitivity.psa"


def _sroi_python(inst: dict, code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(inst["venv"] / "bin" / "python"), "-c", code], capture_output=True, text=True,
                          timeout=300, env=env or inst["env"], cwd=inst["work"])
    assert proc.returncode == 0, proc.stderr
    return proc


def _user_cache(inst: dict) -> Path:
    return inst["home"] / ".cache" / "sroi" / "numba"


def test_compiled_code_is_cached_per_user_and_a_corrupt_cache_is_rebuilt(installed):
    work = installed["work"]
    if not (work / f"{LAC}.toml").exists():
        assert _sroi(installed, "examples", "copy", LAC).returncode == 0
    expected = _here("sensitivity", f"scenarios/{LAC}.toml", *SENSITIVITY)
    first = _sroi(installed, "sensitivity", f"{LAC}.toml", *SENSITIVITY)
    assert first.returncode == 0 and first.stdout == expected
    entries = sorted(_user_cache(installed).rglob("*.nb[ic]"))
    assert entries, "nothing cached in the user's cache folder"
    site = installed["venv"] / "lib"
    assert not list(site.rglob("*.nbi")), "numba cached inside the installed package"
    for path in entries:  # truncate every entry, as a full disk or a killed write would leave it
        path.write_bytes(path.read_bytes()[:40])
    broken = _sroi(installed, "sensitivity", f"{LAC}.toml", *SENSITIVITY)
    assert broken.returncode == 0, broken.stderr
    assert broken.stdout == expected
    assert "discarded an unreadable compiled-code cache entry" in broken.stderr
    healed = _sroi(installed, "sensitivity", f"{LAC}.toml", *SENSITIVITY)
    assert healed.returncode == 0 and healed.stdout == expected and healed.stderr == ""


def _read_only_namespace_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c",
                            "mount --bind / /mnt 2>/dev/null || mount --bind /tmp /tmp"],
                           capture_output=True, timeout=60)
    return probe.returncode == 0


def test_sensitivity_runs_with_package_and_home_read_only(installed, tmp_path):
    """A system-wide or container install: nothing the user can write. The analysis runs
    uncached and says so in one line, instead of numba's 'no locator available'."""
    if not _read_only_namespace_works():
        pytest.skip("no private mount namespace here (unshare --mount --map-root-user)")
    home = tmp_path / "home"
    home.mkdir()
    scheme = home / f"{LAC}.toml"
    shutil.copy(ROOT / "scenarios" / f"{LAC}.toml", scheme)
    venv = installed["venv"]
    sroi_bin = venv / "bin" / "sroi"
    script = (f"set -e; for d in '{venv}' '{home}'; do mount --bind \"$d\" \"$d\"; "
              f"mount -o remount,ro,bind \"$d\"; done; "
              f"if touch '{home}/probe' 2>/dev/null; then echo writable >&2; exit 9; fi; "
              f"cd '{home}'; exec '{sroi_bin}' sensitivity {scheme.name} {' '.join(SENSITIVITY)}")
    env = _clean_env(home)
    proc = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script], capture_output=True,
                          text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == _here("sensitivity", f"scenarios/{LAC}.toml", *SENSITIVITY)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "cannot write the compiled-code cache" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
