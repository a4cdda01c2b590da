"""Mantel–Haenszel fixed-effect pooling of 2×2 tables (risk ratio or odds ratio).

Library use: statsmodels ``StratifiedTable`` gives the MH odds ratio and its Robins–Breslow–
Greenland standard error. Hand-written, because statsmodels has no MH risk ratio with a variance:
the MH risk ratio and its Greenland–Robins (1985) variance (Cochrane Handbook §10.4.1;
Deeks & Higgins, "Statistical algorithms in Review Manager"). As in metafor's ``rma.mh``, the
pooled estimate uses the counts uncorrected (MH needs no zero-cell correction) and drops
studies with no events in either arm; heterogeneity (Q, I²) uses the inverse-variance study
effects with the 0.5 zero-cell rule (`effects.two_by_two`).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

from evidence_book.methods.meta import i2_from_q


def mantel_haenszel(events_t, n_t, events_c, n_c, measure: str = "RR", yi=None, vi=None,
                    alpha: float = 0.05) -> dict:
    """MH pooled log RR or log OR of k 2×2 tables (arrays of events and group sizes per arm).

    ``yi``/``vi``: the per-study effects on the log scale (for Cochran's Q, I² and weights of the
    inverse-variance kind are not used: the returned ``weights`` are MH weights in percent,
    c·n_t/N for RR and b·c/N for OR, as RevMan shows them). Returns the keys of
    `meta.meta_analysis` (``tau2`` and the prediction interval NaN: a fixed-effect method).
    """
    m = str(measure).upper()
    if m not in ("RR", "OR"):
        raise ValueError("Mantel-Haenszel is implemented for RR and OR")
    a, n1, c, n2 = (np.asarray(x, dtype=float) for x in (events_t, n_t, events_c, n_c))
    keep = (a + c) > 0
    if m == "OR":
        keep &= (n1 - a + n2 - c) > 0  # all-events tables carry no information on an OR either
    a, n1, c, n2 = a[keep], n1[keep], c[keep], n2[keep]
    k = int(keep.sum())
    if k < 2:
        raise ValueError(f"pooling needs at least 2 studies with events, got {k}")
    b, d, n = n1 - a, n2 - c, n1 + n2
    if m == "RR":
        r, s = a * n2 / n, c * n1 / n
        R, S = r.sum(), s.sum()
        log_est = math.log(R / S)
        p_term = (n1 * n2 * (a + c) - a * c * n) / n**2
        se = math.sqrt(p_term.sum() / (R * S))
        w = s
    else:
        tables = np.stack([np.stack([a, b], axis=-1), np.stack([c, d], axis=-1)], axis=1)  # k × 2 × 2
        st = StratifiedTable(np.moveaxis(tables, 0, -1))  # statsmodels wants 2 × 2 × k
        log_est, se = float(st.logodds_pooled), float(st.logodds_pooled_se)
        w = b * c / n
    z = stats.norm.isf(alpha / 2)
    q = math.nan
    if yi is not None and vi is not None:
        y = np.asarray(yi, dtype=float)[keep]
        v = np.asarray(vi, dtype=float)[keep]
        q = float(((y - log_est) ** 2 / v).sum())
    return {
        "k": k, "method": "MH", "ci_method": "wald", "mu": log_est, "se": se,
        "ci_low": log_est - z * se, "ci_high": log_est + z * se, "stat": log_est / se,
        "p_value": float(2 * stats.norm.sf(abs(log_est / se))), "dist": "z", "tau2": math.nan,
        "tau2_ci_low": math.nan, "tau2_ci_high": math.nan, "pi_low": math.nan, "pi_high": math.nan,
        "pi_df": None, "q": q, "q_df": k - 1, "q_p": float(stats.chi2.sf(q, k - 1)) if q == q else math.nan,
        "i2": i2_from_q(q, k) if q == q else math.nan, "weights": (100 * w / w.sum()).tolist(),
        "included": keep.tolist(),
    }
