"""Tests of evidence_book.reviews.nerve."""
from __future__ import annotations

import pandas as pd
from evidence_book.reviews import nerve


def test_overall_vote_reads_the_overall_row():
    by_domain = pd.DataFrame({"domain": ["functional", "overall"], "n_favours_treatment": [3, 9],
                              "n_with_direction": [3, 9], "sign_test_p": [0.25, 2 * 0.5**9]})
    assert nerve.overall_vote(by_domain) == {"overall_favour": 9, "overall_with_direction": 9, "overall_p": "0.0039"}


def test_score_mismatches_keeps_only_differences():
    scores = pd.DataFrame({"study_id": ["a", "b", "c"], "difference": pd.array([0, 1, None], dtype="Int64")})
    assert nerve.score_mismatches(scores)["study_id"].tolist() == ["b"]


def test_weight_midpoints_and_measures_per_study():
    studies = pd.DataFrame({"weight_min_g": pd.array([200, None], dtype="Float64"),
                            "weight_max_g": pd.array([300, None], dtype="Float64")})
    mid = nerve.weight_midpoints(studies)
    assert mid[0] == 250 and pd.isna(mid[1])
    outcomes = pd.DataFrame({"study_id": ["a", "a", "b"], "measure": ["SFI", "SFI", "SFI"]})
    assert nerve.measures_per_study(outcomes).tolist() == ["SFI", "SFI"]


def test_group_means_says_why_no_smd_without_group_sizes():
    outcomes = pd.DataFrame({
        "study_id": ["a", "b"], "domain": ["histological"] * 2, "measure": ["axon diameter", "SFI"],
        "direction": ["favours_treatment"] * 2,
        "mean_treatment": pd.array([2.0, None], dtype="Float64"), "sd_treatment": pd.array([0.5, None], dtype="Float64"),
        "n_treatment": pd.array([None, None], dtype="Int64"), "mean_control": pd.array([1.5, None], dtype="Float64"),
        "sd_control": pd.array([0.5, None], dtype="Float64"), "n_control": pd.array([None, None], dtype="Int64"),
        "unit": ["µm", None]})
    t = nerve.group_means(outcomes)
    assert t["study_id"].tolist() == ["a"]
    assert not t["computable"].iloc[0] and "group size" in t["reason"].iloc[0]


def test_protocol_counts():
    searches = pd.DataFrame({"database": ["PubMed", "Scopus"]})
    criteria = pd.DataFrame({"kind": ["inclusion", "inclusion", "exclusion"]})
    assert nerve.protocol_counts(searches, criteria) == {"n_databases": 2, "n_inclusion": 2, "n_exclusion": 1}
