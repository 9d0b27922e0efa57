"""The command line: text and JSON output, safe writes, validation."""

from __future__ import annotations

import json

import pytest

from sroi.cli import main

from .conftest import ROOT, SCHEMES

FNP = str(ROOT / "scenarios/family_nurse_partnership.toml")


def test_run_text(capsys):
    assert main(["run", FNP]) == 0
    out = capsys.readouterr().out
    for text in ("Headline", "SROI ratio", "Who pays, who saves", "la_public_health", "Evidence gaps left open"):
        assert text in out


def test_run_json_keys(capsys):
    assert main(["run", str(SCHEMES / "hand_worked.toml"), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["present_value"] == pytest.approx(152215.00780800526, rel=1e-12)
    assert d["sroi_ratio"] == pytest.approx(1.5221500780800526, rel=1e-12)
    assert set(d) >= {"present_value", "investment", "npv", "sroi_ratio", "net_sroi_ratio", "payback_months",
                      "by_beneficiary"}


def test_same_input_same_bytes(capsys):
    main(["run", FNP, "--format", "json"])
    first = capsys.readouterr().out
    main(["run", FNP, "--format", "json"])
    assert capsys.readouterr().out == first


def test_output_file_is_never_overwritten_without_force(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert main(["run", FNP, "--format", "json", "-o", str(out)]) == 0
    first = out.read_text()
    out.write_text("user's own notes")
    assert main(["run", FNP, "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"{out}: already exists; pass --force to overwrite it\n"
    assert out.read_text() == "user's own notes"
    assert main(["run", FNP, "--format", "json", "-o", str(out), "--force"]) == 0
    assert out.read_text() == first
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary files left


def test_validate_several_files(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("")
    assert main(["validate", FNP, str(bad)]) == 2
    out, err = capsys.readouterr()
    assert "valid (3 outcomes, 3 inputs" in out
    assert err.startswith(f"{bad}: the file is empty")


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_sensitivity_command_same_seed_same_bytes(capsys):
    """FNP England declares graded uncertainty, so the PSA draws without any edit; its ratio
    (about 0.08) stays far below 1 in every draw, so P(ratio > 1) is 0 and so is the EVPI."""
    args = ["sensitivity", FNP, "--tornado", "--switching", "--scenarios", "--psa", "2000", "--seed", "3", "--evpi"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first
    for text in ("One-way sensitivity", "Switching values", "Named scenarios", "Upper confidence bounds",
                 "P(SROI ratio > 1) = 0.0000", "EVPI = GBP 0"):
        assert text in first


def test_sensitivity_json(capsys):
    """FNP England: no child-in-need rate up to 1 reaches 1:1 (switching value none); the
    maternal QALY amount would have to reach about 0.0468. In the crisis-service scheme the
    cost is per visit, so the number of visits cancels out of the ratio."""
    assert main(["sensitivity", FNP, "--switching", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    rows = {r["parameter"]: r for r in d["switching_values"]["rows"]}
    assert rows["children_in_need_avoided.rate"]["switching_value"] is None
    assert rows["maternal_qalys.proxy"]["switching_value"] == pytest.approx(0.0468, abs=0.0005)
    crisis = str(ROOT / "scenarios/survivor_led_crisis_service.toml")
    assert main(["sensitivity", crisis, "--switching", "--format", "json"]) == 0
    rows = {r["parameter"]: r for r in json.loads(capsys.readouterr().out)["switching_values"]["rows"]}
    assert rows["cohort.year1"]["note"] == "no effect on the ratio"


def test_sensitivity_bad_input_exits_2(capsys):
    assert main(["sensitivity", FNP, "--psa", "0"]) == 2
    assert "--psa needs at least 1 draw" in capsys.readouterr().err


def test_evpi_needs_a_psa(capsys):
    assert main(["sensitivity", FNP, "--evpi"]) == 2
    assert capsys.readouterr() == ("", "sroi sensitivity: --evpi values the draws of a PSA; add --psa N\n")


def test_evpi_keeps_the_draws_it_needs_and_refuses_beyond_a_gibibyte(capsys, monkeypatch):
    """Above 20 million sampled values the PSA drops them, and --evpi then died with a
    traceback; now --evpi keeps them (here a lowered limit stands in for 20 million), and
    refuses, before any work, a PSA whose values would pass 1 GiB."""
    import sys

    from sroi.cli import sensitivity as cli_sensitivity

    psa_module = sys.modules["sroi.sensitivity.psa"]

    lac = str(ROOT / "scenarios/local_area_coordination.toml")
    monkeypatch.setattr(psa_module, "KEEP_DESIGN_LIMIT", 100)
    assert main(["sensitivity", lac, "--ranges", "triangular", "--psa", "400", "--seed", "2", "--evpi"]) == 0
    out = capsys.readouterr().out
    assert "EVPI = GBP" in out and "lower_cost_support.success" in out.split("Value of information")[1]
    monkeypatch.setattr(cli_sensitivity, "EVPI_VALUES_LIMIT", 23 * 1000 - 1)
    assert main(["sensitivity", lac, "--ranges", "triangular", "--psa", "1000", "--evpi"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == (f"{lac}: --evpi keeps every sampled value: 1,000 draws x 23 uncertain parameters is "
                                 "0 MiB, over the 0 MiB allowed; use fewer draws (partial EVPI settles well before)\n")


def test_output_errors_are_one_line_and_exit_2(tmp_path, capsys):
    """A missing folder, a folder given as the output, a device, a symbolic link: one line
    naming the path and the reason, exit 2, nothing written anywhere."""
    missing = tmp_path / "no" / "out.json"
    assert main(["run", FNP, "-o", str(missing)]) == 2
    assert capsys.readouterr().err == f"{missing}: cannot write (no such folder as {missing.parent})\n"
    assert main(["run", FNP, "-o", str(tmp_path), "--force"]) == 2
    assert capsys.readouterr().err == f"{tmp_path}: cannot write (it is a folder; name a file in it)\n"
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    assert main(["run", FNP, "-o", str(link), "--force"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere.json").exists()
    assert main(["run", FNP, "-o", "/dev/null", "--force"]) == 2
    assert capsys.readouterr().err == ("/dev/null: cannot write (not a regular file: sroi only ever replaces a "
                                       "regular file, never a device, a pipe or a symbolic link)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json"]


def test_closed_standard_output_is_reported(monkeypatch, capsys):
    import sys

    monkeypatch.setattr(sys, "stdout", None)
    assert main(["run", FNP]) == 2
    assert capsys.readouterr().err == "standard output: cannot write (it is closed)\n"


def test_racing_writers_of_one_new_file_only_one_wins(tmp_path):
    """Without --force, of several writers creating the same new file at once exactly one
    succeeds (the name is claimed by a hard link, not checked and then renamed)."""
    import threading

    from sroi.fileio import OutputExistsError, atomic_write

    for trial in range(30):
        target = tmp_path / f"out{trial}.txt"
        wins, start = [], threading.Barrier(4)

        def write(k: int) -> None:
            start.wait()
            try:
                atomic_write(target, f"writer {k}\n")
                wins.append(k)
            except OutputExistsError:
                pass

        threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1 and target.read_text() == f"writer {wins[0]}\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_numbers_that_would_overflow_and_distributions_too_narrow_to_sample(tmp_path, capsys):
    """Hostile inputs the validator once passed: 1e308 pounds (the sums overflowed) and a
    gamma of £100,000 +/- £100 (its table cannot be built, so it is refused when the file
    loads, by every command): one line naming the field, exit 2."""
    import tomli_w

    from .conftest import minimal

    big = minimal()
    big["inputs"][0]["amount"] = 1e308
    path = tmp_path / "big.toml"
    path.write_text(tomli_w.dumps({"format": 1, **big}))
    assert main(["run", str(path)]) == 2
    assert capsys.readouterr().err == (f"{path}: inputs[1].amount: is too large: at most 1e+15 (larger values "
                                       "overflow the sums), got 1e+308\n")
    narrow = minimal()
    narrow["inputs"][0]["amount"] = {"base": 100000, "distribution": {"type": "gamma", "sd": 100}}
    narrow["outcomes"][0]["deadweight"] = {"base": 0.2, "distribution": {"type": "beta", "sd": 0.05}}
    path = tmp_path / "narrow.toml"
    path.write_text(tomli_w.dumps({"format": 1, **narrow}))
    for args in (["validate", str(path)], ["sensitivity", str(path), "--psa", "100"],
                 ["sensitivity", str(path), "--sobol", "64"], ["report", str(path), "-o", str(tmp_path / "r.html")]):
        assert main(args) == 2, args
        out, err = capsys.readouterr()
        assert err.startswith(f"{path}: inputs[1].amount.distribution.sd: 100 is too narrow for a gamma with mean "
                              "100000 to be sampled")
        assert err.count("\n") == 1
    assert not (tmp_path / "r.html").exists()


def test_sobol_without_two_uncertain_parameters_is_refused(capsys, tmp_path):
    from .conftest import declared_only

    fnp = declared_only(FNP, tmp_path)
    assert main(["sensitivity", fnp, "--sobol", "64"]) == 2
    out, err = capsys.readouterr()
    assert err == (f"{fnp}: --sobol needs uncertain parameters, and no parameter in this scheme has a "
                   "distribution, so any probability or interval would be false certainty; give parameters a "
                   "distribution, add uncertainty = \"graded\" to the scheme, or use --ranges pert|triangular|uniform\n")


def test_run_says_beside_the_headline_what_is_valued_and_what_is_not(tmp_path, capsys):
    """Two outcomes and a transfer; the present values are 3 x 1000/1.035 = 2,898.55 for
    'A change', 1000/1.035 = 966.18 for 'A smaller change' (shares 75% and 25%), and the
    transfer counts zero. The gap topics are the words before each gap's colon, or its
    opening sentence."""
    import tomli_w

    from .conftest import minimal

    base = {"stakeholder": "Participants", "proxy": {"value": 1000, "unit": "per person per year",
                                                     "price_year": 2024, "source": "test"},
            "duration": 1, "beneficiary": "participant", "value_type": "social"}
    d = minimal(outcomes=[
        dict(base, id="small", outcome="A smaller change", quantity=1),
        dict(base, id="big", outcome="A change", quantity=3),
        dict(base, id="benefit", outcome="Benefit paid", quantity=1, value_type="transfer", payer="dwp"),
    ], gaps=["Welfare: no unit cost found for months on benefit.",
             "No published cost per coordinator was found. The unit cost is back-solved."])
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(d))
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    block = out.split("Headline", 1)[1].split("Who pays", 1)[0]
    assert ("Valued (3 outcomes): A change (75%); A smaller change (25%); Benefit paid (transfer)."
            in " ".join(block.split()))
    assert ("Not valued (2 evidence gaps, listed below): Welfare; No published cost per coordinator was "
            "found." in " ".join(block.split()))


def test_every_table_command_writes_csv_and_json(capsys):
    """`--format csv|json` wherever a table is printed: the CSV parses, names each row's
    table in its `section` column and carries the unrounded figures the engine computed."""
    import io

    import pandas as pd

    import sroi

    FNP = str(ROOT / "tests/schemes/fnp_injuries.toml")  # the earlier FNP model: NHS injury care only
    result = sroi.run(sroi.load(FNP))
    assert main(["run", FNP, "--format", "csv"]) == 0
    t = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(t["section"].unique()) == ["headline", "ledger", "outcomes"]
    row = t[(t["section"] == "headline") & (t["item"] == "sroi_ratio")]
    assert float(row["value"].iloc[0]) == result.sroi_ratio
    nhs = t[(t["section"] == "ledger") & (t["item"] == "nhs")]
    assert float(nhs["total_value"].iloc[0]) == pytest.approx(result.ledger.loc["nhs", "total_value"], rel=1e-15)

    assert main(["sensitivity", FNP, "--tornado", "--switching", "--format", "csv"]) == 0
    t = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(t["section"]) == {"tornado", "switching_values"}
    assert "fnp_programme.amount" in set(t.loc[t["section"] == "tornado", "item"])

    lac = str(ROOT / "scenarios/local_area_coordination.toml")
    assert main(["check", FNP, lac, "--format", "csv"]) == 0
    t = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(t.columns) == ["file", "code", "field", "message"] and set(t["file"]) == {lac}  # FNP: none
    assert main(["check", lac, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows] == list(t["code"])

    assert main(["proxies", "search", "bed day", "--format", "csv"]) == 0
    t = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert "nhs.critical_care_adult_bed_day_average_2024_25" in set(t["id"]) and "source" in t.columns
    assert main(["proxies", "search", "bed day", "--format", "json"]) == 0
    assert {r["id"] for r in json.loads(capsys.readouterr().out)} == set(t["id"])
    pid = "nhs.critical_care_adult_bed_day_average_2024_25"
    assert main(["proxies", "show", pid, "--year", "2019", "--format", "json"]) == 0
    (shown,) = json.loads(capsys.readouterr().out)
    from sroi.proxies import load_library

    assert shown["rebased_value"] == load_library().get(pid).rebased("2019") and shown["rebased_to"] == "2019"

    assert main(["reproduce", "published/wsipp_2004_nurse_family_partnership", "--format", "csv"]) == 0
    t = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(t["section"]) == {"published/wsipp_2004_nurse_family_partnership"} and "within" in t.columns
