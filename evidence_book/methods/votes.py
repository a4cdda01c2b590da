"""Vote counting on the direction of effect (SWiM, Campbell et al. 2020, BMJ 368:l6890).

Without effect sizes to pool, SWiM allows counting how many studies favour treatment and testing
that count with a sign test (Cochrane Handbook §12.2.2.5; McKenzie & Brennan). Each study gets one
direction per outcome domain, following the "effect direction plot" idea of summarising a study's
measures within a domain into one direction (Thomson & Thomas 2013; Boon & Thomson 2021, Res Synth
Methods 12:29-33). The within-study rule is written by hand (no library implements it); the
confidence interval uses statsmodels ``proportion_confint`` (Wilson) and the sign test
``scipy.stats.binomtest``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint

FAVOUR, AGAINST, NONE, UNCLEAR = "favours_treatment", "favours_control", "no_difference", "unclear"
DIRECTIONS = (FAVOUR, NONE, AGAINST, UNCLEAR)


def direction_from_counts(n_favour: int, n_against: int, n_no_difference: int, n_unclear: int,
                          min_share: float | None = None) -> str:
    """One direction from counts of measures (written by hand; the rule of `study_directions`)."""
    n = n_favour + n_against + n_no_difference + n_unclear
    if n == 0:
        return UNCLEAR
    for direction, count in ((FAVOUR, n_favour), (AGAINST, n_against), (NONE, n_no_difference), (UNCLEAR, n_unclear)):
        if count == n:
            return direction
    if min_share is None:
        if n_favour > n_against:
            return FAVOUR
        if n_against > n_favour:
            return AGAINST
    else:
        if n_favour / n >= min_share:
            return FAVOUR
        if n_against / n >= min_share:
            return AGAINST
    return NONE if n_no_difference > 0 else UNCLEAR


def _by_list(by) -> list:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def study_directions(outcomes: pd.DataFrame, by="domain", min_share: float | None = None) -> pd.DataFrame:
    """One direction of effect per study × ``by`` (e.g. per outcome domain), with the measure counts.

    Each outcome row is one measure. Rule (hand-written):

    1. if every measure in the group has the same direction, that direction;
    2. else if more measures favour treatment than favour control (a majority of the measures
       with a known direction, i.e. ``favours_treatment`` or ``favours_control``) →
       ``favours_treatment``; more favour control → ``favours_control``;
    3. otherwise (a tie, or only ``no_difference``/``unclear`` measures) → ``no_difference`` if any
       measure showed no difference, else ``unclear``.

    ``min_share`` replaces step 2 by the effect-direction-plot threshold of Thomson & Thomas
    (2013), e.g. ``0.7``: a direction wins when at least that share of *all* measures in the group
    show it. ``by=None`` gives one direction per study over all its measures.
    Columns: ``study_id``, the ``by`` columns, ``direction, n_measures, n_favour, n_against,
    n_no_difference, n_unclear``.
    """
    keys = ["study_id", *_by_list(by)]
    d = outcomes[keys].copy()
    direction = outcomes["direction"].astype("string").str.strip().str.lower().fillna(UNCLEAR)
    d["n_favour"] = (direction == FAVOUR).astype(int)
    d["n_against"] = (direction == AGAINST).astype(int)
    d["n_no_difference"] = (direction == NONE).astype(int)
    d["n_unclear"] = (~direction.isin([FAVOUR, AGAINST, NONE])).astype(int)
    d["n_measures"] = 1
    out = (d.groupby(keys, dropna=False, sort=False)[["n_measures", "n_favour", "n_against", "n_no_difference", "n_unclear"]]
           .sum().reset_index())
    out["direction"] = [
        direction_from_counts(r.n_favour, r.n_against, r.n_no_difference, r.n_unclear, min_share)
        for r in out.itertuples(index=False)
    ]
    out["direction"] = out["direction"].astype("string")
    for col in ("n_measures", "n_favour", "n_against", "n_no_difference", "n_unclear"):
        out[col] = out[col].astype("Int64")
    return out[[*keys, "direction", "n_measures", "n_favour", "n_against", "n_no_difference", "n_unclear"]]


def _summarise(directions: pd.Series, study_ids: pd.Series, alpha: float) -> dict:
    direction = directions.astype("string")
    fav = int((direction == FAVOUR).sum())
    against = int((direction == AGAINST).sum())
    n = fav + against
    none = int((direction == NONE).sum())
    row = {
        "n_studies": int(study_ids.nunique()),
        "n_favours_treatment": fav,
        "n_favours_control": against,
        "n_no_difference": none,
        "n_unclear": len(direction) - fav - against - none,  # 'unclear' and anything unrecognised/NA
        "n_with_direction": n,
    }
    if n > 0:
        low, high = proportion_confint(fav, n, alpha=alpha, method="wilson")
        row.update(proportion_favouring=fav / n, ci_low=float(low), ci_high=float(high),
                   sign_test_p=float(binomtest(fav, n, 0.5, alternative="two-sided").pvalue))
    else:
        row.update(proportion_favouring=np.nan, ci_low=np.nan, ci_high=np.nan, sign_test_p=np.nan)
    return row


def _overall_directions(directions: pd.DataFrame, keys: list, min_share: float | None) -> pd.DataFrame:
    """Collapse per-domain rows into one direction per study (and subgroup) from the measure counts."""
    count_cols = ["n_favour", "n_against", "n_no_difference", "n_unclear"]
    if all(c in directions.columns for c in count_cols):
        counts = directions[[*keys, *count_cols]].copy()
    else:  # no counts: treat each row's direction as one measure
        dirn = directions["direction"].astype("string")
        counts = directions[keys].copy()
        counts["n_favour"] = (dirn == FAVOUR).astype(int)
        counts["n_against"] = (dirn == AGAINST).astype(int)
        counts["n_no_difference"] = (dirn == NONE).astype(int)
        counts["n_unclear"] = 1 - counts[["n_favour", "n_against", "n_no_difference"]].sum(axis=1)
    counts[count_cols] = counts[count_cols].astype("int64")
    summed = counts.groupby(keys, dropna=False, sort=False)[count_cols].sum().reset_index()
    summed["direction"] = [
        direction_from_counts(r.n_favour, r.n_against, r.n_no_difference, r.n_unclear, min_share)
        for r in summed.itertuples(index=False)
    ]
    return summed


def vote_count(directions: pd.DataFrame, by="domain", subgroup: str | None = None, overall: bool = False,
               alpha: float = 0.05, min_share: float | None = None) -> pd.DataFrame:
    """Vote count per ``by`` value (and ``subgroup`` value): counts, Wilson CI and sign test.

    ``directions`` is the output of `study_directions` (one row per study × domain); ``subgroup``
    names a column of it (e.g. a study characteristic merged in by the caller; NA subgroup values
    form their own group). Per group: ``n_studies, n_favours_treatment, n_favours_control,
    n_no_difference, n_unclear, n_with_direction`` (= favour + control), ``proportion_favouring``
    (favour / n_with_direction), ``ci_low, ci_high`` (Wilson interval, statsmodels
    ``proportion_confint``), ``sign_test_p`` (two-sided exact binomial test of favour out of
    n_with_direction against 0.5, ``scipy.stats.binomtest``); the last four are NA when
    n_with_direction is 0.

    ``overall=True`` adds, per subgroup, a row with ``by`` = ``"overall"`` in which each study has
    one vote: its domain counts are summed and the `study_directions` rule applied again (same as
    ``study_directions(outcomes, by=None)``), so no study votes twice.
    """
    by_cols = _by_list(by)
    sub_cols = [subgroup] if subgroup else []
    keys = [*sub_cols, *by_cols]
    rows = []
    if keys:
        for values, grp in directions.groupby(keys, dropna=False, sort=True):
            values = values if isinstance(values, tuple) else (values,)
            rows.append({**dict(zip(keys, values)), **_summarise(grp["direction"], grp["study_id"], alpha)})
    else:
        rows.append(_summarise(directions["direction"], directions["study_id"], alpha))
    if overall and by_cols:
        per_study = _overall_directions(directions, ["study_id", *sub_cols], min_share)
        groups = per_study.groupby(sub_cols, dropna=False, sort=True) if sub_cols else [((), per_study)]
        for values, grp in groups:
            values = values if isinstance(values, tuple) else (values,)
            label = dict(zip(sub_cols, values))
            label.update({c: "overall" for c in by_cols})
            rows.append({**label, **_summarise(grp["direction"], grp["study_id"], alpha)})
    out = pd.DataFrame(rows)
    count_cols = ["n_studies", "n_favours_treatment", "n_favours_control", "n_no_difference", "n_unclear", "n_with_direction"]
    for col in count_cols:
        out[col] = out[col].astype("Int64")
    for col in ("proportion_favouring", "ci_low", "ci_high", "sign_test_p"):
        out[col] = pd.array(out[col].to_numpy(dtype=float), dtype="Float64")
        out[col] = out[col].where(out["n_with_direction"] > 0, pd.NA)
    cols = [*keys, *count_cols, "proportion_favouring", "ci_low", "ci_high", "sign_test_p"]
    out = out[cols]
    if sub_cols:  # keep each subgroup's overall row right after its domains
        out = out.sort_values(sub_cols, kind="stable", na_position="last").reset_index(drop=True)
    return out
