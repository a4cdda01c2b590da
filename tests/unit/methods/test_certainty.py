"""Tests of evidence_book.methods.certainty."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from evidence_book.methods.certainty import DOMAINS, rate, signals, vote_signals


def judgements(downs, start="High"):
    return pd.DataFrame({"start": start, "domain": DOMAINS, "downgrade": downs, "reason": "r"})


@pytest.mark.parametrize("downs, start, level", [
    ([0, 0, 0, 0, 0], "High", "High"), ([1, 0, 2, 0, 0], "High", "Very low"),
    ([1, 0, 0, 0, 0], "Low", "Very low"), ([2, 2, 2, 0, 0], "High", "Very low"), ([0, 1, 0, 0, 0], "High", "Moderate"),
])
def test_rate_counts_levels_down_and_floors_at_very_low(downs, start, level):
    assert rate(judgements(downs, start))[0] == level


def test_rate_needs_every_domain_once():
    with pytest.raises(ValueError):
        rate(judgements([0, 0, 0, 0, 0]).iloc[:4])


def test_signals_from_a_summary():
    s = {"k": 3, "i2": 60.0, "pi_low": 0.5, "pi_high": 2.0, "ci_low": 0.8, "ci_high": 1.3}
    sig = signals(s, ["High", "Low", "Some concerns"], in_people=False)
    assert sig["risk_of_bias"] == "1 of 3 at high risk, 1 at low risk"
    assert "crosses the null" in sig["imprecision"] and "crosses the null" in sig["inconsistency"]
    assert sig["indirectness"] == "animal model, not people" and "not possible" in sig["publication_bias"]
    s2 = {**s, "ci_low": 1.1, "pi_low": math.nan}
    assert "excludes the null" in signals(s2, [])["imprecision"]


def test_vote_signals_for_directions_only():
    votes = {"n_studies": 6, "n_favours_treatment": 4, "n_favours_control": 1, "n_no_difference": 0,
             "n_unclear": 1, "sign_test_p": 0.375}  # 4 of 5 with a direction: 2 × P(X ≥ 4 | 5, ½) = 2 × 6/32
    s = vote_signals(votes, n_subjects=120, n_short=5, n_below=1, threshold=9, subjects="rats")
    assert set(s) == set(DOMAINS)
    assert s["risk_of_bias"] == "5 of 6 fall short on at least one appraisal item; 1 below the threshold (9)"
    assert s["inconsistency"] == "4 of 6 favour the treatment, 1 favour control, 1 no difference or unclear"
    assert s["imprecision"] == "120 rats in 6 studies; directions only, no pooled effect; sign test p = 0.38"
    assert s["indirectness"] == "animal model, not people"
    assert s["publication_bias"].startswith("k = 6: small-study tests not possible")


def test_vote_signals_without_any_direction_say_there_is_no_sign_test():
    votes = {"n_studies": 2, "n_favours_treatment": 0, "n_favours_control": 0, "n_no_difference": 0,
             "n_unclear": 2, "sign_test_p": float("nan")}
    assert "no sign test" in vote_signals(votes, 10, 0, 0, 9)["imprecision"]
