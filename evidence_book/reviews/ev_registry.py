"""The registry of MSC extracellular-vesicle (EV) trials (seed 002): counts and participant totals.

Functions take the DataFrames of `load_table("ev", …)` and return DataFrames or dicts; nothing
here reads files, prints or plots. Chapter `ev_registry` (and `claims_vs_evidence`) call these.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.values import to_text

GROUP_COLUMNS = {
    "indication_group": "Indication group",
    "status": "Status",
    "country": "Country",
    "phase": "Phase",
    "indication": "Indication",
}
PHASE_LABELS = {
    "early_1": "Early phase 1", "1": "Phase 1", "1/2": "Phase 1/2", "2": "Phase 2", "2/3": "Phase 2/3",
    "3": "Phase 3", "4": "Phase 4", "not_applicable": "Not applicable (no FDA phase)",
}
PHASE_ORDER = tuple(PHASE_LABELS)
STATUS_ORDER = ("Not yet recruiting", "Recruiting", "Active, not recruiting", "Completed", "Terminated",
                "Withdrawn", "Unknown")
NOT_GIVEN = "Not given (observational)"



def totals(trials: pd.DataFrame) -> dict:
    """``n_trials``, ``participants`` (sum where listed), ``n_with_participants``, ``median_participants``,
    ``max_participants`` (and its ``max_nct``), ``n_countries``, ``n_groups``."""
    p = trials["participants"].astype("Float64")
    i = p.idxmax() if p.notna().any() else None
    return {
        "n_trials": int(trials["nct_id"].nunique()),
        "participants": int(p.sum(skipna=True)),
        "n_with_participants": int(p.notna().sum()),
        "median_participants": float(p.median()) if p.notna().any() else float("nan"),
        "max_participants": int(p.max()) if i is not None else 0,
        "max_nct": str(trials.loc[i, "nct_id"]) if i is not None else "",
        "n_countries": int(to_text(trials["country"]).nunique()),
        "n_groups": int(to_text(trials["indication_group"]).nunique()) if "indication_group" in trials else 0,
    }


def label_values(trials: pd.DataFrame, column: str) -> pd.Series:
    """The values of ``column`` as shown on the page (phases spelled out, empty → 'Not given')."""
    v = to_text(trials[column])
    if column == "phase":
        return v.map(lambda x: NOT_GIVEN if x is pd.NA else PHASE_LABELS.get(x, f"Phase {x}")).astype("string")
    return v.fillna("Not given")


def count_by(trials: pd.DataFrame, column: str) -> pd.DataFrame:
    """Trials and participants per value of ``column``: ``value, n_trials, participants, percent``.

    ``percent`` is the share of all trials. Phases and statuses keep their natural order; other
    columns are sorted by number of trials (largest first), then value.
    """
    d = trials.assign(_value=label_values(trials, column))
    g = d.groupby("_value", sort=False)
    out = pd.DataFrame({"n_trials": g["nct_id"].nunique(),
                        "participants": g["participants"].sum(min_count=1)}).reset_index()
    out = out.rename(columns={"_value": "value"})
    out["n_trials"] = out["n_trials"].astype(int)
    out["participants"] = out["participants"].astype("Int64")
    out["percent"] = (100 * out["n_trials"] / trials["nct_id"].nunique()).round(1)
    if column in ("phase", "status"):
        order = [PHASE_LABELS[p] for p in PHASE_ORDER] + [NOT_GIVEN] if column == "phase" else list(STATUS_ORDER)
        rank = {v: i for i, v in enumerate(order)}
        out = out.assign(_r=out["value"].map(lambda v: rank.get(v, len(rank)))).sort_values(["_r", "value"])
        out = out.drop(columns="_r")
    else:
        out = out.sort_values(["n_trials", "value"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)[["value", "n_trials", "participants", "percent"]]


def crosstab(trials: pd.DataFrame, rows: str = "indication_group", columns: str = "status") -> pd.DataFrame:
    """Trials per ``rows`` × ``columns`` value (wide; index = row values)."""
    d = pd.DataFrame({"r": label_values(trials, rows), "c": label_values(trials, columns)})
    return pd.crosstab(d["r"], d["c"]).rename_axis(index=GROUP_COLUMNS.get(rows, rows),
                                                   columns=GROUP_COLUMNS.get(columns, columns))


def msc_vs_ev_table(msc_vs_ev: pd.DataFrame) -> pd.DataFrame:
    """Table 1 of seed 002 in English: therapy, advantage or limitation, item number, text (and the Slovenian)."""
    names = {"MSC": "Mesenchymal stem/stromal cells (MSC)", "EV": "MSC extracellular vesicles (EV)"}
    kinds = {"advantage": "Advantage", "limitation": "Limitation"}
    out = pd.DataFrame({
        "Therapy": msc_vs_ev["therapy"].map(lambda v: names.get(v, v)),
        "Advantage or limitation": msc_vs_ev["kind"].map(lambda v: kinds.get(v, v)),
        "No.": pd.to_numeric(msc_vs_ev["item_no"], errors="coerce").astype("Int64"),
        "Text (English)": msc_vs_ev["text"],
        "Original (Slovenian)": msc_vs_ev["text_original"] if "text_original" in msc_vs_ev else pd.NA,
    })
    return out.reset_index(drop=True)


def msc_vs_ev_counts(msc_vs_ev: pd.DataFrame) -> dict:
    """``{"MSC_advantage": 3, …}``: items per therapy and kind."""
    c = msc_vs_ev.groupby(["therapy", "kind"]).size()
    return {f"{t}_{k}": int(n) for (t, k), n in c.items()}


def trials_table(trials: pd.DataFrame) -> pd.DataFrame:
    """Table 2 of seed 002 in English: one row per registered trial."""
    return pd.DataFrame({
        "NCT id": trials["nct_id"], "Title": trials["title"], "Indication": trials["indication"],
        "Indication group": to_text(trials["indication_group"]) if "indication_group" in trials else pd.NA,
        "Status": trials["status"], "Country": trials["country"],
        "Participants": trials["participants"], "Phase": label_values(trials, "phase"),
    }).reset_index(drop=True)


def results_table(results: pd.DataFrame) -> pd.DataFrame:
    """Outcomes of MSC-EV use in people reported in §3.1 of seed 002 (completed_results.csv)."""
    return pd.DataFrame({
        "NCT id": to_text(results["nct_id"]).fillna("none given"),
        "Indication": results["indication"], "Kind of study": results["study_kind"],
        "Patients": pd.to_numeric(results["n_patients"].astype("string").replace("", pd.NA), errors="coerce").astype("Int64"),
        "Finding (translated)": results["finding"],
    }).reset_index(drop=True)


FIGURE_COLUMNS = ("indication_group", "status", "country", "phase")


def figure_columns(group_by: str = "indication_group") -> list[str]:
    """The columns the page draws a count figure for: ``group_by`` first, then the others once each."""
    if group_by not in GROUP_COLUMNS:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_COLUMNS)}, got {group_by!r}")
    return [group_by] + [c for c in FIGURE_COLUMNS if c != group_by]


def alt_text(counts: pd.DataFrame, column: str, value: str = "n_trials") -> str:
    """Alt text for a count figure: every value with its number, from `count_by`."""
    what = "registered trials" if value == "n_trials" else "participants"
    name = GROUP_COLUMNS.get(column, column).lower()
    return (f"Bar chart of {what} by {name}: "
            + ", ".join(f"{v} {'not given' if pd.isna(n) else int(n)}" for v, n in zip(counts["value"], counts[value])) + ".")
