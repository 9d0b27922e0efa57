"""`sroi check --standard`: what a scheme shows and lacks for the Green Book and SVI."""

from __future__ import annotations

import sroi
from sroi.cli import main
from sroi.scenario import from_dict
from sroi.sensitivity import optimism_bias
from sroi.standards import assess

from .conftest import minimal


def meets(reqs, name):
    return next(r for r in reqs if r.requirement.startswith(name)).meets


def test_green_book_requirements_follow_the_scheme():
    d = minimal()  # constant 3.5%, SROI Guide timing, nothing uncertain, no weights
    reqs = assess(sroi.run(from_dict(d)), "green-book")
    assert not meets(reqs, "STPR discounting") and not meets(reqs, "Green Book timing")
    assert not meets(reqs, "distributional analysis") and not meets(reqs, "uncertainty shown")
    assert not meets(reqs, "optimism bias")
    d = minimal(discounting={"schedule": "green_book", "convention": "green_book"}, uncertainty="graded",
                distributional={"eta": 1.3})
    s = from_dict(d)
    reqs = assess(sroi.run(optimism_bias(s, by_grade=True)), "green-book")
    assert all(r.meets for r in reqs), [str(r) for r in reqs if not r.meets]


def test_svi_requires_every_adjustment_considered():
    d = minimal()
    d["outcomes"][0]["displacement"] = 0.0
    reqs = assess(sroi.run(from_dict(d)), "svi")
    assert not meets(reqs, "displacement considered") and meets(reqs, "deadweight considered")
    assert not meets(reqs, "materiality")
    d["outcomes"][0]["displacement"] = {"base": 0.0, "source": "no similar service nearby"}
    d["gaps"] = ["volunteers' own wellbeing not valued"]
    reqs = assess(sroi.run(from_dict(d)), "svi")
    assert meets(reqs, "displacement considered") and meets(reqs, "materiality")


def test_cli_lists_requirements_within_100_columns(capsys):
    from .conftest import ROOT

    f = str(ROOT / "scenarios/local_area_coordination.toml")
    for standard in ("green-book", "svi"):
        assert main(["check", "--standard", standard, f]) == 0
        out = capsys.readouterr().out
        assert "meets" in out and max(len(x) for x in out.splitlines()) <= 100
        assert ("LACKS  Green Book timing" in out) == (standard == "green-book")
