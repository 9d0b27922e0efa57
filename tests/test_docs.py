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


def test_getting_started_runs_as_written(tmp_path, monkeypatch):
    """The Python on the Getting started page runs, block after block, from any folder."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    try:
        for block in blocks:
            exec(compile(block, "getting-started.md", "exec"), scope)
    finally:
        plt.close("all")
    assert scope["cheaper"].sroi_ratio > scope["result"].sroi_ratio  # a cheaper programme returns more per pound
