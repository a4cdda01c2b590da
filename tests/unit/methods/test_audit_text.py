"""Tests of evidence_book.methods.audit_text: reference lists, p-value intervals, row labels."""
from __future__ import annotations

import pandas as pd
from evidence_book.methods.audit_text import p_interval, parse_refs



def test_helpers():
    assert parse_refs("[40,41,43–46]") == [40, 41, 43, 44, 45, 46]
    assert p_interval("p < 0.01") == (0.0, 0.01)
    lo, hi = p_interval("p = 0.0016")
    assert abs(lo - 0.00155) < 1e-12 and abs(hi - 0.00165) < 1e-12


def test_row_labels_match_row_label_and_long_lists_are_shortened():
    from evidence_book.methods.audit_text import listed, row_label, row_labels

    df = pd.DataFrame({"study_id": pd.array(["a", None, "c"], dtype="string"),
                       "stage": pd.array([None, "s", None], dtype="string"), "x": [1, 2, 3]}, index=[5, 6, 7])
    assert row_labels(df, [7, 5, 6]) == [row_label(df, i) for i in [7, 5, 6]] == ["c", "a", "s"]
    assert row_labels(df[["x"]], [6]) == ["row 6"] and row_labels(df, []) == []
    assert listed(["a", "b"]) == "a, b"
    assert listed([f"s{i}" for i in range(20)], limit=3) == "s0, s1, s2, … and 17 more"
