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
