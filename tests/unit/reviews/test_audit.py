"""Tests of evidence_book.reviews.audit."""
from __future__ import annotations

import functools
import re
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
    ("nerve", "nerve-c64", "does_not_hold"),   # liu2019 is a spinal cord study; cong2025 (coded from it) left out
    ("nerve", "nerve-c31", "does_not_hold"),   # "always exceeding" 9 while two studies score 9
])
def test_issue_examples(review, cid, expected):
    result = audit.audit_review(review, root=REPO).set_index("claim_id")
    assert result.at[cid, "verdict"] == expected
    assert result.at[cid, "arithmetic"]


def test_a_value_coded_from_the_sentence_never_decides_it():
    # cong2025 was coded 'exosomes' from nerve-c64's own sentence: it neither supports nor contradicts it;
    # the verdict comes from the other cited studies (liu2019, a spinal cord model, cited for sciatic nerves)
    row = audit.audit_review("nerve", root=REPO).set_index("claim_id").loc["nerve-c64"]
    assert "[47] cong2025: coded from this sentence" in row["arithmetic"]
    assert row["recomputed_value"] == "3/5" and "[48] liu2019: no supporting row" in row["arithmetic"]


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


@pytest.fixture(scope="module")
def aasc_audit():
    return audit.audit_review("aasc", root=REPO).set_index("claim_id")


@pytest.mark.parametrize("cid, expected, arithmetic", [
    # Gentile §3.2.1: "All … were satisfied", yet 6 (lipofilling-AASCs) + 22 (lipofilling-NE) were dissatisfied
    ("aasc-c163", "does_not_hold", "6 + 22 = 28 ≠ 0"),
    # Araujo §3.3.3: "an increase in the control group (from 0.62 … to 0.61 …)": 0.61 is below 0.62 even at 0.615
    ("aasc-c266", "does_not_hold", "0.61 ≤ 0.62"),
    # Møller-Hansen §3.3.1: "p < 0.000" — no p-value is below 0
    # Møller-Hansen §3.3.1: "p < 0.000" is a notation slip for a very small p, not a wrong number (an
    # independent reading withdrew the flag; the p-value rule itself is tested on hand-made claims)
    ("aasc-c225", "cannot_check", "notation slip"),
    # Figure 14 shows a control group for Sadri [31], single-arm per Table 1
    ("aasc-c328", "does_not_hold", "[31] sadri2022: no supporting row"),
    # Table 2 stroke "(computer blocks)" vs Table 1 "Simple 1:1 … Randomization": block ≠ simple randomisation
    ("aasc-c411", "does_not_hold", "not: decelisruiz2022"),
    # "RoB 2 … (nine studies)": Table 1 has 10 randomised controlled trials (11 with lu2020, randomised between doses)
    ("aasc-c17", "does_not_hold", "→ 10–11 ≠ 9"),
    # "ROBINS-I for non-randomized designs (13 studies)": Table 1 has 11 non-randomised (12 with lu2020)
    ("aasc-c18", "does_not_hold", "→ 11–12 ≠ 13"),
    # "Crohn's Disease: Three studies": the review's own group restated; its loose label is no miscount
    ("aasc-c33", "cannot_check", "mislabelled group rather than a miscount"),
    # "1 triple-blind RCT": exactly one (sadri2023) — the words hold; "3 open-label" does not (lu2020 double-blind)
    ("aasc-c103", "holds", "1 row (sadri2023) = 1"),
    ("aasc-c104", "does_not_hold", "2 rows (sadri2022, chen2024) ≠ 3"),
    # Lynggaard 0.13 → 0.18 "a change of 0.06": the printed values allow 0.04–0.06
    ("aasc-c239", "holds", "between 0.04 and 0.06"),
    # ">950 treated patients": Table 2 gives 535 who received AASCs
    ("aasc-c141", "does_not_hold", "n_aasc = 535, not >950"),
    # "more than one thousand recipients" (Conclusions): the same 535, and even all 953 patients are fewer
    ("aasc-c144", "does_not_hold", "n_aasc = 535, not >1000"),
    # Figure 16 caption "to 24 weeks": §3.8 states a 12-week follow-up for the trial
    ("aasc-c355", "does_not_hold", "follow_up_weeks = 12, not >=24"),
    # "early chronic kidney disease": the one kidney trial enrolled eGFR 15–44, moderate-to-severe CKD (§3.6)
    ("aasc-c386", "does_not_hold", "not: zheng2022 (disease = moderate-to-severe chronic kidney disease)"),
    # "structural restitution … in the post-ischemic brain": infarct volume did not differ (§3.5)
    ("aasc-c380", "does_not_hold", "table: not significant for infarct volume; text: significant (contradict)"),
    # PRISMA: 62 + 8 + 4 = 74 from the Figure 3 caption; 70 − 24 − 16 − 8 = 22
    ("aasc-c06", "holds", "62 + 8 + 4 = 74 = 74"),
    ("aasc-c146", "holds", "70 − 24 − 16 − 8 = 22 = 22"),
])
def test_aasc_audit_rows_worked_by_hand(aasc_audit, cid, expected, arithmetic):
    result = aasc_audit
    assert result.at[cid, "verdict"] == expected
    assert arithmetic in result.at[cid, "arithmetic"]


