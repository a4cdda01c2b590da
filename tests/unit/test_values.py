"""Tests of evidence_book.values: one meaning of true/false, numbers and empty text everywhere."""
from __future__ import annotations

import pandas as pd
import pytest

from evidence_book.values import parse_bool, to_boolean, to_number, to_text


def test_true_false_words_in_any_case():
    assert [parse_bool(v) for v in ("TRUE", "yes", "1", "False", "no", "0")] == [True] * 3 + [False] * 3
    assert parse_bool("") is pd.NA and parse_bool(None) is pd.NA
    with pytest.raises(ValueError, match="expected true or false"):
        parse_bool("maybe")
    assert list(to_boolean(pd.Series(["Yes", "no", "", "maybe"]))) == [True, False, pd.NA, pd.NA]


def test_numbers_and_text_with_empty_cells():
    assert list(to_number(pd.Series(["1.5", " 2 ", "", "x"]))) == [1.5, 2.0, pd.NA, pd.NA]
    assert list(to_text(pd.Series([" a ", "", None]))) == ["a", pd.NA, pd.NA]
