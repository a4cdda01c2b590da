"""Tests of evidence_book.methods.pooling (2×2 counts → pooled summary; leave-one-out; subgroups)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evidence_book.methods.pooling import leave_one_out, pool_2x2, subgroup_analysis

DATA = pd.DataFrame({
    "study": ["A", "B", "C", "D", "E"],
    "events_treated": [10, 5, 12, 30, 2], "n_treated": [50, 40, 60, 100, 20],
    "events_control": [20, 8, 15, 35, 6], "n_control": [50, 35, 60, 100, 20],
    "group": ["x", "x", "y", "y", "y"],
})


def test_pool_2x2_reports_ratio_scale_and_weights():
    s, studies = pool_2x2(DATA, "RR", "REML", "wald")
    assert s["k"] == 5 and s["measure"] == "RR" and s["ci_method"] == "wald"
    assert s["ci_low"] < s["estimate"] < s["ci_high"]
    assert s["estimate"] == pytest.approx(math.exp(s["mu"]))
    assert studies["weight"].sum() == pytest.approx(100)
    assert studies.loc[0, "estimate"] == pytest.approx((10 / 50) / (20 / 50))


def test_leave_one_out_equals_pooling_without_the_study():
    loo = leave_one_out(DATA, "OR", "DL", "wald")
    assert list(loo["omitted"]) == list(DATA["study"])
    direct, _ = pool_2x2(DATA.drop(index=2), "OR", "DL", "wald")
    assert loo.loc[2, "estimate"] == pytest.approx(direct["estimate"]) and loo.loc[2, "k"] == 4


def test_subgroup_difference_test_by_hand():
    table, test = subgroup_analysis(DATA, "group", "RR", "FE", "wald")
    assert list(table["subgroup"]) == ["x", "y"] and list(table["k"]) == [2, 3]
    x, _ = pool_2x2(DATA[DATA.group == "x"], "RR", "FE", "wald")
    y, _ = pool_2x2(DATA[DATA.group == "y"], "RR", "FE", "wald")
    mu, w = np.array([x["mu"], y["mu"]]), 1 / np.array([x["se"], y["se"]]) ** 2
    q = (w * (mu - (w * mu).sum() / w.sum()) ** 2).sum()
    assert test["q"] == pytest.approx(q) and test["df"] == 1
    assert test["p"] == pytest.approx(stats.chi2.sf(q, 1))


def test_single_study_subgroup_has_no_test():
    d = DATA.assign(group=["x", "y", "y", "y", "y"])
    table, test = subgroup_analysis(d, "group", "RR", "DL", "wald")
    assert table.loc[0, "k"] == 1 and math.isnan(test["q"])