def test_aasc_unsupported_is_not_contradicted_and_circular_is_not_checked(aasc_audit):
    result = aasc_audit
    # 100% benefit for SMA: the count agrees with Table 2, the benefit cannot be recomputed (four of the five
    # died, but a longer life before death could still be a benefit)
    assert result.at["aasc-c307", "verdict"] == "cannot_check"
    # stroke: "significant benefits", while §3.5 reports no significant difference in mRS, infarct volume or NIHSS
    assert result.at["aasc-c306", "verdict"] == "does_not_hold"
    assert "none reached significance" in result.at["aasc-c306", "arithmetic"]
    for cid in ("aasc-c61", "aasc-c62", "aasc-c72", "aasc-c73"):
        assert result.at[cid, "verdict"] == "holds"
    # PRISMA counts whose only source is the sentence itself
    for cid in ("aasc-c09", "aasc-c10", "aasc-c11", "aasc-c12", "aasc-c13", "aasc-c14"):
        assert result.at[cid, "verdict"] == "cannot_check"
    # a statement repeated in the methods is the abstract's error, counted once
    for cid in ("aasc-c149", "aasc-c150"):
        assert result.at[cid, "root_claim_id"] == "aasc-c04"
    assert result.at["aasc-c144", "root_claim_id"] == "aasc-c141"  # one conflation of patients and recipients
@functools.lru_cache(maxsize=1)
def _nerve_audit():
    return audit.audit_review("nerve", root=REPO)


def nerve_audit() -> pd.DataFrame:
    return _nerve_audit().copy()


@pytest.mark.parametrize("cid, expected", [
    ("nerve-c06", "cannot_check"),    # a pooled +20.5% (p < 0.01) with no meta-analysis: unsupported, not refuted
    ("nerve-c50", "does_not_hold"),   # chen2024's Table 2 instruments name no SFI or walking test (its 6-week result is TGT)
    ("nerve-c58", "cannot_check"),    # prautsch2020's histology could show fibre diameter: Table 2 is silent, no contradiction
    ("nerve-c107", "cannot_check"),   # prautsch2020 lists SFI without a result; margiana2019 names no index
    ("nerve-c86", "does_not_hold"),   # 'models of neurotmesis': liu2019 is a spinal cord injury model
    ("nerve-c09", "cannot_check"),    # 12 studies surely histological, yu2021's nerve length may be: 12–13, 12 inside
    ("nerve-c05", "cannot_check"),    # Table 2 lists SFI for all nine; where it gives no result, silence is no contradiction
    ("nerve-c45", "cannot_check"),    # fu2019's Table 2 row names no secretome: 'all show secretomes …' undecided there
    ("nerve-c55", "cannot_check"),    # fu2019 'wave amplitude' is not said to be CMAP (no longer coded from this sentence)
    ("nerve-c57", "cannot_check"),    # yu2021 [42]: Table 2 is silent on fibre diameter and myelin, which is no contradiction
    ("nerve-c130", "does_not_hold"),  # 26,009 'significantly higher' than End-to-EndUCX's 28,821
    ("nerve-c129", "holds"),          # 26,009 > 23,900 (Floleal)
    ("nerve-c110", "does_not_hold"),  # [48] liu2019 is a spinal cord study, cited for sciatic nerves
    ("nerve-c75", "does_not_hold"),   # thickness p < 0.01 beside diameter p < 0.001 in Table 2; the text says p < 0.001
    ("nerve-c106", "cannot_check"),   # fu2019's passage prints no stricter level than its p < 0.01: undecided
    ("nerve-c136", "does_not_hold"),  # 'papilla dermal stem cell (SKP-SC)': Table 2 says skin precursor-derived Schwann cells
    ("nerve-c138", "does_not_hold"),  # 'secretomes from … mesenchymal stem cells': [40] and [42] are Schwann cell products
    ("nerve-c20", "cannot_check"),    # ages 2–12 weeks: six studies print no age in weeks, so the ends cannot be refuted
])
def test_nerve_verdicts_worked_by_hand(cid, expected):
    result = nerve_audit().set_index("claim_id")
    assert result.at[cid, "verdict"] == expected, result.at[cid, "arithmetic"]


