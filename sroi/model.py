"""The domain as frozen dataclasses: a Scheme and the parts of its impact map.

Nothing here reads files or computes results. :mod:`sroi.scenario` builds these
objects from TOML (validating every field once); :mod:`sroi.engine` compiles them
into arrays. Every numeric field that may vary is a :class:`Parameter`, so the
deterministic run, one-way sensitivity and probabilistic analysis all read the
same table (see :meth:`Scheme.parameters`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Literal

from .prices import INCOME_ELASTICITY, PriceYear  # noqa: F401  (INCOME_ELASTICITY is part of the model's vocabulary)

__all__ = [
    "Parameter",
    "Distribution",
    "Proxy",
    "Measure",
    "MEASURES",
    "UPRATING_RULES",
    "Quantity",
    "Evidence",
    "Outcome",
    "Input",
    "Discounting",
    "Source",
    "BudgetHolder",
    "NamedScenario",
    "Correlation",
    "Reproduction",
    "ReproductionFigure",
    "Scheme",
    "check_override",
    "ParameterRef",
    "BUDGET_HOLDERS",
    "HOLDER_KINDS",
    "holder_kind",
    "FIELD_WORDS",
    "VALUE_TYPES",
    "OUTCOME_VALUE_TYPES",
    "CONFIDENCE_LEVELS",
    "FORMAT_VERSION",
]

#: Who pays and who saves: the built-in budget holders. A scheme may declare more
#: in ``[[budget_holders]]``.
BUDGET_HOLDERS: dict[str, str] = {
    "nhs": "NHS (trusts, integrated care boards, primary care)",
    "la_adult_social_care": "Local authority adult social care",
    "la_childrens_services": "Local authority children's services",
    "la_public_health": "Local authority public health",
    "la_housing": "Local authority housing and homelessness",
    "la_other": "Local authority, other services",
    "schools": "Schools and education providers",
    "police": "Police",
    "courts": "Courts and tribunals",
    "prisons_probation": "Prisons and probation",
    "dwp": "Department for Work and Pensions",
    "hmrc": "HM Revenue and Customs (tax receipts)",
    "central_government_other": "Central government, other departments",
    "participant": "The participant",
    "family_carers": "Participants' families and unpaid carers",
    "community": "The wider community",
    "volunteers": "Volunteers",
    "employers": "Employers",
    "voluntary_sector": "Charities and the voluntary sector",
    "other": "Others",
}

#: The kind of body each built-in budget holder is, for tables and charts that group
#: holders the way a commissioner reads them. Schools are grouped with local
#: authorities, as the local education budget. Holders a scheme declares itself are
#: "other".
HOLDER_KINDS: dict[str, str] = {
    "nhs": "NHS",
    "la_adult_social_care": "local authority", "la_childrens_services": "local authority",
    "la_public_health": "local authority", "la_housing": "local authority", "la_other": "local authority",
    "schools": "local authority",
    "police": "police and justice", "courts": "police and justice", "prisons_probation": "police and justice",
    "dwp": "central government", "hmrc": "central government", "central_government_other": "central government",
    "participant": "participants", "family_carers": "participants",
    "community": "community", "volunteers": "community", "voluntary_sector": "community",
    "employers": "other", "other": "other",
}
#: The kinds in the order tables and charts show them.
KIND_ORDER = ("NHS", "local authority", "police and justice", "central government", "participants", "community",
              "other")


def holder_kind(holder_id: str) -> str:
    """The kind of body a budget holder is (:data:`HOLDER_KINDS`); "other" for a holder a
    scheme declares itself.

    >>> holder_kind("la_adult_social_care"), holder_kind("dwp"), holder_kind("knapp_unsplit")
    ('local authority', 'central government', 'other')
    """
    return HOLDER_KINDS.get(holder_id, "other")


#: The value types of the commissioner's ledger.
VALUE_TYPES: dict[str, str] = {
    "fiscal_cashable": "Fiscal, cashable: a budget can actually be released",
    "fiscal_non_cashable": "Fiscal, non-cashable: capacity freed, no budget released",
    "economic": "Economic: gains to the economy such as earnings or output",
    "social": "Social: wellbeing and other value without a market price",
}
#: What an outcome's ``value_type`` may be: the four value types, or a transfer (money moved
#: from a payer to the beneficiary, such as benefit income: zero for society, a gain and a
#: loss in the ledger).
OUTCOME_VALUE_TYPES: dict[str, str] = {
    **VALUE_TYPES,
    "transfer": "Transfer: money moved from a payer to the beneficiary (benefits, fees); zero for society",
}

CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")

#: The version of the scheme file format read and written by this release.
FORMAT_VERSION = 1

DistributionKind = Literal[
    "fixed", "uniform", "triangular", "pert", "normal", "truncnormal", "lognormal", "gamma", "beta"
]


@dataclass(frozen=True)
class Distribution:
    """A probability distribution for a parameter, as written in the scheme file.

    ``params`` holds the distribution's own numbers (for example ``sd``); the
    parameter's ``base``, ``low`` and ``high`` supply the rest (see the format
    documentation). Sampling lives in the sensitivity module.
    """

    kind: DistributionKind
    params: tuple[tuple[str, float], ...] = ()

    def get(self, name: str, default: float | None = None) -> float | None:
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class Parameter:
    """A numeric field: a base value and what is known about its uncertainty.

    ``source`` cites the evidence; ``assumption`` marks the number as an explicit
    assumption and gives the reason. Plain numbers in a scheme file become a
    Parameter with only ``base`` set.
    """

    base: float
    low: float | None = None
    high: float | None = None
    distribution: Distribution | None = None
    source: str | None = None
    assumption: str | None = None
    note: str | None = None
    grade: int | None = None  # evidence grade of this number, overriding its outcome's or input's
    #: How the distribution (and any low/high) came about when the file did not give it:
    #: ``"graded range"`` (the file's range, shaped by the graded default), ``"graded
    #: width"`` (range and distribution from the evidence grade). None: as written.
    derived: str | None = None

    @property
    def is_plain(self) -> bool:
        """True when the file gave a bare number (nothing but the base)."""
        return (
            self.low is None
            and self.high is None
            and self.distribution is None
            and self.source is None
            and self.assumption is None
            and self.note is None
            and self.grade is None
        )


#: Short names for the library's appraisal values of a measure, for ``proxy.measure``.
MEASURES = {"wellby": "wellbeing.wellby", "qaly": "health.qaly_green_book"}

#: How a measure's money value is carried from its price year to the scheme's:
#: ``"deflator"`` (prices only) or ``"real_income_growth"`` (prices, and real GDP per head
#: raised to :data:`INCOME_ELASTICITY`, the Wellbeing Guidance for Appraisal's rule).
UPRATING_RULES = ("deflator", "real_income_growth")

@dataclass(frozen=True)
class Measure:
    """An outcome valued in a measure that is not money (WELLBYs, QALYs): the proxy's
    ``value`` is then the amount of the measure per unit of outcome, and one unit of the
    measure is worth ``money`` (a named value from the proxy library, in ``price_year``
    prices), carried to the scheme's price base by ``uprating``.

    With ``"real_income_growth"`` the value also grows with real GDP per head at
    ``growth`` a year (a stated figure with ``growth_source``: no verified GDP-per-head
    series is bundled), raised to :data:`INCOME_ELASTICITY`."""

    id: str
    money: float
    unit: str
    uprating: str = "deflator"
    growth: float | None = None
    growth_source: str | None = None


@dataclass(frozen=True)
class Proxy:
    """A financial proxy: the money value of one unit of an outcome (or, with ``measure``,
    the amount of a measure such as WELLBYs per unit of outcome)."""

    value: Parameter
    unit: str
    price_year: PriceYear
    source: str
    url: str | None = None
    description: str | None = None
    ref: str | None = None  # id in the proxy library, when the value came from there
    measure: Measure | None = None


QuantityKind = Literal["count", "rate", "engagement_success"]


@dataclass(frozen=True)
class Quantity:
    """How many units of an outcome occur.

    ``count``: a number, belonging to the year-1 intake.
    ``rate``: a rate per participant, applied to each year's intake.
    ``engagement_success``: participants x engagement rate x success rate, applied to
    each year's intake (the Greater Manchester CBA model's form).
    """

    kind: QuantityKind
    count: Parameter | None = None
    rate: Parameter | None = None
    engagement: Parameter | None = None
    success: Parameter | None = None

    @property
    def uses_cohort(self) -> bool:
        return self.kind != "count"

    def parts(self) -> tuple[tuple[str, Parameter], ...]:
        names = {"count": ("count",), "rate": ("rate",), "engagement_success": ("engagement", "success")}
        return tuple((n, getattr(self, n)) for n in names[self.kind])


@dataclass(frozen=True)
class Evidence:
    """What an outcome's effect rests on. ``confidence`` (high, medium, low) grades the
    optimism-bias reduction by confidence; ``grade`` is the evidence grade of the effect
    (see ``data/uncertainty/grades.toml``), which sets the width of graded defaults."""

    source: str | None = None
    confidence: str | None = None
    note: str | None = None
    grade: int | None = None


@dataclass(frozen=True)
class Outcome:
    """One row of the impact map."""

    id: str
    stakeholder: str
    outcome: str
    quantity: Quantity
    proxy: Proxy
    duration: Parameter
    beneficiary: str
    value_type: str
    indicator: str | None = None
    start_year: int = 1
    drop_off: Parameter = Parameter(0.0)
    deadweight: Parameter = Parameter(0.0)
    displacement: Parameter = Parameter(0.0)
    attribution: Parameter = Parameter(0.0)
    disbenefit: bool = False
    evidence: Evidence = Evidence()
    note: str | None = None
    #: Who receives the value, for distributional weights: the ONS income quintile of the
    #: recipients (1 poorest), or their median equivalised disposable income.
    income_quintile: int | None = None
    recipient_income: float | None = None
    #: For ``value_type = "transfer"``: the budget holder that pays what the beneficiary
    #: receives. Society's present value counts the transfer as zero; the ledger shows
    #: the beneficiary's gain and the payer's loss.
    payer: str | None = None
    #: Which discount schedule the outcome's value takes: ``"scheme"`` (the scheme's
    #: ``[discounting]``), ``"green_book_health"`` (the 2022 Green Book's 1.5% declining
    #: schedule for health effects) or ``"green_book_2026_health"`` (the 2026 edition's flat
    #: 1.5%); see :data:`sroi.discounting.HEALTH_SCHEDULES`.
    schedule: str = "scheme"
    #: For a ``fiscal_cashable`` outcome whose saving is released only in whole steps of
    #: capacity (a ward, a post, a placement): the units of outcome one step needs in a year,
    #: and what the step is. Below a step the saving is real but not cashable.
    cashable_step: float | None = None
    cashable_step_label: str | None = None

    @property
    def is_transfer(self) -> bool:
        return self.value_type == "transfer"


InputBasis = Literal["total", "per_participant"]
InputKind = Literal["cash", "in_kind", "volunteer_time"]


@dataclass(frozen=True)
class Input:
    """A cost line. Its amount is ``amount`` or ``quantity x unit_cost``.

    ``years`` are the scheme years in which it is spent. With ``basis =
    "per_participant"`` the amount is multiplied by that year's intake.
    """

    id: str
    description: str
    funder: str
    years: tuple[int, ...]
    price_year: PriceYear
    amount: Parameter | None = None
    quantity: Parameter | None = None
    unit_cost: Parameter | None = None
    unit: str | None = None
    basis: InputBasis = "total"
    kind: InputKind = "cash"
    source: str | None = None
    note: str | None = None
    grade: int | None = None  # evidence grade of the cost figures (graded defaults)

    def parts(self) -> tuple[tuple[str, Parameter], ...]:
        if self.amount is not None:
            return (("amount", self.amount),)
        assert self.quantity is not None and self.unit_cost is not None
        return (("quantity", self.quantity), ("unit_cost", self.unit_cost))


@dataclass(frozen=True)
class Discounting:
    """How future money is discounted (see :mod:`sroi.discounting`)."""

    convention: Literal["sroi_guide", "green_book"]
    schedule: Literal["green_book", "green_book_2026", "constant", "custom"] = "green_book"
    rate: Parameter | None = None
    rates: tuple[float, ...] | None = None
    source: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class NamedScenario:
    """A named set of parameter overrides ("conservative", "English trial evidence")."""

    name: str
    overrides: tuple[tuple[str, float], ...]
    description: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Correlation:
    """A rank (Spearman) correlation between two uncertain parameters, applied through a
    Gaussian copula."""

    parameters: tuple[str, str]
    rho: float
    source: str | None = None


@dataclass(frozen=True)
class ReproductionFigure:
    """One published figure a reproduction must recover: ``metric`` names what sroi
    computes (``sroi_ratio``, ``outcome.<id>``, ``holder.<id>``, sums with ``+``)."""

    metric: str
    published: float
    source: str
    tolerance: float | None = None  # relative; None: the file's default
    abs_tolerance: float | None = None
    scenario: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Reproduction:
    """How a scheme file reproduces a publication: its grade (``rebuilt``, ``partial`` or
    ``arithmetic``), the publication, the default tolerance and why, and the figures."""

    grade: Literal["rebuilt", "partial", "arithmetic"]
    publication: str
    tolerance: float
    tolerance_note: str
    figures: tuple[ReproductionFigure, ...]
    note: str | None = None


@dataclass(frozen=True)
class Distributional:
    """Green Book distributional weighting (annex A3): weight = (reference income /
    recipients' income) ** eta, shown beside the unweighted figures."""

    eta: float = 1.3
    reference_income: float | None = None  # None: the bundled ONS median
    source: str | None = None


#: A parameter's field in words, for :meth:`Scheme.labels`.
FIELD_WORDS: dict[str, str] = {
    "amount": "cost", "quantity": "quantity", "unit_cost": "unit cost", "count": "number",
    "rate": "rate per participant", "engagement": "engagement rate", "success": "success rate",
    "proxy": "value per unit", "duration": "duration (years)", "drop_off": "drop-off",
    "deadweight": "deadweight", "displacement": "displacement", "attribution": "attribution",
}


@dataclass(frozen=True)
class BudgetHolder:
    id: str
    name: str


@dataclass(frozen=True)
class ParameterRef:
    """Where a parameter lives: its stable ``name`` (``"<id>.<field>"``), the file
    field path for messages, the value it holds and its valid range."""

    name: str
    path: str
    parameter: Parameter
    lower: float
    upper: float
    kind: str  # "rate", "money", "count", "years", "discount_rate"


@dataclass(frozen=True)
class Scheme:
    """A validated scheme. Build it with :func:`sroi.load` or :func:`sroi.scenario.from_dict`."""

    name: str
    price_base: PriceYear
    horizon: int
    discounting: Discounting
    inputs: tuple[Input, ...]
    outcomes: tuple[Outcome, ...]
    currency: str = "GBP"
    place: str | None = None
    description: str | None = None
    sources: tuple[Source, ...] = ()
    cohort: tuple[Parameter, ...] = ()
    cohort_source: str | None = None
    budget_holders: tuple[BudgetHolder, ...] = ()
    gaps: tuple[str, ...] = ()
    proxy_tables: tuple[str, ...] = ()
    scenarios: tuple[NamedScenario, ...] = ()
    #: ``"declared"``: only the distributions the file gives; ``"graded"``: every other
    #: uncertain number gets one from its evidence grade (:mod:`sroi.uncertainty`).
    uncertainty: Literal["declared", "graded"] = "declared"
    #: Which payback the headline shows: ``"discounted"`` (cumulative present values) or
    #: ``"sroi_guide"`` (the SROI Guide's investment / (first-year impact / 12)); both are reported.
    payback: Literal["discounted", "sroi_guide"] = "discounted"
    distributional: Distributional | None = None
    correlations: tuple[Correlation, ...] = ()
    reproduction: Reproduction | None = None
    path: str = field(default="<scheme>", compare=False)
    notices: tuple[str, ...] = field(default=(), compare=False)

    def holder_name(self, holder_id: str) -> str:
        for h in self.budget_holders:
            if h.id == holder_id:
                return h.name
        return BUDGET_HOLDERS.get(holder_id, holder_id)

    def labels(self) -> dict[str, str]:
        """Names for people in place of ids, for charts and tables: each outcome's id maps
        to its ``outcome`` text, each input's to its description, each budget holder's to
        its name, and each parameter (:meth:`parameters`) to its owner's name and the field
        in words.

        >>> from sroi import load, example_path
        >>> scheme = load(example_path("family_nurse_partnership"))
        >>> names = scheme.labels()
        >>> names["la_public_health"]
        'Local authority public health'
        >>> first = scheme.outcomes[0]
        >>> names[first.id] == first.outcome, names[first.id + ".deadweight"] == first.outcome + ": deadweight"
        (True, True)
        """
        out: dict[str, str] = {**BUDGET_HOLDERS, **{h.id: h.name for h in self.budget_holders}}
        out.update({i.id: i.description for i in self.inputs})
        out.update({o.id: o.outcome for o in self.outcomes})
        for ref in self.parameters():
            owner, _, part = ref.name.partition(".")
            if owner == "cohort":
                out[ref.name] = f"participants, year {part.removeprefix('year')}"
            elif owner == "discounting":
                out[ref.name] = "discount rate"
            else:
                out[ref.name] = f"{out.get(owner, owner)}: {FIELD_WORDS.get(part, part.replace('_', ' '))}"
        return out

    def parameters(self) -> Iterator[ParameterRef]:
        """Every numeric field that may vary, in a fixed order.

        Names are ``cohort.year<N>``, ``<input id>.amount`` (or ``.quantity`` and
        ``.unit_cost``), ``<outcome id>.<field>`` for ``count``/``rate``/
        ``engagement``/``success``, ``proxy``, ``duration``, ``drop_off``,
        ``deadweight``, ``displacement``, ``attribution``, and ``discounting.rate``.
        """
        inf = float("inf")
        for y, p in enumerate(self.cohort, start=1):
            yield ParameterRef(f"cohort.year{y}", f"cohort.participants[{y}]", p, 0.0, inf, "count")
        for j, inp in enumerate(self.inputs, start=1):
            for name, p in inp.parts():
                yield ParameterRef(f"{inp.id}.{name}", f"inputs[{j}].{name}", p, 0.0, inf,
                                   "count" if name == "quantity" else "money")
        for i, o in enumerate(self.outcomes, start=1):
            at = f"outcomes[{i}]"
            for name, p in o.quantity.parts():
                kind = "count" if name == "count" else "rate"
                yield ParameterRef(f"{o.id}.{name}", f"{at}.quantity.{name}", p, 0.0,
                                   inf if kind == "count" else 1.0, kind)
            yield ParameterRef(f"{o.id}.proxy", f"{at}.proxy.value", o.proxy.value, 0.0, inf, "money")
            yield ParameterRef(f"{o.id}.duration", f"{at}.duration", o.duration, 0.0, inf, "years")
            for name in ("drop_off", "deadweight", "displacement", "attribution"):
                yield ParameterRef(f"{o.id}.{name}", f"{at}.{name}", getattr(o, name), 0.0, 1.0, "rate")
        if self.discounting.rate is not None:
            yield ParameterRef("discounting.rate", "discounting.rate", self.discounting.rate, 0.0, 1.0,
                               "discount_rate")


def check_override(ref: ParameterRef, value: Any, path: str) -> float:
    """``value`` for the parameter ``ref`` if its field allows it; else the one-line error
    a scheme file would get for that value."""
    from .errors import ScenarioError

    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(path, ref.name, f"must be a number, got {value!r}") from None
    if x != x or x in (float("inf"), float("-inf")):
        raise ScenarioError(path, ref.name, f"must be a finite number, got {value!r}")
    if ref.kind in ("rate", "discount_rate") and not 0.0 <= x <= 1.0:
        raise ScenarioError(path, ref.name, f"must be a rate between 0 and 1, got {x:g}")
    if ref.kind == "years" and not x > 0:
        raise ScenarioError(path, ref.name, f"must be a number of years greater than 0, got {x:g}")
    if x < ref.lower and ref.lower == 0 and ref.upper == float("inf"):
        raise ScenarioError(path, ref.name, f"must not be negative, got {x:g}")
    if x < ref.lower or x > ref.upper:
        raise ScenarioError(path, ref.name, f"must be between {ref.lower:g} and {ref.upper:g}, got {x:g}")
    return x
