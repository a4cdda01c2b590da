"""The allogeneic adipose stem cell (AASC) trials: design counts, Table 2 recomputed, effects, adverse events.

Every function takes the DataFrames `load_table("aasc", …)` returns and gives back DataFrames,
dicts or lists of sentences; nothing here reads files, prints or plots. Chapters
`aasc_design`, `aasc_indications` and `aasc_effects` only call these.

Plain pandas counting; effect sizes and pooling come from `analysis.effects` (statsmodels).
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from evidence_book.analysis.effects import binary_effects, pool

YES, NO, NR = "Yes", "No", "Not reported"
DESIGN_FLAGS = (("randomized", "Randomised"), ("blinded", "Blinded"), ("controlled", "Controlled"))
ROB_ORDER = ("Low", "Moderate", "High")
TOOL_ORDER = ("RoB 2", "ROBINS-I")


def _yes_no(series: pd.Series) -> pd.Series:
    return series.astype("boolean").map(lambda v: NR if v is pd.NA else (YES if v else NO)).astype("string")


def _num(series: pd.Series) -> pd.Series:
    """A column as nullable floats; columns the schema does not type arrive as text ("" = empty)."""
    return pd.to_numeric(series.astype("string").str.strip().replace("", pd.NA), errors="coerce").astype("Float64")


def _txt(series: pd.Series) -> pd.Series:
    """A text column with empty cells as NA."""
    return series.astype("string").str.strip().replace("", pd.NA)


def _bool(series: pd.Series) -> pd.Series:
    """true/false text (or booleans) as a nullable boolean column."""
    low = series.astype("string").str.strip().str.lower()
    return low.map({"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}).astype("boolean")


def _int(x) -> int:
    return int(x) if not pd.isna(x) else 0


# --------------------------------------------------------------------------------------------
# Design (Table 1)
# --------------------------------------------------------------------------------------------

def table1(trials: pd.DataFrame) -> pd.DataFrame:
    """Table 1 of the review, one row per trial, with readable column names and Yes/No/Not reported."""
    out = pd.DataFrame({
        "Study": trials["first_author"].astype("string") + " " + trials["year"].astype("string"),
        "Ref.": trials["ref"],
        "Indication": trials["indication"],
        "Indication group": trials["indication_group"],
        "Design": trials["design"],
        "Phase": _txt(trials["phase"]),
        "Randomised": _yes_no(trials["randomized"]),
        "Blinded": _yes_no(trials["blinded"]),
        "Blinding": _txt(trials["blinding_level"]),
        "Controlled": _yes_no(trials["controlled"]),
        "Comparator": _txt(trials["comparator"]),
        "Patients": trials["n_patients"],
        "AASC-treated": trials["n_aasc"],
        "Controls": _num(trials["n_control"]).round().astype("Int64"),
        "Risk of bias": trials["risk_of_bias"],
        "Tool": _txt(trials["rob_tool"]),
    })
    return out.reset_index(drop=True)


def design_counts(trials: pd.DataFrame) -> dict:
    """Counts of trials by design feature, from the booleans of trials.csv.

    ``n_trials``; for each of randomized/blinded/controlled: ``n_<flag>`` (true),
    ``n_not_<flag>`` (false), ``n_<flag>_missing`` (not reported); ``n_rct`` (randomised and
    controlled), ``n_rct_blinded`` (randomised, blinded and controlled), ``n_uncontrolled``;
    ``n_rob2`` / ``n_robins`` (tool per trial) and ``n_low`` / ``n_moderate`` / ``n_high``.
    """
    out = {"n_trials": int(trials["study_id"].nunique())}
    flags = {}
    for col, _ in DESIGN_FLAGS:
        b = trials[col].astype("boolean")
        flags[col] = b.fillna(False).astype(bool)
        out[f"n_{col}"] = int((b == True).sum())  # noqa: E712  (NA-aware)
        out[f"n_not_{col}"] = int((b == False).sum())  # noqa: E712
        out[f"n_{col}_missing"] = int(b.isna().sum())
    out["n_rct"] = int((flags["randomized"] & flags["controlled"]).sum())
    out["n_rct_blinded"] = int((flags["randomized"] & flags["controlled"] & flags["blinded"]).sum())
    out["n_uncontrolled"] = out["n_not_controlled"]
    out["n_rob2"] = int((trials["rob_tool"] == "RoB 2").sum())
    out["n_robins"] = int((trials["rob_tool"] == "ROBINS-I").sum())
    for level in ROB_ORDER:
        out[f"n_{level.lower()}"] = int((trials["risk_of_bias"] == level).sum())
    return out


def design_table(trials: pd.DataFrame) -> pd.DataFrame:
    """Design features × Yes / No / Not reported, with the number of trials in each cell."""
    rows = []
    for col, label in DESIGN_FLAGS:
        v = _yes_no(trials[col])
        rows.append({"Feature": label, YES: int((v == YES).sum()), NO: int((v == NO).sum()),
                     NR: int((v == NR).sum())})
    return pd.DataFrame(rows)


def design_patterns(trials: pd.DataFrame) -> pd.DataFrame:
    """How many trials share each combination of randomised / blinded / controlled."""
    t = trials.assign(**{label: _yes_no(trials[col]) for col, label in DESIGN_FLAGS})
    labels = [label for _, label in DESIGN_FLAGS]
    out = (t.groupby(labels, dropna=False)["study_id"].agg(["size", lambda s: ", ".join(sorted(s))])
           .reset_index().rename(columns={"size": "Trials", "<lambda_0>": "Studies"}))
    return out.sort_values(["Trials", *labels], ascending=[False, True, True, True], kind="stable").reset_index(drop=True)


def rob_judgements(trials: pd.DataFrame, group_by: str = "rob_tool") -> pd.DataFrame:
    """One overall risk-of-bias judgement per trial with its tool (RoB 2 or ROBINS-I, as in the data).

    Columns ``study`` (author year), ``study_id``, ``tool``, ``group`` (the value of ``group_by``,
    e.g. the tool or the indication group) and ``judgement``; sorted by group, then judgement
    (Low → High), then study.
    """
    if group_by not in trials.columns:
        raise ValueError(f"group_by must be a column of aasc/trials.csv, got {group_by!r}")
    out = pd.DataFrame({
        "study": trials["first_author"].astype(str) + " " + trials["year"].astype(str),
        "study_id": trials["study_id"].astype(str),
        "tool": trials["rob_tool"].astype(str),
        "group": _txt(trials[group_by]).fillna("not reported").astype(str),
        "judgement": trials["risk_of_bias"].astype(str),
    })
    order = list(TOOL_ORDER) if group_by == "rob_tool" else sorted(set(out["group"]))
    g_rank = out["group"].map({t: i for i, t in enumerate(order)}).fillna(len(order))
    rob_rank = out["judgement"].map({r: i for i, r in enumerate(ROB_ORDER)}).fillna(len(ROB_ORDER))
    out = out.assign(_g=g_rank, _r=rob_rank).sort_values(["_g", "_r", "study"], kind="stable")
    return out.drop(columns=["_g", "_r"]).reset_index(drop=True)


def rob_alt_text(judgements: pd.DataFrame) -> str:
    """Alt text listing every study's overall judgement, group by group."""
    parts = []
    for g, d in judgements.groupby("group", sort=False):
        parts.append(f"{g}: " + ", ".join(f"{s} {j.lower()}" for s, j in zip(d["study"], d["judgement"])))
    return "Overall risk of bias per trial. " + "; ".join(parts) + "."


