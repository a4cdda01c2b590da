"""Schemas of every data file: columns, types, allowed values, keys, and cross-file rules.

Each column is a `Col`; the loader turns a file into typed columns, then builds a pandera
`DataFrameSchema` from these specs to check values (pandera reports every failing cell with its
row, which the loader turns into "file, row, column: expected …"). The same specs generate the
data-dictionary page of the book. Files may carry more columns than listed (analysts add freely);
listed columns are the contract.
"""
from __future__ import annotations

from dataclasses import dataclass

JBI_ANSWERS = ("yes", "no", "unclear", "not_applicable")
DIRECTIONS = ("favours_treatment", "no_difference", "favours_control", "unclear")
DOMAINS = ("functional", "electrophysiological", "histological", "muscle", "in_vitro", "molecular", "sensory", "other")
ROB = ("Low", "Moderate", "High")
CERTAINTY_LEVELS = ("High", "Moderate", "Low", "Very low")
CERTAINTY_DOMAINS = ("risk_of_bias", "inconsistency", "imprecision", "indirectness", "publication_bias")
RULES = ("", "count", "count_distinct", "sum", "min", "max", "range", "percent", "all", "value",
         "mentions", "change", "ratio", "granularity", "pvalue", "greater", "cites", "difference", "percent_of", "pooled")
NUMBER_TEXT = r"^-?\d+(\.\d+)?$"  # a number kept as printed, so its precision is known


@dataclass(frozen=True)
class Col:
    name: str
    type: str = "str"  # str | int | float | bool
    required: bool = False  # a value must be present in every row
    allowed: tuple | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    doc: str = ""


# Declared sizes. `make bench` measures the build on a synthetic review of MEASURED_STUDIES
# studies (bench/synthetic.py: 10,000 studies, 130,000 JBI answers, 53,581 outcome rows) within a
# few times the time of the real 13-study review; the nerve tables are declared at that measured
# size, every other table at DEFAULT_MAX_ROWS (the real ones hold under 200 rows). A file with more
# data rows than its table's `max_rows` is refused at validation, naming its rows, its size and the
# limit, before any section runs: at this scale a larger file is far more often an accident (rows
# pasted twice, the wrong export) than a review, and building it would take many minutes to publish
# pages nobody can read. Raise a table's `max_rows` on purpose (and measure with `make bench`).
MEASURED_STUDIES = 10_000
DEFAULT_MAX_ROWS = 10_000
# A file larger than this is not even read (reading costs ~13 MB of memory per MB of CSV).
MAX_FILE_MB = 200


@dataclass(frozen=True)
class Table:
    review: str
    name: str
    doc: str
    columns: tuple
    key: tuple = ()  # columns whose combination is unique
    max_rows: int = DEFAULT_MAX_ROWS  # data rows accepted (see DEFAULT_MAX_ROWS)
    # columns holding a finding (not what was measured): the citation rule tells a different result
    # on the same measure (a contradiction) from a result left unknown ('unclear': silence)
    result_columns: tuple = ()

    @property
    def path(self) -> str:
        return f"data/{self.review}/{self.name}.csv"


PROV = (
    Col("source", required=True, doc="seed file the value comes from"),
    Col("location", required=True, doc="table or section of the seed"),
    Col("quote", doc="short verbatim passage where the value comes from prose"),
    Col("note", doc="why a value is empty, or a judgement made in extraction"),
)
SLUG = r"^[a-z][a-z0-9_-]*$"


def T(review, name, doc, cols, key=(), max_rows=DEFAULT_MAX_ROWS, result_columns=()):
    names = {c.name for c in cols}
    return Table(review, name, doc, tuple(cols) + tuple(c for c in PROV if c.name not in names), tuple(key), max_rows,
                 tuple(result_columns))


