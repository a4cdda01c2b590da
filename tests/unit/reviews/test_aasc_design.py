"""Tests of evidence_book.reviews.aasc_design."""
from __future__ import annotations

import csv
from evidence_book.reviews import aasc_design
from evidence_book.data import load_table
import pandas as pd


from conftest import REPO  # noqa: E402


def rows(path: str) -> list[dict]:
    with open(REPO / path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_design_counts_match_the_loader():
    trials = load_table("aasc", "trials")
    c = aasc_design.design_counts(trials)
    assert c["n_trials"] == len(trials) == len(rows("data/aasc/trials.csv"))
    for col in ("randomized", "blinded", "controlled"):
        assert c[f"n_{col}"] == int(trials[col].eq(True).sum())
        assert c[f"n_not_{col}"] == int(trials[col].eq(False).sum())
        assert c[f"n_{col}_missing"] == int(trials[col].isna().sum())
        assert c[f"n_{col}"] + c[f"n_not_{col}"] + c[f"n_{col}_missing"] == len(trials)
    both = [r for r in trials.itertuples() if r.randomized == True and r.controlled == True]  # noqa: E712
    assert c["n_rct"] == len(both)
    assert c["n_rct_blinded"] == sum(1 for r in both if r.blinded == True)  # noqa: E712
    assert c["n_low"] + c["n_moderate"] + c["n_high"] == len(trials)
    assert c["n_rob2"] == int((trials["rob_tool"] == "RoB 2").sum())
    # The tool follows Table 1's Randomized column, as the extraction notes say.
    assert (trials.loc[trials["randomized"].eq(True), "rob_tool"] == "RoB 2").all()


def test_design_table_and_rob_judgements_cover_every_trial():
    trials = load_table("aasc", "trials")
    t = aasc_design.design_table(trials)
    assert (t[["Yes", "No", "Not reported"]].sum(axis=1) == len(trials)).all()
    j = aasc_design.rob_judgements(trials)
    assert len(j) == len(trials) and set(j["tool"]) == {"RoB 2", "ROBINS-I"}
    assert list(dict.fromkeys(j["tool"])) == ["RoB 2", "ROBINS-I"]  # grouped by tool
    s = aasc_design.rob_summary(trials)
    assert s["n_trials"].sum() == len(trials)


def test_stated_rob_tool_counts_come_from_the_claims():


    claims = pd.DataFrame({"rule": ["count", "count", "sum"], "claimed_value": ["4", "6", "99"],
                           "filter": ["rob_tool=RoB 2", "rob_tool=ROBINS-I", "rob_tool=RoB 2"]})
    assert aasc_design.stated_rob_tool_counts(claims) == {"stated_rob2": "4", "stated_robins": "6"}
