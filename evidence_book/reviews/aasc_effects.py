"""The AASC trials review (seed 004), effects page: forest-plot rows, pooled estimates, their tables.

Effect sizes and pooling come from `methods.effects`; this module decides which rows of the
review's data are comparisons and which outcomes are pooled together (stated on the page).
"""
from __future__ import annotations

import re
import numpy as np
import pandas as pd

from evidence_book.values import to_boolean, to_text
from evidence_book.labels import study_labels
from evidence_book.labels import format_p
from evidence_book.methods.effects import binary_effects
from evidence_book.methods.pooling import leave_one_out, pool_2x2, subgroup_analysis

COUNTS = ("events_aasc", "n_aasc", "events_control", "n_control")
METHOD_WORDS = {"REML": "REML", "DL": "DerSimonian-Laird", "PM": "Paule-Mandel", "FE": "fixed effect (inverse variance)",
                "MH": "Mantel-Haenszel"}

# --------------------------------------------------------------------------------------------
# Effects: forest-plot data and pooling
# --------------------------------------------------------------------------------------------

# Outcomes that mean the same thing in different trials (an editorial judgement, stated on the page):
# Moon 2019 "complete wound closure" and Mrozikiewicz-Rakowska 2023 "complete healing" both count
# diabetic foot ulcers that closed completely. Every other outcome is its own family.
OUTCOME_FAMILIES = {
    "complete wound closure": "complete wound healing",
    "complete healing": "complete wound healing",
}
_UNITS = {"day": 1 / 7, "week": 1.0, "month": 52 / 12, "year": 52.0}


def _short(text: str, width: int) -> str:
    """Text cut at a word boundary to at most ``width`` characters (with an ellipsis when cut)."""
    text = str(text)
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(" :;,(") + "…"


def timepoint_weeks(text) -> float:
    """'12 weeks' → 12, '28 days' → 4, '1 year' → 52; NaN when no number and unit are given."""
    if text is None or pd.isna(text):
        return np.nan
    m = re.search(r"(\d+(?:\.\d+)?)[\s-]*(day|week|month|year)", str(text).lower())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else np.nan