def certainty_columns(outcome_doc: str, start_doc: str) -> list:
    """The columns of a ``certainty.csv``: one recorded GRADE judgement per outcome and domain."""
    return [
        Col("outcome", required=True, doc=outcome_doc),
        Col("start", required=True, allowed=CERTAINTY_LEVELS, doc=start_doc),
        Col("domain", required=True, allowed=CERTAINTY_DOMAINS),
        Col("downgrade", "int", required=True, min=0, max=2, doc="levels rated down for this domain"),
        Col("reason", required=True, doc="why, citing the signal computed from the data"),
        Col("source", required=True, allowed=("this book",), doc="who made the judgement"),
        Col("location", required=True, doc="page whose numbers the judgement rests on"),
    ]


TABLES = [
    T("nerve", "studies", "Included rat studies (review Table 2, scores from Table 3).", [
        Col("study_id", required=True, pattern=SLUG, doc="stable slug, first author + year"),
        Col("ref", "int", required=True, min=1, doc="reference number in the review"),
        Col("first_author", required=True), Col("year", "int", required=True, min=1900, max=2100),
        Col("n_animals", "int", min=0, doc="animals in the study (Table 2 N)"),
        Col("species"), Col("sex", allowed=("male", "female", "both")),
        Col("weight_min_g", "float", min=0), Col("weight_max_g", "float", min=0),
        Col("age_text"), Col("cell_source"),
        Col("source_cell_type", allowed=("mesenchymal_stem_cell", "schwann_cell"),
            doc="the kind of cell the product comes from, as Table 2 names it (empty where it does not say)"),
        Col("secretome_type"), Col("injury_model"),
        Col("jbi_score_stated", "int", min=0, max=13, doc="JBI score the review prints (out of 13)"),
    ], key=("study_id",), max_rows=MEASURED_STUDIES),
    T("nerve", "jbi", "JBI critical-appraisal answers, one row per study × item (review Table 3).", [
        Col("study_id", required=True), Col("item", required=True, allowed=tuple(f"Q{i}" for i in range(1, 14))),
        Col("answer", required=True, allowed=JBI_ANSWERS),
    ], key=("study_id", "item"), max_rows=13 * MEASURED_STUDIES),
    T("nerve", "jbi_items", "The 13 JBI checklist questions.", [
        Col("item", required=True, allowed=tuple(f"Q{i}" for i in range(1, 14))), Col("question"),
    ], key=("item",)),
    T("nerve", "outcomes", "Outcome measures per study with direction of effect (review Table 2 findings).", [
        Col("study_id", required=True), Col("domain", required=True, allowed=DOMAINS),
        Col("measure", required=True), Col("direction", required=True, allowed=DIRECTIONS),
        Col("p_text"), Col("timepoint"),
        Col("mean_treatment", "float"), Col("sd_treatment", "float", min=0), Col("n_treatment", "int", min=0),
        Col("mean_control", "float"), Col("sd_control", "float", min=0), Col("n_control", "int", min=0),
        Col("unit"),
    ], max_rows=6 * MEASURED_STUDIES, result_columns=("direction",)),  # measured: 53,581 rows at 10,000 studies (the real review: 8.7 a study)
    T("nerve", "pio", "Research question (review Table 1).", [Col("element", required=True), Col("description", required=True)]),
    T("nerve", "search_strings", "Database search strings (review §2).", [
        Col("database", required=True), Col("search_string", required=True)], key=("database",)),
    T("nerve", "eligibility", "Inclusion and exclusion criteria (review §2).", [
        Col("kind", required=True, allowed=("inclusion", "exclusion")), Col("criterion", required=True)]),
    T("nerve", "methods", "What the review says about its own methods (synthesis, meta-analysis, search), one "
      "fact per row, to check statements made elsewhere in the review.", [
        Col("item", required=True, pattern=SLUG), Col("value", required=True)], key=("item",)),
    T("nerve", "comparisons", "Further group values Table 2 prints side by side (beyond the treatment-control "
      "pair of outcomes.csv): one row per group compared with another.", [
        Col("study_id", required=True), Col("measure", required=True), Col("group", required=True),
        Col("value", "float", required=True, doc="the group's value as printed (upper end where a range is printed)"),
        Col("comparator", required=True),
        Col("comparator_value", "float", required=True, doc="the comparator's value (lower end where a range or bound is printed)"),
        Col("unit"), Col("timepoint")]),
    T("nerve", "prisma", "PRISMA 2020 flow counts; empty where the review does not report them.", [
        Col("stage", required=True, pattern=SLUG), Col("count", "int", min=0)], key=("stage",)),
    T("nerve", "certainty", "This book's GRADE-style certainty judgements per outcome domain of the rat studies "
      "(not the review's).",
      certainty_columns("outcome domain as vote-counted on the synthesis page",
                        "starting certainty (High for controlled animal experiments, Hooijmans et al. 2018)"),
      key=("outcome", "domain")),
    T("aasc", "trials", "Controlled clinical trials of allogeneic adipose stem cells (review Table 1).", [
        Col("study_id", required=True, pattern=SLUG), Col("ref", "int", min=1), Col("first_author", required=True),
        Col("year", "int", required=True, min=1900, max=2100), Col("design"),
        Col("randomized", "bool"), Col("blinded", "bool"), Col("controlled", "bool"),
        Col("risk_of_bias", allowed=ROB), Col("rob_tool", allowed=("RoB 2", "ROBINS-I")), Col("indication"),
        Col("indication_group", doc="the row of review Table 2 the trial belongs to"),
        Col("n_patients", "int", min=0), Col("n_aasc", "int", min=0), Col("n_control", "int", min=0),
        Col("phase"),
        Col("follow_up_text", doc="the follow-up as the review's per-trial text states it (empty where it states none)"),
        Col("follow_up_weeks", "float", min=0, doc="the longest follow-up that text states, in weeks (months × 52/12)"),
        Col("disease", doc="the condition treated, as the review's per-trial text (§3.2–3.9) describes the patients"),
    ], key=("study_id",)),
    T("aasc", "indications", "Clinical response by indication as published (review Table 2).", [
        Col("indication", required=True)]),
    T("aasc", "outcomes_binary", "Every 2×2 result the text gives (events / group size per arm).", [
        Col("study_id", required=True), Col("outcome", required=True), Col("timepoint"),
        Col("events_aasc", "int", min=0), Col("n_aasc", "int", min=0),
        Col("events_control", "int", min=0), Col("n_control", "int", min=0),
        Col("comparison"), Col("counts_derived", "bool", doc="true when counts were derived from stated percentages"),
    ]),
    T("aasc", "outcomes_continuous", "Continuous per-trial results the text prints (means, medians, changes), "
      "kept as printed text so their precision is known.", [
        Col("study_id", required=True), Col("outcome", required=True),
        Col("arm", required=True, doc="group of baseline/followup/change and of value_a"),
        Col("timepoint"), Col("statistic", doc="mean, median, … as the text says"),
        Col("baseline", pattern=NUMBER_TEXT), Col("followup", pattern=NUMBER_TEXT),
        Col("change", pattern=NUMBER_TEXT, doc="change as stated (followup − baseline when both are printed)"),
        Col("value_a", pattern=NUMBER_TEXT, doc="value of `arm` in a between-group comparison"),
        Col("arm_b", doc="the other group of the comparison"), Col("value_b", pattern=NUMBER_TEXT),
        Col("p_text"), Col("unit")]),
    T("aasc", "adverse_events", "Adverse events reported per trial.", [
        Col("study_id", required=True), Col("event", required=True),
        Col("n_events_aasc", "int", min=0), Col("n_patients_aasc", "int", min=0),
        Col("n_events_control", "int", min=0), Col("n_patients_control", "int", min=0),
        Col("treatment_related", "bool"), Col("count_unit")]),
    T("aasc", "prisma", "PRISMA 2020 flow counts of the AASC review.", [
        Col("stage", required=True, pattern=SLUG), Col("count", "int", min=0)], key=("stage",)),
    T("aasc", "certainty", "This book's GRADE-style certainty judgements per pooled outcome (not the review's).",
      certainty_columns("outcome family as pooled on the effects page", "starting certainty (High for trials)"),
      key=("outcome", "domain")),
    T("ev", "trials", "Registered clinical trials of MSC extracellular vesicles (seed 002 Table 2).", [
        Col("nct_id", required=True, pattern=r"^NCT\d{8}$"), Col("title"), Col("indication"),
        Col("status"), Col("country"), Col("participants", "int", min=0), Col("phase"),
    ], key=("nct_id",)),
    T("ev", "completed_results", "Results of completed MSC-EV studies quoted in seed 002 §3.1.", [
        Col("nct_id", pattern=r"^NCT\d{8}$"), Col("indication", required=True), Col("study_kind"),
        Col("n_patients", "int", min=0), Col("finding", required=True)]),
    T("context", "facial_nerve_abstract", "Key points of the facial-nerve review abstract (seed 001).", [
        Col("point_id", required=True), Col("point", required=True)], key=("point_id",)),
    T("ev", "msc_vs_ev", "Advantages and limitations of MSCs and their EVs (seed 002 Table 1).", []),
    T("clinic", "claims", "Factual claims of a clinic's advertising page (seed 003).", [
        Col("claim_id", required=True), Col("category", required=True,
            allowed=("safety", "duration", "indication", "cost", "mechanism", "efficacy", "procedure", "other")),
        Col("claim", required=True)], key=("claim_id",)),
]
# A claims file may add `uncertain_filter` (rows that may count or may support, the data do not say
# for sure) and `topic_filter` (rows by which a table shows a study measured a cited statement's subject;
# see data/CLAIMS_FORMAT.md): optional, so a claims file without them stays valid.
for _review in ("nerve", "aasc"):
    TABLES.append(T(_review, "claims", "Quantitative statements of the review, with how the audit recomputes them.", [
        Col("claim_id", required=True), Col("quote", required=True), Col("claimed_value"),
        Col("rule", allowed=RULES), Col("table"), Col("column"), Col("filter"), Col("denominator_filter"),
        Col("condition"), Col("tolerance", "float", min=0), Col("cited_refs"), Col("root_claim_id"),
    ], key=("claim_id",)))

