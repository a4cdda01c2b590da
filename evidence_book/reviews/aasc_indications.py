"""The AASC trials review (seed 004), indications page: Table 2 recomputed from per-trial data.

Functions take the DataFrames `load_table("aasc", …)` returns and give back what the chapter
`aasc_indications` shows; nothing here reads files, prints or plots.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.labels import format_count

def _int(x) -> int:
    return int(x) if not pd.isna(x) else 0

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
                parts.append(f"{label}: {format_count(p)} published vs {format_count(q)} recomputed")
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



def difference_sentences(comparison: pd.DataFrame, trials: pd.DataFrame | None = None) -> list[str]:
    """One plain sentence per indication row where the published and recomputed counts differ."""
    out = []
    for _, r in comparison[comparison["differs"].fillna(False)].iterrows():
        for col, label in RECOMPUTED:
            p, q = r[f"{col}_published"], r[f"{col}_recomputed"]
            if pd.isna(p) or pd.isna(q) or int(p) != int(q):
                where = "over all indications" if r["indication"] == "Total" else f"for {r['indication']}"
                s = (f"{label} {where}: Table 2 prints {format_count(p)}, the per-trial data add up to {format_count(q)}"
                     + (f" (difference {int(p) - int(q):+d})." if not (pd.isna(p) or pd.isna(q)) else "."))
                if trials is not None and col == "n_aasc" and r["indication"] != "Total":
                    t = trials[trials["indication_group"] == r["indication"]]
                    terms = " + ".join(f"{format_count(v)} ({sid})" for sid, v in zip(t["study_id"], t["n_aasc"]))
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



def indication_alt_text(comparison: pd.DataFrame, column: str, what: str) -> str:
    c = comparison[comparison["indication"] != "Total"]
    return f"Bar chart of {what} per indication: " + ", ".join(
        f"{i} {format_count(v)}" for i, v in zip(c["indication"], c[column])) + "."

