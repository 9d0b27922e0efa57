"""A bad-input corpus: hostile and careless files, options and workbooks, through every
command and the Python API.

Each case is built in a temporary folder (nothing large is committed) and run through
``sroi.cli.main(argv)`` in this process, under a time limit; a sample also runs as a
separate ``sroi`` process under a memory limit. A case passes when it either

* succeeds: exit 0, nothing on standard error but ``note:`` lines, no RuntimeWarning,
  and, where the case knows it, the right answer; or
* is refused: exit 2 with one line on standard error per problem, each naming the file
  (or the option), one of them naming the field the case broke.

Anything else is classified, in the failure message, as one of ``traceback``,
``unclear`` (no line, a line not naming the file, no line naming the field, or warnings
on standard error), ``wrong-exit``, ``wrong-result`` or ``hang``; the corpus was counted
by those classes before and after the fixes of issue 20.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import signal
import sys
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import tomli_w

from sroi.cli import main

from .conftest import ROOT, minimal

TIME_LIMIT = 120  # seconds per case


@dataclass
class Case:
    id: str
    build: Callable[[Path], list[str]]  # writes the case's files into a folder, returns argv
    expect: str = "refuse"  # "refuse", "ok" or "either"
    names: tuple[str, ...] = ()  # what a refusal's line must contain (file, field)
    check: Callable[[str, Path], bool] | None = None  # the right answer, given stdout and the folder


# ---------------------------------------------------------------------------- building blocks


def scheme(d: Path, data: dict | None = None, name: str = "s.toml", raw: bytes | None = None) -> str:
    p = d / name
    p.write_bytes(raw if raw is not None else tomli_w.dumps(data if data is not None else minimal()).encode())
    return str(p)


def with_field(path: tuple, value) -> dict:
    d = minimal()
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return d


def workbook(d: Path, name: str, cells: dict[str, object]) -> str:
    from openpyxl import Workbook

    wb = Workbook()
    for ref, v in cells.items():
        wb.active[ref] = v
    p = d / name
    wb.save(p)
    return str(p)


def patched_workbook(d: Path, name: str, member: str, chunks) -> str:
    """A plain workbook whose part ``member`` is replaced by ``chunks`` (streamed)."""
    src = workbook(d, "_src_" + name, {"A1": "Stakeholder"})
    p = d / name
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            if info.filename == member:
                with out.open(member, "w") as fh:
                    for c in chunks():
                        fh.write(c)
            else:
                out.writestr(info, z.read(info))
    return str(p)


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def bomb_chunks(mib: int = 300):
    """A sheet of ``mib`` MiB of spaces: a few hundred kB once zipped."""
    yield SHEET + b"<sheetData>"
    for _ in range(mib):
        yield b" " * 2**20
    yield b"</sheetData></worksheet>"


def many_cells_chunks():
    yield SHEET + b"<sheetData>"
    for r in range(1, 50_001):
        yield (f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in "ABCDEFGHIJKLMNOPQRSTUVWXY")
               + "</row>").encode()
    yield b"</sheetData></worksheet>"


def lying_dimension_chunks():
    yield SHEET + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t>' \
                  b'</is></c></row></sheetData></worksheet>'


def exported(d: Path, name: str = "map.xlsx") -> str:
    assert main(["export", scheme(d, name="for_export.toml"), "-o", str(d / name), "--force"]) == 0
    return str(d / name)


def json_out(key: str, expected: float, rel: float = 1e-12):
    def check(out: str, d: Path) -> bool:
        v = json.loads(out)[key]
        return v == expected if expected == 0 or not math.isfinite(expected) else math.isclose(v, expected, rel_tol=rel)
    return check


BASE_PV = 152215.00780800526  # the minimal scheme's present value (sroi run, checked in test_results)


# ---------------------------------------------------------------------------- the cases


def numeric_cases() -> list[Case]:
    """Every numeric field at NaN, +/-inf, -1, -0.0, 0, 1e308, the smallest subnormal, 1e20
    and 1.5, through `sroi run --format json`."""
    fields = {
        "inputs[1].amount": ("inputs", 0, "amount"),
        "outcomes[1].quantity": ("outcomes", 0, "quantity"),
        "outcomes[1].proxy.value": ("outcomes", 0, "proxy", "value"),
        "outcomes[1].duration": ("outcomes", 0, "duration"),
        "outcomes[1].drop_off": ("outcomes", 0, "drop_off"),
        "outcomes[1].deadweight": ("outcomes", 0, "deadweight"),
        "outcomes[1].attribution": ("outcomes", 0, "attribution"),
        "outcomes[1].displacement": ("outcomes", 0, "displacement"),
        "horizon": ("horizon",),
        "discounting.rate": ("discounting", "rate"),
        "price_base": ("price_base",),
    }
    values = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-1": -1.0, "1e308": 1e308, "1e20": 1e20,
              "-0.0": -0.0, "0": 0.0, "subnormal": 5e-324, "1.5": 1.5}
    cases = []
    for fname, path in fields.items():
        for vname, v in values.items():
            if fname in ("horizon", "price_base") and vname in ("1.5", "subnormal", "-0.0"):
                v = {"1.5": 1.5, "subnormal": 5e-324, "-0.0": -0.0}[vname]
            expect = "refuse" if vname in ("nan", "inf", "-inf", "-1", "1e308", "1e20") else "either"
            check = None
            if vname in ("0", "-0.0") and fname in ("outcomes[1].deadweight", "outcomes[1].attribution",
                                                    "outcomes[1].displacement", "outcomes[1].drop_off"):
                expect = "ok"
            if vname in ("0", "-0.0") and fname in ("outcomes[1].quantity", "outcomes[1].proxy.value"):
                expect, check = "ok", json_out("present_value", 0.0)
            if vname in ("0", "-0.0") and fname == "inputs[1].amount":
                expect, check = "ok", json_out("present_value", BASE_PV)
            cases.append(Case(
                f"number-{fname}-{vname}",
                lambda d, path=path, v=v: ["run", scheme(d, with_field(path, v)), "--format", "json"],
                expect, ("s.toml", fname), check))
    return cases


def distribution_cases() -> list[Case]:
    """Distributions `validate` may accept that sampling cannot honour, through
    sensitivity, report and compare."""
    proxy = ("outcomes", 0, "proxy", "value")
    dw = ("outcomes", 0, "deadweight")
    dists = {
        "gamma-sd-0.1pc": (proxy, {"base": 100000, "distribution": {"type": "gamma", "sd": 100}}),
        "gamma-sd-1e-9": (proxy, {"base": 1000, "distribution": {"type": "gamma", "sd": 1e-9}}),
        "gamma-sd-huge": (proxy, {"base": 1000, "distribution": {"type": "gamma", "sd": 1e9}}),
        "lognormal-sd-huge": (proxy, {"base": 1000, "distribution": {"type": "lognormal", "sd": 1e12}}),
        "beta-sd-at-limit": (dw, {"base": 0.5, "distribution": {"type": "beta", "sd": 0.49999}}),
        "beta-sd-too-wide": (dw, {"base": 0.5, "distribution": {"type": "beta", "sd": 0.6}}),
        "beta-sd-tiny": (dw, {"base": 0.5, "distribution": {"type": "beta", "sd": 1e-12}}),
        "normal-on-money": (proxy, {"base": 1000, "distribution": {"type": "normal", "sd": 100}}),
        "triangular-reversed": (proxy, {"base": 1000, "low": 2000, "high": 500,
                                        "distribution": {"type": "triangular"}}),
        "uniform-point": (proxy, {"base": 1000, "low": 1000, "high": 1000, "distribution": {"type": "uniform"}}),
        "pert-base-outside": (proxy, {"base": 5000, "low": 100, "high": 2000, "distribution": {"type": "pert"}}),
        "truncnormal-sd-0": (dw, {"base": 0.2, "low": 0, "high": 1,
                                  "distribution": {"type": "truncnormal", "sd": 0}}),
        "unknown-type": (proxy, {"base": 1000, "distribution": {"type": "cauchy"}}),
        "sd-nan": (proxy, {"base": 1000, "distribution": {"type": "gamma", "sd": math.nan}}),
    }
    cases = []
    for name, (path, param) in dists.items():
        field_name = ".".join(["outcomes[1]"] + [str(p) for p in path[2:]])
        for cmd in ("sensitivity", "report", "compare"):
            def build(d, path=path, param=param, cmd=cmd):
                s = scheme(d, with_field(path, param))
                return {"sensitivity": ["sensitivity", s, "--psa", "200", "--seed", "3"],
                        "report": ["report", s, "-o", str(d / "r.html"), "--psa", "200"],
                        "compare": ["compare", s, scheme(d, name="other.toml"), "--psa", "200"]}[cmd]
            cases.append(Case(f"distribution-{name}-{cmd}", build, "either", ("s.toml", field_name)))
    return cases


def file_cases() -> list[Case]:
    """Encodings, byte-order marks, special files, empty, huge and deeply nested files."""
    good = tomli_w.dumps(minimal()).encode()

    def big(d):
        p = d / "big.toml"
        with open(p, "wb") as fh:
            fh.truncate(17 * 2**20)
        return str(p)

    def fifo(d):
        p = d / "pipe.toml"
        os.mkfifo(p)
        return str(p)

    def link(d):
        s = scheme(d)
        (d / "link.toml").symlink_to(s)
        return str(d / "link.toml")

    raw = {
        "bom": (b"\xef\xbb\xbf" + good, "ok"),
        "crlf": (good.replace(b"\n", b"\r\n"), "ok"),
        "utf16": (good.decode().encode("utf-16"), "refuse"),
        "latin1": (good.replace(b"Minimal", "Mínimal".encode("latin-1")), "refuse"),
        "nul-bytes": (good + b"\x00\x00", "refuse"),
        "empty": (b"", "refuse"),
        "whitespace": (b"  \n\t\n", "refuse"),
        "binary": (bytes(range(256)) * 4, "refuse"),
        "nested-arrays-497": (good + b"x = " + b"[" * 497 + b"]" * 497 + b"\n", "refuse"),
        "nested-tables-3000": (good + b"x = " + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"\n", "refuse"),
        "nested-arrays-40": (good + b"x = " + b"[" * 40 + b"]" * 40 + b"\n", "refuse"),
        "long-key": (good + b"k" * 100_000 + b" = 1\n", "refuse"),
        "long-string": (good.replace(b'"Minimal"', b'"' + b"M" * 1_000_000 + b'"'), "ok"),
        "control-chars-in-name": (good.replace(b'"Minimal"', b'"Mini\\u001b[2Jmal\\u0007"'), "ok"),
        "duplicate-key": (good + b'name = "again"\n', "refuse"),
        "toml-error": (good + b"= = =\n", "refuse"),
    }
    cases = [Case(f"file-{k}", lambda d, b=b: ["validate", scheme(d, raw=b)], e, ("s.toml",)) for k, (b, e) in raw.items()]
    cases.append(Case("file-control-chars-reach-run", lambda d: ["run", scheme(d, raw=raw["control-chars-in-name"][0])],
                      "ok", (), lambda out, d: "\x1b" not in out and "Mini\\x1b[2Jmal\\x07" in out))
    cases += [
        Case("file-fifo", lambda d: ["run", fifo(d)], "refuse", ("pipe.toml", "regular file")),
        Case("file-directory", lambda d: ["run", str(d)], "refuse", ("directory",)),
        Case("file-dev-null", lambda d: ["validate", "/dev/null"], "refuse", ("/dev/null",)),
        Case("file-dev-zero", lambda d: ["run", "/dev/zero"], "refuse", ("/dev/zero",)),
        Case("file-missing", lambda d: ["run", str(d / "nope.toml")], "refuse", ("nope.toml", "no such file")),
        Case("file-over-16MiB", lambda d: ["validate", big(d)], "refuse", ("big.toml", "16 MiB")),
        Case("file-symlink", lambda d: ["run", link(d), "--format", "json"], "ok", (),
             json_out("present_value", BASE_PV)),
    ]
    return cases


def reference_cases() -> list[Case]:
    """Unknown ids and names, through validate, run, sensitivity and check."""
    o = minimal()["outcomes"][0]
    bad = {
        "unknown-proxy-id": (dict(o, proxy="no.such.proxy"), "outcomes[1].proxy"),
        "unknown-beneficiary": (dict(o, beneficiary="the_moon"), "outcomes[1].beneficiary"),
        "unknown-value-type": (dict(o, value_type="priceless"), "outcomes[1].value_type"),
        "unknown-field": (dict(o, deadwieght=0.1), "outcomes[1].deadwieght"),
        "quantity-as-text": (dict(o, quantity="100"), "outcomes[1].quantity"),
        "quantity-as-bool": (dict(o, quantity=True), "outcomes[1].quantity"),
        "proxy-as-list": (dict(o, proxy=[1, 2]), "outcomes[1].proxy"),
    }
    cases = []
    for name, (outcome, fname) in bad.items():
        for cmd in ("validate", "run", "check"):
            cases.append(Case(f"ref-{name}-{cmd}", lambda d, oc=outcome, cmd=cmd: [cmd, scheme(d, minimal(
                outcomes=[oc]))], "refuse", ("s.toml", fname)))
    two = minimal()
    two["outcomes"].append(dict(two["outcomes"][0]))
    extra = [
        ("duplicate-outcome-id", two, "outcomes[2].id"),
        ("unknown-funder", minimal(inputs=[dict(minimal()["inputs"][0], funder="nobody")]), "inputs[1].funder"),
        ("scenario-unknown-param", minimal(scenarios=[{"name": "x", "set": {"gain.deadwieght": 0.1}}]), "scenarios"),
        ("correlation-unknown", minimal(correlations=[{"parameters": ["gain.deadweight", "nope"], "rho": 0.5}]),
         "correlations"),
        ("correlation-rho-2", minimal(correlations=[{"parameters": ["gain.deadweight", "gain.attribution"],
                                                     "rho": 2.0}]), "correlations"),
        ("no-outcomes", minimal(outcomes=[]), "outcomes"),
        ("no-inputs", minimal(inputs=[]), "inputs"),
        ("top-level-list", None, ""),
    ]
    for name, data, fname in extra:
        if data is None:
            cases.append(Case(f"ref-{name}", lambda d: ["validate", scheme(d, raw=b"x = [1, 2]\n")], "refuse",
                              ("s.toml",)))
            continue
        cases.append(Case(f"ref-{name}", lambda d, data=data: ["run", scheme(d, data)], "refuse", ("s.toml", fname)))
    cases += [
        Case("ref-set-unknown-param", lambda d: ["run", scheme(d), "--set", "gain.deadwieght=0.1"], "refuse",
             ("s.toml", "--set")),
        Case("ref-set-not-a-number", lambda d: ["run", scheme(d), "--set", "gain.deadweight=lots"], "refuse",
             ("s.toml", "--set")),
        Case("ref-set-nan", lambda d: ["sensitivity", scheme(d), "--tornado", "--set", "gain.deadweight=nan"],
             "refuse", ("s.toml", "deadweight")),
        Case("ref-set-out-of-range", lambda d: ["report", scheme(d), "-o", str(d / "r.html"), "--set",
                                                 "gain.deadweight=1.5"], "refuse", ("s.toml", "deadweight")),
        Case("ref-correlation-option-unknown", lambda d: ["report", scheme(d, with_field(
            ("outcomes", 0, "deadweight"), {"base": 0.2, "low": 0.1, "high": 0.3})), "-o", str(d / "r.html"),
                                                          "--correlation", "a,b=0.5", "--ranges", "pert"],
             "refuse", ("s.toml", "--correlation")),
    ]
    return cases


def option_cases() -> list[Case]:
    """Option values that once crashed, hung or meant nonsense."""
    bad = [
        ("seed-negative", ["sensitivity", "S", "--psa", "10", "--seed", "-1"], "--seed"),
        ("psa-negative-report", ["report", "S", "-o", "R", "--psa", "-5"], "--psa"),
        ("psa-negative-compare", ["compare", "S", "--psa", "-5"], "--psa"),
        ("psa-huge", ["compare", "S", "--psa", "1000000000000"], "--psa"),
        ("psa-zero-sensitivity", ["sensitivity", "S", "--psa", "0"], "--psa"),
        ("threshold-inf", ["sensitivity", "S", "--psa", "10", "--threshold", "inf"], "--threshold"),
        ("threshold-nan", ["sensitivity", "S", "--psa", "10", "--threshold", "nan"], "--threshold"),
        ("target-negative", ["sensitivity", "S", "--switching", "--target", "-1"], "--target"),
        ("spread-negative", ["sensitivity", "S", "--tornado", "--spread", "-0.5"], "--spread"),
        ("spread-zero", ["sensitivity", "S", "--tornado", "--spread", "0"], "--spread"),
        ("spread-huge", ["sensitivity", "S", "--tornado", "--spread", "1e300"], "--spread"),
        ("sobol-one", ["sensitivity", "S", "--sobol", "1"], "--sobol"),
        ("cost-uplift-negative", ["run", "S", "--view", "economic", "--cost-uplift", "-1"], "--cost-uplift"),
        ("cost-uplift-without-view", ["run", "S", "--cost-uplift", "0.2"], "--cost-uplift"),
        ("evpi-without-psa", ["sensitivity", "S", "--evpi"], "--evpi"),
        ("price-base-junk", ["compare", "S", "--psa", "0", "--price-base", "next year"], "next year"),
        ("rank-by-psa-without-psa", ["compare", "S", "--psa", "0", "--rank-by", "ratio_low"], "--rank-by"),
        ("budget-junk", ["portfolio", "S", "--budget", "nhs=lots", "--psa", "100"], "--budget"),
        ("budget-negative", ["portfolio", "S", "--budget", "nhs=-5", "--psa", "100"], "--budget"),
        ("budget-unknown-holder", ["portfolio", "S", "--budget", "the_moon=5", "--psa", "100"], "the_moon"),
        ("scale-junk", ["portfolio", "S", "--budget", "participant=5", "--scale", "x=a:b", "--psa", "100"],
         "--scale"),
        ("proxies-show-unknown", ["proxies", "show", "no.such.proxy"], "no.such.proxy"),
        ("proxies-show-bad-year", ["proxies", "show", "asc.day_care_week_older", "--year", "1066"], "--year"),
        ("reproduce-neither", ["reproduce"], "reproduce"),
        ("reproduce-unknown", ["reproduce", "no_such_study"], "no_such_study"),
        ("reproduce-no-table", ["reproduce", "S"], "s.toml"),
        ("examples-path-unknown", ["examples", "path", "no_such_example"], "no_such_example"),
        ("examples-copy-missing-folder", ["examples", "copy", "gp_time_bank", "MISSING/deeper"], "not a folder"),
        ("import-extra-option-on-export", ["import", "X", "-o", "T", "--currency", "GBP"], "--currency"),
    ]

    def build(argv):
        def b(d):
            s = scheme(d)
            x = exported(d) if "X" in argv else ""
            return [s if a == "S" else str(d / "r.html") if a == "R" else x if a == "X" else str(d / "t.toml")
                    if a == "T" else a.replace("MISSING", str(d / "missing")) for a in argv]
        return b

    return [Case(f"option-{name}", build(argv), "refuse", (must,)) for name, argv, must in bad]


def output_cases() -> list[Case]:
    """Where outputs go: missing folders, folders, devices, links, existing files."""
    def existing(d):
        (d / "out.txt").write_text("keep me")
        return str(d / "out.txt")

    def dangling(d):
        (d / "link.txt").symlink_to(d / "elsewhere.txt")
        return str(d / "link.txt")

    kept = lambda out, d: (d / "out.txt").read_text() == "keep me"  # noqa: E731
    cases = []
    for cmd in ("run", "sensitivity", "compare", "report", "export", "reproduce", "portfolio"):
        def argv(d, target, cmd=cmd, force=False):
            s = scheme(d)
            if cmd == "reproduce":
                base = ["reproduce", "published/wsipp_2004_nurse_family_partnership"]
            else:
                base = {"run": ["run", s], "sensitivity": ["sensitivity", s, "--tornado", "--spread", "0.2"],
                        "compare": ["compare", s, "--psa", "0"], "report": ["report", s, "--psa", "0"],
                        "export": ["export", s], "portfolio": ["portfolio", s, "--psa", "200", "--no-voi",
                                                               "--budget", "participant=1"]}[cmd]
            return base + ["-o", target] + (["--force"] if force else [])
        ext = ".xlsx" if cmd == "export" else ".txt"
        cases += [
            Case(f"output-{cmd}-missing-folder", lambda d, a=argv, e=ext: a(d, str(d / "no" / f"out{e}")), "refuse",
                 ("out", "cannot write (no such folder")),
            Case(f"output-{cmd}-folder", lambda d, a=argv: a(d, str(d), force=True), "refuse",
                 ("cannot write", "folder")),
            Case(f"output-{cmd}-dev-null", lambda d, a=argv: a(d, "/dev/null", force=True), "refuse",
                 ("/dev/null", "not a regular file")),
            Case(f"output-{cmd}-dangling-symlink", lambda d, a=argv: a(d, dangling(d), force=True), "refuse",
                 ("link.txt", "not a regular file"), lambda out, d: not (d / "elsewhere.txt").exists()),
        ]
        if cmd != "export":
            cases.append(Case(f"output-{cmd}-existing", lambda d, a=argv: a(d, existing(d)), "refuse",
                              ("out.txt", "--force"), kept))
    cases += [
        Case("output-import-toml-as-xlsx", lambda d: ["import", exported(d), "-o", str(d / "x.xlsx")], "refuse",
             ("x.xlsx", ".toml"), lambda out, d: not (d / "x.xlsx").exists()),
        Case("output-export-xlsx-as-toml", lambda d: ["export", scheme(d), "-o", str(d / "x.toml")], "refuse",
             ("x.toml", ".xlsx")),
        Case("output-compare-chart-missing-folder-writes-nothing",
             lambda d: ["compare", scheme(d), "--psa", "0", "-o", str(d / "t.txt"), "--chart",
                        str(d / "no" / "c.png")], "refuse", ("c.png", "cannot write"),
             lambda out, d: not (d / "t.txt").exists()),
        Case("output-force-keeps-mode", lambda d: (os.chmod(existing(d), 0o600), ["run", scheme(d), "-o",
                                                   str(d / "out.txt"), "--force"])[1], "ok", (),
             lambda out, d: (d / "out.txt").stat().st_mode & 0o777 == 0o600 and "Minimal" in (d / "out.txt").read_text()),
        Case("output-export-twice-same-bytes", lambda d: ["export", scheme(d), "-o", exported(d, "first.xlsx")[:-10]
                                                          + "second.xlsx"], "ok", (),
             lambda out, d: (d / "first.xlsx").read_bytes() == (d / "second.xlsx").read_bytes()),
    ]
    return cases


def workbook_cases() -> list[Case]:
    """Hostile and careless workbooks through `sroi import`."""
    def imp(make):
        return lambda d: ["import", make(d), "-o", str(d / "out.toml")]

    def text_file(name, data):
        def make(d):
            (d / name).write_bytes(data)
            return str(d / name)
        return make

    def fifo(d):
        os.mkfifo(d / "pipe.xlsx")
        return str(d / "pipe.xlsx")

    def dir_xlsx(d):
        (d / "dir.xlsx").mkdir()
        return str(d / "dir.xlsx")

    def edited(ref_value):
        def make(d):
            from openpyxl import load_workbook

            p = exported(d)
            wb = load_workbook(p)
            sheet, ref, value = ref_value
            wb[sheet][ref] = value
            wb.save(p)
            return p
        return make

    def truncated(d):
        p = exported(d)
        data = Path(p).read_bytes()
        Path(p).write_bytes(data[: len(data) // 2])
        return p

    def missing_part(d):
        p = exported(d)
        src = Path(p).read_bytes()
        with zipfile.ZipFile(io.BytesIO(src)) as z, zipfile.ZipFile(p, "w") as out:
            for info in z.infolist():
                if info.filename != "xl/workbook.xml":
                    out.writestr(info, z.read(info))
        return p

    cases = [
        Case("xlsx-not-a-zip", imp(text_file("junk.xlsx", b"not a workbook")), "refuse", ("junk.xlsx", "zip")),
        Case("xlsx-empty", imp(text_file("empty.xlsx", b"")), "refuse", ("empty.xlsx",)),
        Case("xlsx-old-xls", imp(text_file("old.xls", b"\xd0\xcf\x11\xe0")), "refuse", ("old.xls", ".xlsx")),
        Case("xlsx-ods", imp(text_file("doc.ods", b"PK")), "refuse", ("doc.ods",)),
        Case("xlsx-csv-named", imp(text_file("table.csv", b"a,b\n")), "refuse", ("table.csv",)),
        Case("xlsx-fifo", imp(fifo), "refuse", ("pipe.xlsx", "regular file")),
        Case("xlsx-directory", imp(dir_xlsx), "refuse", ("dir.xlsx", "directory")),
        Case("xlsx-missing", lambda d: ["import", str(d / "none.xlsx"), "-o", str(d / "o.toml")], "refuse",
             ("none.xlsx", "no such file")),
        Case("xlsx-sheet-bomb", imp(lambda d: patched_workbook(d, "bomb.xlsx", "xl/worksheets/sheet1.xml",
                                                                bomb_chunks)), "refuse", ("bomb.xlsx", "MiB")),
        Case("xlsx-far-cell", imp(lambda d: workbook(d, "far.xlsx", {"A1": "Stakeholder", "A1048576": 1})),
             "refuse", ("far.xlsx", "1,048,576")),
        Case("xlsx-far-column", imp(lambda d: workbook(d, "wide.xlsx", {"A1": "Stakeholder", "XFD1": 1})),
             "refuse", ("wide.xlsx", "16,384")),
        Case("xlsx-lying-dimension", imp(lambda d: patched_workbook(d, "dim.xlsx", "xl/worksheets/sheet1.xml",
                                                                     lying_dimension_chunks)), "refuse",
             ("dim.xlsx", "1,048,576")),
        Case("xlsx-many-cells", imp(lambda d: patched_workbook(d, "cells.xlsx", "xl/worksheets/sheet1.xml",
                                                                many_cells_chunks)), "refuse", ("cells.xlsx", "cells")),
        Case("xlsx-truncated", imp(truncated), "refuse", ("map.xlsx",)),
        Case("xlsx-missing-part", imp(missing_part), "refuse", ("map.xlsx",)),
        Case("xlsx-no-header", imp(lambda d: workbook(d, "plain.xlsx", {"A1": "hello"})), "refuse",
             ("plain.xlsx", "header")),
        Case("xlsx-roundtrip", imp(exported), "ok", (), lambda out, d: (d / "out.toml").exists()),
        Case("xlsx-formula-text-name", imp(edited(("Settings", "B2", "=HYPERLINK(\"http://x\")"))), "either",
             ("map.xlsx",)),
    ]
    for what, value in (("text", "lots"), ("nan-text", "nan"), ("inf-text", "inf"), ("negative", -5),
                        ("huge", 1e308), ("bool", True), ("error", "#DIV/0!")):
        cases.append(Case(f"xlsx-impact-map-quantity-{what}", imp(edited(("Impact map", "E6", value))), "either",
                          ("map.xlsx",)))
    return cases


def proxy_table_cases() -> list[Case]:
    """Local proxy tables: through `sroi proxies --table` and a scheme's proxy_tables."""
    from sroi.proxies import COLUMNS

    header = ",".join(["id", "description", "area", "value", "currency", "unit", "price_year"]
                      + [c for c in COLUMNS if c not in ("id", "description", "area", "value", "currency", "unit",
                                                          "price_year")]) + "\n"

    def table(name, data):
        def make(d):
            (d / name).write_bytes(data)
            return name
        return make

    rows = {
        "missing-columns": (b"id,value\nx,1\n", "refuse"),
        "empty": (b"", "refuse"),
        "latin1": (header.encode() + "x,caf\xe9,health,1,GBP,each,2024\n".encode("latin-1"), "refuse"),
        "huge-field": (header.encode() + b"x," + b"d" * 200_000 + b",health,1\n", "refuse"),
        "formula-cells": (header.encode() + b"=cmd|' /C calc'!A0,=1+1,health,1,GBP,each,2024\n", "refuse"),
        "nan-value": (header.encode() + b"local.x,d,health,nan,GBP,each,2024\n", "refuse"),
    }
    cases = []
    for name, (data, expect) in rows.items():
        cases.append(Case(f"proxytable-{name}-cli", lambda d, m=table("t.csv", data): [
            "proxies", "--table", str(d / m(d)), "list"], expect, ("t.csv",)))
        cases.append(Case(f"proxytable-{name}-scheme", lambda d, m=table("t.csv", data): [
            "validate", scheme(d, minimal(proxy_tables=[m(d)]))], expect, ("proxy_tables[1]",)))
    for name, target in (("etc-passwd", "/etc/passwd"), ("parent", "../t.csv"), ("folder", ".")):
        cases.append(Case(f"proxytable-{name}", lambda d, t=target: ["validate", scheme(d, minimal(proxy_tables=[t]))],
                          "refuse", ("s.toml", "proxy_tables[1]")))
    cases.append(Case("proxytable-cli-directory", lambda d: ["proxies", "--table", str(d), "list"], "refuse",
                      ("is a directory",)))
    return cases


