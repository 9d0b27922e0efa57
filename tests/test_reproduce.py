"""`sroi reproduce`: published against reproduced figures, with tolerances and grades."""

from __future__ import annotations

import json

import pytest
import tomli_w

import sroi
from sroi.cli import main
from sroi.errors import ScenarioError
from sroi.reproduce import metric_value, registry, reproduce
from sroi.scenario import from_dict

from .conftest import minimal


def with_reproduction(figures, tolerance=0.005, **extra) -> dict:
    d = minimal(sources=[{"id": "pub", "citation": "A publication, 2020"}], **extra)
    d["reproduction"] = {"grade": "arithmetic", "publication": "pub", "tolerance": tolerance,
                         "tolerance_note": "printed to 3 significant figures", "figures": figures}
    return d


def test_metric_values_are_the_result_figures():
    """Each metric reads the figure the result reports; a sum adds its parts."""
    s = from_dict(with_reproduction([{"metric": "sroi_ratio", "published": 1.0, "source": "pub"}]))
    r = sroi.run(s)
    assert metric_value(r, "sroi_ratio") == r.sroi_ratio
    assert metric_value(r, "outcome.gain") == r.by_outcome.loc["gain", "present_value"]
    assert metric_value(r, "holder.participant+input.grant") == pytest.approx(
        r.ledger.loc["participant", "total_value"] + r.by_input.loc["grant", "present_value"])
    assert metric_value(r, "year.1+year.2+year.3") == pytest.approx(r.present_value)


def test_within_and_outside_the_tolerance(tmp_path, capsys):
    """The minimal scheme's ratio is 1.5221...: 1.52 published to 2 decimals is within an
    absolute 0.005; 1.50 is not, and the command exits 1 naming the figure."""
    ratio = sroi.run(from_dict(minimal())).sroi_ratio
    good = with_reproduction([{"metric": "sroi_ratio", "published": round(ratio, 2), "abs_tolerance": 0.005,
                               "source": "pub: p. 2"}], tolerance=0.0)
    bad = with_reproduction([{"metric": "sroi_ratio", "published": round(ratio, 2) - 0.02, "abs_tolerance": 0.005,
                              "source": "pub: p. 2"}], tolerance=0.0)
    assert reproduce(from_dict(good)).passed and not reproduce(from_dict(bad)).passed
    paths = []
    for name, d in (("good", good), ("bad", bad)):
        p = tmp_path / f"{name}.toml"
        p.write_text(tomli_w.dumps(d), encoding="utf-8")
        paths.append(str(p))
    assert main(["reproduce", paths[0]]) == 0
    capsys.readouterr()
    assert main(["reproduce", *paths, "--format", "json"]) == 1
    records = json.loads(capsys.readouterr().out)
    assert [r["within"] for r in records] == [True, False]
    assert records[1]["figures"][0]["published"] == round(ratio, 2) - 0.02


def test_json_has_the_registry_fields(tmp_path, capsys):
    d = with_reproduction([{"metric": "present_value", "published": 1, "abs_tolerance": 1e9, "source": "pub"}])
    p = tmp_path / "x.toml"
    p.write_text(tomli_w.dumps(d), encoding="utf-8")
    assert main(["reproduce", str(p), "--format", "json"]) == 0
    [rec] = json.loads(capsys.readouterr().out)
    assert {"id", "file", "grade", "within", "figures"} <= set(rec)
    assert {"metric", "published", "reproduced", "allowed", "within", "source"} <= set(rec["figures"][0])


@pytest.mark.parametrize("figure,message", [
    ({"metric": "ratio", "published": 1, "source": "pub"}, "'ratio' is not a figure sroi computes"),
    ({"metric": "outcome.nope", "published": 1, "source": "pub"}, "no outcome 'nope' in this scheme"),
    ({"metric": "sroi_ratio", "published": 1, "source": "pub", "scenario": "x"}, "'x' is not one of this file"),
])
def test_bad_reproduction_tables_are_one_line(figure, message):
    with pytest.raises(ScenarioError, match=message):
        from_dict(with_reproduction([figure]))


def test_no_table_and_no_target_are_refused(tmp_path, capsys):
    p = tmp_path / "plain.toml"
    p.write_text(tomli_w.dumps(minimal()), encoding="utf-8")
    assert main(["reproduce", str(p)]) == 2
    assert "has no [reproduction] table" in capsys.readouterr().err
    assert main(["reproduce"]) == 2
    assert main(["reproduce", "no_such_study"]) == 2


def test_every_bundled_evaluation_is_graded_and_reproduces(capsys):
    """`sroi reproduce --all` passes, and every bundled published file says how it was built."""
    files = registry()
    assert len(files) >= 12
    for name, path in files.items():
        s = sroi.load(path)
        assert s.reproduction is not None, f"{name} has no [reproduction] table"
    assert main(["reproduce", "--all"]) == 0
    out = capsys.readouterr().out
    assert f"{len(files)} of {len(files)} evaluations within tolerance" in out
