"""Living review: add a study (one row per relevant CSV) to a built copy and rebuild; everything
that depends on the study follows, and nothing else re-runs."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from site_support import built_book, copy_built, run_build
from test_chapters import glued, rows


def append_rows(path: Path, new_rows: list[dict]) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with open(path, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        for r in new_rows:
            w.writerow({k: r.get(k, "") for k in header})


PROV = {"source": "synthetic (test)", "location": "tests/test_living_review.py", "note": "added by a test"}


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """(before, after, build log): the built book, and a copy with one more study, rebuilt."""
    before = built_book(tmp_path_factory)
    after = copy_built(before, tmp_path_factory.mktemp("living") / "book")
    append_rows(after / "data/nerve/studies.csv", [{
        "study_id": "newstudy2026", "ref": "999", "first_author": "Newstudy", "year": "2026", "n_animals": "41",
        "species": "Wistar", "sex": "male", "weight_min_g": "200", "weight_max_g": "250", "cell_source": "adipose",
        "secretome_type": "exosomes", "injury_model": "sciatic_transection", "jbi_score_stated": "12", **PROV}])
    append_rows(after / "data/nerve/references.csv", [{
        "ref_id": "newstudy2026", "study_id": "newstudy2026", "authors": "Newstudy, A.; Other, B.",
        "title": "A synthetic study added by a test", "journal": "Test J.", "year": "2026", **PROV}])
    append_rows(after / "data/nerve/jbi.csv", [
        {"study_id": "newstudy2026", "item": f"Q{q}", "answer": "yes" if q <= 12 else "no", **PROV} for q in range(1, 14)])
    append_rows(after / "data/nerve/outcomes.csv", [
        {"study_id": "newstudy2026", "domain": "functional", "measure": "SFI", "direction": "favours_control", **PROV},
        {"study_id": "newstudy2026", "domain": "electrophysiological", "measure": "NCV", "direction": "favours_treatment", **PROV}])
    code, log = run_build(after)
    assert code == 0, log
    return before, after, log


def test_only_sections_reading_the_changed_files_rerun(grown):
    _, _, log = grown
    ran = {l.split()[1] for l in log.splitlines() if l.strip().startswith("ran ")}
    assert {"nerve-studies", "nerve-quality", "nerve-synthesis", "nerve-audit"} <= ran
    assert not ran & {"nerve-protocol", "nerve-selection", "aasc-effects", "ev-registry"}


def test_counts_and_glued_numbers_follow(grown):
    before, after, _ = grown
    g0, g1 = glued(before, "nerve-studies"), glued(after, "nerve-studies")
    assert int(g1["n_studies"]) == int(g0["n_studies"]) + 1
    assert int(g1["n_animals"]) == int(g0["n_animals"]) + 41
    assert int(g1["species_wistar"]) == int(g0["species_wistar"]) + 1
    assert int(g1["measure_sfi"]) == int(g0["measure_sfi"]) + 1
    s0, s1 = glued(before, "nerve-synthesis"), glued(after, "nerve-synthesis")
    assert int(s1["n_included"]) == int(s0["n_included"]) + 1
    page = (after / "_build/html/chapters/nerve-studies.html").read_text()
    assert "Newstudy 2026" in page


def test_tables_and_figure_data_follow(grown):
    _, after, _ = grown
    table = rows(after, "_build/html/chapters/_files/nerve-studies/studies.csv")
    assert any(r["study"] == "Newstudy 2026" for r in table)
    votes = {r["domain"]: r for r in rows(after, "_build/html/chapters/_files/nerve-synthesis/votes-by-domain.csv")}
    assert int(votes["functional"]["n_favours_control"]) >= 1  # the new study's functional vote
    svg = (after / "_build/html/chapters/_files/nerve-studies/evidence-map-1.svg").read_text()
    assert "Newstudy 2026" in svg  # the evidence map has a row for it (SVG text stays text)


def test_audit_verdicts_follow(grown):
    before, after, _ = grown
    audit0 = {r["claim_id"]: r for r in rows(before, "_build/audit/claims.csv")}
    audit1 = {r["claim_id"]: r for r in rows(after, "_build/audit/claims.csv")}
    total = [c for c in rows(after, "data/nerve/claims.csv") if c["rule"] == "sum" and c["column"] == "n_animals" and not c["filter"]]
    cid = total[0]["claim_id"]
    assert int(audit1[cid]["recomputed_value"]) == int(audit0[cid]["recomputed_value"]) + 41
    assert audit0[cid]["verdict"] == "holds" and audit1[cid]["verdict"] == "does_not_hold"