def rob_summary_alt_text(summary: pd.DataFrame) -> str:
    parts = []
    for tool, d in summary.groupby("tool", sort=False):
        parts.append(f"{tool}: " + ", ".join(f"{j.lower()} {n} ({p:.0f}%)" for j, n, p in
                                            zip(d["judgement"], d["n_trials"], d["percent"])))
    return "Share of trials at each overall risk of bias, per tool. " + "; ".join(parts) + "."


def rob_summary(trials: pd.DataFrame) -> pd.DataFrame:
    """Trials per tool × overall judgement: ``tool, judgement, n_trials, percent`` (percent of the tool's trials)."""
    j = rob_judgements(trials)
    out = j.groupby(["tool", "judgement"]).size().rename("n_trials").reset_index()
    full = pd.MultiIndex.from_product([[t for t in TOOL_ORDER if t in set(j["tool"])], list(ROB_ORDER)],
                                      names=["tool", "judgement"])
    out = out.set_index(["tool", "judgement"]).reindex(full, fill_value=0).reset_index()
    out["percent"] = (100 * out["n_trials"] / out.groupby("tool")["n_trials"].transform("sum")).round(1)
    out["n_trials"] = out["n_trials"].astype(int)
    return out


# --------------------------------------------------------------------------------------------
# Table 2 recomputed from per-trial data
# --------------------------------------------------------------------------------------------

