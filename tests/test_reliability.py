"""Hostile and careless input: refused in one line, or handled as text."""

from __future__ import annotations

import csv
import io

import pytest
import tomli_w

from sroi.cli import main
from sroi.scenario import load

from .conftest import minimal


def write(tmp_path, d, name="s.toml", bom=False):
    p = tmp_path / name
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + tomli_w.dumps(d).encode("utf-8"))
    return str(p)


def test_a_byte_order_mark_is_not_content(tmp_path):
    """Notepad saves UTF-8 with a BOM; the scheme reads as without one."""
    assert load(write(tmp_path, minimal(), bom=True)) == load(write(tmp_path, minimal(), "plain.toml"))


def test_a_proxy_table_saved_as_excel_csv_utf8_loads(tmp_path):
    from sroi.proxies import COLUMNS, read_table
    from sroi.resources import data_dir

    with open(data_dir() / "proxies" / "proxies.csv", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerow({**row, "id": "local.one"})
    p = tmp_path / "t.csv"
    p.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    assert [r.id for r in read_table(p)] == ["local.one"]


def test_dollar_signs_in_scheme_text_are_text_in_charts(tmp_path, capsys):
    """'$\\foo$' crashed the chart through matplotlib's mathtext; '$5 and $10' lost its
    dollars. Both are now drawn as written."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    import matplotlib

    from sroi.plots import literal_text

    fig = Figure()
    with literal_text():  # as every plot function draws
        ax = fig.subplots()
        ax.set_title("Costs $\\foo$ and $5")
        ax.set_xlabel("Cost $5 and $10 saved")
    FigureCanvasAgg(fig).draw()  # mathtext would raise on $\\foo$
    assert matplotlib.rcParams["text.parse_math"]  # the user's own setting is left alone
    assert ax.xaxis.label.get_text() == "Cost $5 and $10 saved"
    a = write(tmp_path, minimal(name="Costs $\\foo$ and $5"), "a.toml")
    b = write(tmp_path, minimal(name="=HYPERLINK(\"http://x\")"), "b.toml")
    assert main(["compare", a, b, "--psa", "0", "--chart", str(tmp_path / "c.png")]) == 0
    capsys.readouterr()
    assert main(["compare", a, b, "--psa", "0", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    names = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names and not any(n.startswith("=") for n in names)


@pytest.mark.parametrize("argv,message", [
    (["sensitivity", "S", "--psa", "100", "--seed", "-1"], "--seed must be a whole number"),
    (["report", "S", "-o", "R", "--psa", "-5"], "--psa must be from 0"),
    (["compare", "S", "--psa", "1000000000000"], "--psa must be from 0 to 100,000,000"),
    (["sensitivity", "S", "--psa", "10", "--threshold", "inf"], "--threshold must be a finite ratio"),
    (["sensitivity", "S", "--tornado", "--spread", "-0.5"], "--spread must be a fraction above 0"),
])
def test_option_values_are_checked_before_any_work(tmp_path, capsys, argv, message):
    s = write(tmp_path, minimal())
    argv = [s if a == "S" else str(tmp_path / "r.html") if a == "R" else a for a in argv]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err


def test_control_characters_in_scheme_text_do_not_reach_the_terminal(tmp_path, capsys):
    """An escape sequence in a scheme's name could clear the terminal or forge a headline
    line; it is printed as \\x1b instead."""
    p = write(tmp_path, minimal(name="Nice\x1b[2J scheme\x07"))
    assert main(["run", p]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Nice\\x1b[2J scheme\\x07" in out


@pytest.mark.parametrize("path", sorted(p for p in __import__("pathlib").Path(__file__).resolve().parent.parent
                                        .joinpath("scenarios").rglob("*.toml")), ids=lambda p: p.stem)
def test_run_fits_100_columns(path, capsys):
    """226 of 388 lines of `sroi run` once passed 80 columns and the widest 553; every line of
    every bundled scheme's run now fits 100 (long texts wrap, names are cut with an
    ellipsis, a wide ledger splits in two)."""
    assert main(["run", str(path)]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 100


def test_files_that_are_not_regular_or_too_large_are_refused(tmp_path):
    """A FIFO as the scheme once hung; a directory or a huge file gets one line too."""
    import os

    from sroi.errors import ScenarioError

    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="is not a regular file"):
        load(fifo)
    with pytest.raises(ScenarioError, match="is a directory"):
        load(tmp_path)
    big = tmp_path / "big.toml"
    with open(big, "wb") as fh:
        fh.truncate(17 * 2**20)
    with pytest.raises(ScenarioError, match="is larger than 16 MiB"):
        load(big)


def test_proxy_tables_stay_in_the_schemes_folder(tmp_path):
    """`proxy_tables` could name any file on the machine (/etc/passwd, ../..); now a table
    sits beside the scheme or below it, and the message names the field."""
    from sroi.errors import ScenarioError

    (tmp_path / "sub").mkdir()
    for name, message in (("/etc/passwd", "outside the scheme's folder"), ("../x.csv", "outside the scheme's folder"),
                          ("sub", "it must be a CSV file")):
        p = write(tmp_path / "sub" if name == "../x.csv" else tmp_path, minimal(proxy_tables=[name]))
        with pytest.raises(ScenarioError, match=r"proxy_tables\[1\]: .*" + message):
            load(p)


# ---------------------------------------------------------------------------- outputs (issue 20, items 1, 2, 4, 11)


def test_force_keeps_the_file_mode_and_replaces_only_regular_files(tmp_path, capsys):
    """`--force` once reset a 0600 file to 0644; a folder, a device or a link is never replaced."""
    import os

    s = write(tmp_path, minimal())
    out = tmp_path / "private.txt"
    out.write_text("old")
    os.chmod(out, 0o600)
    assert main(["run", s, "-o", str(out), "--force"]) == 0
    assert out.stat().st_mode & 0o777 == 0o600 and "Minimal" in out.read_text()
    assert main(["run", s, "-o", str(tmp_path), "--force"]) == 2
    assert capsys.readouterr().err == f"{tmp_path}: cannot write (it is a folder; name a file in it)\n"


def _write_one(target, text, barrier, results):
    from sroi.fileio import OutputExistsError, atomic_write

    barrier.wait()
    try:
        atomic_write(target, text)
        results.put(text)
    except OutputExistsError:
        results.put(None)


def test_of_eight_concurrent_writers_to_a_new_file_exactly_one_wins(tmp_path):
    """Check-then-rename let 2 of 4 writers 'win' in 12 of 30 trials; the file is now
    linked into place, which fails if the name exists, so exactly one writer succeeds
    and the file holds its text, in every trial."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    for trial in range(5):
        target = tmp_path / f"out{trial}.txt"
        barrier, results = ctx.Barrier(8), ctx.Queue()
        procs = [ctx.Process(target=_write_one, args=(target, f"writer {k}\n", barrier, results)) for k in range(8)]
        for p in procs:
            p.start()
        got = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        winners = [g for g in got if g is not None]
        assert len(winners) == 1 and target.read_text() == winners[0]
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_killed_writer_leaves_a_temporary_file_the_next_write_removes(tmp_path):
    """kill -9 during a write cannot clean up; the next write to the same name removes
    the temporary file of a writer that is no longer running (and the old file is intact)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from sroi.fileio import atomic_write

    target = tmp_path / "out.txt"
    target.write_text("old")
    script = ("import os, sys, time\nimport sroi.fileio as f\nos.fsync = lambda fd: time.sleep(120)\n"
              "f.atomic_write(sys.argv[1], 'new', force=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)])
    deadline = time.time() + 60
    while not list(tmp_path.glob(".out.txt.*.tmp")) and time.time() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = list(tmp_path.glob(".out.txt.*.tmp"))
    assert len(left) == 1 and target.read_text() == "old"
    atomic_write(target, "newer", force=True)
    assert target.read_text() == "newer" and not list(tmp_path.glob(".*.tmp"))


def test_existing_outputs_are_refused_before_any_work(tmp_path, capsys, monkeypatch):
    """run, sensitivity and compare computed everything before refusing an existing -o."""
    import sroi.results

    s = write(tmp_path, minimal())
    (tmp_path / "out.txt").write_text("keep")

    def no_work(*a, **k):
        raise AssertionError("computed before refusing")

    monkeypatch.setattr(sroi.results, "run", no_work)
    monkeypatch.setattr("sroi.sensitivity.comparison", no_work)
    for argv in (["run", s], ["sensitivity", s, "--tornado"], ["compare", s, "--psa", "0"]):
        assert main(argv + ["-o", str(tmp_path / "out.txt")]) == 2
        assert capsys.readouterr().err == f"{tmp_path / 'out.txt'}: already exists; pass --force to overwrite it\n"
    assert (tmp_path / "out.txt").read_text() == "keep"


def test_compare_writes_nothing_when_a_chart_cannot_be_written(tmp_path, capsys):
    s = write(tmp_path, minimal())
    assert main(["compare", s, "--psa", "0", "-o", str(tmp_path / "t.txt"), "--chart",
                 str(tmp_path / "no" / "c.png")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'no' / 'c.png'}: cannot write (no such folder as {tmp_path / 'no'})\n"
    assert not (tmp_path / "t.txt").exists()


def test_ctrl_c_is_one_line_and_exit_130(tmp_path, capsys, monkeypatch):
    import sroi.results

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(sroi.results, "run", interrupted)
    assert main(["run", write(tmp_path, minimal())]) == 130
    assert capsys.readouterr().err == "sroi run: interrupted; nothing was written\n"


def test_exported_workbooks_are_the_same_bytes_run_to_run(tmp_path):
    """openpyxl stamps the save time into docProps/core.xml and the zip entries; the
    export replaces the clock with a fixed time, so the same scheme gives the same file."""
    import time
    import zipfile

    s = write(tmp_path, minimal())
    assert main(["export", s, "-o", str(tmp_path / "a.xlsx")]) == 0
    time.sleep(2.1)  # the zip format's clock has two-second steps
    assert main(["export", s, "-o", str(tmp_path / "b.xlsx")]) == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        core = z.read("docProps/core.xml")
        assert b">2000-01-01T00:00:00Z</dcterms:modified>" in core
        assert all(info.date_time == (2000, 1, 1, 0, 0, 0) for info in z.infolist())
    from sroi.excel import import_workbook

    assert import_workbook(tmp_path / "a.xlsx").outcomes == load(s).outcomes


def test_import_writes_toml_only_under_a_toml_name(tmp_path, capsys):
    s = write(tmp_path, minimal())
    assert main(["export", s, "-o", str(tmp_path / "m.xlsx")]) == 0
    capsys.readouterr()
    assert main(["import", str(tmp_path / "m.xlsx"), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert capsys.readouterr().err == (f"{tmp_path / 'x.xlsx'}: sroi import writes a scheme file in TOML; name the "
                                       "output 'x.toml'\n")
    assert not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------------------- inputs (items 3, 10, 11)


def test_from_dict_takes_numpy_integers_as_it_takes_numpy_floats():
    import numpy as np

    from sroi.scenario import from_dict

    d = minimal(horizon=np.int64(3))
    d["outcomes"][0]["quantity"] = np.int32(100)
    assert from_dict(d) == from_dict(minimal())


def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path, capsys):
    p = tmp_path / "deep.toml"
    p.write_text(tomli_w.dumps(minimal()) + "x = " + "[" * 497 + "]" * 497 + "\n")
    assert main(["validate", str(p)]) == 2
    assert capsys.readouterr().err == (f"{p}: is nested too deeply to read (arrays or tables inside one another "
                                       "hundreds of levels deep); a scheme nests a few levels at most\n")


def test_zero_investment_prints_no_numpy_warnings(tmp_path, capsys):
    """A scheme with no inputs has no ratio; its report, tornado and charts said so with
    RuntimeWarnings from numpy and matplotlib on standard error."""
    import warnings

    d = minimal()
    d["inputs"][0]["amount"] = 0
    s = write(tmp_path, d)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert main(["report", s, "-o", str(tmp_path / "r.html"), "--psa", "200", "--ranges", "pert"]) == 0
        assert main(["compare", s, write(tmp_path, minimal(), "b.toml"), "--psa", "200", "--ranges", "pert",
                     "--chart", str(tmp_path / "c.png"), "--forest", str(tmp_path / "f.png")]) == 0
    assert capsys.readouterr().err == ""


def _hostile_workbook(tmp_path, name, body):
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Stakeholder"
    wb.save(tmp_path / "src.xlsx")
    with zipfile.ZipFile(tmp_path / "src.xlsx") as z, zipfile.ZipFile(tmp_path / name, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open(info.filename, "w") as fh:
                    for chunk in body():
                        fh.write(chunk)
            else:
                out.writestr(info, z.read(info))
    return tmp_path / name


def test_workbook_bombs_and_far_cells_are_refused_quickly(tmp_path):
    """A 1.7 MB sheet bomb took 7 minutes and 7.7 GB; a cell at row 1,048,576, 3 minutes.
    The zip's directory and each sheet's declared dimension are checked before parsing."""
    import time

    from openpyxl import Workbook

    from sroi.errors import ScenarioError
    from sroi.excel import import_workbook

    from .test_corpus import SHEET, bomb_chunks

    def bomb():
        return bomb_chunks(200)

    def lying():
        yield SHEET + b'<dimension ref="A1:C1048576"/><sheetData></sheetData></worksheet>'

    wb = Workbook()
    wb.active["A1"], wb.active["A1048576"] = "Stakeholder", 1
    wb.save(tmp_path / "far.xlsx")
    for path, message in (
        (_hostile_workbook(tmp_path, "bomb.xlsx", bomb), "bomb.xlsx: expands to 200 MiB in 9 parts, over the 64 MiB "
                                                         "sroi reads"),
        (_hostile_workbook(tmp_path, "dim.xlsx", lying), "dim.xlsx: Sheet: reaches row 1,048,576 "
                                                         "and column 3; sroi reads sheets of at most 200,000 rows"),
        (tmp_path / "far.xlsx", "far.xlsx: Sheet: reaches row 1,048,576 and column 1;"),
    ):
        start = time.perf_counter()
        with pytest.raises(ScenarioError) as err:
            import_workbook(path)
        assert str(err.value).startswith(str(tmp_path / message.split(":")[0]) + message[message.index(":"):])
        assert time.perf_counter() - start < 10


def test_the_blocked_one_way_design_equals_one_evaluation(tmp_path):
    """The one-way design is two rows per parameter, so it grows with the square of the
    scheme (2,000 outcomes: 12.9 GB); it is evaluated in blocks, and each row is
    evaluated on its own, so any block size gives the same bits as one evaluation."""
    import numpy as np

    from sroi.engine import as_model
    from sroi.engine.outputs import spec_outputs
    from sroi.sensitivity.oneway import _one_at_a_time

    from .conftest import ROOT, random_design

    for path in sorted((ROOT / "scenarios").glob("*.toml"))[:4]:
        model = as_model(load(path))
        rng = np.random.default_rng(len(model.refs))
        X = random_design(model, 40, seed=5)
        cols = rng.integers(0, model.base.size, 40)
        changes = [(int(k), float(X[j, k])) for j, k in enumerate(cols)]
        whole = np.repeat(model.base[None, :], 41, axis=0)
        for j, (k, v) in enumerate(changes):
            whole[j + 1, k] = v
        expected = spec_outputs(model, whole)
        for block in (1, 3, 7, 41, 1000):
            ratio, npv = _one_at_a_time(model, changes, block_rows=block)
            assert np.array_equal(ratio, expected.ratio, equal_nan=True) and np.array_equal(npv, expected.npv)


# ---------------------------------------------------------------------------- under load


def test_concurrent_runs_give_the_same_bytes(tmp_path):
    """Four `sroi sensitivity` PSAs and four `sroi report`s at once, as separate processes:
    each output is byte for byte the same as the others."""
    import subprocess
    import sys

    from .conftest import ROOT

    s = str(ROOT / "scenarios" / "gp_time_bank.toml")
    procs = []
    for k in range(4):
        procs.append(subprocess.Popen([sys.executable, "-m", "sroi", "sensitivity", s, "--psa", "2000", "--seed", "7",
                                       "--ranges", "pert", "--format", "json", "-o", str(tmp_path / f"s{k}.json")]))
        procs.append(subprocess.Popen([sys.executable, "-m", "sroi", "report", s, "--psa", "500", "--ranges", "pert",
                                       "-o", str(tmp_path / f"r{k}.html")]))
    assert [p.wait(timeout=600) for p in procs] == [0] * 8
    for stem in ("s", "r"):
        outs = {(tmp_path / f"{stem}{k}.{'json' if stem == 's' else 'html'}").read_bytes() for k in range(4)}
        assert len(outs) == 1


def test_running_out_of_memory_is_one_line(tmp_path):
    """The largest PSA allowed (100,000,000 draws) needs about 5 GB for its outputs; in a
    process limited to 2 GiB it is one line and exit 2, not a MemoryError traceback."""
    import os
    import resource
    import subprocess
    import sys

    d = minimal()
    d["outcomes"][0]["deadweight"] = {"base": 0.2, "low": 0.1, "high": 0.3}
    s = write(tmp_path, d)

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    proc = subprocess.run([sys.executable, "-m", "sroi", "sensitivity", s, "--ranges", "pert", "--psa", "100000000"],
                          capture_output=True, text=True, timeout=120, preexec_fn=limits, env=dict(os.environ))
    assert proc.returncode == 2 and proc.stderr == ("sroi sensitivity: not enough memory for this analysis; use fewer "
                                                    "draws (--psa, --sobol) or split the scheme\n")
