"""What readers see instead of data identifiers: study labels, words for coded values, number formats.

One place, so a table, a figure legend and a glued phrase call the same thing by the same name.
CSV downloads keep the data's identifiers; only what is shown on a page goes through here.
"""
from __future__ import annotations

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


def study_label(df: pd.DataFrame) -> pd.Series:
    """'First author year' for every row of a table with ``first_author`` and ``year`` columns."""
    return df["first_author"].astype("string") + " " + df["year"].astype("string")


def study_labels(df: pd.DataFrame) -> pd.Series:
    """'First author year' per ``study_id`` (a lookup for figures and joins)."""
    return pd.Series(study_label(df).values, index=df["study_id"].values)


def pretty(slug) -> str:
    """'favours_treatment' → 'Favours treatment'."""
    s = str(slug).replace("_", " ")
    return s[:1].upper() + s[1:]


def format_p(p, decimals: int = 3) -> str:
    """A p-value as text: ``decimals`` places, or '< 0.001' (for 3) below the smallest shown; '' for NA."""
    if p is None or pd.isna(p):
        return ""
    floor = 10.0 ** -decimals
    return f"{p:.{decimals}f}" if p >= floor else f"< {floor:.{decimals}f}"

CERTAINTY_DOMAIN_LABELS = {"risk_of_bias": "Risk of bias", "inconsistency": "Inconsistency",
                           "imprecision": "Imprecision", "indirectness": "Indirectness",
                           "publication_bias": "Publication bias"}
