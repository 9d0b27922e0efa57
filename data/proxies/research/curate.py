"""Build data/proxies/proxies.csv from the research rows beside this script.

Run from the repository root: `python data/proxies/research/curate.py` (with
`--optional [FILE]` it writes instead the rows whose licence keeps them out of the bundled
table, as a local table a scheme can name in `proxy_tables`). It keeps each
research row's figures exactly, drops rows whose price year or unit could not be
established (DROP, with reasons), adds the caveats found by the independent check of
2026-11-22 (independent_check_2026-11-22.csv), and normalises ids, areas and agencies.
"""
import csv, re, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from sroi.proxies import COLUMNS  # noqa: E402

SRC = [HERE / "health.csv", HERE / "care.csv", HERE / "crime_work.csv",
       HERE / "health_care_2024.csv", HERE / "crime_welfare_children_2024.csv", HERE / "crime_police_2009.csv",
       HERE / "additions_2026_12.csv"]
#: When each file's rows were checked against their sources (the first three on 2026-11-22).
CHECKED = {"health_care_2024.csv": "2026-12-03", "crime_welfare_children_2024.csv": "2026-12-03",
           "crime_police_2009.csv": "2026-12-03", "additions_2026_12.csv": "2026-12-03"}
#: The 2026-12 rows from the PSSRU Unit Costs manuals: NICE and two R packages give their
#: licence as CC BY-NC-SA 4.0, not seen on the publisher's page; non-commercial and
#: share-alike terms cannot be passed on inside an MIT-licensed package, so they stay out
#: of the bundled table (`--optional` writes them to a local table a user may load).
PSSRU_LICENCE = "licence: CC BY-NC-SA 4.0 as cited by NICE (unconfirmed); NC/SA terms cannot ship in an MIT package"
DROP = {  # id: reason
    "cs.childrens_home_week_large_private_provider": "data year behind the CMA figure not seen; no price year",
    "cs.foster_placement_week_ifa": "data year behind the CMA figure not seen; no price year",
    "cs.foster_placement_week_la": "price base of the PSSRU 2017 figure not stated where it was seen",
    "cs.adoption_interagency_fee_la": "fee agreed in 2011 and unchanged since: its price year is ambiguous",
    "cs.adoption_interagency_fee_vaa": "2025-26 price year is beyond the bundled deflator series",
    "asc.nhs_funded_nursing_care_week": "2025-26 price year is beyond the bundled deflator series",
    "asc.home_care_hour_minimum_price": "2025-26 price year is beyond the bundled deflator series",
    "pssru.nurse_band5_hour_incl_qualifications": "independent check could not confirm the price base of the 2024 PSSRU manual (2023-24 was assumed from the edition year)",
    **{f"crime.police_cost_per_incident_{k}": "revised by the Home Office answer of 12 October 2009 (crime_police_2009.csv)"
       for k in ("violence_against_person", "sexual_offence", "robbery", "criminal_damage")},
    "nhs.mental_health_provider_spell_unit": "unit not stated in the export and NHS England flags the activity counts as under investigation",
}
RENAME = {
    "pssru.gp_surgery_consultation_11_7min": "nhs.gp_surgery_consultation",
    "pssru.gp_telephone_consultation_7_1min": "nhs.gp_telephone_consultation",
    "pssru.cmht_adult_contact": "nhs.cmht_adult_contact",
    "pssru.nurse_band5_hour_incl_qualifications": "nhs.nurse_band5_hour",
    "nice.qaly_threshold_lower": "health.qaly_nice_threshold_lower",
    "nice.qaly_threshold_upper": "health.qaly_nice_threshold_upper",
    "hmt.qaly_value_green_book": "health.qaly_green_book",
    "wellbeing.median_weekly_earnings_ft_2023": "work.median_weekly_earnings_full_time",
}
AREA = {"nhs": "health", "health": "health", "asc": "social_care", "cs": "children", "crime": "crime_justice",
        "work": "employment", "edu": "education", "housing": "housing", "wellbeing": "wellbeing",
        "police": "crime_justice", "welfare": "employment"}