RECOMPUTED = (("n_studies", "Studies"), ("n_patients", "Patients"), ("n_aasc", "AASC-treated"))


def recompute_indications(trials: pd.DataFrame) -> pd.DataFrame:
    """Studies, patients and AASC-treated patients per indication group, summed from trials.csv.

    Returns ``indication, n_studies, n_patients, n_aasc, studies`` (study ids), in order of first
    appearance in trials.csv. Responders ("benefited") are not reported per trial, so they cannot
    be recomputed.
    """
    g = trials.groupby("indication_group", sort=False)
    out = pd.DataFrame({
        "n_studies": g["study_id"].nunique(),
        "n_patients": g["n_patients"].sum(min_count=1),
        "n_aasc": g["n_aasc"].sum(min_count=1),
        "studies": g["study_id"].agg(lambda s: ", ".join(s)),
    }).reset_index().rename(columns={"indication_group": "indication"})
    for col, _ in RECOMPUTED:
        out[col] = out[col].astype("Int64")
    return out


def compare_indications(trials: pd.DataFrame, indications: pd.DataFrame) -> pd.DataFrame:
    """Table 2 as published beside the same counts recomputed from trials.csv, one row per indication + Total.

    Columns: ``indication``; ``<col>_published`` and ``<col>_recomputed`` for n_studies, n_patients,
    n_aasc; ``n_benefit_published``, ``n_no_benefit_published`` (not recomputable: no per-trial
    responder counts); ``differs`` (True where any recomputed count differs from the published one)
    and ``difference`` (which counts differ, published vs recomputed). The Total row compares the
    published Total row with the sums over all trials.
    """
    pub = indications[indications["row_type"] == "indication"]
    tot = indications[indications["row_type"] == "total"]
    rec = recompute_indications(trials)
    m = pub[["indication", "n_studies", "n_patients", "n_aasc", "n_benefit", "n_no_benefit"]].merge(
        rec[["indication", "n_studies", "n_patients", "n_aasc"]], on="indication", how="outer",
        suffixes=("_published", "_recomputed"))
    order = list(pub["indication"]) + [x for x in rec["indication"] if x not in set(pub["indication"])]
    m = m.set_index("indication").loc[order].reset_index()
    total = {"indication": "Total"}
    for col, _ in RECOMPUTED:
        total[f"{col}_published"] = tot[col].iloc[0] if len(tot) else pd.NA
    total["n_studies_recomputed"] = trials["study_id"].nunique()
    total["n_patients_recomputed"] = trials["n_patients"].sum()
    total["n_aasc_recomputed"] = trials["n_aasc"].sum()
    total["n_benefit_published"] = tot["n_benefit"].iloc[0] if len(tot) else pd.NA
    total["n_no_benefit_published"] = tot["n_no_benefit"].iloc[0] if len(tot) else pd.NA
    m = m.rename(columns={"n_benefit": "n_benefit_published", "n_no_benefit": "n_no_benefit_published"})
    m = pd.concat([m, pd.DataFrame([total])], ignore_index=True)
    cols = ["indication"] + [f"{c}_{k}" for c, _ in RECOMPUTED for k in ("published", "recomputed")] + \
        ["n_benefit_published", "n_no_benefit_published"]
    m = m[cols]
    for c in cols[1:]:
        m[c] = pd.to_numeric(m[c]).astype("Int64")
    diffs, texts = [], []
    for _, r in m.iterrows():
        parts = []
        for col, label in RECOMPUTED:
            p, q = r[f"{col}_published"], r[f"{col}_recomputed"]
            if pd.isna(p) or pd.isna(q) or int(p) != int(q):
                parts.append(f"{label}: {_fmt(p)} published vs {_fmt(q)} recomputed")
        diffs.append(bool(parts))
        texts.append("; ".join(parts))
    m["differs"] = pd.array(diffs, dtype="boolean")
    m["difference"] = pd.array(texts, dtype="string")
    return m


