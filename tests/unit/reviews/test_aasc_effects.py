"""Tests of evidence_book.reviews.aasc_effects."""
from __future__ import annotations

import csv
import math
import pytest
from evidence_book.reviews import aasc_effects
from evidence_book.data import load_table


from conftest import REPO  # noqa: E402


def rows(path: str) -> list[dict]:
    with open(REPO / path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_forest_row_matches_a_hand_calculation():
    """Panés 2016, combined remission: 53/107 with cells vs 36/105 with placebo."""
    outcomes, trials = load_table("aasc", "outcomes_binary"), load_table("aasc", "trials")
    z = 1.959963984540054
    a, n1, c, n2 = 53, 107, 36, 105
    rr = (a / n1) / (c / n2)
    se_rr = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    orr = (a * (n2 - c)) / ((n1 - a) * c)
    se_or = math.sqrt(1 / a + 1 / (n1 - a) + 1 / c + 1 / (n2 - c))
    rd = a / n1 - c / n2
    se_rd = math.sqrt((a / n1) * (1 - a / n1) / n1 + (c / n2) * (1 - c / n2) / n2)
    expected = {"RR": (rr, rr * math.exp(-z * se_rr), rr * math.exp(z * se_rr)),
                "OR": (orr, orr * math.exp(-z * se_or), orr * math.exp(z * se_or)),
                "RD": (rd, rd - z * se_rd, rd + z * se_rd)}
    for measure, (est, lo, hi) in expected.items():
        f = aasc_effects.forest_data(outcomes, trials, measure)
        row = f[(f["study_id"] == "panes2016")].iloc[0]
        assert (row["events_aasc"], row["n_aasc"], row["events_control"], row["n_control"]) == (a, n1, c, n2)
        assert row["estimate"] == pytest.approx(est, rel=1e-9)
        assert row["ci_low"] == pytest.approx(lo, rel=1e-6)
        assert row["ci_high"] == pytest.approx(hi, rel=1e-6)


def test_forest_has_every_complete_2x2_and_nothing_else():
    complete = [r for r in rows("data/aasc/outcomes_binary.csv")
                if all(r[k].strip() for k in ("events_aasc", "n_aasc", "events_control", "n_control"))]
    f = aasc_effects.forest_data(load_table("aasc", "outcomes_binary"), load_table("aasc", "trials"), "RR")
    assert len(f) == len(complete)
    assert list(f["study_id"]) == [r["study_id"] for r in complete]


@pytest.mark.parametrize("method", ["dl", "pm"])
def test_pooled_wound_healing_matches_two_study_formula(method):
    """With k = 2 both estimators give τ² = max(0, ((y1 − y2)² − v1 − v2) / 2)."""
    f = aasc_effects.forest_data(load_table("aasc", "outcomes_binary"), load_table("aasc", "trials"), "RR")
    p = aasc_effects.pooled_estimates(f, method, "RR")
    assert list(p["family"]) == ["complete wound healing"] and int(p["k"].iloc[0]) == 2

    def logrr(a, n1, c, n2):
        return math.log((a / n1) / (c / n2)), 1 / a - 1 / n1 + 1 / c - 1 / n2
    (y1, v1), (y2, v2) = logrr(18, 22, 9, 17), logrr(7, 23, 1, 23)  # Moon 12 weeks; Mrozikiewicz-Rakowska
    tau2 = max(0.0, ((y1 - y2) ** 2 - v1 - v2) / 2)
    w1, w2 = 1 / (v1 + tau2), 1 / (v2 + tau2)
    mu = (w1 * y1 + w2 * y2) / (w1 + w2)
    assert p["tau2"].iloc[0] == pytest.approx(tau2, rel=1e-4)
    assert p["estimate"].iloc[0] == pytest.approx(math.exp(mu), rel=1e-4)


def test_sensitivity_and_summary_of_findings_for_the_pooled_family():
    from evidence_book.reviews import aasc_certainty
    f = aasc_effects.forest_data(load_table("aasc", "outcomes_binary"), load_table("aasc", "trials"), "RR")
    fam = aasc_effects.pooled_estimates(f)["family"].iloc[0]
    sens = aasc_effects.sensitivity_table(f, fam)
    assert sens.loc[sens["Analysis"] == "Leave one out", "Note"].iloc[0] == "needs at least 3 studies; 2 pooled"
    assert "needs at least 10 studies" in sens["Note"].iloc[-1]
    sof = aasc_certainty.summary_of_findings(f, load_table("aasc", "certainty"))
    row = sof.iloc[0]
    assert (row["Trials"], row["Participants"]) == (2, 22 + 17 + 23 + 23)  # Moon 12 weeks; Mrozikiewicz-Rakowska
    assert row["Certainty (this book)"] == "Very low"  # High − 1 (risk of bias) − 2 (imprecision)
    assert row["Rated down for"] == "Risk of bias (−1); Imprecision (−2)"
    weights = aasc_effects.family_forest(f, fam)["weight"]
    assert weights.sum() == pytest.approx(100) and list(f["risk_of_bias"].dropna().unique())
