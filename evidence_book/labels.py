"""What readers see instead of data identifiers: study labels, words for coded values, number formats.

One place, so a table, a figure legend and a glued phrase call the same thing by the same name.
CSV downloads keep the data's identifiers; only what is shown on a page goes through here.
"""
from __future__ import annotations

import re

import pandas as pd

# Coded values → words, per vocabulary of the schemas (evidence_book.data.schemas).
DIRECTION_LABELS = {
    "favours_treatment": "Favours treatment",
    "no_difference": "No difference",
    "favours_control": "Favours control",
    "unclear": "Unclear",
}
JUDGEMENT_LABELS = {
    "yes": "Yes", "no": "No", "unclear": "Unclear", "not_applicable": "Not applicable",
    "Low": "Low", "Moderate": "Moderate", "High": "High", "Some concerns": "Some concerns",
    "Serious": "Serious", "Critical": "Critical", "No information": "No information",
}
# Judgement scales per appraisal tool, best to worst (robvis's order), and the reader's name of each.
ROB_SCALES = {
    "JBI": ("yes", "no", "unclear", "not_applicable"),
    "RoB 2": ("Low", "Some concerns", "High", "No information"),
    "ROBINS-I": ("Low", "Moderate", "Serious", "Critical", "No information"),
    # what the AASC review prints as the overall judgement for both tools
    "as reported": ("Low", "Moderate", "High"),
}
ROB_TOOL_LABELS = {"JBI": "JBI checklist", "RoB 2": "RoB 2", "ROBINS-I": "ROBINS-I",
                   "as reported": "As the review reports it"}


def pretty(slug) -> str:
    """'favours_treatment' → 'Favours treatment'."""
    s = str(slug).replace("_", " ")
    return s[:1].upper() + s[1:]


# Words for coded values of the data (outcome domains, secretome types, verdicts, …). A value not
# listed here is shown with `pretty` (underscores as spaces, first letter capital).
VALUE_WORDS = {
    "in_vitro": "In vitro", "electrophysiological": "Electrophysiological",
    "conditioned_medium": "Conditioned medium", "extracellular_vesicles": "Extracellular vesicles",
    "secretome_unspecified": "Secretome (type not specified)", "exosomes": "Exosomes",
    "bone_marrow": "Bone marrow", "bone_marrow_neural_crest": "Bone marrow (neural crest)",
    "umbilical_cord": "Umbilical cord", "olfactory_mucosa": "Olfactory mucosa",
    "skin_precursor": "Skin precursors", "not_applicable": "Not applicable",
    "holds": "Holds", "does_not_hold": "Does not hold", "cannot_check": "Cannot be checked",
    "not_checkable": "Not checkable", "overall": "Overall (one vote per study)",
    **DIRECTION_LABELS,
}
# Column names of computed tables → headers for readers.
COLUMN_WORDS = {
    "n_studies": "Studies", "n_favours_treatment": "Favour treatment", "n_favours_control": "Favour control",
    "n_no_difference": "No difference", "n_unclear": "Unclear", "n_with_direction": "With a direction",
    "domain": "Outcome domain", "secretome_type": "Secretome type", "cell_source": "Cell source",
    "injury_model": "Injury model", "species": "Species", "sex": "Sex",
    "study_id": "Study", "first_author": "First author", "year": "Year", "measure": "Measure",
    "mean_treatment": "Treated: mean (SD)", "sd_treatment": "SD (treated)", "n_treatment": "n (treated)",
    "mean_control": "Control: mean (SD)", "sd_control": "SD (control)", "n_control": "n (control)",
    "unit": "Unit", "g": "Hedges' g", "reason": "Why no effect size",
    "score_counted": "Counted score (yes items)", "jbi_score_stated": "Stated score",
    "threshold": "Threshold (of 13)",
    "n_included_stated": "Kept (stated score)", "n_excluded_stated": "Left out (stated score)",
    "n_missing_stated": "No stated score", "n_included_counted": "Kept (counted score)",
    "n_excluded_counted": "Left out (counted score)", "n_missing_counted": "No counted score",
    "n_animals": "Animals", "design_text": "Design (as reported)", "nerve": "Nerve",
    "n_outcomes_favours_treatment": "Results favouring treatment", "in_vivo_agent": "Agent given in vivo",
    "p_text": "p-value (as reported)", "comparator_value": "Comparator's value",
    "n_patients": "Patients", "n_aasc": "Patients given the cells", "weight_min_g": "Minimum weight (g)",
    "weight_max_g": "Maximum weight (g)", "age_text": "Age", "ref": "Reference number", "ref_id": "Reference",
    "claim_id": "Claim", "claimed_value": "Claimed value", "nct_id": "Registry number", "doi": "DOI",
}
# Data tables → what readers call them (e.g. where the audit names the data rows a claim used).
TABLE_WORDS = {
    "studies": "Included studies", "trials": "Included trials", "included": "Included studies",
    "outcomes": "Table 2 findings", "comparisons": "Table 2 group values", "jbi": "JBI answers",
    "jbi_scores": "JBI scores", "prisma": "PRISMA counts", "search_strings": "Search strings",
    "methods": "Methods as the review states them", "eligibility": "Eligibility criteria", "pio": "Research question",
    "indications": "Response by indication", "outcomes_binary": "Results per trial arm",
    "adverse_events": "Adverse events", "outcomes_continuous": "Continuous results per trial",
}