def command_cases() -> list[Case]:
    """The zero-investment and edge schemes through every command."""
    zero = with_field(("inputs", 0, "amount"), 0)
    ranged = with_field(("outcomes", 0, "deadweight"), {"base": 0.2, "low": 0.1, "high": 0.3,
                                                       "distribution": {"type": "pert"}})
    cmds = {
        "validate": lambda s, d: ["validate", s],
        "run": lambda s, d: ["run", s],
        "run-economic": lambda s, d: ["run", s, "--view", "economic"],
        "check": lambda s, d: ["check", s],
        "check-green-book": lambda s, d: ["check", s, "--standard", "green-book"],
        "sensitivity": lambda s, d: ["sensitivity", s, "--tornado", "--spread", "0.2", "--switching", "--scenarios"],
        "sensitivity-psa": lambda s, d: ["sensitivity", s, "--psa", "300", "--seed", "2", "--ranges", "pert"],
        "report": lambda s, d: ["report", s, "-o", str(d / "r.html"), "--psa", "100", "--ranges", "pert"],
        "compare": lambda s, d: ["compare", s, scheme(d, name="other.toml"), "--psa", "100", "--ranges", "pert",
                                 "--chart", str(d / "c.png"), "--forest", str(d / "f.png")],
        "compare-csv": lambda s, d: ["compare", s, scheme(d, name="other.toml"), "--psa", "0", "--format", "csv"],
        "export": lambda s, d: ["export", s, "-o", str(d / "e.xlsx")],
        "portfolio": lambda s, d: ["portfolio", s, "--psa", "200", "--no-voi"],
    }
    cases = []
    for sname, data in (("zero-investment", zero), ("ranged", ranged)):
        for cname, argv in cmds.items():
            # a PSA of a scheme with nothing uncertain is refused (no false certainty)
            expect = "either" if cname == "portfolio" or (sname, cname) == ("zero-investment", "sensitivity-psa") \
                else "ok"
            cases.append(Case(f"command-{sname}-{cname}", lambda d, data=data, argv=argv: argv(scheme(d, data), d),
                              expect, ("s.toml",)))
    return cases


