"""Bundled examples and start-up: `sroi examples`, copying a scheme to edit, the
bundled-data lookup, and an `import sroi` that leaves the heavy libraries unloaded."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import sroi
from sroi import resources
from sroi.cli import main

from .conftest import ROOT


def test_every_scheme_file_is_an_example_with_its_title():
    files = sorted((ROOT / "scenarios").rglob("*.toml"))
    examples = sroi.list_examples()
    assert sorted(e.path for e in examples) == files
    fnp = next(e for e in examples if e.name == "family_nurse_partnership")
    assert fnp.title == "Family Nurse Partnership, England: the English trial's evidence (Building Blocks)"
    us = next(e for e in examples if e.name == "family_nurse_partnership_us_transfer")
    assert us.title == "Family Nurse Partnership, England: the US trials' effects at English unit costs"
    assert sroi.example_path("published/derby_lac_2016.toml") == ROOT / "scenarios/published/derby_lac_2016.toml"


def test_examples_listing(capsys):
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bundled example schemes. Copy one to edit it: sroi examples copy NAME [DIR]\n")
    assert "\n  local_area_coordination\n      Local Area Coordination: ten coordinators over three years\n" in out
    assert "\nPublished evaluations (scenarios/published)\n  published/connected_care_basildon\n" in out
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("name, message", [
    ("derby_lac_2016", "sroi examples: no bundled example named 'derby_lac_2016'; did you mean "
                       "'published/derby_lac_2016'? 'sroi examples' lists them all\n"),
    ("local_area_coordinaton", "sroi examples: no bundled example named 'local_area_coordinaton'; did you mean "
                               "'local_area_coordination'? 'sroi examples' lists them all\n"),
    ("zzz", "sroi examples: no bundled example named 'zzz'; 'sroi examples' lists them all\n"),
])
def test_unknown_example_names_the_near_ones(name, message, capsys, tmp_path):
    assert main(["examples", "copy", name, str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", message)
    assert list(tmp_path.iterdir()) == []


def test_copy_then_run_in_another_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["examples", "copy", "local_area_coordination"]) == 0
    assert capsys.readouterr().out == ("wrote local_area_coordination.toml\n"
                                       "run it with: sroi run local_area_coordination.toml\n")
    copied = tmp_path / "local_area_coordination.toml"
    assert copied.read_bytes() == (ROOT / "scenarios/local_area_coordination.toml").read_bytes()
    here = sroi.run(sroi.load(copied)).summary
    there = sroi.run(sroi.load(ROOT / "scenarios/local_area_coordination.toml")).summary
    assert here.equals(there)


def test_copy_never_overwrites_without_force(tmp_path, capsys):
    target = tmp_path / "family_nurse_partnership.toml"
    target.write_text("my edits")
    assert main(["examples", "copy", "family_nurse_partnership", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"{target}: already exists; pass --force to overwrite it\n"
    assert target.read_text() == "my edits"
    assert main(["examples", "copy", "family_nurse_partnership", str(tmp_path), "--force"]) == 0
    assert target.read_bytes() == (ROOT / "scenarios/family_nurse_partnership.toml").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["family_nurse_partnership.toml"]


def test_copy_refuses_what_is_not_a_regular_file_even_with_force(tmp_path, capsys):
    (tmp_path / "family_nurse_partnership.toml").mkdir()
    assert main(["examples", "copy", "family_nurse_partnership", str(tmp_path), "--force"]) == 2
    assert "cannot write (it is a folder; name a file in it)" in capsys.readouterr().err
    link = tmp_path / "other"
    link.mkdir()
    (link / "family_nurse_partnership.toml").symlink_to(tmp_path / "elsewhere.txt")
    assert main(["examples", "copy", "family_nurse_partnership", str(link), "--force"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere.txt").exists()


def test_copy_into_a_missing_or_unwritable_folder(tmp_path, capsys, monkeypatch):
    assert main(["examples", "copy", "family_nurse_partnership", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == (f"{tmp_path / 'nope'}: not a folder; 'sroi examples copy NAME [DIR]' copies "
                                       "into an existing folder\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    assert main(["examples", "copy", "family_nurse_partnership", str(tmp_path)]) == 2
    target = tmp_path / "family_nurse_partnership.toml"
    assert capsys.readouterr().err == f"{target}: cannot write (permission denied)\n"


def test_copy_brings_the_local_proxy_tables_a_scheme_names(tmp_path, monkeypatch):
    """An example that prices an outcome from a local table (e.g. licensed values) is
    copied with that table, at the same relative path, and runs from its new folder."""
    bundled = tmp_path / "bundled"
    (bundled / "tables").mkdir(parents=True)
    src = ROOT / "tests/schemes/hand_worked.toml"
    text = src.read_text(encoding="utf-8")
    header = 'proxy_tables = ["tables/local.csv"]\n'
    (bundled / "with_table.toml").write_text(header + text, encoding="utf-8")
    with open(ROOT / "data/proxies/proxies.csv", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    (bundled / "tables/local.csv").write_text("\n".join(lines[:1] + [lines[1].replace(
        lines[1].split(",")[0], "local.example_row", 1)]) + "\n", encoding="utf-8")
    monkeypatch.setattr(resources, "examples_dir", lambda: bundled)
    dest = tmp_path / "mine"
    dest.mkdir()
    written = sroi.copy_example("with_table", dest)
    assert written == [dest / "with_table.toml", dest / "tables/local.csv"]
    assert (dest / "tables/local.csv").read_bytes() == (bundled / "tables/local.csv").read_bytes()
    scheme = sroi.load(dest / "with_table.toml")
    assert scheme.proxy_tables == ("tables/local.csv",)
    (dest / "tables/local.csv").write_text("edited")
    with pytest.raises(FileExistsError):
        sroi.copy_example("with_table", dest)
    assert (dest / "tables/local.csv").read_text() == "edited"  # nothing half-copied


def test_bundled_data_is_found_in_the_source_tree():
    assert resources.data_dir() == ROOT / "data"
    assert resources.examples_dir() == ROOT / "scenarios"


def test_import_sroi_leaves_heavy_libraries_unloaded():
    """`import sroi` (and `import sroi.sensitivity`) load numpy and pandas, not scipy,
    matplotlib, numba, openpyxl, SALib or importlib.metadata; running a scheme loads none
    of them either."""
    heavy = ("scipy", "matplotlib", "numba", "openpyxl", "SALib", "tqdm", "importlib.metadata")
    code = ("import sys, sroi, sroi.sensitivity\n"
            "sroi.run(sroi.load(sroi.example_path('local_area_coordination')))\n"
            f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize("first", ["import sroi.sensitivity.psa, sroi.sensitivity.sobol",
                                   "from sroi.sensitivity.sobol import SobolResult",
                                   "from sroi.sensitivity import psa, sobol",
                                   "import sroi.engine.compiled"])
def test_lazy_sensitivity_names_are_the_functions_whatever_was_imported_first(first):
    import sroi.sensitivity

    assert sorted(sroi.sensitivity.__all__) == sorted(sroi.sensitivity._WHERE)
    """`sroi.sensitivity.psa` and `.sobol` name functions, as their modules share the names;
    importing the modules first (directly or through another module) must not shadow them."""
    code = (f"{first}\nimport types, sroi.sensitivity as s\nfrom sroi.sensitivity import psa, sobol\n"
            "print(all(callable(f) and not isinstance(f, types.ModuleType) "
            "for f in (psa, sobol, s.psa, s.sobol, s.one_way, s.marginal)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"
