"""Descriptive counts of the included studies (the review's §3.1): totals, tallies, ranges.

Plain pandas counting; nothing here needs a statistics library.
"""
from __future__ import annotations

import pandas as pd


def totals(studies: pd.DataFrame) -> dict:
    """``n_studies`` (distinct study_id), ``n_animals`` (sum where reported), ``n_animals_reported`` (studies reporting it)."""
    animals = studies["n_animals"].astype("Float64")
    return {
        "n_studies": int(studies["study_id"].nunique()),
        "n_animals": int(animals.sum(skipna=True)),
        "n_animals_reported": int(animals.notna().sum()),
    }


def count_by(studies: pd.DataFrame, column: str) -> pd.DataFrame:
    """Studies and animals per value of ``column``: ``value, n_studies, n_animals, percent``.

    ``percent`` is the share of all studies (0–100); NA values (not reported) form their own row
    with ``value`` NA; ``n_animals`` sums the reported animal numbers of the group's studies (NA if
    none reported). Sorted by n_studies, descending, then value.
    """
    total = studies["study_id"].nunique()
    d = studies[["study_id", column, "n_animals"]].drop_duplicates("study_id")
    grouped = d.groupby(column, dropna=False, sort=False)
    out = pd.DataFrame({
        "n_studies": grouped["study_id"].nunique(),
        "n_animals": grouped["n_animals"].sum(min_count=1),
    }).reset_index().rename(columns={column: "value"})
    out["n_studies"] = out["n_studies"].astype("Int64")
    out["n_animals"] = out["n_animals"].astype("Int64")
    out["percent"] = pd.array(out["n_studies"].to_numpy(dtype=float) / total * 100 if total else [],
                              dtype="Float64")
    out["_na"] = out["value"].isna()
    out = out.sort_values(["_na", "n_studies", "value"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_na").reset_index(drop=True)[["value", "n_studies", "n_animals", "percent"]]


def range_of(studies: pd.DataFrame, low: str, high: str) -> tuple:
    """``(min of low, max of high, n_reported)``; a study reporting one bound counts for both ends.

    E.g. ``range_of(studies, "weight_min_g", "weight_max_g")``. n_reported is the number of studies
    with at least one bound; min/max are None when nothing is reported.
    """
    lo = studies[low].astype("Float64")
    hi = studies[high].astype("Float64")
    values = pd.concat([lo, hi])
    n_reported = int((lo.notna() | hi.notna()).sum())
    if n_reported == 0:
        return (None, None, 0)

    def plain(x):
        x = float(x)
        return int(x) if x.is_integer() else x

    return (plain(values.min()), plain(values.max()), n_reported)


def instrument_counts(outcomes: pd.DataFrame, measure_col: str = "measure") -> pd.DataFrame:
    """How many studies used each outcome measure: ``measure, domain, n_studies``, most used first."""
    out = (outcomes.groupby([measure_col, "domain"], dropna=False)["study_id"].nunique()
           .rename("n_studies").reset_index().rename(columns={measure_col: "measure"}))
    out["n_studies"] = out["n_studies"].astype("Int64")
    return out.sort_values(["n_studies", "domain", "measure"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)
