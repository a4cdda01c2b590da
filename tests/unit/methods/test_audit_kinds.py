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
    "nerve": ["sciatic", "spinal cord", None, "sciatic"],
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
METHODS = pd.DataFrame({"item": ["meta_analysis", "meta_analysis_other", "synthesis"], "value": ["no", "yes", "narrative"],
                        "location": ["§4", "§2", "Abstract"],
                        "quote": ["the lack of meta-analysis", "pooled with a random-effects model", "synthesized narratively"]})
TABLES = {"t/studies": STUDIES, "t/outcomes": OUTCOMES, "t/included": STUDIES[["ref", "study_id"]], "t/methods": METHODS}


def claim(**kw) -> pd.Series:
    base = {"rule": None, "table": "t/outcomes", "column": None, "filter": None, "denominator_filter": None,
            "condition": None, "tolerance": None, "note": None, "quote": "a sentence", "claimed_value": None,
            "cited_refs": None, "uncertain_filter": None}
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


def test_universal_with_unreported_rows_is_decided_only_by_a_reported_failure():
    # ages (min) 3, 8, not reported, 8. "all at least 3 weeks": c could be anything → cannot be decided;
    # "all at least 5 weeks": a (3) fails on a reported value → does not hold, whatever c is.
    c = dict(rule="all", table="t/studies", claimed_value="true")
    assert run(**c, condition="age_min>=3").verdict == "cannot_check"
    assert run(**c, condition="age_min>=5").verdict == "does_not_hold"
    assert run(**c, condition="score>=9").verdict == "holds"  # nothing missing: decided as before


@pytest.mark.parametrize("claimed, expected", [
    ("2", "cannot_check"),   # surely a, b (SFI); maybe d (WRL): 2–3, 2 inside
    ("3", "cannot_check"),   # 3 inside 2–3
    ("1", "does_not_hold"),  # below the sure count
    ("5", "does_not_hold"),  # above even with d
])
def test_count_with_uncertain_members_is_an_interval(claimed, expected):
    r = run(rule="count_distinct", column="study_id", filter="measure=SFI; direction=favours_treatment",
            uncertain_filter="measure=WRL", claimed_value=claimed)
    assert r.verdict == expected
    if expected == "does_not_hold":
        assert r.arithmetic == f"2 surely (a, b), up to 1 more (d) → 2–3 ≠ {claimed}"


def test_count_whose_uncertain_rows_add_nobody_is_exact():
    # the uncertain filter selects a again: 2 surely, nobody more → 2 holds, 3 does not
    f = dict(rule="count_distinct", column="study_id", filter="measure=SFI", uncertain_filter="study_id=a")
    assert run(**f, claimed_value="2").verdict == "holds"
    assert run(**f, claimed_value="3").verdict == "does_not_hold"


def test_citation_support_with_undecided_and_unreported_studies():
    # axon diameter [10,11,12]: a and c support, b only has an SFI row named uncertain → undecided → cannot check
    r = run(rule="cites", filter="measure=axon diameter", uncertain_filter="measure=SFI", cited_refs="10,11,12")
    assert r.verdict == "cannot_check" and "[11] b: undecided (SFI" in r.arithmetic
    # [10,11,13]: d (WRL only) does not support → does not hold, whatever b is
    r = run(rule="cites", filter="measure=axon diameter", uncertain_filter="measure=SFI", cited_refs="10,11,13")
    assert r.verdict == "does_not_hold" and "[13] d: no supporting row" in r.arithmetic
    # study-level table: "in sciatic nerves [10,12]" — c leaves the nerve empty → not reported, cannot check;
    # "[10,11]" — b is a spinal cord study → does not hold, and the failing value is shown
    c = dict(rule="cites", table="t/studies", filter="nerve=sciatic")
    assert run(**c, cited_refs="10,12").verdict == "cannot_check"
    r = run(**c, cited_refs="10,11")
    assert r.verdict == "does_not_hold" and "[11] b: no supporting row (nerve = spinal cord)" in r.arithmetic


def test_pooled_estimate_without_a_pooled_analysis():
    # "mean difference +20.5% (p < 0.01)" over nine studies; the review says it did no meta-analysis
    c = dict(rule="pooled", table="t/methods", column="value", claimed_value="+20.5%")
    r = run(**c, filter="item=meta_analysis")
    assert r.verdict == "does_not_hold"
    assert "“the lack of meta-analysis” (§4)" in r.arithmetic and "+20.5%" in r.arithmetic
    # a review that did pool: the pooled value itself is not in the data → cannot check; an unreadable value too
    assert run(**c, filter="item=meta_analysis_other").verdict == "cannot_check"
    assert run(**c, filter="item=synthesis").verdict == "cannot_check"
