"""The documentation site builds without a warning, and its API reference covers every
public function and result object."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT


def test_the_site_builds_strictly_and_documents_every_public_name(tmp_path):
    site = tmp_path / "site"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                          str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    log = run.stdout + run.stderr
    assert run.returncode == 0 and "WARNING" not in log, log
    api = "".join((site / "api" / page / "index.html").read_text(encoding="utf-8")
                  for page in ("", "results", "sensitivity", "plots"))
    documented = set(re.findall(r'id="sroi(?:\.\w+)*\.(\w+)"', api))
    import sroi
    import sroi.plots
    import sroi.sensitivity

    public = (set(sroi.__all__) - {"__version__"}) | set(sroi.sensitivity.__all__) - {"marginal", "as_generator"}
    public |= {n for n in sroi.plots.__all__ if n.startswith("plot_")}
    public |= {"OneWay", "SwitchingValues", "PSAResult", "ValueOfInformation", "SobolResult", "Comparison"}
    assert public - documented == set()
    # a docstring's Sphinx role is read as code, not printed as ':func:'
    assert ":func:" not in api and ":class:" not in api
    start = (site / "getting-started" / "index.html").read_text(encoding="utf-8")
    assert "pip install" in start and "sroi.run(scheme)" in start
    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "The first version (22 November 2026)" in changelog
    fmt = (site / "scheme-format" / "index.html").read_text(encoding="utf-8")
    assert "deadweight" in fmt