CASES = (numeric_cases() + distribution_cases() + file_cases() + reference_cases() + option_cases()
         + output_cases() + workbook_cases() + proxy_table_cases() + command_cases())


# ---------------------------------------------------------------------------- running a case


class _TimeUp(BaseException):
    pass


@contextlib.contextmanager
def time_limit(seconds: int):
    def up(signum, frame):
        raise _TimeUp

    old = signal.signal(signal.SIGALRM, up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def outcome(case: Case, folder: Path) -> tuple[str, str]:
    """``("pass", "")`` or the class of the failure and what was seen."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        argv = case.build(folder)
        out, err = io.StringIO(), io.StringIO()
        with warnings.catch_warnings(record=True) as seen, time_limit(TIME_LIMIT), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            warnings.simplefilter("always")
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    except _TimeUp:
        return "hang", f"over {TIME_LIMIT} s"
    except BaseException as exc:  # noqa: BLE001  (anything escaping main is a traceback to a user)
        return "traceback", f"{type(exc).__name__}: {str(exc)[:300]}"
    finally:
        os.chdir(cwd)
    lines = [line for line in err.getvalue().splitlines() if line.strip() and not line.startswith("note: ")]
    noisy = [str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)]
    seen_text = f"exit {code}; stderr {err.getvalue()[:400]!r}; warnings {noisy[:2]}"
    if code == 0 and case.expect in ("ok", "either"):
        if lines or noisy:
            return "unclear", seen_text
        if case.check is not None and not case.check(out.getvalue(), folder):
            return "wrong-result", seen_text
        return "pass", ""
    if code == 2 and case.expect in ("refuse", "either"):
        # one line per problem (validation reports every problem in the file in one pass):
        # each names the file, and one names the field the case broke
        if (not lines or noisy or not all(case.names[0] in line for line in lines)
                or not any(all(n in line for n in case.names) for line in lines)):
            return "unclear", seen_text
        if case.check is not None and not case.check(out.getvalue(), folder):
            return "wrong-result", seen_text
        return "pass", ""
    return "wrong-exit", seen_text


def test_the_corpus_has_at_least_150_cases_across_every_command():
    commands = {c.id.split("-")[0] for c in CASES}
    assert len(CASES) >= 150 and len({c.id for c in CASES}) == len(CASES)
    assert {"number", "distribution", "file", "ref", "option", "output", "xlsx", "proxytable", "command"} <= commands


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_corpus(case, tmp_path):
    kind, seen = outcome(case, tmp_path)
    assert kind == "pass", f"CORPUS-{kind}: {case.id}: expected {case.expect}; {seen}"


# ---------------------------------------------------------------------------- the Python API


def _api(tmp_path):
    import numpy as np

    from sroi.scenario import from_dict, load, loads

    s = scheme(tmp_path)
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    good = minimal()
    return [
        ("from_dict-numpy-int", lambda: from_dict(minimal(horizon=np.int64(3))), "ok", ()),
        ("from_dict-numpy-float", lambda: from_dict(with_field(("outcomes", 0, "quantity"), np.float64(100))), "ok",
         ()),
        ("from_dict-numpy-nan", lambda: from_dict(with_field(("outcomes", 0, "quantity"), np.float64("nan"))),
         "refuse", ("outcomes[1].quantity",)),
        ("from_dict-numpy-bool", lambda: from_dict(minimal(horizon=np.bool_(True))), "refuse", ("horizon",)),
        ("from_dict-not-a-mapping", lambda: from_dict([1, 2]), "refuse", ("<scheme>",)),
        ("from_dict-int-keys", lambda: from_dict({**good, 1: 2}), "refuse", ("1",)),
        ("from_dict-none-value", lambda: from_dict(minimal(name=None)), "refuse", ("name",)),
        ("loads-bom", lambda: loads("\ufeff" + tomli_w.dumps(good)), "ok", ()),
        ("loads-nested", lambda: loads(tomli_w.dumps(good) + "x = " + "[" * 600 + "]" * 600), "refuse", ("nested",)),
        ("load-fifo", lambda: load(fifo), "refuse", ("p.toml", "regular file")),
        ("load-path-object", lambda: load(Path(s)), "ok", ()),
    ]


def test_python_api_refuses_with_scenario_error_only(tmp_path):
    """The API raises ScenarioError (one line naming the field) or returns; never another exception."""
    from sroi.errors import ScenarioError

    failures = []
    for name, call, expect, names in _api(tmp_path):
        try:
            with time_limit(TIME_LIMIT):
                call()
            got = "ok"
        except ScenarioError as exc:
            got = "refuse" if "\n" not in str(exc) and all(n in str(exc) for n in names) else f"unclear: {exc}"
        except BaseException as exc:  # noqa: BLE001
            got = f"traceback: {type(exc).__name__}: {exc}"
        if got != expect:
            failures.append(f"{name}: expected {expect}, got {got}")
    assert not failures, failures


# ---------------------------------------------------------------------------- a sample as real processes


SAMPLE = ["file-fifo", "file-dev-zero", "file-nested-arrays-497", "xlsx-sheet-bomb", "xlsx-far-cell",
          "xlsx-many-cells", "option-psa-huge", "output-run-dev-null", "number-outcomes[1].proxy.value-1e308",
          "distribution-beta-sd-too-wide-report"]


@pytest.mark.parametrize("case_id", SAMPLE)
def test_a_sample_as_separate_processes_under_time_and_memory_limits(case_id, tmp_path):
    """As a user meets them: a fresh `sroi` process limited to 2 GiB of address space and
    120 s; one line on standard error, exit 2 (or 0), never a traceback."""
    import resource
    import subprocess

    case = next(c for c in CASES if c.id == case_id)
    argv = case.build(tmp_path)

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "sroi", *argv], capture_output=True, text=True, timeout=TIME_LIMIT,
                          preexec_fn=limits, cwd=tmp_path, env=env)
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("note: ")]
    assert "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert len(lines) == 1 and all(n in lines[0] for n in case.names), proc.stderr
    else:
        assert proc.returncode == 0 and case.expect != "refuse" and not lines, proc.stderr
