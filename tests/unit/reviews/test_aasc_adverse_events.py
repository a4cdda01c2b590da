"""Tests of evidence_book.reviews.aasc_adverse_events."""
from __future__ import annotations

import csv
import re
from evidence_book.reviews import aasc_adverse_events
from evidence_book.data import load_table


from conftest import REPO  # noqa: E402


def rows(path: str) -> list[dict]:
    with open(REPO / path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_adverse_event_counts():
    ae, trials = load_table("aasc", "adverse_events"), load_table("aasc", "trials")
    c = aasc_adverse_events.adverse_event_counts(ae, trials)
    not_reported = {r["study_id"] for r in rows("data/aasc/adverse_events.csv") if r["event"] == "not reported"}
    assert c["n_not_reported"] == len(not_reported)
    assert c["n_reported"] + c["n_not_reported"] == len(rows("data/aasc/trials.csv"))
    serious = {r["study_id"] for r in rows("data/aasc/adverse_events.csv")
               if re.search(r"serious|SAE", r["event"], re.I) and r["n_events_aasc"] and float(r["n_events_aasc"]) > 0}
    assert set(c["serious_trials"]) == serious and c["n_serious_aasc"] == len(serious)
    assert len(aasc_adverse_events.adverse_events_table(ae, trials)) == len(ae)
