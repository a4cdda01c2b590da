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


def test_score_mismatch_sentences_name_the_study_and_both_scores():
    mismatch = pd.DataFrame({"first_author": ["Chen"], "year": pd.array([2024], dtype="Int64"),
                             "jbi_score_stated": pd.array([10], dtype="Int64"), "score_counted": [9]})
    assert nerve.score_mismatch_sentences(mismatch) == ["Chen 2024: the review prints 10/13, its answers count 9/13."]
    assert nerve.score_mismatch_sentences(mismatch.iloc[:0]) == []


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


def test_vote_table_reads_the_proportion_with_its_interval_in_one_column():
    votes_df = pd.DataFrame({"domain": ["functional"], "n_studies": [12], "n_favours_treatment": [11],
                             "n_favours_control": [0], "n_no_difference": [0], "n_unclear": [1],
                             "n_with_direction": [11], "proportion_favouring": [1.0], "ci_low": [0.7412],
                             "ci_high": [1.0], "sign_test_p": [0.00098]})
    out = nerve.vote_table(votes_df)
    assert list(out.columns) == ["Outcome domain", "Studies", "Favour treatment", "Favour control", "No difference",
                                 "Unclear", "Favouring treatment (95% CI)", "Sign test p"]
    assert out.iloc[0]["Favouring treatment (95% CI)"] == "100% (74–100%)"
    assert out.iloc[0]["Sign test p"] == "< 0.001"


def test_group_means_table_prints_mean_with_sd_and_says_when_the_sd_is_missing():
    assert nerve.mean_sd(657.0, 224.0) == "657 (224)"
    assert nerve.mean_sd(2.862, float("nan")) == "2.862 (—)"
    assert nerve.mean_sd(pd.NA, 1.0) == ""
    na = pd.array([None], dtype="Float64")
    means = pd.DataFrame({"study_id": ["s1"], "measure": ["axon diameter"], "mean_treatment": [2.88],
                          "sd_treatment": [0.42], "n_treatment": pd.array([None], dtype="Int64"), "mean_control": [2.23],
                          "sd_control": na, "n_control": pd.array([None], dtype="Int64"), "unit": ["μm"], "g": na,
                          "computable": [False], "reason": ["group sizes not reported"]})
    studies = pd.DataFrame({"study_id": ["s1"], "first_author": ["Gärtner"], "year": [2014]})
    out = nerve.group_means_table(means, studies)
    assert list(out.columns) == ["Study", "Measure", "Treated: mean (SD)", "n (treated)", "Control: mean (SD)",
                                 "n (control)", "Unit", "Hedges' g", "Why no effect size"]
    assert out.iloc[0][["Study", "Treated: mean (SD)", "Control: mean (SD)"]].tolist() == ["Gärtner 2014", "2.88 (0.42)",
                                                                                        "2.23 (—)"]