def comparison_display(comparison: pd.DataFrame) -> pd.DataFrame:
    """`compare_indications` with readable column names (published beside recomputed)."""
    names = {"indication": "Indication"}
    for col, label in RECOMPUTED:
        names[f"{col}_published"] = f"{label} (Table 2)"
        names[f"{col}_recomputed"] = f"{label} (per-trial sum)"
    names.update({"n_benefit_published": "Benefited (Table 2)", "n_no_benefit_published": "Not benefited (Table 2)",
                  "differs": "Differs", "difference": "What differs"})
    out = comparison.rename(columns=names)[list(names.values())].copy()
    out["Differs"] = out["Differs"].map({True: "Yes", False: "No"})
    return out


def order_indications(comparison: pd.DataFrame, order_by: str = "table") -> pd.DataFrame:
    """Rows in Table 2 order (``"table"``) or by recomputed ``"patients"`` / ``"treated"``, largest first; Total last."""
    if order_by not in ("table", "patients", "treated"):
        raise ValueError(f"order_by must be 'table', 'patients' or 'treated', got {order_by!r}")
    body = comparison[comparison["indication"] != "Total"]
    total = comparison[comparison["indication"] == "Total"]
    if order_by != "table":
        col = "n_patients_recomputed" if order_by == "patients" else "n_aasc_recomputed"
        body = body.sort_values(col, ascending=False, kind="stable")
    return pd.concat([body, total]).reset_index(drop=True)


def _fmt(v) -> str:
    return "none" if pd.isna(v) else f"{int(v)}"


def difference_sentences(comparison: pd.DataFrame, trials: pd.DataFrame | None = None) -> list[str]:
    """One plain sentence per indication row where the published and recomputed counts differ."""
    out = []
    for _, r in comparison[comparison["differs"].fillna(False)].iterrows():
        for col, label in RECOMPUTED:
            p, q = r[f"{col}_published"], r[f"{col}_recomputed"]
            if pd.isna(p) or pd.isna(q) or int(p) != int(q):
                where = "over all indications" if r["indication"] == "Total" else f"for {r['indication']}"
                s = (f"{label} {where}: Table 2 prints {_fmt(p)}, the per-trial data add up to {_fmt(q)}"
                     + (f" (difference {int(p) - int(q):+d})." if not (pd.isna(p) or pd.isna(q)) else "."))
                if trials is not None and col == "n_aasc" and r["indication"] != "Total":
                    t = trials[trials["indication_group"] == r["indication"]]
                    terms = " + ".join(f"{_fmt(v)} ({sid})" for sid, v in zip(t["study_id"], t["n_aasc"]))
                    s = s[:-1] + f"; per trial: {terms}."
                out.append(s)
    return out


