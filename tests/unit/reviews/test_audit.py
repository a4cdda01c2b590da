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


@pytest.mark.parametrize("review, cid, expected", [
    ("nerve", "nerve-c69", "does_not_hold"),   # (26009 − 20612) / 20612 = 26.2%, not 64%
    ("aasc", "aasc-c138", "does_not_hold"),    # 73% of n = 6 is impossible (4/6 = 66.7%, 5/6 = 83.3%)
    ("aasc", "aasc-c120", "does_not_hold"),    # 13 of any whole n is never 69% (13/19 = 68.4%, 13/18 = 72.2%)
    ("nerve", "nerve-c67", "does_not_hold"),   # cites ref 18, not an included study
    ("nerve", "nerve-c60", "holds"),           # a citation list is not a count
    ("nerve", "nerve-c61", "holds"),           # "in certain studies [..]" is not "only these"
    ("nerve", "nerve-c53", "holds"),           # "one study … [52]" is an example
    ("nerve", "nerve-c64", "cannot_check"),    # cong2025 coded exosomes from this very sentence
    ("nerve", "nerve-c31", "does_not_hold"),   # "always exceeding" 9 while two studies score 9
])
def test_issue_examples(review, cid, expected):
    result = audit.audit_review(review, root=REPO).set_index("claim_id")
    assert result.at[cid, "verdict"] == expected
    assert result.at[cid, "arithmetic"]


def test_one_discrepancy_counted_once():
    result = audit.audit_review("aasc", root=REPO).set_index("claim_id")
    for cid in ("aasc-c88", "aasc-c111"):
        assert result.at[cid, "verdict"] == "does_not_hold"
        assert set(result.at[cid, "root_claim_id"].split("; ")) == {"aasc-c27", "aasc-c43"}
    s = audit.summary(result.reset_index())
    linked = (result["root_claim_id"] != "").sum()
    assert linked >= 2 and s["independent_errors"] == s["does_not_hold"] - linked


def test_csv_columns_kept_and_extended():
    result = audit.audit_review("nerve", root=REPO)
    for col in ("review", "claim_id", "location", "quote", "claimed_value", "recomputed_value", "verdict", "rule",
                "how", "note", "rule_kind", "arithmetic", "root_claim_id"):
        assert col in result.columns
    assert result["arithmetic"].ne("").all()


def test_readers_table_shortens_long_lists_of_data_rows_the_download_keeps_them():
    result = audit.audit_review("nerve", root=REPO)
    full = audit.table_for_readers(result)
    assert list(full["data rows used"]) == list(result["data_rows"])
    n = result["data_rows"].map(lambda s: len([r for r in s.split("; ") if r]))
    i = int(n.idxmax())
    assert n[i] > 3
    short = audit.table_for_readers(result, rows_limit=3)
    rows = result.at[i, "data_rows"].split("; ")
    assert short.at[i, "data rows used"] == "; ".join(rows[:3]) + f"; … and {len(rows) - 3} more (all in the CSV download)"
    assert (short["data rows used"][n <= 3] == full["data rows used"][n <= 3]).all()
