"""Every kind of bad input gets one clear line: file, field path, what is allowed.

Each case writes a malformed scheme file, checks the exact message from
``sroi.load`` and checks that ``sroi validate`` and ``sroi run`` print that one line
to standard error and exit with status 2, with no traceback.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import tomli_w

import sroi
from sroi.cli import main

from .conftest import minimal


def outcome(**changes):
    d = minimal()
    d["outcomes"][0].update(changes)
    return d


def drop(d, *path):
    target = d
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return d


def with_input(**changes):
    d = minimal()
    d["inputs"][0].update(changes)
    return d


ALLOWED_OUTCOME = ("id, stakeholder, outcome, indicator, quantity, proxy, start_year, duration, drop_off, "
                   "deadweight, displacement, attribution, beneficiary, value_type, disbenefit, evidence, note, income_quintile, recipient_income, payer, schedule, cashable_step")
ALLOWED_HOLDERS = ("nhs, la_adult_social_care, la_childrens_services, la_public_health, la_housing, la_other, "
                   "schools, police, courts, prisons_probation, dwp, hmrc, central_government_other, participant, "
                   "family_carers, community, volunteers, employers, voluntary_sector, other")

# (case id, scheme mapping, expected message after "<file>: ")
CASES = [
    ("unknown-field-typo", outcome(atribution=0.2),
     f"outcomes[1].atribution: unknown field; did you mean 'attribution'? allowed: {ALLOWED_OUTCOME}"),
    ("unknown-top-level", dict(minimal(), horizn=3),
     "horizn: unknown field; did you mean 'horizon'? allowed: format, name, place, description, price_base, "
     "currency, horizon, sources, discounting, cohort, inputs, outcomes, budget_holders, gaps, proxy_tables, "
     "scenarios, uncertainty, correlations, reproduction, payback, distributional"),
    ("rate-above-one", outcome(deadweight=1.2),
     "outcomes[1].deadweight: must be a rate between 0 and 1, got 1.2"),
    ("rate-below-zero", outcome(attribution=-0.1),
     "outcomes[1].attribution: must be a rate between 0 and 1, got -0.1"),
    ("parameter-rate-above-one", outcome(drop_off={"base": 0.1, "high": 1.5}),
     "outcomes[1].drop_off.high: must be a rate between 0 and 1, got 1.5"),
    ("negative-quantity", outcome(quantity=-5),
     "outcomes[1].quantity: must not be negative, got -5"),
    ("negative-cost", with_input(amount=-100),
     "inputs[1].amount: must not be negative, got -100"),
    ("negative-unit-cost", drop(with_input(quantity=10, unit_cost=-3), "inputs", 0, "amount"),
     "inputs[1].unit_cost: must not be negative, got -3"),
    ("duplicate-outcome-id", dict(minimal(), outcomes=minimal()["outcomes"] * 2),
     "outcomes[2].id: duplicate id 'gain' (also used by outcomes[1]); ids must be unique across inputs and "
     "outcomes"),
    ("start-beyond-horizon", outcome(start_year=5),
     "outcomes[1].start_year: must be a whole number from 1 to 3, got 5"),
    ("proxy-missing-price-year", outcome(proxy={"value": 1000, "unit": "u", "source": "s"}),
     "outcomes[1].proxy.price_year: missing; every financial proxy needs the year its value is priced in "
     "(e.g. 2019 or '2019-20')"),
    ("proxy-missing-source", outcome(proxy={"value": 1000, "unit": "u", "price_year": 2024}),
     "outcomes[1].proxy.source: missing; every financial proxy needs a source (publication, table or page)"),
    ("price-year-outside-deflator", outcome(proxy={"value": 1000, "unit": "u", "price_year": 1950, "source": "s"}),
     "outcomes[1].proxy.price_year: price year 1950 is outside the GBP deflator series (covered: 1990 to 2024 "
     "and 2000-01 to 2024-25)"),
    ("price-base-outside-deflator",
     dict(minimal(price_base=2030), inputs=[dict(minimal()["inputs"][0], price_year=2030)]),
     "price_base: price year 2030 is outside the GBP deflator series (covered: 1990 to 2024 and 2000-01 to "
     "2024-25)"),
    ("calendar-year-bridge-outside-series",
     dict(minimal(price_base="2024-25"), inputs=[dict(minimal()["inputs"][0], price_year="2024-25")],
          outcomes=[dict(minimal()["outcomes"][0],
                         proxy={"value": 1000, "unit": "u", "price_year": 2000, "source": "s"})]),
     "outcomes[1].proxy.price_year: calendar year 2000 prices are bridged to financial years through 1999-00 "
     "and 2000-01, but 1999-00 is outside the GBP deflator series (covered: 1990 to 2024 and 2000-01 to "
     "2024-25)"),
    ("malformed-price-year", outcome(proxy={"value": 1000, "unit": "u", "price_year": "2019-21", "source": "s"}),
     "outcomes[1].proxy.price_year: a price year is a calendar year such as 2019 or a financial year such as "
     "'2019-20', got '2019-21'"),
    ("no-deflator-for-currency",
     dict(minimal(currency="EUR"), inputs=[dict(minimal()["inputs"][0], price_year=2020)]),
     "inputs[1].price_year: differs from price_base 2024 but no deflator series is bundled for EUR "
     "(bundled: GBP)"),
    ("wrong-type-horizon", minimal(horizon="ten"),
     "horizon: must be a whole number from 1 to 200, got a string 'ten'"),
    ("wrong-type-rate", outcome(deadweight="20%"),
     "outcomes[1].deadweight: must be a number, got a string '20%'"),
    ("wrong-type-boolean", outcome(duration=True),
     "outcomes[1].duration: must be a number, got a boolean"),
    ("wrong-type-table", minimal(discounting="green_book"),
     "discounting: must be a table, got a string"),
    ("wrong-type-outcomes", minimal(outcomes={"id": "x"}),
     "outcomes: must be an array of tables (written [[outcomes]]), got a table"),
    ("no-outcomes", minimal(outcomes=[]), "outcomes: needs at least 1 entry"),
    ("missing-required-top", drop(minimal(), "horizon"), "horizon: missing; this field is required"),
    ("missing-required-outcome-field", drop(minimal(), "outcomes", 0, "beneficiary"),
     "outcomes[1].beneficiary: missing; this field is required"),
    ("unknown-beneficiary", outcome(beneficiary="polce"),
     f"outcomes[1].beneficiary: 'polce' is not allowed; did you mean 'police'? allowed: {ALLOWED_HOLDERS}"),
    ("unknown-value-type", outcome(value_type="cashable"),
     "outcomes[1].value_type: 'cashable' is not allowed; did you mean 'fiscal_cashable'? allowed: fiscal_cashable, fiscal_non_cashable, "
     "economic, social, transfer"),
    ("unknown-funder", with_input(funder="council"),
     f"inputs[1].funder: 'council' is not allowed; allowed: {ALLOWED_HOLDERS}"),
    ("missing-convention", minimal(discounting={"schedule": "green_book"}),
     "discounting.convention: missing; name the timing convention: 'sroi_guide' (year 1 discounted once) or "
     "'green_book' (year 1 is year 0, the present)"),
    ("unknown-convention", minimal(discounting={"convention": "end"}),
     "discounting.convention: 'end' is not allowed; allowed: sroi_guide, green_book"),
    ("constant-without-rate", minimal(discounting={"schedule": "constant", "convention": "sroi_guide"}),
     "discounting.rate: missing; a constant schedule needs a rate such as 0.035"),
    ("rate-with-green-book", minimal(discounting={"rate": 0.035, "convention": "sroi_guide"}),
     "discounting.rate: only used with schedule = 'constant' (schedule is 'green_book')"),
    ("custom-rates-too-short",
     minimal(discounting={"schedule": "custom", "rates": [0.035], "convention": "sroi_guide"}),
     "discounting.rates: needs a rate for each of the 3 years of the horizon, got 1"),
    ("rate-quantity-without-cohort", outcome(quantity={"rate": 0.5}),
     "outcomes[1].quantity: a rate quantity is applied to participants, so the scheme needs [cohort] "
     "participants"),
    ("mixed-quantity-forms", dict(outcome(quantity={"rate": 0.5, "count": 3}), cohort={"participants": [10]}),
     "outcomes[1].quantity: give exactly one of: count; rate (of each year's participants); engagement and "
     "success"),
    ("low-above-base", outcome(deadweight={"base": 0.2, "low": 0.3}),
     "outcomes[1].deadweight.low: must not exceed base (0.2), got 0.3"),
    ("parameter-without-base", outcome(deadweight={"low": 0.1, "high": 0.3}),
     "outcomes[1].deadweight.base: missing; this field is required"),
    ("normal-on-a-rate", outcome(deadweight={"base": 0.2, "distribution": {"type": "normal", "sd": 0.05}}),
     "outcomes[1].deadweight.distribution.type: a normal distribution can fall outside the allowed range "
     "[0, 1]; use beta, or truncnormal with low and high"),
    ("triangular-without-bounds", outcome(deadweight={"base": 0.2, "distribution": "triangular"}),
     "outcomes[1].deadweight.distribution: a triangular distribution needs the parameter's low and high"),
    ("beta-sd-too-large", outcome(deadweight={"base": 0.2, "distribution": {"type": "beta", "sd": 0.5}}),
     "outcomes[1].deadweight.distribution.sd: too large for a beta with mean 0.2: sd must be below 0.4"),
    ("unknown-distribution", outcome(deadweight={"base": 0.2, "distribution": "betta"}),
     "outcomes[1].deadweight.distribution.type: 'betta' is not allowed; did you mean 'beta'? allowed: fixed, "
     "uniform, triangular, pert, normal, truncnormal, lognormal, gamma, beta"),
    ("duration-zero", outcome(duration=0), "outcomes[1].duration: must be a number of years greater than 0, got 0"),
    ("bad-id", outcome(id="Fewer A&E"),
     "outcomes[1].id: 'Fewer A&E' is not a valid id: use lower-case letters, digits and underscores, starting "
     "with a letter"),
    ("input-year-and-years", with_input(year=1, years=[1, 2]),
     "inputs[1].years: give either year (one-off) or years (recurring), not both"),
    ("input-year-beyond-horizon", with_input(years={"from": 1, "to": 9}),
     "inputs[1].years.to: must be a whole number from 1 to 3, got 9"),
    ("amount-and-unit-cost", with_input(unit_cost=3, quantity=2),
     "inputs[1].amount: give either amount, or quantity and unit_cost, not both"),
    ("per-participant-without-cohort", with_input(basis="per_participant"),
     "inputs[1].basis: per_participant needs [cohort] participants"),
    ("cohort-longer-than-horizon", minimal(cohort={"participants": [1, 2, 3, 4]}),
     "cohort.participants: has 4 years but the horizon is 3"),
    ("future-format", minimal(format=2), "format: must be a whole number from 1 to 1, got 2"),
    ("bad-currency", minimal(currency="pounds"),
     "currency: must be a three-letter ISO 4217 code such as GBP, got 'pounds'"),
    # sd 100 on a mean of 100,000 (0.1%): the gamma's shape would be 1,000,000; the table
    # sroi samples from cannot be built below about 0.15% (see GAMMA_MIN_CV)
    ("gamma-too-narrow", outcome(proxy={"value": {"base": 100000, "distribution": {"type": "gamma", "sd": 100}},
                                        "unit": "per person", "price_year": 2024, "source": "test"}),
     "outcomes[1].proxy.value.distribution.sd: 100 is too narrow for a gamma with mean 100000 to be sampled (its "
     "shape would exceed 250,000): give an sd of at least 200 (0.2% of the mean), or a normal distribution, "
     "which a gamma this narrow all but is"),
    ("bad-confidence", outcome(evidence={"confidence": "strong"}),
     "outcomes[1].evidence.confidence: 'strong' is not allowed; allowed: high, medium, low"),
    ("builtin-holder-redeclared", minimal(budget_holders=[{"id": "nhs", "name": "NHS"}]),
     "budget_holders[1].id: 'nhs' is a built-in budget holder; declare only new ones"),
]


@pytest.mark.parametrize("data,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_message(tmp_path, data, expected):
    path = tmp_path / "scheme.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(sroi.ScenarioError) as info:
        sroi.load(path)
    assert str(info.value) == f"{path}: {expected}"
    assert info.value.file == str(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("data,expected", [c[1:] for c in CASES[:12]], ids=[c[0] for c in CASES[:12]])
def test_cli_prints_one_line_and_exits_2(tmp_path, capsys, data, expected):
    path = tmp_path / "scheme.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    for argv in (["validate", str(path)], ["run", str(path)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert err == f"{path}: {expected}\n"
        assert "Traceback" not in err


RAW_CASES = [
    ("toml-syntax", 'name = "x"\nprice_base = \n', "line 2, column 14: invalid TOML: Invalid value"),
    ("toml-duplicate-key", 'name = "x"\nname = "y"\n', "line 2, column 11: invalid TOML: Cannot overwrite a value"),
    ("empty-file", "", "the file is empty; a scheme needs at least name, price_base, horizon, discounting, "
                       "inputs, outcomes"),
    ("whitespace-only", "\n   \n# just a comment\n".replace("# just a comment", ""),
     "the file is empty; a scheme needs at least name, price_base, horizon, discounting, inputs, outcomes"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in RAW_CASES], ids=[c[0] for c in RAW_CASES])
def test_raw_text_messages(tmp_path, text, expected):
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(sroi.ScenarioError) as info:
        sroi.load(path)
    assert str(info.value) == f"{path}: {expected}"


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(sroi.ScenarioError, match=r"nope\.toml: no such file$"):
        sroi.load(path)


def test_directory(tmp_path):
    with pytest.raises(sroi.ScenarioError, match="is a directory, not a scheme file$"):
        sroi.load(tmp_path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(sroi.ScenarioError, match=r"is not UTF-8 text \(byte 11\); a scheme file is TOML in UTF-8$"):
        sroi.load(path)


def test_scheme_built_in_python_is_checked_the_same_way():
    """``validate`` applies the file checks to a Scheme built directly from dataclasses."""
    import dataclasses

    good = sroi.from_dict(minimal())
    bad_outcome = dataclasses.replace(good.outcomes[0], deadweight=sroi.model.Parameter(1.5))
    bad = dataclasses.replace(good, outcomes=(bad_outcome,))
    with pytest.raises(sroi.ScenarioError, match=r"^<scheme>: outcomes\[1\]\.deadweight: must be a rate"):
        sroi.validate(bad)
    assert sroi.validate(good) == good


def test_command_line_process_exit_status_and_no_traceback(tmp_path):
    """The installed entry point, run as a real process: status 2, one line, no traceback."""
    path = tmp_path / "scheme.toml"
    path.write_text(tomli_w.dumps(outcome(deadweight=1.2)), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sroi", "run", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"{path}: outcomes[1].deadweight: must be a rate between 0 and 1, got 1.2\n"


def test_validate_reports_every_independent_error_in_one_pass(tmp_path, capsys):
    """Five independent mistakes in one file (an unknown top-level field, horizon 0, an
    unknown funder, a deadweight of 1.5, an unknown value type in a second outcome) are
    all reported by one run of `sroi validate`, one line each naming the file and the
    field, with exit status 2; the Python API raises one ScenarioErrors holding all five."""
    from sroi.errors import ScenarioErrors

    d = minimal(horizon=0, gap=["a typo for gaps"])
    d["inputs"][0]["funder"] = "nhs_trust"
    d["outcomes"][0]["deadweight"] = 1.5
    d["outcomes"].append(dict(d["outcomes"][0], id="second", deadweight=0.1, value_type="cash"))
    path = tmp_path / "five.toml"
    path.write_bytes(tomli_w.dumps(d).encode())
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    fields = ["gap", "horizon", "inputs[1].funder", "outcomes[1].deadweight", "outcomes[2].value_type"]
    assert [ln.split(": ")[:2] for ln in lines] == [[str(path), f] for f in fields]
    assert "did you mean 'gaps'?" in lines[0] and lines[1].endswith("must be a whole number from 1 to 200, got 0")
    assert lines[3].endswith("must be a rate between 0 and 1, got 1.5")
    with pytest.raises(ScenarioErrors) as info:
        sroi.load(path)
    assert [e.field for e in info.value.errors] == fields and info.value.field == "gap"


def test_a_structural_error_stops_only_its_branch():
    """An outcome missing its required fields is reported once (no cascade from the fields
    that read them), beside an unrelated error elsewhere; a single error stays a plain
    ScenarioError."""
    from sroi.errors import ScenarioError, ScenarioErrors

    d = minimal()
    del d["outcomes"][0]["proxy"]
    d["inputs"][0]["amount"] = -5
    with pytest.raises(ScenarioErrors) as info:
        sroi.from_dict(d)
    assert [e.field for e in info.value.errors] == ["inputs[1].amount", "outcomes[1].proxy"]
    with pytest.raises(ScenarioError) as one:
        sroi.from_dict(minimal(horizon=0))
    assert type(one.value) is ScenarioError and one.value.field == "horizon"


def test_a_bad_horizon_is_not_followed_by_errors_that_are_not_in_the_file(tmp_path):
    """horizon = 0 with two custom rates: the file's one problem is the horizon. Checking the
    rates against a stand-in horizon would add 'needs a rate for each of the 200 years'."""
    import tomli_w


    d = minimal(horizon=0, discounting={"schedule": "custom", "rates": [0.035, 0.035], "convention": "sroi_guide"})
    path = tmp_path / "h.toml"
    path.write_text(tomli_w.dumps(d))
    with pytest.raises(sroi.ScenarioError) as info:
        sroi.load(path)
    assert str(info.value).startswith(f"{path}: horizon:")
    assert "rates" not in str(info.value)