def indication_bars(comparison: pd.DataFrame) -> pd.DataFrame:
    """Long data for the 'patients by indication' figure: ``indication, measure, count``.

    Measures: all patients and AASC-treated (recomputed from trials), benefited (published; not
    reported per trial). Total row excluded; indications keep the order of ``comparison``.
    """
    c = comparison[comparison["indication"] != "Total"]
    parts = [("n_patients_recomputed", "All patients (per-trial sum)"),
             ("n_aasc_recomputed", "AASC-treated (per-trial sum)"),
             ("n_benefit_published", "Benefited (Table 2, as published)")]
    rows = [{"indication": r["indication"], "measure": label, "count": _int(r[col])}
            for _, r in c.iterrows() for col, label in parts]
    return pd.DataFrame(rows)


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
        ok &= _txt(outcomes["comparison"]).fillna("aasc_vs_control") == "aasc_vs_control"
    return outcomes[ok].reset_index(drop=True)


def forest_data(outcomes: pd.DataFrame, trials: pd.DataFrame, measure: str = "RR") -> pd.DataFrame:
    """Effect (RR, OR or RD; AASC vs control) with 95% CI for every 2×2 comparison in the data.

    Columns: ``study, study_id, outcome, timepoint, label, family, events_aasc, n_aasc,
    events_control, n_control, estimate, ci_low, ci_high, yi, vi, corrected, note, counts_derived``
    (effects from `analysis.effects.binary_effects`). ``label`` is "Author year: outcome
    (timepoint)". Rows are ordered as in the data file.
    """
    d = comparisons_2x2(outcomes)
    names = dict(zip(trials["study_id"], trials["first_author"].astype(str) + " " + trials["year"].astype(str)))
    eff = binary_effects(d, measure=measure)
    out = pd.DataFrame({
        "study": eff["study_id"].map(names).fillna(eff["study_id"]).astype(str),
        "study_id": eff["study_id"].astype(str),
        "outcome": eff["outcome"].astype(str),
        "timepoint": _txt(eff["timepoint"]).fillna("time not stated"),
    })
    out["label"] = [f"{s}: {_short(o, 38)} ({t})" for s, o, t in zip(out["study"], out["outcome"], out["timepoint"])]
    out["family"] = out["outcome"].map(lambda o: OUTCOME_FAMILIES.get(o, o))
    for c in ("events_aasc", "n_aasc", "events_control", "n_control"):
        out[c] = eff[c].astype("Float64").round().astype("Int64")
    for c in ("estimate", "ci_low", "ci_high", "yi", "vi", "corrected", "note"):
        out[c] = eff[c]
    zero = (out["vi"] == 0).fillna(False).astype(bool)
    out.loc[zero, "note"] = "Wald SE is 0 (all or none with the event in each arm): the CI is not informative"
    out["counts_derived"] = _bool(eff["counts_derived"]) if "counts_derived" in eff else pd.NA
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


def pooled_estimates(forest: pd.DataFrame, method: str = "dl", measure: str = "RR") -> pd.DataFrame:
    """Random-effects pooled effect per outcome family shared by ≥ 2 studies (`analysis.effects.pool`).

    Columns ``family, k, studies, estimate, ci_low, ci_high, tau2, i2, q, p_heterogeneity,
    method``; empty (with these columns) when no family has two studies.
    """
    cols = ["family", "k", "studies", "estimate", "ci_low", "ci_high", "tau2", "i2", "q",
            "p_heterogeneity", "method"]
    sets = pooling_sets(forest)
    rows = []
    for fam, g in sets.groupby("family", sort=False):
        with warnings.catch_warnings():  # statsmodels warns on sqrt of a negative τ² it then discards
            warnings.simplefilter("ignore", RuntimeWarning)
            r = pool(g, yi="yi", vi="vi", method=method, measure=measure)
        rows.append({"family": fam, "studies": "; ".join(g["label"]), **{c: r[c] for c in cols if c in r},
                     "label": f"Pooled, {r['method']}: {fam} ({r['k']} studies)"})
    return pd.DataFrame(rows, columns=cols + ["label"])


