"""The AASC trials review (seed 004): adverse events per trial, and counts of trials reporting them.

Functions take the DataFrames `load_table("aasc", …)` returns; nothing here reads files, prints or plots.
"""
from __future__ import annotations

import re

import pandas as pd

from evidence_book.values import to_boolean, to_number, to_text
from evidence_book.labels import format_count, study_labels

YES = "Yes"



# --------------------------------------------------------------------------------------------
# Adverse events
# --------------------------------------------------------------------------------------------

_SERIOUS = re.compile(r"\bserious\b|\bSAEs?\b", re.IGNORECASE)


def is_serious(event) -> bool:
    return bool(_SERIOUS.search(str(event)))


def _arm(events, n) -> str:
    if pd.isna(events) and pd.isna(n):
        return ""
    return f"{format_count(events) if not pd.isna(events) else '?'} / {format_count(n) if not pd.isna(n) else '?'}"


def adverse_events_table(ae: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Every adverse-event row across trials, readable: study, indication, event, counts per arm, unit, notes."""
    names = study_labels(trials).astype(str).to_dict()
    groups = dict(zip(trials["study_id"], trials["indication_group"]))
    rel = to_boolean(ae["treatment_related"]).map(
        lambda v: "" if v is pd.NA else ("treatment-related" if v else "not attributed to treatment"))
    return pd.DataFrame({
        "Study": ae["study_id"].map(names).fillna(ae["study_id"]),
        "Indication group": ae["study_id"].map(groups),
        "Event": ae["event"],
        "Serious": [YES if is_serious(e) else "" for e in ae["event"]],
        "AASC arm (events / n)": [_arm(a, b) for a, b in zip(to_number(ae["n_events_aasc"]), to_number(ae["n_patients_aasc"]))],
        "Control arm (events / n)": [_arm(a, b) for a, b in zip(to_number(ae["n_events_control"]),
                                                                 to_number(ae["n_patients_control"]))],
        "Counted as": to_text(ae["count_unit"]).fillna(""),
        "Attribution": rel,
        "Time": to_text(ae["timepoint"]).fillna(""),
        "Description": to_text(ae["description"]).fillna(""),
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
        ev = to_number(rep["n_events_aasc"])
        ser = rep[rep["event"].map(is_serious).astype(bool)]
        sev = to_number(ser["n_events_aasc"])
        related = to_boolean(ser["treatment_related"])
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


