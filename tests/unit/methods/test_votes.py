"""Tests of evidence_book.methods.votes."""
from __future__ import annotations

import math
import pandas as pd
import pytest
from evidence_book.methods.votes import study_directions, vote_count


Z = 1.959963984540054  # standard normal 97.5% quantile


def wilson(x, n, z=Z):
    """Wilson score interval, written out from Wilson (1927)."""
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def _outcomes(rows):
    return pd.DataFrame(rows, columns=["study_id", "domain", "direction"]).astype("string")


def test_study_directions_rule():
    o = _outcomes([
        ("s1", "functional", "favours_treatment"), ("s1", "functional", "favours_treatment"),  # all agree
        ("s2", "functional", "favours_treatment"), ("s2", "functional", "favours_control"),  # tie, no n.d.
        ("s3", "functional", "favours_treatment"), ("s3", "functional", "favours_control"),
        ("s3", "functional", "no_difference"),  # tie with a no_difference
        ("s4", "functional", "favours_treatment"), ("s4", "functional", "favours_treatment"),
        ("s4", "functional", "favours_control"),  # 2 vs 1
        ("s5", "functional", "unclear"), ("s5", "functional", "no_difference"),  # nothing known
        ("s6", "functional", "unclear"), ("s6", "functional", "unclear"),  # all unclear
        ("s7", "functional", "favours_control"), ("s7", "functional", "unclear"),  # 0 vs 1
        ("s8", "functional", "favours_treatment"), ("s8", "functional", "no_difference"),  # 1 vs 0
    ])
    d = study_directions(o).set_index("study_id")
    assert d.loc["s1", "direction"] == "favours_treatment"
    assert d.loc["s2", "direction"] == "unclear"
    assert d.loc["s3", "direction"] == "no_difference"
    assert d.loc["s4", "direction"] == "favours_treatment"
    assert d.loc["s5", "direction"] == "no_difference"
    assert d.loc["s6", "direction"] == "unclear"
    assert d.loc["s7", "direction"] == "favours_control"
    assert d.loc["s8", "direction"] == "favours_treatment"
    assert (d.loc["s4", "n_measures"], d.loc["s4", "n_favour"], d.loc["s4", "n_against"]) == (3, 2, 1)
    # effect-direction-plot threshold: 2 of 3 = 67% < 70% → no clear direction
    assert study_directions(o, min_share=0.7).set_index("study_id").loc["s4", "direction"] == "unclear"


def test_sign_test_and_wilson_nine_of_nine():
    d = pd.DataFrame({"study_id": [f"s{i}" for i in range(9)], "domain": "functional",
                      "direction": "favours_treatment"})
    v = vote_count(d).iloc[0]
    assert v["n_with_direction"] == 9 and v["proportion_favouring"] == 1.0
    assert v["sign_test_p"] == pytest.approx(2 * 0.5**9)  # 0.00390625
    assert v["sign_test_p"] == pytest.approx(0.00390625)
    low, high = wilson(9, 9)
    assert low == pytest.approx(9 / (9 + Z**2))  # Wilson lower bound at p = 1 simplifies to n/(n+z²)
    assert v["ci_low"] == pytest.approx(low, abs=1e-9)
    assert v["ci_low"] == pytest.approx(0.70085, abs=1e-4)
    assert v["ci_high"] == pytest.approx(1.0)


def test_sign_test_seven_of_ten():
    dirs = ["favours_treatment"] * 7 + ["favours_control"] * 3 + ["unclear", "no_difference"]
    d = pd.DataFrame({"study_id": [f"s{i}" for i in range(12)], "domain": "histological", "direction": dirs})
    v = vote_count(d).iloc[0]
    # P(X >= 7 | n=10, p=.5) = (C(10,7)+C(10,8)+C(10,9)+C(10,10)) / 2^10 = 176/1024; two-sided doubles it
    assert v["sign_test_p"] == pytest.approx(2 * 176 / 1024)
    assert v["sign_test_p"] == pytest.approx(0.34375)
    assert (v["n_studies"], v["n_with_direction"], v["n_unclear"], v["n_no_difference"]) == (12, 10, 1, 1)
    low, high = wilson(7, 10)
    assert (v["ci_low"], v["ci_high"]) == (pytest.approx(low), pytest.approx(high))


def test_vote_count_with_subgroup_and_overall():
    o = _outcomes([
        ("m1", "functional", "favours_treatment"), ("m1", "histological", "favours_treatment"),
        ("m2", "functional", "favours_treatment"), ("m2", "histological", "unclear"),
        ("m3", "functional", "favours_control"),
        ("f1", "functional", "no_difference"), ("f1", "histological", "favours_treatment"),
        ("x1", "functional", "unclear"),
    ])
    d = study_directions(o).merge(
        pd.DataFrame({"study_id": ["m1", "m2", "m3", "f1", "x1"], "sex": ["male", "male", "male", "female", pd.NA]}),
        on="study_id")
    v = vote_count(d, subgroup="sex", overall=True)
    key = v.set_index(["sex", "domain"])
    male_fun = key.loc[("male", "functional")]
    assert (male_fun["n_studies"], male_fun["n_favours_treatment"], male_fun["n_favours_control"]) == (3, 2, 1)
    assert male_fun["proportion_favouring"] == pytest.approx(2 / 3)
    assert male_fun["sign_test_p"] == pytest.approx(1.0)  # 2 of 3: P(X>=2)=4/8, doubled, capped at 1
    fem_fun = key.loc[("female", "functional")]
    assert fem_fun["n_no_difference"] == 1 and fem_fun["n_with_direction"] == 0
    assert pd.isna(fem_fun["proportion_favouring"]) and pd.isna(fem_fun["sign_test_p"]) and pd.isna(fem_fun["ci_low"])
    # overall: one vote per study. m1 (2 fav) fav, m2 (1 fav, 1 unclear) fav, m3 control
    male_all = key.loc[("male", "overall")]
    assert (male_all["n_studies"], male_all["n_favours_treatment"], male_all["n_favours_control"]) == (3, 2, 1)
    # f1: 1 favour vs 0 against → favours treatment overall
    assert key.loc[("female", "overall"), "n_favours_treatment"] == 1
    # the study with no sex reported forms its own subgroup
    na_rows = v[v["sex"].isna()]
    assert set(na_rows["domain"]) == {"functional", "overall"} and (na_rows["n_unclear"] == 1).all()