def forest_alt_text(forest: pd.DataFrame, pooled: pd.DataFrame, measure: str = "RR") -> str:
    """Alt text naming every row of the forest plot with its estimate and 95% CI."""
    def one(lbl, e, lo, hi):
        return f"{lbl}: {e:.2f} ({lo:.2f} to {hi:.2f})" if not pd.isna(e) else f"{lbl}: not estimable"
    rows = [one(*r) for r in zip(forest["label"], forest["estimate"], forest["ci_low"], forest["ci_high"])]
    rows += [one(*r) for r in zip(pooled["label"], pooled["estimate"], pooled["ci_low"], pooled["ci_high"])]
    null = "0" if measure == "RD" else "1"
    return (f"Forest plot of the {measure} (cells vs comparison) with 95% confidence intervals; "
            f"the dashed line marks {null}, no difference. " + "; ".join(rows) + ".")


def indication_alt_text(comparison: pd.DataFrame, column: str, what: str) -> str:
    c = comparison[comparison["indication"] != "Total"]
    return f"Bar chart of {what} per indication: " + ", ".join(
        f"{i} {_fmt(v)}" for i, v in zip(c["indication"], c[column])) + "."


def pooled_prose(pooled: pd.DataFrame, measure: str = "RR", digits: int = 2) -> dict:
    """Strings for the page about the first pooled family (or 'none' values when nothing is pooled).

    Keys ``n_pooled`` (int), ``pooled_family, pooled_k, pooled_estimate, pooled_ci, pooled_tau2,
    pooled_i2, pooled_estimator``.
    """
    if pooled.empty:
        return {"n_pooled": 0, "pooled_family": "none", "pooled_k": "0", "pooled_estimate": "not computed",
                "pooled_ci": "not computed", "pooled_tau2": "not computed", "pooled_i2": "not computed",
                "pooled_estimator": "none"}
    r = pooled.iloc[0]
    return {"n_pooled": len(pooled), "pooled_family": str(r["family"]), "pooled_k": str(int(r["k"])),
            "pooled_estimate": f"{r['estimate']:.{digits}f}",
            "pooled_ci": f"{r['ci_low']:.{digits}f} to {r['ci_high']:.{digits}f}",
            "pooled_tau2": f"{r['tau2']:.3f}", "pooled_i2": f"{r['i2']:.0f}%",
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
    """The pooled estimates as a readable table (estimate with CI, τ², I², Q and its p-value)."""
    return pd.DataFrame({
        "Outcome": pooled["family"], "Studies (k)": pooled["k"], "Rows pooled": pooled["studies"],
        "Estimator": pooled["method"],
        f"Pooled {measure} (95% CI)": [f"{e:.{digits}f} ({lo:.{digits}f} to {hi:.{digits}f})"
                                      for e, lo, hi in zip(pooled["estimate"], pooled["ci_low"], pooled["ci_high"])],
        "tau²": pooled["tau2"].round(4), "I² (%)": pooled["i2"].round(1),
        "Q": pooled["q"].round(2), "p (heterogeneity)": pooled["p_heterogeneity"].round(3),
    })


# --------------------------------------------------------------------------------------------
# Adverse events
# --------------------------------------------------------------------------------------------

_SERIOUS = re.compile(r"\bserious\b|\bSAEs?\b", re.IGNORECASE)


def is_serious(event) -> bool:
    return bool(_SERIOUS.search(str(event)))


def _arm(events, n) -> str:
    if pd.isna(events) and pd.isna(n):
        return ""
    return f"{_fmt(events) if not pd.isna(events) else '?'} / {_fmt(n) if not pd.isna(n) else '?'}"


def adverse_events_table(ae: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Every adverse-event row across trials, readable: study, indication, event, counts per arm, unit, notes."""
    names = dict(zip(trials["study_id"], trials["first_author"].astype(str) + " " + trials["year"].astype(str)))
    groups = dict(zip(trials["study_id"], trials["indication_group"]))
    rel = _bool(ae["treatment_related"]).map(
        lambda v: "" if v is pd.NA else ("treatment-related" if v else "not attributed to treatment"))
    return pd.DataFrame({
        "Study": ae["study_id"].map(names).fillna(ae["study_id"]),
        "Indication group": ae["study_id"].map(groups),
        "Event": ae["event"],
        "Serious": [YES if is_serious(e) else "" for e in ae["event"]],
        "AASC arm (events / n)": [_arm(a, b) for a, b in zip(_num(ae["n_events_aasc"]), _num(ae["n_patients_aasc"]))],
        "Control arm (events / n)": [_arm(a, b) for a, b in zip(_num(ae["n_events_control"]),
                                                                 _num(ae["n_patients_control"]))],
        "Counted as": _txt(ae["count_unit"]).fillna(""),
        "Attribution": rel,
        "Time": _txt(ae["timepoint"]).fillna(""),
        "Description": _txt(ae["description"]).fillna(""),
    }).reset_index(drop=True)


def adverse_event_summary(ae: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """One row per trial: whether the review reports adverse events, any / serious events in the AASC arm.

    Columns ``study_id, reported`` (False when the only row is "not reported"),
    ``any_aasc`` (≥ 1 event or patient with an event in the AASC arm), ``serious_aasc`` (≥ 1 serious
    event in the AASC arm), ``serious_none_aasc`` (a serious-event row with 0 in the AASC arm),
    ``serious_unattributed`` (serious AASC-arm events the text says were not attributed to treatment).
    """
    rows = []
    for sid in trials["study_id"]:
        a = ae[ae["study_id"] == sid]
        rep = a[a["event"].str.lower() != "not reported"]
        ev = _num(rep["n_events_aasc"])
        ser = rep[rep["event"].map(is_serious).astype(bool)]
        sev = _num(ser["n_events_aasc"])
        related = _bool(ser["treatment_related"])
        rows.append({
            "study_id": sid, "reported": len(rep) > 0,
            "any_aasc": bool((ev > 0).any()),
            "serious_aasc": bool((sev > 0).any()),
            "serious_none_aasc": bool((sev == 0).any()) and not bool((sev > 0).any()),
            "serious_unattributed": bool(((sev > 0) & (related == False)).any()),  # noqa: E712
        })
    return pd.DataFrame(rows)


def adverse_event_counts(ae: pd.DataFrame, trials: pd.DataFrame) -> dict:
    """Trial counts for the prose: ``n_trials, n_reported, n_not_reported, n_any_aasc, n_serious_aasc,
    n_serious_none, n_serious_unattributed`` and ``serious_trials`` (study ids with serious AASC-arm events)."""
    s = adverse_event_summary(ae, trials)
    return {
        "n_trials": len(s), "n_reported": int(s["reported"].sum()), "n_not_reported": int((~s["reported"]).sum()),
        "n_any_aasc": int(s["any_aasc"].sum()), "n_serious_aasc": int(s["serious_aasc"].sum()),
        "n_serious_none": int(s["serious_none_aasc"].sum()),
        "n_serious_unattributed": int(s["serious_unattributed"].sum()),
        "serious_trials": list(s.loc[s["serious_aasc"], "study_id"]),
    }


def rob_caption(group_by: str = "rob_tool") -> str:
    """Caption of the overall risk-of-bias figure for the chosen grouping."""
    how = ("the tool used (RoB 2 for randomised trials, ROBINS-I for the others, following Table 1's "
           "Randomised column)" if group_by == "rob_tool" else group_by.replace("_", " "))
    return f"Overall risk-of-bias judgement of each trial as the review reports it, grouped by {how}."


def stated_rob_tool_counts(claims: pd.DataFrame) -> dict:
    """How many trials the review's text says it assessed with each tool (from its claims)."""
    out = {}
    for tool, key in (("RoB 2", "stated_rob2"), ("ROBINS-I", "stated_robins")):
        rows = claims[(claims["rule"] == "count") & (claims["filter"].fillna("").str.strip() == f"rob_tool={tool}")]
        out[key] = rows["claimed_value"].iloc[0] if len(rows) else "not stated"
    return out
