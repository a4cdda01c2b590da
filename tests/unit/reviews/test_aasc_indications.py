"""Tests of evidence_book.reviews.aasc_indications."""
from __future__ import annotations

import csv
from collections import defaultdict
from evidence_book.reviews import aasc_indications
from evidence_book.data import load_table


from conftest import REPO  # noqa: E402


def rows(path: str) -> list[dict]:
    with open(REPO / path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_recomputed_indications_match_an_independent_groupby():
    studies, patients, treated = defaultdict(int), defaultdict(int), defaultdict(int)
    for r in rows("data/aasc/trials.csv"):
        g = r["indication_group"]
        studies[g] += 1
        patients[g] += int(r["n_patients"])
        treated[g] += int(r["n_aasc"])
    comp = aasc_indications.compare_indications(load_table("aasc", "trials"), load_table("aasc", "indications"))
    body = comp[comp["indication"] != "Total"].set_index("indication")
    assert set(body.index) == set(studies)
    for g in studies:
        assert body.at[g, "n_studies_recomputed"] == studies[g]
        assert body.at[g, "n_patients_recomputed"] == patients[g]
        assert body.at[g, "n_aasc_recomputed"] == treated[g]
    total = comp[comp["indication"] == "Total"].iloc[0]
    assert total["n_patients_recomputed"] == sum(patients.values())
    assert total["n_aasc_recomputed"] == sum(treated.values())


def test_published_table2_differences_are_flagged():
    published = {r["indication"]: r for r in rows("data/aasc/indications.csv")}
    comp = aasc_indications.compare_indications(load_table("aasc", "trials"), load_table("aasc", "indications")).set_index("indication")
    for ind, r in comp.iterrows():
        pub = published[ind]
        assert r["n_aasc_published"] == int(pub["n_aasc"])
        expect = any(int(pub[c]) != int(r[f"{c}_recomputed"]) for c in ("n_studies", "n_patients", "n_aasc"))
        assert bool(r["differs"]) is expect
    # Known from the extraction notes: skin 103 vs 100, glandular 102 vs 98, total 535 vs 528.
    assert list(comp.index[comp["differs"].astype(bool)]) == ["Skin lesions", "Glandular dysfunctions", "Total"]
    sentences = aasc_indications.difference_sentences(comp.reset_index(), load_table("aasc", "trials"))
    assert len(sentences) == 3
    assert any("103" in s and "100" in s for s in sentences)
