"""Effect sizes and pooling: 2×2 risk ratio / odds ratio / risk difference, Hedges' g, meta-analysis.

Library use: statsmodels ``Table2x2`` (RR and OR with their log standard errors),
``effectsize_smd`` (Hedges' g and its variance); `pool` delegates to `methods.meta` (REML, DL,
PM, FE; Wald or HKSJ). Written by hand, and said so where it happens: the zero-cell correction
rule and the risk difference (no statsmodels 2×2 helper).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.meta_analysis import effectsize_smd

MEASURES = ("RR", "OR", "RD")
RATIO_MEASURES = ("RR", "OR")


def _missing(*values) -> bool:
    for v in values:
        if v is None or v is pd.NA:
            return True
        try:
            if math.isnan(float(v)):
                return True
        except (TypeError, ValueError):
            return True
    return False


def _measure(measure: str) -> str:
    m = str(measure).upper()
    if m not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    return m


def _nan_result(note: str) -> dict:
    return {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "log_estimate": np.nan, "se": np.nan,
            "yi": np.nan, "vi": np.nan, "corrected": False, "note": note}


def two_by_two(events_t, n_t, events_c, n_c, measure: str = "RR", alpha: float = 0.05) -> dict:
    """Effect of treatment vs control from events / group size per arm: RR, OR or RD with a Wald CI.

    Returns ``estimate, ci_low, ci_high, log_estimate, se, yi, vi, corrected, note``.
    RR and OR: Wald interval on the log scale, ``se`` is the SE of the log (statsmodels
    ``Table2x2``); when any of the four cells is zero, 0.5 is added to *all four* cells first
    (hand-written rule, Cochrane Handbook §10.4.4.1) and ``corrected`` is True.
    RD: plain Wald interval p_t − p_c ± z·√(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c), no correction
    (written by hand); ``log_estimate`` is NaN. ``yi``/``vi`` are the estimate and its variance
    on the analysis scale (log for RR/OR, raw for RD), ready for `pool`.
    Not estimable (NaN with a ``note``): missing counts, or no events in either arm, or all
    participants with events in both arms (such studies carry no information on a ratio).
    Impossible counts (negative, events > n, n = 0) raise ValueError.
    """
    m = _measure(measure)
    if _missing(events_t, n_t, events_c, n_c):
        return _nan_result("not estimable: counts not reported")
    a, n1, c, n2 = (float(x) for x in (events_t, n_t, events_c, n_c))
    if min(a, c) < 0 or n1 <= 0 or n2 <= 0 or a > n1 or c > n2:
        raise ValueError(f"impossible 2×2 counts: {events_t}/{n_t} vs {events_c}/{n_c}")
    if a == 0 and c == 0:
        return _nan_result("not estimable: no events in either arm")
    if a == n1 and c == n2:
        return _nan_result("not estimable: all participants had the event in both arms")
    z = stats.norm.isf(alpha / 2)

    if m == "RD":
        p1, p2 = a / n1, c / n2
        rd = p1 - p2
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        if se == 0:  # 0% or 100% in both arms: the Wald interval collapses to a point
            return {**_nan_result("RD confidence interval not estimable: every arm is 0% or 100%"),
                    "estimate": rd}
        return {"estimate": rd, "ci_low": rd - z * se, "ci_high": rd + z * se, "log_estimate": np.nan,
                "se": se, "yi": rd, "vi": se**2, "corrected": False, "note": ""}

    cells = np.array([[a, n1 - a], [c, n2 - c]], dtype=float)
    corrected = bool((cells == 0).any())
    if corrected:
        cells = cells + 0.5
    table = Table2x2(cells, shift_zeros=False)
    if m == "RR":
        log_est, se = float(table.log_riskratio), float(table.log_riskratio_se)
    else:
        log_est, se = float(table.log_oddsratio), float(table.log_oddsratio_se)
    return {"estimate": math.exp(log_est), "ci_low": math.exp(log_est - z * se),
            "ci_high": math.exp(log_est + z * se), "log_estimate": log_est, "se": se,
            "yi": log_est, "vi": se**2, "corrected": corrected,
            "note": "0.5 added to all cells (zero cell)" if corrected else ""}


def binary_effects(df: pd.DataFrame, measure: str = "RR", events_t: str = "events_aasc", n_t: str = "n_aasc",
                   events_c: str = "events_control", n_c: str = "n_control", alpha: float = 0.05) -> pd.DataFrame:
    """`two_by_two` applied to every row of ``df``; returns a copy with effect columns added.

    Added columns: ``estimate, ci_low, ci_high`` (ratio scale for RR/OR), ``yi`` (log for RR/OR, raw
    for RD), ``vi``, ``corrected`` and ``note`` (why a row is NA: counts missing, or no events in
    either arm). Column names of the counts default to the AASC ``outcomes_binary`` table.
    """
    m = _measure(measure)
    results = [two_by_two(r[0], r[1], r[2], r[3], measure=m, alpha=alpha)
               for r in df[[events_t, n_t, events_c, n_c]].itertuples(index=False, name=None)]
    out = df.copy()
    for col in ("estimate", "ci_low", "ci_high", "yi", "vi"):
        out[col] = pd.array([r[col] for r in results], dtype="Float64")
    out["corrected"] = pd.array([r["corrected"] for r in results], dtype="boolean")
    out["note"] = pd.array([r["note"] for r in results], dtype="string")
    return out


def pool(df: pd.DataFrame, yi: str = "yi", vi: str = "vi", method: str = "dl", measure: str = "RR",
         alpha: float = 0.05, ci: str = "wald") -> dict:
    """Inverse-variance meta-analysis of ``df[yi]`` with variances ``df[vi]`` (via `meta.meta_analysis`).

    ``method``: ``"reml"``, ``"dl"`` or ``"pm"`` random effects (τ² by REML, DerSimonian–Laird,
    Paule–Mandel); ``"fixed"`` (or ``"fe"``) common effect. ``ci``: ``"wald"`` (default here, for
    the callers written before HKSJ) or ``"hksj"``. Rows with missing yi/vi are dropped; fewer than
    2 studies left raises ValueError.
    Returns ``estimate, ci_low, ci_high`` (exp back-transformed for RR/OR), ``log_estimate`` and
    ``se`` on the analysis scale, ``z, p_value, tau2`` (NaN for fixed), ``i2`` (percent, from Q,
    truncated at 0), ``q`` (Cochran's Q), ``p_heterogeneity`` (χ² on k−1 df), ``k, method``, and
    ``pi_low, pi_high`` (prediction interval, back-transformed; NaN for fixed or k < 3).
    A negative DerSimonian–Laird τ² is set to 0 (as in metafor).
    """
    from evidence_book.methods.meta import meta_analysis

    m = _measure(measure)
    meth = {"fixed": "FE", "fe": "FE"}.get(str(method).lower(), str(method).upper())
    if meth not in ("REML", "DL", "PM", "FE"):
        raise ValueError(f"method must be 'reml', 'dl', 'pm' or 'fixed', got {method!r}")
    data = df[[yi, vi]].astype("Float64").dropna()
    k = len(data)
    if k < 2:
        raise ValueError(f"pooling needs at least 2 studies with an effect and a variance, got {k}")
    r = meta_analysis(data[yi].to_numpy(dtype=float), data[vi].to_numpy(dtype=float), meth,
                      "wald" if meth == "FE" else ci, alpha=alpha)
    back = math.exp if m in RATIO_MEASURES else (lambda x: x)
    est = r["mu"]
    return {
        "estimate": back(est), "ci_low": back(r["ci_low"]), "ci_high": back(r["ci_high"]),
        "log_estimate": est if m in RATIO_MEASURES else np.nan, "se": r["se"],
        "z": r["stat"], "p_value": r["p_value"], "tau2": r["tau2"], "i2": r["i2"],
        "q": r["q"], "p_heterogeneity": r["q_p"], "k": k,
        "pi_low": back(r["pi_low"]) if r["pi_low"] == r["pi_low"] else np.nan,
        "pi_high": back(r["pi_high"]) if r["pi_high"] == r["pi_high"] else np.nan,
        "method": {"REML": "REML", "DL": "DerSimonian-Laird", "PM": "Paule-Mandel"}.get(meth, "fixed effect"),
    }


def smd(mean_t, sd_t, n_t, mean_c, sd_c, n_c, alpha: float = 0.05) -> dict:
    """Hedges' g (treatment − control) with its Wald CI, via statsmodels ``effectsize_smd``.

    g = J·(m_t − m_c)/s_pooled, s_pooled² = ((n_t−1)s_t² + (n_c−1)s_c²)/(n_t+n_c−2),
    J = 1 − 3/(4(n_t+n_c) − 9) (Hedges 1981; Borenstein et al. 2009, Introduction to
    Meta-Analysis, eq. 4.22); variance as statsmodels: N/(n_t n_c) + g²/(2(N − 3.94)), N = n_t+n_c.
    A positive g means a higher mean under treatment, which is better or worse depending on the
    measure. Returns ``g, ci_low, ci_high, se`` (NaN when any input is missing, a group has fewer
    than 2 animals, or the pooled SD is 0).
    """
    nan = {"g": np.nan, "ci_low": np.nan, "ci_high": np.nan, "se": np.nan}
    if _missing(mean_t, sd_t, n_t, mean_c, sd_c, n_c):
        return nan
    mt, st, nt, mc, sc, nc = (float(x) for x in (mean_t, sd_t, n_t, mean_c, sd_c, n_c))
    if nt < 2 or nc < 2 or (st == 0 and sc == 0):
        return nan
    g, var = effectsize_smd(mt, st, nt, mc, sc, nc)
    se = math.sqrt(float(var))
    z = stats.norm.isf(alpha / 2)
    return {"g": float(g), "ci_low": float(g) - z * se, "ci_high": float(g) + z * se, "se": se}


def _reason(row) -> str:
    parts = []
    if _missing(row["mean_treatment"], row["mean_control"]):
        parts.append("means not reported")
    if _missing(row["sd_treatment"], row["sd_control"]):
        parts.append("SDs not reported")
    if _missing(row["n_treatment"], row["n_control"]):
        parts.append("group sizes not reported")
    if not parts:
        if float(row["n_treatment"]) < 2 or float(row["n_control"]) < 2:
            parts.append("a group has fewer than 2 animals")
        elif float(row["sd_treatment"]) == 0 and float(row["sd_control"]) == 0:
            parts.append("both SDs are 0")
    return "; ".join(parts)


def continuous_effects(outcomes: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """`smd` applied to every outcome row; returns a copy with ``g, ci_low, ci_high, se, computable, reason``.

    ``reason`` says why g is not computable (e.g. "group sizes not reported"; several reasons are
    joined with "; ") and is empty where it is.
    """
    cols = ["mean_treatment", "sd_treatment", "n_treatment", "mean_control", "sd_control", "n_control"]
    out = outcomes.copy()
    results, reasons = [], []
    for row in outcomes[cols].to_dict("records"):  # plain dicts: iterrows costs ~50 µs a row
        reason = _reason(row)
        reasons.append(reason)
        results.append(smd(*(row[c] for c in cols), alpha=alpha) if not reason else
                       {"g": np.nan, "ci_low": np.nan, "ci_high": np.nan, "se": np.nan})
    for col in ("g", "ci_low", "ci_high", "se"):
        out[col] = pd.array([r[col] for r in results], dtype="Float64")
    out["computable"] = pd.array([not r for r in reasons], dtype="boolean")
    out["reason"] = pd.array(reasons, dtype="string")
    return out
