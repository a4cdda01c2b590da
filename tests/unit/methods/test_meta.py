"""Tests of evidence_book.methods.meta against metafor's published dat.bcg results and hand formulas."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from evidence_book.methods.effects import binary_effects
from evidence_book.methods.meta import (meta_analysis, prediction_interval, q_generalised, tau2_qprofile,
                                        tau2_reml)


def _load_sibling(name):
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location(f"_{name}", Path(__file__).with_name(f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_bcg = _load_sibling("test_effects")._bcg  # the dat.bcg 2×2 table (13 trials), defined once there


@pytest.fixture(scope="module")
def bcg():
    b = binary_effects(_bcg(), "RR")
    return b["yi"].to_numpy(dtype=float), b["vi"].to_numpy(dtype=float)


def test_reml_matches_metafor(bcg):
    # metafor: rma(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)  (REML, the default)
    # tau^2 = 0.3132, estimate -0.7145, RR 0.4894 (95% CI 0.3441 to 0.6962), Q(12) = 152.2330
    r = meta_analysis(*bcg, method="REML", ci="wald")
    assert r["tau2"] == pytest.approx(0.3132, abs=1e-4)
    assert tau2_reml(*bcg) == pytest.approx(0.3132, abs=1e-4)
    assert r["mu"] == pytest.approx(-0.7145, abs=1e-4)
    assert math.exp(r["mu"]) == pytest.approx(0.4894, abs=1e-4)
    assert math.exp(r["ci_low"]) == pytest.approx(0.3441, abs=1e-4)
    assert math.exp(r["ci_high"]) == pytest.approx(0.6962, abs=1e-4)
    assert r["q"] == pytest.approx(152.23, abs=0.01) and r["q_df"] == 12
    assert r["i2"] == pytest.approx(92.12, abs=0.01)


@pytest.mark.parametrize("method, tau2, mu, ci", [
    ("DL", 0.3088, -0.7141, (0.3449, 0.6950)),
    ("PM", 0.3181, -0.7150, None),
    ("FE", None, -0.4303, None),
])
def test_other_estimators_match_metafor(bcg, method, tau2, mu, ci):
    r = meta_analysis(*bcg, method=method, ci="wald")
    assert r["mu"] == pytest.approx(mu, abs=1e-4)
    if tau2 is None:
        assert math.isnan(r["tau2"]) and math.isnan(r["pi_low"])
    else:
        assert r["tau2"] == pytest.approx(tau2, abs=1e-4)
    if ci:
        assert (math.exp(r["ci_low"]), math.exp(r["ci_high"])) == (pytest.approx(ci[0], abs=1e-4),
                                                                  pytest.approx(ci[1], abs=1e-4))


def test_reml_is_the_maximum_of_the_restricted_likelihood(bcg):
    """Independent check: the REML τ² maximises the restricted log-likelihood on a fine grid."""
    y, v = bcg

    def ll(t):
        w = 1 / (v + t)
        mu = (w * y).sum() / w.sum()
        return -0.5 * (np.log(v + t).sum() + np.log(w.sum()) + (w * (y - mu) ** 2).sum())
    grid = np.linspace(0.0, 2.0, 200001)
    best = grid[np.argmax([ll(t) for t in grid])]
    assert tau2_reml(y, v) == pytest.approx(best, abs=2e-5)


def test_hksj_agrees_with_an_independent_calculation(bcg):
    """HKSJ (IntHout et al. 2014): q = Σw*(y − μ)²/(k−1), SE = √(q/Σw*), μ ± t(k−1)·SE."""
    y, v = bcg
    r = meta_analysis(y, v, method="REML", ci="hksj")
    t2 = r["tau2"]
    ws = [1.0 / (vi + t2) for vi in v]
    mu = sum(w * yi for w, yi in zip(ws, y)) / sum(ws)
    qs = sum(w * (yi - mu) ** 2 for w, yi in zip(ws, y)) / (len(y) - 1)
    se = math.sqrt(qs / sum(ws))
    t = stats.t.ppf(0.975, len(y) - 1)
    assert r["se"] == pytest.approx(se, rel=1e-9)
    assert r["ci_low"] == pytest.approx(mu - t * se, rel=1e-9)
    assert r["ci_high"] == pytest.approx(mu + t * se, rel=1e-9)
    assert r["dist"] == "t(12)"
    # wider than Wald here (the weighted residual variance q is above 1)
    wald = meta_analysis(y, v, method="REML", ci="wald")
    assert r["ci_high"] - r["ci_low"] > wald["ci_high"] - wald["ci_low"]


def test_prediction_interval_agrees_with_an_independent_calculation(bcg):
    """PI = μ ± t(k−2)·√(τ² + SE²) (Higgins et al. 2009; Cochrane Handbook §10.10.4.3), SE the Wald SE."""
    y, v = bcg
    r = meta_analysis(y, v, method="REML")
    w = 1 / (v + r["tau2"])
    se_wald = 1 / math.sqrt(w.sum())
    half = stats.t.ppf(0.975, 11) * math.sqrt(0.3132 + se_wald**2)
    assert r["pi_df"] == 11
    assert r["pi_low"] == pytest.approx(-0.7145 - half, abs=2e-4)
    assert r["pi_high"] == pytest.approx(-0.7145 + half, abs=2e-4)
    assert prediction_interval(0.0, 0.1, 0.2, k=2)[0] != prediction_interval(0.0, 0.1, 0.2, k=2)[0]  # NaN for k < 3


def test_qprofile_ci_solves_its_defining_equations(bcg):
    y, v = bcg
    lo, hi = tau2_qprofile(y, v)
    assert q_generalised(y, v, lo) == pytest.approx(stats.chi2.ppf(0.975, 12), rel=1e-7)
    assert q_generalised(y, v, hi) == pytest.approx(stats.chi2.ppf(0.025, 12), rel=1e-7)
    # metafor confint(rma(...)): tau^2 0.3132 [0.1197; 1.1115]
    assert (lo, hi) == (pytest.approx(0.1197, abs=1e-4), pytest.approx(1.1115, abs=1e-4))


def test_homogeneous_data_gives_tau2_zero_and_lower_bound_zero():
    y = np.array([0.20, 0.21, 0.19, 0.20])
    v = np.full(4, 0.05)
    r = meta_analysis(y, v, method="REML", ci="wald")
    assert r["tau2"] == 0.0 and r["tau2_ci_low"] == 0.0 and r["i2"] == 0.0
    assert r["mu"] == pytest.approx(0.2)
    assert sum(r["weights"]) == pytest.approx(100)


def test_bad_arguments_raise(bcg):
    with pytest.raises(ValueError):
        meta_analysis(*bcg, method="FE", ci="hksj")
    with pytest.raises(ValueError):
        meta_analysis(*bcg, method="ML")
    with pytest.raises(ValueError):
        meta_analysis([0.1], [0.1])
