"""Tests of evidence_book.analysis against hand calculations and published reference values.

Expected numbers are computed here from the textbook formulas (or quoted from a publication),
never copied from the functions' output.
"""
import math

import numpy as np
import pandas as pd
import pytest

from evidence_book.analysis import (
    below_threshold, binary_effects, continuous_effects, count_by, instrument_counts, jbi_scores, pool,
    range_of, smd, study_directions, threshold_sensitivity, totals, two_by_two, vote_count,
)

Z = 1.959963984540054  # standard normal 97.5% quantile


def wilson(x, n, z=Z):
    """Wilson score interval, written out from Wilson (1927)."""
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


# ---------------------------------------------------------------- quality

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


# ---------------------------------------------------------------- votes

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


# ---------------------------------------------------------------- effects: 2×2

def test_risk_ratio_30_of_100_vs_15_of_100():
    r = two_by_two(30, 100, 15, 100, "RR")
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 15 - 1 / 100)
    assert r["estimate"] == pytest.approx(2.0)
    assert r["se"] == pytest.approx(se)
    assert r["log_estimate"] == pytest.approx(math.log(2))
    assert r["ci_low"] == pytest.approx(math.exp(math.log(2) - Z * se))
    assert r["ci_high"] == pytest.approx(math.exp(math.log(2) + Z * se))
    assert r["corrected"] is False


def test_odds_ratio_and_risk_difference():
    o = two_by_two(30, 100, 15, 100, "OR")
    assert o["estimate"] == pytest.approx((30 * 85) / (70 * 15))
    se = math.sqrt(1 / 30 + 1 / 70 + 1 / 15 + 1 / 85)
    assert o["se"] == pytest.approx(se)
    assert o["ci_low"] == pytest.approx((30 * 85) / (70 * 15) * math.exp(-Z * se))
    d = two_by_two(30, 100, 15, 100, "RD")
    se_rd = math.sqrt(0.3 * 0.7 / 100 + 0.15 * 0.85 / 100)
    assert d["estimate"] == pytest.approx(0.15)
    assert d["se"] == pytest.approx(se_rd)
    assert (d["ci_low"], d["ci_high"]) == (pytest.approx(0.15 - Z * se_rd), pytest.approx(0.15 + Z * se_rd))
    assert math.isnan(d["log_estimate"]) and d["vi"] == pytest.approx(se_rd**2)


def test_zero_cell_correction():
    # 0/10 vs 5/10 → add 0.5 to every cell: a=.5, b=10.5, c=5.5, d=5.5
    r = two_by_two(0, 10, 5, 10, "RR")
    assert r["corrected"] is True
    assert r["estimate"] == pytest.approx((0.5 / 11) / (5.5 / 11))
    assert r["se"] == pytest.approx(math.sqrt(1 / 0.5 - 1 / 11 + 1 / 5.5 - 1 / 11))
    o = two_by_two(0, 10, 5, 10, "OR")
    assert o["estimate"] == pytest.approx((0.5 * 5.5) / (10.5 * 5.5))
    assert o["se"] == pytest.approx(math.sqrt(1 / 0.5 + 1 / 10.5 + 1 / 5.5 + 1 / 5.5))
    # a zero in a non-event cell also triggers it: 10/10 vs 5/10
    assert two_by_two(10, 10, 5, 10, "RR")["corrected"] is True
    # RD is not corrected
    assert two_by_two(0, 10, 5, 10, "RD")["estimate"] == pytest.approx(-0.5)


