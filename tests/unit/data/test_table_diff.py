"""Tests of evidence_book.data.table_diff on small hand-made tables (text cells, as the loader reads them)."""
from __future__ import annotations

import pandas as pd

from evidence_book.data.schemas import BY_NAME, Col, Table
from evidence_book.data.table_diff import diff_table, is_unchanged

KEYED = Table("t", "keyed", "A keyed table.", (Col("id"), Col("item"), Col("value"), Col("note")), key=("id", "item"))
PLAIN = Table("t", "plain", "A table without a key.", (Col("study_id"), Col("measure"), Col("direction")))


def frame(rows, columns=("id", "item", "value", "note")) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns), dtype="string").fillna("")


def test_keyed_rows_added_removed_and_edited_by_the_compound_key():
    old = frame([["a", "Q1", "1", ""], ["a", "Q2", "2", ""], ["b", "Q1", "3", "x"]])
    new = frame([["b", "Q1", "3", "y"], ["a", "Q1", "1", ""], ["c", "Q1", "5", ""]])  # reordered: order is no change
    d = diff_table(KEYED, old, new)
    assert d["matched_by"] == "key"
    assert [r["key"] for r in d["added"]] == [{"id": "c", "item": "Q1"}]
    assert [r["key"] for r in d["removed"]] == [{"id": "a", "item": "Q2"}]
    assert [(r["key"], r["changes"]) for r in d["edited"]] == [
        ({"id": "b", "item": "Q1"}, [{"column": "note", "old": "x", "new": "y"}])]
    assert d["removed"][0]["row"]["value"] == "2"  # the removed row's content is kept


def test_an_unchanged_table_and_whitespace_only_differences():
    old = frame([["a", "Q1", "1", ""]])
    new = frame([[" a", "Q1 ", "1", ""]])
    assert is_unchanged(diff_table(KEYED, old, new))


def test_a_changed_number_is_a_change_of_the_text():
    d = diff_table(KEYED, frame([["a", "Q1", "9", ""]]), frame([["a", "Q1", "9.0", ""]]))
    assert d["edited"][0]["changes"] == [{"column": "value", "old": "9", "new": "9.0"}]


def test_columns_added_are_reported_once_and_not_as_cell_edits():
    old = frame([["a", "Q1", "1"]], ("id", "item", "value"))
    new = frame([["a", "Q1", "1", "new note"]])
    d = diff_table(KEYED, old, new)
    assert d["columns_added"] == ["note"] and d["columns_removed"] == []
    assert not d["edited"] and not is_unchanged(d)


def test_a_file_created_or_deleted():
    rows = frame([["a", "Q1", "1", ""], ["b", "Q1", "2", ""]])
    created = diff_table(KEYED, None, rows)
    assert created["created"] and len(created["added"]) == 2 and not created["removed"]
    deleted = diff_table(KEYED, rows, None)
    assert deleted["deleted"] and len(deleted["removed"]) == 2
    assert is_unchanged(diff_table(KEYED, None, None))


def test_a_repeated_key_falls_back_to_matching_by_order():
    old = frame([["a", "Q1", "1", ""], ["a", "Q1", "2", ""]])  # invalid at that version: key used twice
    new = frame([["a", "Q1", "1", ""], ["a", "Q1", "3", ""]])
    d = diff_table(KEYED, old, new)
    assert d["matched_by"] == "order" and d["key"] == []
    assert [c["changes"] for c in d["edited"]] == [[{"column": "value", "old": "2", "new": "3"}]]


def test_a_table_without_key_pairs_a_changed_row_as_an_edit():
    cols = ("study_id", "measure", "direction")
    old = frame([["s1", "SFI", "favours_treatment"], ["s1", "NCV", "unclear"], ["s2", "SFI", "unclear"]], cols)
    new = frame([["s1", "SFI", "favours_treatment"], ["s1", "NCV", "no_difference"], ["s2", "SFI", "unclear"],
                 ["s3", "SFI", "unclear"]], cols)
    d = diff_table(PLAIN, old, new)
    assert d["matched_by"] == "order"
    assert [r["changes"] for r in d["edited"]] == [[{"column": "direction", "old": "unclear", "new": "no_difference"}]]
    assert [r["row"]["study_id"] for r in d["added"]] == ["s3"] and not d["removed"]


def test_a_table_without_key_replacing_a_whole_row_is_a_removal_and_an_addition():
    cols = ("study_id", "measure", "direction")
    old = frame([["s1", "SFI", "favours_treatment"]], cols)
    new = frame([["s9", "TGT", "unclear"]], cols)
    d = diff_table(PLAIN, old, new)
    assert not d["edited"]
    assert [r["row"]["study_id"] for r in d["removed"]] == ["s1"] and [r["row"]["study_id"] for r in d["added"]] == ["s9"]


def test_a_removed_row_in_the_middle_of_a_keyless_table():
    cols = ("study_id", "measure", "direction")
    old = frame([["s1", "A", "x"], ["s2", "B", "y"], ["s3", "C", "z"]], cols)
    new = frame([["s1", "A", "x"], ["s3", "C", "z"]], cols)
    d = diff_table(PLAIN, old, new)
    assert [r["row"]["study_id"] for r in d["removed"]] == ["s2"] and not d["added"] and not d["edited"]


def test_the_real_schema_keys_are_used():
    studies = BY_NAME[("nerve", "studies")]
    cols = [c.name for c in studies.columns]
    row = {c: "" for c in cols} | {"study_id": "x2020", "first_author": "X", "year": "2020", "n_animals": "10"}
    old = pd.DataFrame([row], dtype="string")
    new = pd.DataFrame([row | {"n_animals": "12"}], dtype="string")
    d = diff_table(studies, old, new)
    assert d["key"] == ["study_id"] and d["edited"][0]["key"] == {"study_id": "x2020"}
    assert d["edited"][0]["changes"] == [{"column": "n_animals", "old": "10", "new": "12"}]
