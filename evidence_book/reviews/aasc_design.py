"""The AASC trials review (seed 004), design page: Table 1, design counts and risk of bias.

Functions take the DataFrames `load_table("aasc", …)` returns and give back what the chapter
`aasc_design` shows; nothing here reads files, prints or plots.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.values import to_number, to_text
from evidence_book.labels import study_label

YES, NO, NR = "Yes", "No", "Not reported"
DESIGN_FLAGS = (("randomized", "Randomised"), ("blinded", "Blinded"), ("controlled", "Controlled"))
ROB_ORDER = ("Low", "Moderate", "High")
TOOL_ORDER = ("RoB 2", "ROBINS-I")


def _yes_no(series: pd.Series) -> pd.Series:
    return series.astype("boolean").map(lambda v: NR if v is pd.NA else (YES if v else NO)).astype("string")



# --------------------------------------------------------------------------------------------
# Design (Table 1)
# --------------------------------------------------------------------------------------------

def table1(trials: pd.DataFrame) -> pd.DataFrame:
    """Table 1 of the review, one row per trial, with readable column names and Yes/No/Not reported."""
    out = pd.DataFrame({
        "Study": study_label(trials),
        "Ref.": trials["ref"],
        "Indication": trials["indication"],
        "Indication group": trials["indication_group"],
        "Design": trials["design"],
        "Phase": to_text(trials["phase"]),
        "Randomised": _yes_no(trials["randomized"]),
        "Blinded": _yes_no(trials["blinded"]),
        "Blinding": to_text(trials["blinding_level"]),
        "Controlled": _yes_no(trials["controlled"]),
        "Comparator": to_text(trials["comparator"]),
        "Patients": trials["n_patients"],
        "AASC-treated": trials["n_aasc"],
        "Controls": to_number(trials["n_control"]).round().astype("Int64"),
        "Risk of bias": trials["risk_of_bias"],
        "Tool": to_text(trials["rob_tool"]),
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
    e.g. the tool or the indication group), ``judgement`` and ``n_patients`` (for a weighted summary); sorted by group, then judgement
    (Low → High), then study.
    """
    if group_by not in trials.columns:
        raise ValueError(f"group_by must be a column of aasc/trials.csv, got {group_by!r}")
    out = pd.DataFrame({
        "study": study_label(trials).astype(str),
        "study_id": trials["study_id"].astype(str),
        "tool": trials["rob_tool"].astype(str),
        "group": to_text(trials[group_by]).fillna("not reported").astype(str),
        "judgement": trials["risk_of_bias"].astype(str),
        "n_patients": pd.to_numeric(trials["n_patients"], errors="coerce").astype(float),
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