def test_binary_effects_not_estimable_rows():
    df = pd.DataFrame({
        "events_aasc": pd.array([30, 0, pd.NA, 0], dtype="Int64"),
        "n_aasc": pd.array([100, 10, 20, 12], dtype="Int64"),
        "events_control": pd.array([15, 0, 4, 3], dtype="Int64"),
        "n_control": pd.array([100, 10, 20, 12], dtype="Int64"),
    })
    out = binary_effects(df, "RR")
    assert out.loc[0, "estimate"] == pytest.approx(2.0)
    assert out.loc[0, "yi"] == pytest.approx(math.log(2))
    assert out.loc[0, "vi"] == pytest.approx(1 / 30 - 1 / 100 + 1 / 15 - 1 / 100)
    assert pd.isna(out.loc[1, "estimate"]) and "no events" in out.loc[1, "note"]
    assert pd.isna(out.loc[2, "estimate"]) and "not reported" in out.loc[2, "note"]
    assert bool(out.loc[3, "corrected"]) and out.loc[3, "note"] != ""
    assert out.loc[3, "estimate"] == pytest.approx((0.5 / 13) / (3.5 / 13))


def test_impossible_counts_raise():
    with pytest.raises(ValueError):
        two_by_two(11, 10, 1, 10)


# ---------------------------------------------------------------- effects: pooling

# BCG vaccine trials (Colditz et al. 1994, JAMA 271:698), as metafor's dat.bcg:
# tpos, tneg, cpos, cneg
BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def _bcg():
    df = pd.DataFrame(BCG, columns=["tpos", "tneg", "cpos", "cneg"])
    return pd.DataFrame({"events_aasc": df.tpos, "n_aasc": df.tpos + df.tneg,
                         "events_control": df.cpos, "n_control": df.cpos + df.cneg})


def test_pool_dersimonian_laird_bcg_matches_metafor():
    # metafor: rma(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg, method="DL")
    # estimate -0.7141 (se 0.1787), CI -1.0644 to -0.3638, tau^2 0.3088, I^2 92.12%, Q(12) = 152.2330
    res = pool(binary_effects(_bcg(), "RR"), method="dl", measure="RR")
    assert res["k"] == 13
    assert res["log_estimate"] == pytest.approx(-0.7141, abs=1e-3)
    assert res["estimate"] == pytest.approx(math.exp(-0.7141), abs=1e-3)  # 0.4896
    assert res["estimate"] == pytest.approx(0.4896, abs=1e-3)
    assert res["tau2"] == pytest.approx(0.3088, abs=1e-3)
    assert res["se"] == pytest.approx(0.1787, abs=1e-3)
    assert res["ci_low"] == pytest.approx(math.exp(-1.0644), abs=1e-3)
    assert res["ci_high"] == pytest.approx(math.exp(-0.3638), abs=1e-3)
    assert res["q"] == pytest.approx(152.2330, abs=1e-3)
    assert res["i2"] == pytest.approx(92.12, abs=0.01)
    assert res["p_heterogeneity"] < 1e-4


def test_pool_dl_by_hand_and_fixed():
    # three log effects, by the DerSimonian–Laird formulas written out
    y = np.array([0.1, 0.5, 0.9])
    v = np.array([0.04, 0.02, 0.05])
    w = 1 / v
    fe = (w * y).sum() / w.sum()
    q = (w * (y - fe) ** 2).sum()
    tau2 = max(0.0, (q - 2) / (w.sum() - (w**2).sum() / w.sum()))
    wr = 1 / (v + tau2)
    re = (wr * y).sum() / wr.sum()
    df = pd.DataFrame({"yi": y, "vi": v})
    res = pool(df, method="dl", measure="RR")
    assert res["tau2"] == pytest.approx(tau2)
    assert res["log_estimate"] == pytest.approx(re)
    assert res["ci_low"] == pytest.approx(math.exp(re - Z * math.sqrt(1 / wr.sum())))
    fixed = pool(df, method="fixed", measure="RD")
    assert fixed["estimate"] == pytest.approx(fe)  # RD: no back-transform
    assert fixed["se"] == pytest.approx(math.sqrt(1 / w.sum()))
    assert math.isnan(fixed["tau2"])


