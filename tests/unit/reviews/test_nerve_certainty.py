"""Tests of evidence_book.reviews.nerve_certainty on the repository's data."""
from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import binomtest

from evidence_book.data import load_table
from evidence_book.methods.certainty import DOMAINS, LEVELS
from evidence_book.reviews import nerve, nerve_certainty

THRESHOLD = 9


@pytest.fixture(scope="module")
def data():
    t = nerve.load()
    result = nerve.synthesis(t["outcomes"], t["studies"], t["jbi"], THRESHOLD, None)
    return t, result, load_table("nerve", "certainty")


def test_one_row_per_outcome_domain_with_studies_and_rats_from_the_data(data):
    t, result, certainty = data
    sof, _ = nerve_certainty.summary_of_findings(result["by_domain"], result["directions"], t["studies"], t["jbi"],
                                              certainty, THRESHOLD)
    outcomes = t["outcomes"]
    domains = sorted(outcomes["domain"].unique())
    assert len(sof) == len(domains)  # the one-vote-per-study "overall" row is not an outcome
    rats = t["studies"].set_index("study_id")["n_animals"]
    for d, row in zip(sorted(result["by_domain"].query("domain != 'overall'")["domain"]), sof.sort_values("Outcome domain").itertuples()):
        ids = outcomes.loc[outcomes["domain"] == d, "study_id"].unique()
        assert row.Studies == len(ids)
        assert row.Rats == int(rats.loc[ids].sum())


def test_certainty_is_the_start_minus_the_recorded_downgrades(data):
    t, result, certainty = data
    sof, reasons = nerve_certainty.summary_of_findings(result["by_domain"], result["directions"], t["studies"], t["jbi"],
                                                       certainty, THRESHOLD)
    sof = sof.set_index("Outcome domain")
    assert len(reasons) == len(sof) * len(DOMAINS)
    assert set(reasons["Reason (this book)"]) == set(certainty["reason"])
    for outcome, j in certainty.groupby("outcome"):
        expected = LEVELS[max(0, LEVELS.index(j["start"].iloc[0]) - int(j["downgrade"].sum()))]
        label = sof.index[[outcome.replace("_", " ").lower() == i.lower() for i in sof.index]]
        assert sof.loc[label[0], "Certainty (this book)"] == expected


def test_every_domain_of_the_vote_count_is_judged_once_per_grade_domain(data):
    _, result, certainty = data
    assert nerve_certainty.unrated_outcomes(result["by_domain"], certainty) == []
    counts = certainty.groupby("outcome")["domain"].apply(sorted)
    assert all(c == sorted(DOMAINS) for c in counts)


def test_recorded_judgements_still_follow_the_rules_their_reasons_state(data):
    """The reasons state rules (imprecision −2 when the sign test cannot rule out chance, −1 when it
    can; inconsistency −1 when fewer than half favour the secretome). If new data change a signal,
    this fails so that the judgement is revisited rather than left stale."""
    t, result, certainty = data
    votes = result["by_domain"].set_index("domain")
    j = certainty.set_index(["outcome", "domain"])["downgrade"]
    for domain, v in votes.drop(index="overall").iterrows():
        with_direction = int(v["n_favours_treatment"]) + int(v["n_favours_control"])
        p = binomtest(int(v["n_favours_treatment"]), with_direction, 0.5).pvalue if with_direction else 1.0
        assert j[(domain, "imprecision")] == (1 if p < 0.05 else 2), domain
        assert j[(domain, "inconsistency")] == (1 if 2 * int(v["n_favours_treatment"]) < int(v["n_studies"]) else 0), domain