def word(value) -> str:
    """The reader's word for a coded value ('in_vitro' → 'In vitro'); '' for NA."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return VALUE_WORDS.get(value, pretty(value)) if isinstance(value, str) else str(value)


def words_in_text(text) -> str:
    """Free text (a note, an audit's arithmetic) with every coded value in it spelled as words."""
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    return re.sub(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b",
                  lambda m: word(m.group(0)).lower() if m.group(0) in VALUE_WORDS else m.group(0), str(text))


def table_word(name: str) -> str:
    """'nerve/studies' or 'studies' → 'Included studies'."""
    base = str(name).rpartition("/")[2]
    return TABLE_WORDS.get(base, pretty(base))


def column_word(name: str) -> str:
    return COLUMN_WORDS.get(name, pretty(name))


def for_readers(df: pd.DataFrame, coded=()) -> pd.DataFrame:
    """A copy with the ``coded`` columns' values in words and every header in words."""
    out = df.copy()
    for col in coded:
        if col in out.columns:
            out[col] = out[col].map(word)
    return out.rename(columns={c: column_word(c) for c in out.columns})


def author_year(first_author, year) -> str:
    """'First author year': what readers call a study (the one place the label is spelled)."""
    return f"{first_author} {year}"


def study_label(df: pd.DataFrame) -> pd.Series:
    """`author_year` for every row of a table with ``first_author`` and ``year`` columns (NA where
    either is missing)."""
    authors, years = df["first_author"].astype("string"), df["year"].astype("string")
    return pd.Series([pd.NA if pd.isna(a) or pd.isna(y) else author_year(a, y) for a, y in zip(authors, years)],
                     index=df.index, dtype="string")


def study_labels(df: pd.DataFrame) -> pd.Series:
    """'First author year' per ``study_id`` (a lookup for figures and joins)."""
    return pd.Series(study_label(df).values, index=df["study_id"].values)


def format_count(value) -> str:
    """A whole number as text, or 'none' when it is not reported."""
    return "none" if value is None or pd.isna(value) else f"{int(value)}"


def format_p(p, decimals: int = 3) -> str:
    """A p-value as text: ``decimals`` places, or '< 0.001' (for 3) below the smallest shown; '' for NA."""
    if p is None or pd.isna(p):
        return ""
    floor = 10.0 ** -decimals
    return f"{p:.{decimals}f}" if p >= floor else f"< {floor:.{decimals}f}"

# Audit verdicts (the audit CSV keeps the identifiers).
VERDICT_LABELS = {"holds": "holds", "does_not_hold": "does not hold", "cannot_check": "cannot be checked"}
CERTAINTY_DOMAIN_LABELS = {"risk_of_bias": "Risk of bias", "inconsistency": "Inconsistency",
                           "imprecision": "Imprecision", "indirectness": "Indirectness",
                           "publication_bias": "Publication bias"}
VALUE_WORDS.update(CERTAINTY_DOMAIN_LABELS)


def certainty_for_readers(judgements: pd.DataFrame) -> tuple[str, str]:
    """(certainty level, "Risk of bias (−1); Imprecision (−2)") for one outcome's recorded GRADE
    judgements (`methods.certainty.rate`); ("not yet rated", "") when there are none."""
    from evidence_book.methods.certainty import rate

    if judgements.empty:
        return "not yet rated", ""
    level, _ = rate(judgements)
    down = judgements[judgements["downgrade"].astype(int) > 0]
    return level, "; ".join(f"{CERTAINTY_DOMAIN_LABELS[d]} (−{int(n)})"
                            for d, n in zip(down["domain"], down["downgrade"])) or "nothing"  # one word for a code, in tables and in free text

# The part of the book each review's data belong to (data/<review>/), for pages about the data as a whole.
REVIEW_WORDS = {"nerve": "Rat studies", "aasc": "Adipose stem cell trials", "ev": "Registered EV trials",
                "clinic": "Clinic's claims", "context": "Context"}
