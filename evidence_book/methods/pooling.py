"""One call from 2×2 counts to a pooled estimate and a per-study table (used by the CLI and the pages).

`pool_2x2` computes study effects (`effects.binary_effects`), pools them with the chosen
estimator (`meta.meta_analysis`, or `mantel_haenszel.mantel_haenszel` for MH) and reports on the
reader's scale (ratios for RR/OR). `leave_one_out` and `subgroup_analysis` re-run it.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from evidence_book.methods.effects import RATIO_MEASURES, _measure, binary_effects
from evidence_book.methods.mantel_haenszel import mantel_haenszel
from evidence_book.methods.meta import meta_analysis

POOL_METHODS = ("REML", "DL", "PM", "FE", "MH")
COUNTS = ("events_treated", "n_treated", "events_control", "n_control")


def _back(measure):
    return math.exp if measure in RATIO_MEASURES else (lambda x: x)


def _nan_or(f, x):
    return f(x) if x is not None and x == x else math.nan


def pool_2x2(df: pd.DataFrame, measure: str = "RR", method: str = "REML", ci: str | None = None,
             study: str = "study", counts=COUNTS, alpha: float = 0.05) -> tuple[dict, pd.DataFrame]:
    """Pool 2×2 counts. Returns (summary, studies).

    ``summary``: ``k, measure, method, ci_method, estimate, ci_low, ci_high, pi_low, pi_high,
    pi_df, tau2, tau2_ci_low, tau2_ci_high, i2, q, q_df, q_p, p_value, dist`` with estimate, CI and
    PI back-transformed for RR/OR (τ² stays on the log scale). ``studies``: one row per input row,
    ``study, estimate, ci_low, ci_high, weight`` (percent; NaN for a study not pooled) and ``note``.
    ``ci`` defaults to HKSJ for random effects and Wald for FE and MH (HKSJ is refused for those).
    """
    m = _measure(measure)
    meth = str(method).upper()
    if meth not in POOL_METHODS:
        raise ValueError(f"method must be one of {POOL_METHODS}, got {method!r}")
    if meth == "MH" and m not in ("RR", "OR"):
        raise ValueError("Mantel-Haenszel is implemented for RR and OR only")
    if meth in ("FE", "MH") and ci is not None and str(ci).lower() == "hksj":
        raise ValueError(f"the HKSJ interval is for random-effects models, not {meth}; use --ci wald")
    eff = binary_effects(df, measure=m, events_t=counts[0], n_t=counts[1], events_c=counts[2], n_c=counts[3],
                         alpha=alpha)
    ok = (eff["yi"].notna() & eff["vi"].notna() & (eff["vi"] > 0).fillna(False)).to_numpy(dtype=bool)
    if meth == "MH":
        sub = eff[ok]
        r = mantel_haenszel(*(sub[c].to_numpy(dtype=float) for c in counts), measure=m,
                            yi=sub["yi"].to_numpy(dtype=float), vi=sub["vi"].to_numpy(dtype=float), alpha=alpha)
    else:
        r = meta_analysis(eff.loc[ok, "yi"].to_numpy(dtype=float), eff.loc[ok, "vi"].to_numpy(dtype=float),
                          meth, ci, alpha=alpha)
    back = _back(m)
    weights = np.full(len(eff), np.nan)
    weights[np.flatnonzero(ok)] = r["weights"]
    studies = pd.DataFrame({
        "study": eff[study].astype(str).to_numpy() if study in eff else [f"row {i + 1}" for i in range(len(eff))],
        "estimate": eff["estimate"].to_numpy(dtype=float, na_value=np.nan),
        "ci_low": eff["ci_low"].to_numpy(dtype=float, na_value=np.nan),
        "ci_high": eff["ci_high"].to_numpy(dtype=float, na_value=np.nan),
        "weight": weights,
        "note": eff["note"].fillna("").astype(str).to_numpy(),
    })
    summary = {
        "k": r["k"], "measure": m, "method": meth, "ci_method": r["ci_method"],
        "estimate": back(r["mu"]), "ci_low": back(r["ci_low"]), "ci_high": back(r["ci_high"]),
        "pi_low": _nan_or(back, r["pi_low"]), "pi_high": _nan_or(back, r["pi_high"]), "pi_df": r["pi_df"],
        "tau2": r["tau2"], "tau2_ci_low": r["tau2_ci_low"], "tau2_ci_high": r["tau2_ci_high"],
        "i2": r["i2"], "q": r["q"], "q_df": r["q_df"], "q_p": r["q_p"], "p_value": r["p_value"],
        "dist": r["dist"], "mu": r["mu"], "se": r["se"],
    }
    return summary, studies


def leave_one_out(df: pd.DataFrame, measure: str = "RR", method: str = "REML", ci: str | None = None,
                  study: str = "study", counts=COUNTS) -> pd.DataFrame:
    """The pooled estimate with each study left out in turn (needs k ≥ 3 so 2 remain).

    Columns ``omitted, k, estimate, ci_low, ci_high, tau2, i2``; empty when fewer than 3 rows.
    """
    cols = ["omitted", "k", "estimate", "ci_low", "ci_high", "tau2", "i2"]
    rows = []
    if len(df) >= 3:
        for i in range(len(df)):
            s, _ = pool_2x2(df.drop(index=df.index[i]), measure, method, ci, study, counts)
            rows.append({"omitted": str(df[study].iloc[i]), **{c: s[c] for c in cols[1:]}})
    return pd.DataFrame(rows, columns=cols)


def subgroup_analysis(df: pd.DataFrame, group: str, measure: str = "RR", method: str = "REML",
                      ci: str | None = None, study: str = "study", counts=COUNTS) -> tuple[pd.DataFrame, dict]:
    """Pooled estimate per subgroup with ≥ 2 studies, and the test for subgroup differences.

    The test (Borenstein et al. 2009, ch. 19; as RevMan) is Cochran's Q between the subgroup
    estimates on the analysis scale with weights 1/SE², χ² with (groups − 1) df; it needs at least
    two subgroups that could be pooled (else ``q`` is NaN). Subgroups with one study are listed
    with their study estimate and k = 1.
    """
    rows, mus, ses = [], [], []
    for name, g in df.groupby(group, sort=False):
        if len(g) >= 2:
            s, _ = pool_2x2(g, measure, method, ci, study, counts)
            mus.append(s["mu"])
            ses.append(s["se"])
            rows.append({"subgroup": str(name), "k": s["k"], "estimate": s["estimate"], "ci_low": s["ci_low"],
                         "ci_high": s["ci_high"], "i2": s["i2"]})
        else:
            e = binary_effects(g, measure, *counts)
            rows.append({"subgroup": str(name), "k": 1, "estimate": float(e["estimate"].iloc[0]),
                         "ci_low": float(e["ci_low"].iloc[0]), "ci_high": float(e["ci_high"].iloc[0]), "i2": math.nan})
    table = pd.DataFrame(rows, columns=["subgroup", "k", "estimate", "ci_low", "ci_high", "i2"])
    test = {"q": math.nan, "df": len(mus) - 1, "p": math.nan, "groups_pooled": len(mus)}
    if len(mus) >= 2:
        mu, w = np.array(mus), 1 / np.array(ses) ** 2
        q = float((w * (mu - (w * mu).sum() / w.sum()) ** 2).sum())
        test.update(q=q, p=float(stats.chi2.sf(q, len(mus) - 1)))
    return table, test
