"""Meta-analysis to the current Cochrane standard: τ² estimators, HKSJ interval, prediction interval.

`meta_analysis(yi, vi, method, ci)` pools effects on the analysis scale (log RR / log OR / RD).

Library use: statsmodels ``combine_effects`` gives the DerSimonian–Laird and Paule–Mandel τ²,
Cochran's Q and the fixed-effect (inverse-variance) estimate; ``scipy.stats`` gives the
distributions. Written by hand, each said so where it happens, because statsmodels 0.15 has no
such piece: the REML τ² (`tau2_reml`), the Q-profile CI of τ² (`tau2_qprofile`), the
Hartung–Knapp–Sidik–Jonkman (HKSJ) interval for REML weights and the prediction interval
(`prediction_interval`). Mantel–Haenszel pooling of 2×2 tables lives in `methods.mantel_haenszel`.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

METHODS = ("REML", "DL", "PM", "FE")
CI_METHODS = ("wald", "hksj")
METHOD_NAMES = {"REML": "REML", "DL": "DerSimonian-Laird", "PM": "Paule-Mandel", "FE": "fixed effect (inverse variance)",
                "MH": "Mantel-Haenszel (fixed effect)"}


def _arrays(yi, vi) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.shape != v.shape or y.ndim != 1:
        raise ValueError("yi and vi must be 1-D and of the same length")
    if not (np.isfinite(y).all() and np.isfinite(v).all()):
        raise ValueError("yi and vi must be finite (drop studies without an estimable effect first)")
    if (v <= 0).any():
        raise ValueError("every variance must be positive")
    return y, v


def _wmean(y, w) -> float:
    return float((w * y).sum() / w.sum())


def q_generalised(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Generalised Q: Σ (y − μ̂(τ²))² / (v + τ²); equals Cochran's Q at τ² = 0."""
    w = 1 / (v + tau2)
    return float((w * (y - _wmean(y, w)) ** 2).sum())


def tau2_reml(yi, vi, tol: float = 1e-10, max_iter: int = 1000) -> float:
    """Restricted maximum-likelihood τ² (Viechtbauer 2005, eq. 10), truncated at 0.

    Hand-written: statsmodels' ``combine_effects`` offers only DerSimonian–Laird and Paule–Mandel.
    Fixed-point iteration τ² ← Σw²((y−μ̂)² − v)/Σw² + 1/Σw with w = 1/(v + τ²), started at the
    DL value, with the REML restricted log-likelihood maximised on a bracket as a fallback when
    the iteration does not settle. Checked in tests against metafor's ``rma(method="REML")``.
    """
    y, v = _arrays(yi, vi)
    if len(y) < 2:
        raise ValueError("REML needs at least 2 studies")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        t = max(0.0, float(combine_effects(y, v, method_re="dl").tau2))
    for _ in range(max_iter):
        w = 1 / (v + t)
        mu = _wmean(y, w)
        new = max(0.0, float((w**2 * ((y - mu) ** 2 - v)).sum() / (w**2).sum() + 1 / w.sum()))
        if abs(new - t) < tol:
            return new
        t = new

    def neg_loglik(tau2):  # − restricted log-likelihood (constant dropped)
        w = 1 / (v + tau2)
        mu = _wmean(y, w)
        return 0.5 * (np.log(v + tau2).sum() + math.log(w.sum()) + (w * (y - mu) ** 2).sum())
    upper = 10 * (float(np.var(y)) + float(v.max())) + 1.0
    res = optimize.minimize_scalar(neg_loglik, bounds=(0.0, upper), method="bounded", options={"xatol": 1e-12})
    return float(res.x)


def tau2_qprofile(yi, vi, alpha: float = 0.05) -> tuple[float, float]:
    """Q-profile confidence interval of τ² (Viechtbauer 2007): the τ² where the generalised Q
    equals the χ²(k−1) quantiles 1−α/2 (lower bound) and α/2 (upper bound); a bound is 0 when Q(0)
    is already below its quantile.

    Hand-written (root finding with scipy ``brentq``): statsmodels gives no CI for τ².
    """
    y, v = _arrays(yi, vi)
    k = len(y)
    if k < 2:
        return (math.nan, math.nan)

    def bound(target):
        if q_generalised(y, v, 0.0) <= target:
            return 0.0
        hi = max(1.0, float(np.var(y)))
        while q_generalised(y, v, hi) > target:
            hi *= 2
            if hi > 1e8:
                return math.inf
        return float(optimize.brentq(lambda t: q_generalised(y, v, t) - target, 0.0, hi, xtol=1e-12))
    return (bound(stats.chi2.ppf(1 - alpha / 2, k - 1)), bound(stats.chi2.ppf(alpha / 2, k - 1)))


def prediction_interval(mu: float, se: float, tau2: float, k: int, alpha: float = 0.05) -> tuple[float, float, int]:
    """95% prediction interval for the effect in a new study: μ̂ ± t(k−2)·√(τ² + SE(μ̂)²).

    Hand-written (statsmodels has none). Student t with k − 2 degrees of freedom, as Higgins,
    Thompson & Spiegelhalter (2009) and IntHout et al. (2016) propose: it allows for τ² and μ both
    being estimated, so it needs k ≥ 3 (NaN otherwise). Returns (low, high, df).
    """
    if k < 3 or not np.isfinite(tau2):
        return (math.nan, math.nan, max(k - 2, 0))
    half = stats.t.ppf(1 - alpha / 2, k - 2) * math.sqrt(tau2 + se**2)
    return (mu - half, mu + half, k - 2)