def test_pool_negative_dl_tau2_is_truncated():
    # nearly identical effects: Q < k - 1, DL tau^2 < 0 → 0, random effects = fixed effect
    y = np.array([0.20, 0.21, 0.19])
    v = np.array([0.05, 0.05, 0.05])
    res = pool(pd.DataFrame({"yi": y, "vi": v}), method="dl", measure="OR")
    assert res["tau2"] == 0.0 and res["i2"] == 0.0
    assert res["log_estimate"] == pytest.approx(y.mean())
    assert res["se"] == pytest.approx(math.sqrt(0.05 / 3))


def test_pool_paule_mandel_runs_and_needs_two_studies():
    res = pool(binary_effects(_bcg(), "RR"), method="pm")
    assert res["method"] == "Paule-Mandel" and res["tau2"] > 0 and res["estimate"] < 1
    with pytest.raises(ValueError):
        pool(pd.DataFrame({"yi": [0.1, np.nan], "vi": [0.1, 0.2]}))


# ---------------------------------------------------------------- effects: Hedges' g

def test_hedges_g_hand_example():
    mt, st, nt, mc, sc, nc = 14.0, 3.0, 12, 12.0, 2.0, 8
    sp = math.sqrt(((nt - 1) * st**2 + (nc - 1) * sc**2) / (nt + nc - 2))  # sqrt(127/18)
    d = (mt - mc) / sp
    j = 1 - 3 / (4 * (nt + nc - 2) - 1)  # Hedges' correction, df = 18 → 1 - 3/71
    g = j * d
    var = (nt + nc) / (nt * nc) + g**2 / (2 * (nt + nc - 3.94))
    r = smd(mt, st, nt, mc, sc, nc)
    assert r["g"] == pytest.approx(g)
    assert r["g"] == pytest.approx(0.7211, abs=1e-4)
    assert r["se"] == pytest.approx(math.sqrt(var))
    assert r["ci_low"] == pytest.approx(g - Z * math.sqrt(var))


def test_smd_missing_group_size_and_continuous_effects():
    assert math.isnan(smd(1.0, 1.0, pd.NA, 0.0, 1.0, 5)["g"])
    o = pd.DataFrame({
        "mean_treatment": pd.array([14.0, 2.0, pd.NA], dtype="Float64"),
        "sd_treatment": pd.array([3.0, 1.0, pd.NA], dtype="Float64"),
        "n_treatment": pd.array([12, pd.NA, pd.NA], dtype="Int64"),
        "mean_control": pd.array([12.0, 1.0, pd.NA], dtype="Float64"),
        "sd_control": pd.array([2.0, 1.0, pd.NA], dtype="Float64"),
        "n_control": pd.array([8, pd.NA, pd.NA], dtype="Int64"),
    })
    out = continuous_effects(o)
    assert list(out["computable"]) == [True, False, False]
    assert out.loc[0, "reason"] == "" and out.loc[1, "reason"] == "group sizes not reported"
    assert "means not reported" in out.loc[2, "reason"]
    assert out.loc[0, "g"] == pytest.approx(0.7211, abs=1e-4)
    assert pd.isna(out.loc[1, "g"])


# ---------------------------------------------------------------- describe

def test_describe_counts():
    s = _studies()
    assert totals(s) == {"n_studies": 3, "n_animals": 30, "n_animals_reported": 2}
    c = count_by(s, "sex")
    assert list(c["value"].iloc[:1]) == ["male"]
    assert (c.loc[0, "n_studies"], c.loc[0, "n_animals"]) == (2, 30)
    assert c.loc[0, "percent"] == pytest.approx(200 / 3)
    assert pd.isna(c.loc[1, "value"]) and c.loc[1, "n_studies"] == 1 and pd.isna(c.loc[1, "n_animals"])
    assert range_of(s, "weight_min_g", "weight_max_g") == (180, 300, 3)
    o = pd.DataFrame({"study_id": ["a", "a", "b", "c"], "domain": ["functional"] * 3 + ["histological"],
                      "measure": ["SFI", "SFI", "SFI", "axon count"]})
    ic = instrument_counts(o)
    assert (ic.loc[0, "measure"], ic.loc[0, "n_studies"]) == ("SFI", 2)
    assert ic.loc[1, "n_studies"] == 1
