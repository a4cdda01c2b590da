"""Tests of evidence_book.methods.audit_rules."""
from __future__ import annotations

import pandas as pd
import pytest
from evidence_book.methods.audit_rules import CannotCheck, compare, recompute, select


STUDIES = pd.DataFrame({
    "study_id": ["a", "b", "c"], "species": ["Wistar", "Sprague-Dawley", "Wistar"],
    "n_animals": pd.array([10, 20, 30], dtype="Int64"),
    "weight_min_g": pd.array([100.0, 150.0, None], dtype="Float64"),
    "weight_max_g": pd.array([200.0, 250.0, None], dtype="Float64"),
    "randomized": pd.array([True, False, True], dtype="boolean"),
})


def claim(**kw) -> pd.Series:
    base = {"rule": None, "table": "t/studies", "column": None, "filter": None, "denominator_filter": None,
            "condition": None, "tolerance": None, "note": None}
    return pd.Series({**base, **kw})


def verdict(c: pd.Series, claimed) -> bool:
    value, _ = recompute(c, lambda name: STUDIES)
    return compare(claimed, value, c.get("tolerance"))


@pytest.mark.parametrize("c, good, bad", [
    (claim(rule="count"), "3", "4"),
    (claim(rule="count", filter="species=wistar"), "2", "1"),  # text match ignores case
    (claim(rule="count_distinct", column="species"), "2", "3"),
    (claim(rule="sum", column="n_animals"), "60", "61"),
    (claim(rule="sum", column="n_animals", filter="n_animals>=20"), "50", "60"),
    (claim(rule="min", column="n_animals"), "10", "20"),
    (claim(rule="max", column="n_animals", filter="species!=Wistar"), "20", "30"),
    (claim(rule="range", column="weight_min_g|weight_max_g"), "100-250", "100-300"),
    (claim(rule="percent", filter="species=Wistar"), "66.7", "66"),
    (claim(rule="percent", filter="randomized=true", denominator_filter="species=Wistar"), "100", "50"),
    (claim(rule="all", condition="n_animals>=10"), "true", "false"),
    (claim(rule="all", condition="n_animals>10"), "false", "true"),
    (claim(rule="value", column="n_animals", filter="study_id=b"), "20", "21"),
    (claim(rule="sum", column="n_animals"), ">59", ">60"),
    (claim(rule="count", filter="species~dawley"), "1", "2"),
])
def test_each_rule_holds_and_fails(c, good, bad):
    assert verdict(c, good) is True
    assert verdict(c, bad) is False


@pytest.mark.parametrize("c, reason", [
    (claim(rule=None, note="pooled mean not reported"), "pooled mean not reported"),
    (claim(rule="count", filter="colour=red"), "no column 'colour'"),
    (claim(rule="count", filter="species is Wistar"), "not 'column OP value'"),
    (claim(rule="value", column="n_animals", filter="species=Wistar"), "exactly one row"),
    (claim(rule="frobnicate"), "unknown rule"),
    (claim(rule="sum", column="weight_min_g", filter="study_id=c"), "no reported values"),
])
def test_claims_without_a_working_rule_cannot_be_checked(c, reason):
    with pytest.raises(CannotCheck, match=reason):
        recompute(c, lambda name: STUDIES)


def test_rounding_follows_the_printed_precision():
    assert compare("54.2", 54.21) and not compare("54.2", 54.26)
    assert compare("50", 50.4) and not compare("50", 51.78)
    assert not compare("9", 10)  # a count is exact


def test_filters_cannot_run_code():
    with pytest.raises(CannotCheck):
        select(STUDIES, "__import__('os').system('true')", "t")


def test_text_filters_treat_empty_cells_as_before():
    # `=` never selects an empty cell, `!=` does, `~` never; decided per distinct value
    from evidence_book.methods.audit_rules import select

    df = pd.DataFrame({"kind": pd.array(["Exosomes ", "vesicles", None, "exosomes"] * 3, dtype="string")})
    assert list(select(df, "kind=exosomes", "t").index) == [0, 3, 4, 7, 8, 11]
    assert list(select(df, "kind!=exosomes", "t").index) == [1, 2, 5, 6, 9, 10]
    assert list(select(df, "kind~SOME", "t").index) == [0, 3, 4, 7, 8, 11]
    assert list(select(df, "kind=vesicles|exosomes", "t").index) == [0, 1, 3, 4, 5, 7, 8, 9, 11]


def test_text_columns_of_numbers_compare_as_numbers():
    from evidence_book.methods.audit_rules import select

    df = pd.DataFrame({"n": pd.array(["10", "9", None, "100"], dtype="string"), "t": pd.array(["10", "x", None, "1"], dtype="string")})
    assert list(select(df, "n>9", "t").index) == [0, 3]
    with pytest.raises(Exception, match="needs a numeric column"):
        select(df, "t>9", "t")