def test_repeated_errors_point_to_their_root():
    result = nerve_audit().set_index("claim_id")
    assert result.at["nerve-c117", "root_claim_id"] == "nerve-c63"     # ref 53 cited again in §4
    assert result.at["nerve-c86", "root_claim_id"] == "nerve-c110"     # the spinal cord study again, in the scope
    assert result.at["nerve-c63", "root_claim_id"] == ""


AUDIT = pd.DataFrame({
    "claim_id": ["x-c1", "x-c2", "x-c3"],
    "data_rows": ["r/studies:a; r/studies:b; r/outcomes:a; r/outcomes:a", "r/methods:meta_analysis", ""],
})


def test_used_rows_each_once_in_order():
    assert audit.used_rows(AUDIT["data_rows"][0]) == [("r/studies", "a"), ("r/studies", "b"), ("r/outcomes", "a")]
    assert audit.tables_used(AUDIT) == ["r/studies", "r/outcomes", "r/methods"]


def test_row_links_point_each_row_to_the_table_that_shows_it():
    names = {"a": "Alpha 2020", "b": "Beta 2021"}
    pages = {"r/studies": "s.html#t-studies", "r/outcomes": "s.html#t-findings", "r/methods": "_files/x/data-r-methods.csv"}
    links = audit.row_links(AUDIT, names, pages)
    assert links[0] == [("Included studies: ", None), ("Alpha 2020", "s.html#t-studies"), (", ", None),
                        ("Beta 2021", "s.html#t-studies"), ("; ", None), ("Table 2 findings: ", None),
                        ("Alpha 2020", "s.html#t-findings")]
    assert links[1] == [("Methods as the review states them: ", None), ("Meta analysis", "_files/x/data-r-methods.csv")]
    assert pd.isna(links[2])
    assert audit.rows_text(links[0]) == "Included studies: Alpha 2020, Beta 2021; Table 2 findings: Alpha 2020"


def test_link_targets_fall_back_to_a_csv_of_the_table():
    written = {}

    def write(df, name):
        written[name] = df
        return f"_files/nerve-audit/{name}.csv"

    result = nerve_audit()
    targets = audit.link_targets(result, "nerve", {"nerve/studies": "nerve-studies.html#t-studies"}, write, root=REPO)
    assert targets["nerve/studies"] == "nerve-studies.html#t-studies"
    assert targets["nerve/methods"] == "_files/nerve-audit/data-nerve-methods.csv"
    assert set(targets) == set(audit.tables_used(result))
    assert "nerve-studies" not in " ".join(written)  # a table shown on a page is not written again
    assert list(written["data-nerve-methods"]["item"]) == list(load_table("nerve", "methods", root=REPO)["item"])


def test_readers_see_words_not_identifiers():
    names = audit.reader_names("nerve", root=REPO)
    text = ("[52] gartner2014: no supporting row (cell_source = umbilical_cord); 13 of 13 satisfy design_text~quantitative; "
            "year>=2014; measure=axon diameter|myelin thickness")
    out = audit.readable(text, names)
    assert out == ("[52] Gärtner 2014: no supporting row (cell source = umbilical cord); "
                   "13 of 13 satisfy design (as reported) contains quantitative; year ≥ 2014; "
                   "measure = axon diameter or myelin thickness")
    shown = audit.table_for_readers(nerve_audit(), names, audit.row_links(nerve_audit(), names, {}))
    studies = load_table("nerve", "studies", root=REPO)
    for col in ("arithmetic or reason", "note", "data rows used", "recomputed"):
        text = " ".join(shown[col].astype(str))
        assert not [s for s in studies["study_id"] if re.search(rf"\b{s}\b", text)], col
        assert not re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text), col


def test_reader_table_asks_for_wide_text_columns():
    shown = audit.table_for_readers(nerve_audit())
    defs = {shown.columns[d["targets"]]: d["className"] for d in audit.column_defs(shown)}
    assert defs["note"] == "eb-col-widest" and defs["quote"] == defs["arithmetic or reason"] == "eb-col-wide"
    assert "review" not in defs
    css = (REPO / "_static/book.css").read_text()
    assert all(f".{c}" in css for c in set(defs.values()))


def test_a_whole_table_is_one_link():
    rows = "; ".join(f"r/studies:s{i}" for i in range(5))
    one = pd.DataFrame({"claim_id": ["x"], "data_rows": [rows]})
    assert audit.row_links(one, {}, {"r/studies": "u"}, {"r/studies": 5})[0] == [
        ("Included studies: ", None), ("all 5 rows", "u")]
    assert len(audit.row_links(one, {}, {"r/studies": "u"}, {"r/studies": 6})[0]) == 1 + 2 * 5 - 1


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
