"""Tests of evidence_book.methods.audit_kinds: each rule kind on hand-made claims, verdicts worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest
from evidence_book.methods.audit_kinds import evaluate
from evidence_book.methods.audit_text import p_interval, parse_refs

STUDIES = pd.DataFrame({
    "study_id": ["a", "b", "c", "d"], "ref": pd.array([10, 11, 12, 13], dtype="Int64"),
    "secretome_type": ["exosomes", "extracellular_vesicles", "exosomes", "exosomes"],
    "score": pd.array([9, 10, 12, 9], dtype="Int64"),
    "age_min": pd.array([3, 8, None, 8], dtype="Float64"), "age_max": pd.array([4, 12, None, 8], dtype="Float64"),
    "note": ["", "", "", 'secretome_type "exosomes" taken from §3.2 ("The stem cell-derived exosomes [10–13]")'],
})
OUTCOMES = pd.DataFrame({
    "study_id": ["a", "a", "b", "c", "d"],
    "measure": ["SFI", "axon diameter", "SFI", "axon diameter", "WRL"],
    "direction": ["favours_treatment"] * 5,
    "p_text": ["p < 0.001", "p = 0.0016", "p < 0.05", "", "p = 0.000"],
    "mean_treatment": pd.array([26009.0, 3.3, None, None, None], dtype="Float64"),
    "mean_control": pd.array([20612.0, 1.5, None, None, None], dtype="Float64"),
    "n_treatment": pd.array([6, 19, None, None, None], dtype="Float64"),
    "note": [""] * 5,
})
TABLES = {"t/studies": STUDIES, "t/outcomes": OUTCOMES, "t/included": STUDIES[["ref", "study_id"]]}


def claim(**kw) -> pd.Series:
    base = {"rule": None, "table": "t/outcomes", "column": None, "filter": None, "denominator_filter": None,
            "condition": None, "tolerance": None, "note": None, "quote": "a sentence", "claimed_value": None,
            "cited_refs": None}
    return pd.Series({**base, **kw})


def run(**kw):
    return evaluate(claim(**kw), TABLES.__getitem__)


def test_percent_change_contradiction_is_flagged_with_its_arithmetic():
    # nerve-c69 pattern: (26009 − 20612) / 20612 = 0.2618… → 26.2%, the text says 64%
    r = run(rule="change", column="mean_treatment|mean_control", filter="study_id=a; measure=SFI", claimed_value="64")
    assert r.verdict == "does_not_hold"
    assert r.arithmetic == "(26009 − 20612) / 20612 = 26.2% ≠ 64%"
    assert run(rule="change", column="mean_treatment|mean_control", filter="study_id=a; measure=SFI",
               claimed_value="26").verdict == "holds"


def test_fold_ratio():
    # 3.3 / 1.5 = 2.2 exactly; 2.5 does not round from it
    f = "study_id=a; measure=axon diameter"
    assert run(rule="ratio", column="mean_treatment|mean_control", filter=f, claimed_value="2.2").verdict == "holds"
    assert run(rule="ratio", column="mean_treatment|mean_control", filter=f, claimed_value="2.5").verdict == "does_not_hold"


@pytest.mark.parametrize("claimed, cond, expected", [
    ("73", "n=6", "does_not_hold"),   # 4/6 = 66.7%, 5/6 = 83.3%: no k gives 73% (aasc-c138)
    ("40", "n=5", "holds"),           # 2/5 = 40%
    ("69", "k=13", "does_not_hold"),  # 13/19 = 68.4%, 13/18 = 72.2%: no whole n gives 69% (aasc-c120)
    ("15", "k=3", "holds"),           # 3/20 = 15%
    ("86.4", "k=19", "holds"),        # 19/22 = 86.36% → 86.4
    ("86.5", "k=19; n=22", "does_not_hold"),
])
def test_granularity_known_impossible_and_possible_percentages(claimed, cond, expected):
    assert run(rule="granularity", table="", condition=cond, claimed_value=claimed).verdict == expected


def test_granularity_reads_n_from_the_data():
    # n_treatment = 6 in the selected row: 73% impossible, 50% = 3/6 possible
    f = "study_id=a; measure=SFI"
    assert run(rule="granularity", column="n_treatment", filter=f, claimed_value="73").verdict == "does_not_hold"
    assert run(rule="granularity", column="n_treatment", filter=f, claimed_value="50").verdict == "holds"


@pytest.mark.parametrize("flt, claimed, expected", [
    ("study_id=a; measure=SFI", "p < 0.01", "holds"),             # table p < 0.001 lies inside p < 0.01
    ("study_id=a; measure=axon diameter", "p = 0.0016", "holds"),
    ("study_id=a; measure=axon diameter", "p < 0.001", "does_not_hold"),  # 0.0016 is not < 0.001
    ("study_id=d", "p < 0.001", "holds"),                          # p = 0.000 means < 0.0005
    ("study_id=b", "p < 0.01", "cannot_check"),                    # table only says < 0.05
    ("study_id=a; measure=SFI", "p > 0.05", "does_not_hold"),
])
def test_p_values_against_the_table(flt, claimed, expected):
    assert run(rule="pvalue", column="p_text", filter=flt, claimed_value=claimed).verdict == expected


def test_comparison_higher_than():
    f = "study_id=a; measure=SFI"
    assert run(rule="greater", column="mean_treatment|mean_control", filter=f, claimed_value="true").verdict == "holds"
    assert run(rule="greater", column="mean_control|mean_treatment", filter=f, claimed_value="true").verdict == "does_not_hold"


def test_universal_words_taken_strictly():
    # "always exceeding the cutoff 9": scores 9, 10, 12, 9 — two equal it, so 'exceeding' (>9) fails
    assert run(rule="all", table="t/studies", condition="score>9", claimed_value="true").verdict == "does_not_hold"
    assert run(rule="all", table="t/studies", condition="score>=9", claimed_value="true").verdict == "holds"


def test_range_with_unreported_rows_cannot_be_refuted_from_inside():
    # observed 3–12 with study c unreported: a stated 2–12 cannot be decided, a stated 5–12 is contradicted by a (3)
    c = dict(rule="range", table="t/studies", column="age_min|age_max")
    assert run(**c, claimed_value="2-12").verdict == "cannot_check"
    assert run(**c, claimed_value="5-12").verdict == "does_not_hold"
    assert run(**c, claimed_value="3-12").verdict == "holds"


def test_citation_support_one_cited_study_does_not_support():
    # "axonal diameter increased [10,11,12]": a and c report axon diameter, b does not
    r = run(rule="cites", filter="measure=axon diameter; direction=favours_treatment", cited_refs="10–12",
            claimed_value="10–12")
    assert r.verdict == "does_not_hold" and "[11] b: no supporting row" in r.arithmetic
    assert run(rule="cites", filter="measure=axon diameter", cited_refs="10,12").verdict == "holds"


def test_citation_list_is_not_a_count_nor_only():
    # "in certain studies [10]": c also reports axon diameter, yet the sentence holds (an example, not 'only')
    assert run(rule="cites", filter="measure=axon diameter", cited_refs="10").verdict == "holds"


def test_cited_reference_outside_the_included_studies_is_reported():
    r = run(rule="cites", filter="measure=SFI", cited_refs="10,11,18")
    assert r.verdict == "does_not_hold" and "[18] is not an included study" in r.arithmetic


def test_circular_coding_cannot_check_its_own_sentence():
    q = "The stem cell-derived exosomes [10–13] proved effective"
    r = evaluate(claim(rule="cites", table="t/studies", filter="secretome_type=exosomes|extracellular_vesicles",
                       cited_refs="10–13", quote=q), TABLES.__getitem__)
    assert r.verdict == "cannot_check" and "d" in r.arithmetic
    # the same rows used for another sentence are not circular
    r2 = evaluate(claim(rule="count", table="t/studies", filter="secretome_type=exosomes", claimed_value="3",
                        quote="Other words"), TABLES.__getitem__)
    assert r2.verdict == "holds"


def test_mentions_are_a_lower_bound():
    # SFI is mentioned for a and b: "used in one study" is contradicted, "in five" cannot be decided
    assert run(rule="mentions", column="study_id", filter="measure=SFI", claimed_value="1").verdict == "does_not_hold"
    assert run(rule="mentions", column="study_id", filter="measure=SFI", claimed_value="5").verdict == "cannot_check"


def test_no_rule_is_cannot_check_with_reason():
    r = run(note="not derivable: no means")
    assert r.verdict == "cannot_check" and r.arithmetic == "not derivable: no means"


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


def test_mentions_of_thousands_of_studies_name_the_first_and_count_the_rest():
    many = pd.DataFrame({"study_id": [f"s{i:04d}" for i in range(1000)], "measure": "SFI", "note": ""})
    r = evaluate(claim(rule="mentions", table="t/many", filter="measure=SFI", claimed_value="3"), {"t/many": many}.__getitem__)
    assert r.verdict == "does_not_hold"
    assert r.arithmetic.startswith("mentioned for 1000 (s0000, s0001,") and "… and 985 more)" in r.arithmetic
    assert len(r.rows) == 1000  # the data rows used are all kept (the CSV lists them)