def i2_from_q(q: float, k: int) -> float:
    """Higgins & Thompson's I² = max(0, (Q − df)/Q) in percent (0 when Q is 0)."""
    return max(0.0, (q - (k - 1)) / q) * 100 if q > 0 else 0.0


def meta_analysis(yi, vi, method: str = "REML", ci: str | None = None, alpha: float = 0.05) -> dict:
    """Inverse-variance meta-analysis of effects ``yi`` (analysis scale) with variances ``vi``.

    ``method``: ``REML`` (default; hand-written `tau2_reml`), ``DL`` or ``PM`` (τ² from statsmodels
    ``combine_effects``; a negative DL τ² is set to 0, as metafor does) or ``FE`` (common effect).
    ``ci``: ``hksj`` (default for random effects: Hartung–Knapp–Sidik–Jonkman, t with k−1 df and
    the SE scaled by the weighted residual variance, not truncated at 1, as metafor's
    ``test="knha"``) or ``wald`` (normal; the only choice for FE).
    Returns ``k, method, ci_method, mu, se, ci_low, ci_high, stat, p_value, dist`` (``"z"`` or
    ``"t(df)"``), ``tau2, tau2_ci_low, tau2_ci_high`` (Q-profile; NaN for FE), ``pi_low, pi_high,
    pi_df`` (random effects with k ≥ 3, else NaN), ``q, q_df, q_p, i2`` (from Q), ``weights``
    (percent, in input order). Everything on the analysis scale.
    """
    y, v = _arrays(yi, vi)
    meth = str(method).upper()
    if meth not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    ci_m = (str(ci).lower() if ci is not None else ("wald" if meth == "FE" else "hksj"))
    if ci_m not in CI_METHODS:
        raise ValueError(f"ci must be one of {CI_METHODS}, got {ci!r}")
    if meth == "FE" and ci_m == "hksj":
        raise ValueError("the HKSJ interval is for random-effects models; use ci='wald' with FE")
    k = len(y)
    if k < 2:
        raise ValueError(f"pooling needs at least 2 studies with an effect and a variance, got {k}")
    with warnings.catch_warnings():  # statsmodels takes sqrt of a negative DL τ² before we truncate it
        warnings.simplefilter("ignore", RuntimeWarning)
        res = combine_effects(y, v, method_re="pm" if meth == "PM" else "dl", alpha=alpha)
    q = float(res.q)
    if meth == "FE":
        tau2 = 0.0
    elif meth == "REML":
        tau2 = tau2_reml(y, v)
    else:
        tau2 = max(0.0, float(res.tau2))
    w = 1 / (v + tau2)
    if meth == "FE":
        mu, se = float(res.mean_effect_fe), float(res.sd_eff_w_fe)
    elif meth in ("DL", "PM") and tau2 == float(res.tau2):
        mu, se = float(res.mean_effect_re), float(res.sd_eff_w_re)
    else:  # REML, or a DL/PM τ² truncated at 0: same inverse-variance formula with our τ²
        mu, se = _wmean(y, w), math.sqrt(1 / w.sum())
    if ci_m == "hksj":
        # HKSJ: Var = Σw(y−μ)² / ((k−1) Σw); statsmodels' var_hksj_re is this for DL/PM weights.
        se = math.sqrt(float((w * (y - mu) ** 2).sum()) / ((k - 1) * w.sum()))
        crit, dist = stats.t.ppf(1 - alpha / 2, k - 1), f"t({k - 1})"
        p = float(2 * stats.t.sf(abs(mu / se), k - 1)) if se > 0 else math.nan
    else:
        crit, dist = stats.norm.isf(alpha / 2), "z"
        p = float(2 * stats.norm.sf(abs(mu / se)))
    if meth == "FE":
        t_lo = t_hi = math.nan
        pi_lo = pi_hi = math.nan
        pi_df = None
    else:
        t_lo, t_hi = tau2_qprofile(y, v, alpha)
        # the PI uses the Wald SE of μ̂ (IntHout 2016), whatever the CI method
        pi_lo, pi_hi, pi_df = prediction_interval(mu, math.sqrt(1 / w.sum()), tau2, k, alpha)
    return {
        "k": k, "method": meth, "ci_method": ci_m, "mu": mu, "se": se,
        "ci_low": mu - crit * se, "ci_high": mu + crit * se, "stat": mu / se if se > 0 else math.nan,
        "p_value": p, "dist": dist, "tau2": tau2 if meth != "FE" else math.nan,
        "tau2_ci_low": t_lo, "tau2_ci_high": t_hi, "pi_low": pi_lo, "pi_high": pi_hi, "pi_df": pi_df,
        "q": q, "q_df": k - 1, "q_p": float(stats.chi2.sf(q, k - 1)), "i2": i2_from_q(q, k),
        "weights": (100 * w / w.sum()).tolist(),
    }
