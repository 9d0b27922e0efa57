"""Model checks: each warning on a scheme built to trigger it, and silence otherwise."""

from __future__ import annotations

import copy

import sroi
from sroi.checks import check

from .conftest import minimal


def codes(d) -> list[str]:
    return [w.code for w in sroi.run(sroi.from_dict(d)).warnings]


def sourced():
    """The reference case with every number sourced and deadweight/attribution explained."""
    d = minimal()
    o = d["outcomes"][0]
    for key in ("duration", "drop_off", "deadweight", "attribution"):
        o[key] = {"base": o[key], "source": "test source"}
    o["quantity"] = {"count": {"base": 100, "source": "test source"}}
    d["inputs"][0]["source"] = "test source"
    return d


def test_a_clean_scheme_has_no_warnings():
    assert codes(sourced()) == []


def test_double_count():
    d = sourced()
    d["outcomes"].append(dict(copy.deepcopy(d["outcomes"][0]), id="again", outcome="Another change"))
    assert "double-count" in codes(d)


def test_fiscal_and_wellbeing_on_the_same_change():
    d = sourced()
    twin = copy.deepcopy(d["outcomes"][0])
    twin.update(id="saving", value_type="fiscal_cashable", beneficiary="nhs",
                proxy={"value": 50, "unit": "u", "price_year": 2024, "source": "other"})
    d["outcomes"].append(twin)
    assert "fiscal-and-wellbeing" in codes(d)
    twin["note"] = "the saving falls on the NHS, the wellbeing on the participant: no overlap"
    assert "fiscal-and-wellbeing" not in codes(d)


def test_long_outcome_without_drop_off():
    d = sourced()
    d["horizon"] = 10
    o = d["outcomes"][0]
    o["duration"] = {"base": 8, "source": "s"}
    o["drop_off"] = 0
    assert "long-no-drop-off" in codes(d)
    o["drop_off"] = {"base": 0, "source": "measured: no fade over 8 years"}
    assert "long-no-drop-off" not in codes(d)


def test_zero_deadweight_and_attribution_unexplained():
    d = sourced()
    d["outcomes"][0]["deadweight"] = 0
    d["outcomes"][0]["attribution"] = 0
    assert {"zero-deadweight", "zero-attribution"} <= set(codes(d))


def test_old_proxy():
    d = sourced()
    d["outcomes"][0]["proxy"]["price_year"] = 2010
    assert "old-proxy" in codes(d)


def test_assumption_carrying_the_value():
    d = sourced()
    d["outcomes"][0]["quantity"] = {"count": {"base": 100, "low": 50, "high": 150, "assumption": "no data yet"}}
    ws = sroi.run(sroi.from_dict(d)).warnings
    msg = [str(w) for w in ws if w.code == "assumption-carries-value"]
    assert msg == ["outcomes[1]: 'gain' carries 100% of the value and its count is an assumption "
                   "[assumption-carries-value]"]


def test_unsourced_and_assumption_without_range():
    d = sourced()
    d["outcomes"][0]["duration"] = 3
    d["outcomes"][0]["deadweight"] = {"base": 0.2, "assumption": "guess"}
    got = codes(d)
    assert "unsourced" in got and "assumption-without-range" in got


def test_cli_check(tmp_path, capsys):
    import tomli_w
    from sroi.cli import main

    p = tmp_path / "s.toml"
    p.write_text(tomli_w.dumps(sourced()))
    assert main(["check", str(p)]) == 0
    assert capsys.readouterr().out == f"{p}: no warnings\n"
    d = sourced()
    d["outcomes"][0]["proxy"]["price_year"] = 2010
    p.write_text(tomli_w.dumps(d))
    assert main(["check", str(p)]) == 0
    assert "[old-proxy]" in capsys.readouterr().out


def test_check_without_present_values():
    assert check(sroi.from_dict(sourced())) == []
