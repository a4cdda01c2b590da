"""The claims audit: each rule with a passing and a failing case, the real data, a living review."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from evidence_book.analysis import audit
from evidence_book.analysis.audit import CannotCheck, compare, recompute
from evidence_book.data import load_table
from tests.conftest import REPO

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
        audit.select(STUDIES, "__import__('os').system('true')", "t")


@pytest.mark.parametrize("review", ["nerve", "aasc"])
def test_real_audit_gives_a_verdict_for_every_claim(review):
    claims = load_table(review, "claims", root=REPO)
    result = audit.audit_review(review, root=REPO)
    assert list(result["claim_id"]) == list(claims["claim_id"])
    assert set(result["verdict"]) <= set(audit.VERDICTS)
    assert result["recomputed_value"].ne("").sum() == result["verdict"].ne("cannot_check").sum()
    # claims without a rule are reported as cannot_check, never dropped
    no_rule = claims["rule"].isna()
    assert (result.loc[no_rule.values, "verdict"] == "cannot_check").all()


def test_total_animals_claim_follows_the_data(tmp_path):
    """Living review, at the audit level: the abstract's animal total tracks studies.csv."""
    data = tmp_path / "book"
    shutil.copytree(REPO / "data", data / "data")
    (data / "sections.yml").write_text("sections: []\n")
    studies = load_table("nerve", "studies", root=data)
    claims = load_table("nerve", "claims", root=data)
    total_claims = claims[(claims["rule"] == "sum") & (claims["column"] == "n_animals") & claims["filter"].isna()]
    assert len(total_claims) >= 1
    before = audit.audit_review("nerve", root=data).set_index("claim_id")
    cid = total_claims["claim_id"].iloc[0]
    assert before.at[cid, "recomputed_value"] == str(int(studies["n_animals"].sum()))
    path = data / "data/nerve/studies.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    new = rows.iloc[[0]].copy()
    new["study_id"], new["ref"], new["n_animals"] = "synthetic2026", "999", "40"
    pd.concat([rows, new]).to_csv(path, index=False)
    after = audit.audit_review("nerve", root=data).set_index("claim_id")
    assert after.at[cid, "recomputed_value"] == str(int(studies["n_animals"].sum()) + 40)
    assert before.at[cid, "verdict"] == "holds" and after.at[cid, "verdict"] == "does_not_hold"
