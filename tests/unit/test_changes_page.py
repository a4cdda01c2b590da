"""Tests of evidence_book.changes_page: the page's Markdown from a hand-made model (no git, no build)."""
from __future__ import annotations

from evidence_book.changes_page import flat_parameters, markdown, table_title

COMMIT = {"kind": "commit", "commit": "abc1234", "rev": "abc1234" + "0" * 33, "date": "2026-01-02",
          "subject": "Add a study", "tags": []}


def model(*versions, history="ok", shallow=False):
    return {"format": 1, "history": history, "reason": "this copy of the book is not a git checkout",
            "shallow": shallow, "parameters": {"jbi_threshold": 9}, "versions": list(versions)}


def change(**kw):
    base = {"first": False, "tables": [], "other_files": [], "verdicts": [], "numbers": [], "valid": True,
            "problems": [], "conformed": {}, "not_computed": [], "not_computed_before": []}
    return base | kw


STUDIES = {"table": "data/nerve/studies.csv", "key": ["study_id"], "matched_by": "key", "created": False,
           "deleted": False, "columns_added": [], "columns_removed": [], "n_rows": {"old": 13, "new": 14},
           "added": [{"key": {"study_id": "new2026"}, "row": {}, "label": "New 2026"}], "removed": [],
           "edited": [{"key": {"study_id": "chen2024"}, "row": {}, "label": "Chen 2024",
                       "changes": [{"column": "sex", "old": "male", "new": "both"},
                                   {"column": "secretome_type", "old": "", "new": "conditioned_medium"}]}],
           "n_added": 1, "n_removed": 0, "n_edited": 1}


def test_a_version_with_rows_numbers_and_verdicts_in_reader_words():
    text = markdown(model({"version": COMMIT, "data_change": True, **change(
        tables=[STUDIES],
        numbers=[{"id": "nerve.n_studies", "label": "Rat studies included", "group": "g", "old": "13", "new": "14"}],
        verdicts=[{"review": "nerve", "claim_id": "nerve-c02", "quote": "13 met inclusion criteria", "old": "holds",
                   "new": "does_not_hold", "claimed": "13", "old_recomputed": "13", "new_recomputed": "14"}])}))
    assert "## Version abc1234, 2026\\-01\\-02" in text
    assert "Rat studies\\: Included rat studies** (13 → 14 rows)" in text
    assert "Added (1): New 2026." in text
    assert "**Chen 2024**: Sex Male → Both; Secretome type (empty) → conditioned medium" in text
    assert "| Rat studies included | 13 | 14 |" in text
    assert "holds \\(data\\: 13\\) | does not hold \\(data\\: 14\\) |" in text
    assert "does_not_hold" not in text and "conditioned_medium" not in text and "study_id" not in text


def test_no_data_change_names_the_quiet_commits():
    v = COMMIT | {"commits": [COMMIT, COMMIT | {"commit": "def5678"}]}
    text = markdown(model({"version": v, "data_change": False}))
    assert "No data change. Nor in the 1 commit before it (def5678)." in text


def test_working_copy_shallow_edge_and_no_git():
    wc = {"version": {"kind": "working copy", "files": ["data/nerve/studies.csv"]}, "data_change": True, **change()}
    edge = {"version": COMMIT, "data_change": None}
    text = markdown(model(wc, edge, shallow=True))
    assert text.index("## Working copy, not committed") < text.index("## Version abc1234")
    assert "a shallow clone" in text and "is not known here" in text
    assert "not a git checkout" in markdown(model(history="not_a_checkout"))


def test_an_invalid_older_version_says_so():
    text = markdown(model({"version": COMMIT, "data_change": True, **change(
        valid=False, problems=["data/nerve/claims.csv, line 1: missing column(s) 'x'"],
        conformed={"data/nerve/claims.csv": ["root_claim_id"]},
        not_computed=[{"what": "trial effects", "reason": "KeyError: 'x'"}])}))
    assert "do not pass today's checks" in text and "read as empty (Root claim id)" in text
    assert "Not computed at this version: trial effects" in text


def test_long_lists_are_cut_and_point_to_the_json():
    many = STUDIES | {"added": [{"key": {}, "row": {}, "label": f"S{i}", "study": None} for i in range(40)], "n_added": 40,
                      "edited": [], "n_edited": 0}
    text = markdown(model({"version": COMMIT, "data_change": True, **change(tables=[many])}))
    assert "S24; and 15 more (all in changes.json)." in text and "S25" not in text


def test_rows_of_one_study_are_named_once():
    jbi = STUDIES | {"table": "data/nerve/jbi.csv", "edited": [], "n_edited": 0, "n_added": 13,
                     "added": [{"key": {}, "row": {}, "label": f"New 2026, Q{i}", "study": "New 2026"} for i in range(1, 14)]}
    text = markdown(model({"version": COMMIT, "data_change": True, **change(tables=[jbi])}))
    assert "Added (13): New 2026 (13 rows)." in text


def test_table_titles_and_parameters():
    assert table_title("data/nerve/jbi.csv") == "Rat studies: JBI critical-appraisal answers"
    assert table_title("data/aasc/claims.csv") == "Adipose stem cell trials: Quantitative statements of the review"
    assert flat_parameters({"a": {"x": 1}, "b": {"x": 2, "y": 3}}) == {"x": 1, "y": 3}


def test_a_single_row_of_a_study_keeps_its_full_label():
    out = STUDIES | {"table": "data/nerve/outcomes.csv", "edited": [], "n_edited": 0, "n_added": 1,
                     "added": [{"key": {}, "row": {}, "label": "New 2026, functional, SFI", "study": "New 2026"}]}
    text = markdown(model({"version": COMMIT, "data_change": True, **change(tables=[out])}))
    assert "Added (1): New 2026, functional, SFI." in text
