"""Tests of evidence_book.methods.quality."""
from __future__ import annotations

import pandas as pd
from evidence_book.methods.quality import below_threshold, jbi_scores, threshold_sensitivity


def _studies():
    return pd.DataFrame({
        "study_id": pd.array(["a2020", "b2021", "c2022"], dtype="string"),
        "first_author": pd.array(["A", "B", "C"], dtype="string"),
        "year": pd.array([2020, 2021, 2022], dtype="Int64"),
        "n_animals": pd.array([10, 20, pd.NA], dtype="Int64"),
        "sex": pd.array(["male", "male", pd.NA], dtype="string"),
        "weight_min_g": pd.array([200, pd.NA, 180], dtype="Float64"),
        "weight_max_g": pd.array([250, 300, pd.NA], dtype="Float64"),
        "jbi_score_stated": pd.array([3, 2, pd.NA], dtype="Int64"),
    })


def _jbi():
    rows = [("a2020", "Q1", "yes"), ("a2020", "Q2", "yes"), ("a2020", "Q3", "no"), ("a2020", "Q4", "unclear"),
            ("b2021", "Q1", "yes"), ("b2021", "Q2", "yes"), ("b2021", "Q3", "not_applicable"), ("b2021", "Q4", "no")]
    return pd.DataFrame(rows, columns=["study_id", "item", "answer"]).astype("string")


def test_jbi_scores_counts_and_mismatch():
    s = jbi_scores(_jbi(), _studies()).set_index("study_id")
    # a2020: 2 yes, 1 no, 1 unclear; review states 3 → difference 3 - 2 = 1
    assert s.loc["a2020", "score_counted"] == 2
    assert s.loc["a2020", "n_items"] == 4
    assert s.loc["a2020", "difference"] == 1
    assert (s.loc["a2020", "n_no"], s.loc["a2020", "n_unclear"], s.loc["a2020", "n_na"]) == (1, 1, 0)
    # b2021: 2 yes, stated 2 → agrees
    assert s.loc["b2021", "score_counted"] == 2 and s.loc["b2021", "difference"] == 0
    assert s.loc["b2021", "n_na"] == 1
    # c2022 has no appraisal rows: kept, nothing counted
    assert s.loc["c2022", "n_items"] == 0
    assert pd.isna(s.loc["c2022", "score_counted"]) and pd.isna(s.loc["c2022", "difference"])
    assert list(s.index) == ["a2020", "b2021", "c2022"]


def test_below_threshold_and_sensitivity():
    scores = jbi_scores(_jbi(), _studies())
    assert list(below_threshold(scores, 3)["study_id"]) == ["a2020", "b2021"]  # counted 2, 2
    assert list(below_threshold(scores, 3, score="jbi_score_stated")["study_id"]) == ["b2021"]  # stated 3, 2
    sens = threshold_sensitivity(scores, thresholds=[2, 3]).set_index("threshold")
    assert sens.loc[3, "n_included_stated"] == 1 and sens.loc[3, "n_excluded_stated"] == 1
    assert sens.loc[3, "n_included_counted"] == 0 and sens.loc[3, "n_excluded_counted"] == 2
    assert sens.loc[2, "n_included_counted"] == 2 and sens.loc[2, "n_missing_counted"] == 1
