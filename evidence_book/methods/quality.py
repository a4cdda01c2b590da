"""Critical-appraisal (JBI checklist) scores: recount the review's scores and test thresholds.

The JBI score of a study is the number of checklist items answered ``yes`` (out of 13 for the
animal-study checklist used by the nerve review). The counting is plain pandas; no library
computes JBI scores.
"""
from __future__ import annotations

import pandas as pd

ANSWER_COLUMNS = {"yes": "score_counted", "no": "n_no", "unclear": "n_unclear", "not_applicable": "n_na"}


def jbi_scores(jbi: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """One row per study: the JBI score recounted from the item answers beside the stated score.

    ``jbi`` is the long table (``study_id, item, answer``); ``studies`` supplies ``first_author``,
    ``year`` and ``jbi_score_stated``. Columns: ``study_id, first_author, year, score_counted``
    (number of ``yes``), ``n_items`` (items answered), ``jbi_score_stated``, ``difference``
    (stated − counted), ``n_no, n_unclear, n_na``. Studies in ``studies`` without any appraisal
    rows keep a row with ``n_items`` 0 and NA counts; rows appear in the order of ``studies``,
    then any appraised study missing from ``studies``.
    """
    answers = jbi[["study_id", "answer"]].copy()
    answers["answer"] = answers["answer"].astype("string").str.strip().str.lower()
    counts = pd.crosstab(answers["study_id"], answers["answer"])
    for answer in ANSWER_COLUMNS:
        if answer not in counts.columns:
            counts[answer] = 0
    counts = counts[list(ANSWER_COLUMNS)].rename(columns=ANSWER_COLUMNS)
    counts["n_items"] = answers.groupby("study_id").size()
    counts = counts.astype("Int64").reset_index()

    meta = studies[["study_id", "first_author", "year", "jbi_score_stated"]]
    out = meta.merge(counts, on="study_id", how="outer", sort=False)
    order = {sid: i for i, sid in enumerate(meta["study_id"])}
    out["_order"] = out["study_id"].map(lambda s: order.get(s, len(order)))
    out = out.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)

    appraised = out["n_items"].notna() & (out["n_items"] > 0)
    out["n_items"] = out["n_items"].fillna(0).astype("Int64")
    for col in ANSWER_COLUMNS.values():
        out[col] = out[col].astype("Int64").where(appraised, pd.NA)
    out["jbi_score_stated"] = out["jbi_score_stated"].astype("Int64")
    out["difference"] = out["jbi_score_stated"] - out["score_counted"]
    return out[["study_id", "first_author", "year", "score_counted", "n_items", "jbi_score_stated",
                "difference", "n_no", "n_unclear", "n_na"]]


def below_threshold(scores: pd.DataFrame, threshold: int, score: str = "score_counted") -> pd.DataFrame:
    """Studies whose ``score`` column is strictly below ``threshold`` (NA scores are not included)."""
    values = scores[score].astype("Float64")
    mask = (values < threshold).fillna(False).astype(bool)
    return scores.loc[mask].reset_index(drop=True)


def threshold_sensitivity(scores: pd.DataFrame, thresholds=range(7, 14)) -> pd.DataFrame:
    """How many studies a quality threshold would keep, by the stated and by the recounted score.

    One row per threshold: a study is included when its score ≥ threshold and excluded when
    below; studies without a score count in neither (``n_missing_*``). Columns: ``threshold,
    n_included_stated, n_excluded_stated, n_missing_stated, n_included_counted,
    n_excluded_counted, n_missing_counted``.
    """
    rows = []
    for t in thresholds:
        row = {"threshold": int(t)}
        for label, col in (("stated", "jbi_score_stated"), ("counted", "score_counted")):
            values = scores[col].astype("Float64")
            known = values.notna()
            n_in = int((values[known] >= t).sum())
            row[f"n_included_{label}"] = n_in
            row[f"n_excluded_{label}"] = int(known.sum()) - n_in
            row[f"n_missing_{label}"] = int((~known).sum())
        rows.append(row)
    cols = ["threshold", "n_included_stated", "n_excluded_stated", "n_missing_stated",
            "n_included_counted", "n_excluded_counted", "n_missing_counted"]
    return pd.DataFrame(rows, columns=cols).astype("Int64")