AGENCY = {"society": "community", "victim": "community", "dfe_schools": "schools"}
PRICE_YEAR_FIX = {  # raw price_year text -> (price year, note to add)
    "2022 (manual year; threshold is not price-indexed)": ("2022", "A decision threshold, not a price: it is not indexed and rebasing it is a modelling choice."),
    "2013 (as dated in the secondary table; not price-indexed)": ("2013", "A decision threshold, not a price: it is not indexed and rebasing it is a modelling choice."),
    "2013 (announcement 24 June 2013)": ("2013", "Price year not stated by the source: the year of the announcement is assumed."),
}

#: The research rows say where the digits were seen with high/medium (the table's `seen_in`).
SEEN_IN = {"high": "publication", "medium": "copy", "low": "summary"}
#: How the researchers reached a page is not a reference a reader can follow: these phrases
#: are removed, leaving the page or copy the digits were read on.
INTERNAL_ROUTE = [
    (re.compile(r"\s*\((?:pages? id=[^)]*?, )?seen via search tool pages corpus\)"), ""),
    (re.compile(r"\s*\(search tool,? pages corpus\)"), ""),
    (re.compile(r"\s*via search tool \(pages corpus\)"), ""),
    (re.compile(r"\s*\(search 'pages' corpus\)"), ""),
    (re.compile(r"\(search 'pages' corpus excerpt of ([^)]*)\)"), r"(an excerpt of \1)"),
    (re.compile(r"\(search tool pages corpus; "), "("),
]
#: The unconfirmed claim about later Unit Cost Database editions is not repeated.
UCD_LICENCE_CLAIM = re.compile(r"; current GMCA UCD editions are CC BY 4\.0\)?")


def public_route(route):
    """The verification route as a reader can follow it (no internal tool names)."""
    for pattern, repl in INTERNAL_ROUTE:
        route = pattern.sub(repl, route)
    if re.search(r"corpus|search tool", route):
        raise ValueError(f"internal route wording left in: {route}")
    return route


def public_licence(lic):
    lic = UCD_LICENCE_CLAIM.sub("", lic)
    return lic + ")" if lic.count("(") > lic.count(")") else lic


def clean_year(raw):
    raw = raw.strip()
    if raw in PRICE_YEAR_FIX:
        return PRICE_YEAR_FIX[raw]
    if re.fullmatch(r"\d{4}(-\d{2})?", raw):
        return raw, ""
    raise ValueError(raw)

OPTIONAL = "--optional" in sys.argv
out, dropped, optional = [], [], []
for f in SRC:
    for r in csv.DictReader(open(f, encoding="utf-8")):
        if r["id"] in DROP:
            dropped.append((r["id"], DROP[r["id"]])); continue
        pssru = f.name in CHECKED and r["source"].startswith(("PSSRU", "Jones", "Unit Costs of Health"))
        if pssru and not OPTIONAL:
            dropped.append((r["id"], PSSRU_LICENCE)); continue
        if not pssru and OPTIONAL:
            continue
        pid = RENAME.get(r["id"], r["id"])
        year, extra_note = clean_year(r["price_year"])
        agency = r["agency"].strip()
        agency = AGENCY.get(agency, agency)
        if agency.startswith("multiple") or ";" in agency:
            extra_note = (extra_note + " " if extra_note else "") + f"Falls on several budgets ({r['agency'].strip()})."
            agency = "multiple"
        cash = r["cashable"].split()[0].strip(",;:") if r["cashable"] else "no"
        url = r["url"].strip()
        route = public_route(r["transcription_route"].strip())
        if not url.startswith("http"):
            m = re.search(r"(?:github\.com/)?([\w.-]+/[\w.-]+) (?:inst|csvs)", route)
            url = "https://github.com/" + m.group(1) if m else ""
        lic = public_licence(r["licence"].strip())
        CHECK = {
            "edu.persistent_truancy_fiscal_year": "Independent check: the components in the database (706 + 52 + 423.50 = 1,181.50) do not add up to 1,509; the total appears to include a social services element (327.83) the database says is excluded. Use with care.",
            "asc.intermediate_care_residential_bed_day": "Independent check: the National Audit of Intermediate Care 2012 reports 2011-12 data, so the 2012-13 price year given by the database may be a year late.",
            "work.lone_parent_is_into_work_fiscal_year": "Independent check: the underlying 2011 report is dated before the database's 2012-13 price year; a sibling row from the same report is priced 2010-11. Price year as given by the database.",
        }
        if r["id"] in CHECK:
            extra_note = (extra_note + " " if extra_note else "") + CHECK[r["id"]]
        notes = " ".join(x for x in (r["notes"].strip(), extra_note) if x)
        desc = r["description"].strip()
        if desc.startswith("Emergency department attendance"):
            desc = desc.replace("Emergency department attendance", "Emergency department (A&E) attendance", 1)
        out.append({
            "id": pid, "area": AREA[pid.split(".")[0]], "description": desc,
            "value": r["value"].strip(), "unit": r["unit"].strip(), "price_year": year, "currency": "GBP",
            "value_type": r["value_type"].strip(), "agency": agency, "cashable": cash,
            "source": r["source"].strip(), "table_or_page": r["table_or_page"].strip(), "url": url,
            "licence": lic, "redistributable": "no" if OPTIONAL else "yes", "verification": route,
            "seen_in": SEEN_IN[r["confidence"].strip()], "checked": CHECKED.get(f.name, "2026-11-22"), "notes": notes,
        })