def comparisons_2x2(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Rows of outcomes_binary with events and group sizes in both arms (AASC vs control)."""
    cols = ["events_aasc", "n_aasc", "events_control", "n_control"]
    ok = outcomes[cols].notna().all(axis=1)
    if "comparison" in outcomes:
        ok &= to_text(outcomes["comparison"]).fillna("aasc_vs_control") == "aasc_vs_control"
    return outcomes[ok].reset_index(drop=True)


def forest_data(outcomes: pd.DataFrame, trials: pd.DataFrame, measure: str = "RR") -> pd.DataFrame:
    """Effect (RR, OR or RD; AASC vs control) with 95% CI for every 2×2 comparison in the data.

    Columns: ``study, study_id, outcome, timepoint, label, family, events_aasc, n_aasc,
    events_control, n_control, estimate, ci_low, ci_high, yi, vi, corrected, note, counts_derived``
    (effects from `analysis.effects.binary_effects`). ``label`` is "Author year: outcome
    (timepoint)". Rows are ordered as in the data file.
    """
    d = comparisons_2x2(outcomes)
    names = study_labels(trials).astype(str).to_dict()
    eff = binary_effects(d, measure=measure)
    out = pd.DataFrame({
        "study": eff["study_id"].map(names).fillna(eff["study_id"]).astype(str),
        "study_id": eff["study_id"].astype(str),
        "outcome": eff["outcome"].astype(str),
        "timepoint": to_text(eff["timepoint"]).fillna("time not stated"),
    })
    out["label"] = [f"{s}: {_short(o, 38)} ({t})" for s, o, t in zip(out["study"], out["outcome"], out["timepoint"])]
    out["family"] = out["outcome"].map(lambda o: OUTCOME_FAMILIES.get(o, o))
    for c in ("events_aasc", "n_aasc", "events_control", "n_control"):
        out[c] = eff[c].astype("Float64").round().astype("Int64")
    for c in ("estimate", "ci_low", "ci_high", "yi", "vi", "corrected", "note"):
        out[c] = eff[c]
    zero = (out["vi"] == 0).fillna(False).astype(bool)
    out.loc[zero, "note"] = "Wald SE is 0 (all or none with the event in each arm): the CI is not informative"
    out["counts_derived"] = to_boolean(eff["counts_derived"]) if "counts_derived" in eff else pd.NA
    rob = trials.set_index(trials["study_id"].astype(str))
    out["risk_of_bias"] = out["study_id"].map(to_text(rob["risk_of_bias"])).astype("object")
    out["rob_tool"] = out["study_id"].map(to_text(rob["rob_tool"])).astype("object")
    out["indication_group"] = out["study_id"].map(to_text(rob["indication_group"])).astype("object")
    return out


def pooling_sets(forest: pd.DataFrame) -> pd.DataFrame:
    """The rows that enter a pooled estimate: outcome families reported by ≥ 2 different studies.

    One row per study and family: the latest timepoint the study reports (by `timepoint_weeks`;
    a row without a stated time is used only when the study has no other). Rows without an
    estimable effect are dropped first.
    """
    f = forest[forest["yi"].notna() & forest["vi"].notna()].copy()
    f["_weeks"] = f["timepoint"].map(timepoint_weeks)
    f = f.sort_values(["family", "study_id", "_weeks"], na_position="first", kind="stable")
    one = f.groupby(["family", "study_id"], sort=False).tail(1)
    k = one.groupby("family")["study_id"].transform("nunique")
    return one[k >= 2].drop(columns="_weeks").reset_index(drop=True)


def method_text(summary: dict) -> str:
    """'Random effects, REML; 95% CI by HKSJ (t, 1 df); prediction interval not computed (k < 3)'."""
    meth = summary["method"]
    model = "Fixed effect" if meth in ("FE", "MH") else "Random effects"
    ci = ("HKSJ (t, %d df)" % (summary["k"] - 1)) if summary["ci_method"] == "hksj" else "Wald (normal)"
    pi = (f"prediction interval t with {summary['pi_df']} df (k − 2)" if summary.get("pi_df")
          else "prediction interval not computed (k < 3)" if meth not in ("FE", "MH") else "")
    return "; ".join(x for x in (f"{model}, {METHOD_WORDS[meth]}", f"95% CI by {ci}", pi) if x)


def heterogeneity_text(summary: dict) -> str:
    """'τ² = 0.31 (95% CI 0.12 to 1.11); I² = 92% (from Q); Q = 152.23, 12 df, p < 0.001'."""
    parts = []
    if pd.notna(summary.get("tau2")):
        parts.append(f"τ² = {summary['tau2']:.3f} (Q-profile 95% CI {summary['tau2_ci_low']:.3f} to "
                     f"{summary['tau2_ci_high']:.3f})")
    parts.append(f"I² = {summary['i2']:.0f}% (from Q)")
    parts.append(f"Q = {summary['q']:.2f}, {summary['q_df']} df, p = {format_p(summary['q_p'])}".replace("p = <", "p <"))
    return "; ".join(parts)


def pooled_estimates(forest: pd.DataFrame, method: str = "REML", measure: str = "RR", ci: str | None = None) -> pd.DataFrame:
    """Pooled effect per outcome family shared by ≥ 2 studies (`methods.pooling.pool_2x2`).

    Columns ``family, k, studies, estimate, ci_low, ci_high, pi_low, pi_high, tau2, tau2_ci_low,
    tau2_ci_high, i2, q, q_df, p_heterogeneity, method, ci_method, summary, label``; empty (with
    these columns) when no family has two studies. ``ci`` defaults to HKSJ for random effects.
    """
    cols = ["family", "k", "studies", "estimate", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "tau2_ci_low",
            "tau2_ci_high", "i2", "q", "q_df", "p_heterogeneity", "method", "ci_method", "summary", "label"]
    sets = pooling_sets(forest)
    rows = []
    for fam, g in sets.groupby("family", sort=False):
        r, _ = pool_2x2(g, measure=measure, method=method, ci=ci, study="label", counts=COUNTS)
        rows.append({"family": fam, "studies": "; ".join(g["label"]),
                     **{c: r[c] for c in cols if c in r}, "p_heterogeneity": r["q_p"],
                     "method": METHOD_WORDS[r["method"]],
                     "summary": heterogeneity_text(r) + ". " + method_text(r),
                     "label": f"Pooled: {fam} ({r['k']} studies)"})
    return pd.DataFrame(rows, columns=cols)


def family_forest(forest: pd.DataFrame, family: str, method: str = "REML", measure: str = "RR",
                  ci: str | None = None) -> pd.DataFrame:
    """The rows pooled for one family with their weight (percent) and overall risk of bias."""
    g = pooling_sets(forest)
    g = g[g["family"] == family].reset_index(drop=True)
    _, studies = pool_2x2(g, measure=measure, method=method, ci=ci, study="label", counts=COUNTS)
    return g.assign(weight=studies["weight"].to_numpy())


def sensitivity_table(forest: pd.DataFrame, family: str, method: str = "REML", measure: str = "RR",
                      ci: str | None = None, digits: int = 2) -> pd.DataFrame:
    """Sensitivity analyses of one pooled family, one row each, saying when one is not possible.

    Rows: all studies; leave-one-out (each study omitted, needs k ≥ 3); excluding studies at high
    overall risk of bias (needs ≥ 2 left); by indication group (test for subgroup differences,
    needs ≥ 2 groups with ≥ 2 studies); small-study tests (funnel plot, Egger: need k ≥ 10).
    """
    g = pooling_sets(forest)
    g = g[g["family"] == family].reset_index(drop=True)
    k = len(g)

    def est(r):
        return f"{r['estimate']:.{digits}f} ({r['ci_low']:.{digits}f} to {r['ci_high']:.{digits}f})"
    rows = []
    full, _ = pool_2x2(g, measure, method, ci, "label", COUNTS)
    rows.append(("All studies", k, est(full), ""))
    loo = leave_one_out(g, measure, method, ci, "label", COUNTS)
    if loo.empty:
        rows.append(("Leave one out", k, "not done", f"needs at least 3 studies; {k} pooled"))
    for r in loo.to_dict("records"):
        rows.append((f"Without {r['omitted']}", r["k"], est(r), ""))
    high = g["risk_of_bias"].fillna("") == "High"
    if not high.any():
        rows.append(("Excluding high risk of bias", k, est(full), "no pooled study is at high risk of bias"))
    elif (~high).sum() < 2:
        rows.append(("Excluding high risk of bias", int((~high).sum()), "not done", "fewer than 2 studies left"))
    else:
        r, _ = pool_2x2(g[~high], measure, method, ci, "label", COUNTS)
        rows.append(("Excluding high risk of bias", r["k"], est(r), ""))
    table, test = subgroup_analysis(g, "indication_group", measure, method, ci, "label", COUNTS)
    if test["groups_pooled"] >= 2:
        rows.append(("Subgroups by indication", k, f"Q = {test['q']:.2f}, {test['df']} df, p = {format_p(test['p'])}",
                     "test for subgroup differences"))
    else:
        rows.append(("Subgroups by indication", k, "not done",
                     f"{len(table)} indication group(s); the test needs 2 groups of ≥ 2 studies"))
    rows.append(("Small-study effects (funnel plot, Egger test)", k, "not done",
                 f"needs at least 10 studies; {k} pooled" if k < 10 else "see funnel plot"))
    return pd.DataFrame(rows, columns=["Analysis", "Studies (k)", f"Pooled {measure} (95% CI)", "Note"])


def forest_alt_text(forest: pd.DataFrame, pooled: pd.DataFrame, measure: str = "RR") -> str:
    """Alt text naming every row of the forest plot with its estimate and 95% CI."""
    def one(lbl, e, lo, hi):
        return f"{lbl}: {e:.2f} ({lo:.2f} to {hi:.2f})" if not pd.isna(e) else f"{lbl}: not estimable"
    rows = [one(*r) for r in zip(forest["label"], forest["estimate"], forest["ci_low"], forest["ci_high"])]
    rows += [one(*r) for r in zip(pooled["label"], pooled["estimate"], pooled["ci_low"], pooled["ci_high"])]
    null = "0" if measure == "RD" else "1"
    return (f"Forest plot of the {measure} (cells vs comparison) with 95% confidence intervals; "
            f"the dashed line marks {null}, no difference. " + "; ".join(rows) + ".")




def pooled_prose(pooled: pd.DataFrame, measure: str = "RR", digits: int = 2) -> dict:
    """Strings for the page about the first pooled family (or 'none' values when nothing is pooled).

    Keys ``n_pooled`` (int), ``pooled_family, pooled_k, pooled_estimate, pooled_ci, pooled_tau2,
    pooled_i2, pooled_estimator, pooled_ci_df`` (k − 1, the HKSJ degrees of freedom), ``pooled_pi``.
    """
    if pooled.empty:
        return {"n_pooled": 0, "pooled_family": "none", "pooled_k": "0", "pooled_estimate": "not computed",
                "pooled_ci": "not computed", "pooled_tau2": "not computed", "pooled_i2": "not computed",
                "pooled_estimator": "none", "pooled_ci_df": "0", "pooled_pi": "not computed"}
    r = pooled.iloc[0]
    return {"n_pooled": len(pooled), "pooled_family": str(r["family"]), "pooled_k": str(int(r["k"])),
            "pooled_estimate": f"{r['estimate']:.{digits}f}",
            "pooled_ci": f"{r['ci_low']:.{digits}f} to {r['ci_high']:.{digits}f}",
            "pooled_tau2": f"{r['tau2']:.3f}" if pd.notna(r["tau2"]) else "not estimated (fixed effect)",
            "pooled_i2": f"{r['i2']:.0f}%", "pooled_ci_df": str(int(r["k"]) - 1),
            "pooled_pi": ("not computed, as it needs at least 3 trials" if pd.isna(r["pi_low"])
                          else f"{r['pi_low']:.{digits}f} to {r['pi_high']:.{digits}f}"),
            "pooled_estimator": str(r["method"])}


def effects_table(forest: pd.DataFrame, measure: str = "RR", digits: int = 2) -> pd.DataFrame:
    """A readable table of the forest-plot rows (counts per arm, effect with 95% CI, notes)."""
    def ci(r):
        if pd.isna(r["estimate"]):
            return "not estimable"
        return f"{r['estimate']:.{digits}f} ({r['ci_low']:.{digits}f} to {r['ci_high']:.{digits}f})"
    return pd.DataFrame({
        "Study": forest["study"], "Outcome": forest["outcome"], "Time": forest["timepoint"],
        "AASC events / n": forest["events_aasc"].astype(str) + " / " + forest["n_aasc"].astype(str),
        "Control events / n": forest["events_control"].astype(str) + " / " + forest["n_control"].astype(str),
        f"{measure} (95% CI)": forest.apply(ci, axis=1),
        "Note": forest["note"].fillna(""),
    })


def pooled_table(pooled: pd.DataFrame, measure: str = "RR", digits: int = 2) -> pd.DataFrame:
    """The pooled estimates as a readable table (estimate with CI and PI, τ² with CI, I², Q, p)."""
    def rng(lo, hi):
        return "not computed (k < 3)" if pd.isna(lo) else f"{lo:.{digits}f} to {hi:.{digits}f}"
    return pd.DataFrame({
        "Outcome": pooled["family"], "Studies (k)": pooled["k"], "Rows pooled": pooled["studies"],
        "Estimator": pooled["method"], "CI method": pooled["ci_method"].map({"hksj": "HKSJ", "wald": "Wald"}),
        f"Pooled {measure} (95% CI)": [f"{e:.{digits}f} ({lo:.{digits}f} to {hi:.{digits}f})"
                                      for e, lo, hi in zip(pooled["estimate"], pooled["ci_low"], pooled["ci_high"])],
        "95% prediction interval": [rng(lo, hi) for lo, hi in zip(pooled["pi_low"], pooled["pi_high"])],
        "tau² (95% CI)": [f"{t:.3f} ({lo:.3f} to {hi:.3f})" if pd.notna(t) else "" for t, lo, hi in
                          zip(pooled["tau2"], pooled["tau2_ci_low"], pooled["tau2_ci_high"])],
        "I² (%)": pooled["i2"].round(1), "Q": pooled["q"].round(2),
        "p (heterogeneity)": pooled["p_heterogeneity"].map(format_p),
    })


