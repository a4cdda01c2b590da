"""Tests of evidence_book.reviews.ev_registry."""
from __future__ import annotations

import csv
from evidence_book.reviews import ev_registry
from evidence_book.data import load_table


from conftest import REPO  # noqa: E402


def rows(path: str) -> list[dict]:
    with open(REPO / path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_registry_totals_match_the_loader():
    trials = load_table("ev", "trials")
    t = ev_registry.totals(trials)
    assert t["n_trials"] == len(trials) == len(rows("data/ev/trials.csv"))
    assert t["participants"] == int(trials["participants"].sum())
    assert t["participants"] == sum(int(r["participants"]) for r in rows("data/ev/trials.csv"))
    for col in ev_registry.FIGURE_COLUMNS:
        by = ev_registry.count_by(trials, col)
        assert by["n_trials"].sum() == len(trials)
        assert int(by["participants"].sum()) == t["participants"]
    status = ev_registry.count_by(trials, "status").set_index("value")["n_trials"]
    assert status.to_dict() == trials["status"].value_counts().to_dict()


def test_msc_vs_ev_counts():
    m = load_table("ev", "msc_vs_ev")
    c = ev_registry.msc_vs_ev_counts(m)
    assert c == {"MSC_advantage": 3, "MSC_limitation": 5, "EV_advantage": 6, "EV_limitation": 4}
    assert len(ev_registry.msc_vs_ev_table(m)) == len(m)
