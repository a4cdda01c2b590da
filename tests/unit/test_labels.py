"""Tests of evidence_book.labels."""
from __future__ import annotations

import pandas as pd

from evidence_book.labels import author_year, format_p, pretty, study_label, study_labels


def test_format_p_at_three_and_four_decimals():
    assert format_p(0.34375, 4) == "0.3438"
    assert format_p(0.00001, 4) == "< 0.0001"
    assert format_p(0.0123) == "0.012" and format_p(0.0004) == "< 0.001"
    assert format_p(pd.NA) == "" and format_p(None) == ""


def test_study_labels_are_first_author_and_year():
    df = pd.DataFrame({"study_id": ["a2020", "b2021"], "first_author": ["Ab", "Bc"], "year": [2020, 2021]})
    assert list(study_label(df)) == ["Ab 2020", "Bc 2021"]
    assert study_labels(df).to_dict() == {"a2020": "Ab 2020", "b2021": "Bc 2021"}
    assert author_year("Ab", 2020) == author_year("Ab", "2020") == "Ab 2020"


def test_a_study_label_is_missing_where_its_author_or_year_is():
    df = pd.DataFrame({"first_author": pd.array(["Ab", None, "Cd"], dtype="string"),
                       "year": pd.array([2020, 2021, None], dtype="Int64")}, index=[5, 6, 7])
    label = study_label(df)
    assert label.index.tolist() == [5, 6, 7] and label.dtype == "string"
    assert label[5] == "Ab 2020" and pd.isna(label[6]) and pd.isna(label[7])


def test_pretty_spells_out_slugs():
    assert pretty("favours_treatment") == "Favours treatment"


def test_coded_values_inside_free_text_become_words():
    from evidence_book.labels import words_in_text

    assert words_in_text("every study has an outcome coded favours_treatment; n_x>=1") == \
        "every study has an outcome coded favours treatment; n_x>=1"
    assert words_in_text(None) == ""
