"""Hand-made tables and claims shared by the audit rule tests (tests/unit/methods/test_audit_*.py)."""
from __future__ import annotations

import pandas as pd
from evidence_book.methods.audit_kinds import evaluate

STUDIES = pd.DataFrame({
    "study_id": ["a", "b", "c", "d"], "ref": pd.array([10, 11, 12, 13], dtype="Int64"),
    "secretome_type": ["exosomes", "extracellular_vesicles", "exosomes", "exosomes"],
    "score": pd.array([9, 10, 12, 9], dtype="Int64"),
    "age_min": pd.array([3, 8, None, 8], dtype="Float64"), "age_max": pd.array([4, 12, None, 8], dtype="Float64"),
    "nerve": ["sciatic", "spinal cord", None, "sciatic"],
    "note": ["", "", "", 'secretome_type "exosomes" taken from §3.2 ("The stem cell-derived exosomes [10–13]")'],
})
OUTCOMES = pd.DataFrame({
    "study_id": ["a", "a", "b", "c", "d"],
    "measure": ["SFI", "axon diameter", "SFI", "axon diameter", "WRL"],
    "direction": ["favours_treatment"] * 5,
    "p_text": ["p < 0.001", "p = 0.0016", "p < 0.05", "", "p = 0.000"],
    "mean_treatment": pd.array([26009.0, 3.3, None, None, None], dtype="Float64"),
    "mean_control": pd.array([20612.0, 1.5, None, None, None], dtype="Float64"),
    "n_treatment": pd.array([6, 19, None, None, None], dtype="Float64"),
    "note": [""] * 5,
})
METHODS = pd.DataFrame({"item": ["meta_analysis", "meta_analysis_other", "synthesis"], "value": ["no", "yes", "narrative"],
                        "location": ["§4", "§2", "Abstract"],
                        "quote": ["the lack of meta-analysis", "pooled with a random-effects model", "synthesized narratively"]})
TABLES = {"t/studies": STUDIES, "t/outcomes": OUTCOMES, "t/included": STUDIES[["ref", "study_id"]], "t/methods": METHODS}


def claim(**kw) -> pd.Series:
    base = {"rule": None, "table": "t/outcomes", "column": None, "filter": None, "denominator_filter": None,
            "condition": None, "tolerance": None, "note": None, "quote": "a sentence", "claimed_value": None,
            "cited_refs": None, "uncertain_filter": None, "topic_filter": None}
    return pd.Series({**base, **kw})


def run(**kw):
    return evaluate(claim(**kw), TABLES.__getitem__)


# Values kept as printed text (as in aasc/outcomes_continuous): the rules know their printed precision.
PRINTED = pd.DataFrame({
    "study_id": ["u", "v", "w", "x"],
    "baseline": ["0.13", "0.62", "58.35", "0.62"],
    "followup": ["0.18", "0.61", "16.75", "0.62"],
    "n_all": pd.array([197, 19, 13, 5], dtype="Int64"), "n_aasc": pd.array([102, 6, 4, 5], dtype="Int64"),
    "events_a": pd.array([50, 2, 19, 0], dtype="Int64"), "events_b": pd.array([74, 9, 13, 1], dtype="Int64"),
    "note": [""] * 4,
})
TABLES["t/printed"] = PRINTED
