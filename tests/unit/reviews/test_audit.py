"""Tests of evidence_book.reviews.audit."""
from __future__ import annotations

import shutil
import pandas as pd
import pytest
from evidence_book.reviews import audit
from evidence_book.methods.audit_rules import compare, recompute
from evidence_book.data import load_table
from conftest import REPO


STUDIES = pd.DataFrame({
    "study_id": ["a", "b", "c"], "species": ["Wistar", "Sprague-Dawley", "Wistar"],
    "n_animals": pd.array([10, 20, 30], dtype="Int64"),
    "weight_min_g": pd.array([100.0, 150.0, None], dtype="Float64"),
    "weight_max_g": pd.array([200.0, 250.0, None], dtype="Float64"),
    "randomized": pd.array([True, False, True], dtype="boolean"),
})


def verdict(c: pd.Series, claimed) -> bool:
    value, _ = recompute(c, lambda name: STUDIES)
    return compare(claimed, value, c.get("tolerance"))


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
