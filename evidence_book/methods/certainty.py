"""GRADE-style certainty: signals computed from the data, and the rating from recorded judgements.

The signals (share of studies at high risk of bias, I² and the prediction interval, whether the
CI crosses the null, animal model vs people, whether small-study tests are possible) inform a
judgement; the judgement itself (levels rated down, with a reason) is data, recorded by a person
in ``certainty.csv``. `rate` applies GRADE's arithmetic: start level minus the downgrades,
floored at "Very low" (Guyatt et al. 2008; GRADE handbook §5).
"""
from __future__ import annotations

import math

import pandas as pd

LEVELS = ("Very low", "Low", "Moderate", "High")
DOMAINS = ("risk_of_bias", "inconsistency", "imprecision", "indirectness", "publication_bias")


def signals(summary: dict, rob: list, null_value: float = 1.0, in_people: bool = True,
            small_study_min_k: int = 10) -> dict:
    """One short text per GRADE domain from a pooled ``summary`` (`pooling.pool_2x2` keys) and the
    pooled studies' overall risk-of-bias judgements ``rob``."""
    k = int(summary["k"])
    rob = [r for r in rob if isinstance(r, str)]
    high = sum(r in ("High", "Serious", "Critical") for r in rob)
    low = sum(r == "Low" for r in rob)
    pi_lo, pi_hi = summary.get("pi_low", math.nan), summary.get("pi_high", math.nan)
    pi = ("no prediction interval (k < 3)" if pd.isna(pi_lo) else
          f"prediction interval {pi_lo:.2f} to {pi_hi:.2f}" + (" crosses the null" if pi_lo < null_value < pi_hi else ""))
    crosses = summary["ci_low"] < null_value < summary["ci_high"]
    return {
        "risk_of_bias": f"{high} of {k} at high risk, {low} at low risk",
        "inconsistency": f"I² = {summary['i2']:.0f}%; {pi}",
        "imprecision": (f"95% CI {summary['ci_low']:.2f} to {summary['ci_high']:.2f} "
                        + ("crosses the null" if crosses else "excludes the null")),
        "indirectness": "people" if in_people else "animal model, not people",
        "publication_bias": (f"k = {k}: small-study tests not possible (need {small_study_min_k})"
                             if k < small_study_min_k else f"k = {k}: small-study tests possible"),
    }


def vote_signals(votes: dict, n_subjects: int, n_short: int, n_below: int, threshold: int,
                 subjects: str = "animals", in_people: bool = False, small_study_min_k: int = 10) -> dict:
    """One short text per GRADE domain for an outcome synthesised by vote counting (no effect sizes).

    ``votes``: one row of `votes.vote_count` (``n_studies, n_favours_treatment, n_favours_control,
    n_no_difference, n_unclear, sign_test_p``); ``n_subjects``: participants or animals in those
    studies; ``n_short``: studies falling short on at least one appraisal item; ``n_below``: studies
    under the quality ``threshold``. With directions only there is no CI of an effect, so imprecision
    rests on the number of studies and subjects and the sign test.
    """
    k = int(votes["n_studies"])
    fav, against = int(votes["n_favours_treatment"]), int(votes["n_favours_control"])
    other = int(votes["n_no_difference"]) + int(votes["n_unclear"])
    p = votes["sign_test_p"]
    p_text = "no sign test (no study with a direction)" if pd.isna(p) else f"sign test p = {p:.2g}"
    return {
        "risk_of_bias": f"{n_short} of {k} fall short on at least one appraisal item; {n_below} below the threshold ({threshold})",
        "inconsistency": f"{fav} of {k} favour the treatment, {against} favour control, {other} no difference or unclear",
        "imprecision": f"{n_subjects} {subjects} in {k} studies; directions only, no pooled effect; {p_text}",
        "indirectness": "people" if in_people else "animal model, not people",
        "publication_bias": (f"k = {k}: small-study tests not possible (need {small_study_min_k} and effect sizes)"
                             if k < small_study_min_k else f"k = {k}, but no effect sizes: small-study tests not possible"),
    }


def rate(judgements: pd.DataFrame) -> tuple[str, list[str]]:
    """(certainty level, ["Domain: rated down n (reason)", …]) for one outcome's judgement rows.

    ``judgements``: columns ``start, domain, downgrade, reason``; every domain of `DOMAINS` must
    appear exactly once and ``start`` must be one level.
    """
    starts = set(judgements["start"])
    if len(starts) != 1 or next(iter(starts)) not in LEVELS:
        raise ValueError(f"one starting level needed, got {sorted(map(str, starts))}")
    domains = list(judgements["domain"])
    if sorted(domains) != sorted(DOMAINS):
        raise ValueError(f"each of {DOMAINS} must be judged once, got {domains}")
    total = int(judgements["downgrade"].astype(int).sum())
    level = LEVELS[max(0, LEVELS.index(next(iter(starts))) - total)]
    reasons = [f"{d}: rated down {int(n)}" for d, n in zip(judgements["domain"], judgements["downgrade"]) if int(n) > 0]
    return level, reasons