# Every reference the book cites, per review; an included study points to its reference by study_id.
REFERENCE_REVIEWS = ("nerve", "aasc", "ev")
# The table of included studies of each review (every one of them must have a reference).
STUDY_TABLES = {"nerve": "studies", "aasc": "trials"}
for _review in REFERENCE_REVIEWS:
    TABLES.append(T(_review, "references", "Bibliographic references: the source document, its included studies, "
                    "and any other work a page cites (from the source's reference list).", [
        Col("ref_id", required=True, pattern=SLUG, doc="stable slug, first author + year (+ letter)"),
        Col("study_id", pattern=SLUG, doc="the included study this reference reports, if any"),
        Col("authors", required=True, doc="'Last, I.; Last, I.; et al.' as printed"),
        Col("title", required=True), Col("journal"), Col("year", "int", required=True, min=1900, max=2100),
        Col("volume"), Col("pages", doc="pages or article number"),
        Col("doi", pattern=r"^10\.\d{4,9}/\S+$", doc="only where the source prints it; never looked up"),
    ], key=("ref_id",), max_rows=MEASURED_STUDIES + 100))  # every included study, and a few other works

BY_NAME = {(t.review, t.name): t for t in TABLES}

# Cross-file rules: (review, table, column) must exist in (review, table, column).
FOREIGN_KEYS = [
    (("nerve", "jbi", "study_id"), ("nerve", "studies", "study_id")),
    (("nerve", "outcomes", "study_id"), ("nerve", "studies", "study_id")),
    (("nerve", "comparisons", "study_id"), ("nerve", "studies", "study_id")),
    (("aasc", "outcomes_binary", "study_id"), ("aasc", "trials", "study_id")),
    (("aasc", "outcomes_continuous", "study_id"), ("aasc", "trials", "study_id")),
    (("aasc", "adverse_events", "study_id"), ("aasc", "trials", "study_id")),
    *((((rv, "references", "study_id"), (rv, tb, "study_id"))) for rv, tb in STUDY_TABLES.items()),
]

# Cross-file rule: every key of the parent table has exactly N rows in the child table
# (child, parent, key column, N, what a key is, what the rows are, which they are):
# each study answers the 13 JBI items.
ITEMS_PER_KEY = [
    (("nerve", "jbi"), ("nerve", "studies"), "study_id", 13, "study", "JBI items", "Q1–Q13"),
]