HFMA = dict(area="health", currency="GBP", price_year="2016-17", value_type="fiscal", agency="nhs", cashable="no",
            source="NHS Improvement, Reference Costs 2016/17, national average unit costs, as summarised by HFMA",
            table_or_page="HFMA news item 'Reference cost data published', 5 December 2017",
            url="https://www.hfma.org.uk/news/healthcare-finance/news-item/reference-cost-data-published",
            licence="unknown (a single published figure cited as a fact)", redistributable="yes",
            verification="digits seen in the HFMA news item; the Reference Costs schedule itself was not read",
            seen_in="copy", checked="2026-11-22")
if OPTIONAL:
    out.sort(key=lambda d: (d["area"], d["id"]))
    target = Path(sys.argv[sys.argv.index("--optional") + 1]) if len(sys.argv) > sys.argv.index("--optional") + 1 \
        else Path("pssru_unit_costs.csv")
    if target.exists():
        sys.exit(f"{target} exists; not overwritten")
    with open(target, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n"); w.writeheader(); w.writerows(out)
    sys.exit(f"wrote {len(out)} rows to {target} (a local table: name it in a scheme's proxy_tables)")
out += [
    dict(HFMA, id="nhs.ae_attendance_2016_17", description="Accident and emergency (A&E) attendance, all types, national average",
         value="148", unit="per attendance", notes="Used by the Family Nurse Partnership scheme. Avoided attendances free capacity; they are rarely cashable."),
    dict(HFMA, id="nhs.excess_bed_day_2016_17", description="Excess bed day (in-patient day beyond the HRG trim point), national average",
         value="313", unit="per bed day", notes="Used by the Family Nurse Partnership scheme as the only verified per-day in-patient cost; bed days avoided are rarely cashable unless a ward closes."),
    dict(HFMA, id="nhs.outpatient_attendance_2016_17", description="Outpatient attendance, national average",
         value="120", unit="per attendance", notes=""),
    dict(HFMA, id="nhs.non_elective_inpatient_episode_2016_17", description="Non-elective in-patient episode (excluding excess bed days), national average",
         value="1590", unit="per episode", notes="An emergency admission; the nearest all-condition figure verified so far."),
    dict(HFMA, id="nhs.elective_inpatient_episode_2016_17", description="Elective in-patient episode, national average",
         value="3684", unit="per episode", notes=""),
    dict(HFMA, id="nhs.day_case_2016_17", description="Day case, national average", value="738", unit="per day case", notes=""),
]
out.sort(key=lambda d: (d["area"], d["id"]))
with open(HERE.parent / "proxies.csv", "w", newline="", encoding="utf-8") as fh:
    w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n"); w.writeheader(); w.writerows(out)
print(len(out), "rows;", len(dropped), "dropped")
for d in dropped: print("  dropped", *d)
