"""Tests of evidence_book.methods.certainty."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from evidence_book.methods.certainty import DOMAINS, rate, signals


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
