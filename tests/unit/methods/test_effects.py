"""Tests of evidence_book.methods.effects."""
from __future__ import annotations

import math
import numpy as np
import pandas as pd
import pytest
from evidence_book.methods.effects import binary_effects, continuous_effects, pool, smd, two_by_two


Z = 1.959963984540054  # standard normal 97.5% quantile


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
