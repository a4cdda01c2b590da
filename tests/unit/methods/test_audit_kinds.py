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


# Values kept as printed text (as in aasc/outcomes_continuous): the rules know their printed precision.
PRINTED = pd.DataFrame({
    "study_id": ["u", "v", "w", "x"],
    "baseline": ["0.13", "0.62", "58.35", "0.62"],
    "followup": ["0.18", "0.61", "16.75", "0.62"],
    "n_all": pd.array([197, 19, 13, 5], dtype="Int64"), "n_aasc": pd.array([102, 6, 4, 5], dtype="Int64"),
    "events_a": pd.array([50, 2, 19, 0], dtype="Int64"), "events_b": pd.array([74, 9, 13, 1], dtype="Int64"),
    "note": [""] * 4,
})
TABLES["t/printed"] = PRINTED


def test_difference_with_the_rounding_of_the_printed_values():
    # 0.18 − 0.13 = 0.05; the printed values allow 0.175 − 0.135 = 0.04 … 0.185 − 0.125 = 0.06 → 0.06 not contradicted
    r = run(rule="difference", table="t/printed", column="followup|baseline", filter="study_id=u", claimed_value="0.06")
    assert r.verdict == "holds" and "between 0.04 and 0.06" in r.arithmetic
    # 0.08 lies outside 0.04–0.06
    r = run(rule="difference", table="t/printed", column="followup|baseline", filter="study_id=u", claimed_value="0.08")
    assert r.verdict == "does_not_hold" and r.arithmetic.startswith("0.18 − 0.13 = 0.05 ≠ 0.08")
    # counts are exact: 19 − 13 = 6 (six excluded), 5 is contradicted
    f = "study_id=w"
    assert run(rule="difference", table="t/printed", column="events_a|events_b", filter=f, claimed_value="6").verdict == "holds"
    assert run(rule="difference", table="t/printed", column="events_a|events_b", filter=f, claimed_value="5").verdict == "does_not_hold"


def test_percent_of_two_columns_shows_the_division():
    # 102 of 197 = 51.78% → "50%" does not hold, "51.8%" does (aasc-c44)
    f = "study_id=u"
    r = run(rule="percent_of", table="t/printed", column="n_aasc|n_all", filter=f, claimed_value="50")
    assert r.verdict == "does_not_hold" and r.arithmetic == "100 × 102 / 197 = 51.8% ≠ 50%"
    assert run(rule="percent_of", table="t/printed", column="n_aasc|n_all", filter=f, claimed_value="51.8").verdict == "holds"
    # 4 of 13 = 30.769% → "30.77" holds at two decimals
    assert run(rule="percent_of", table="t/printed", column="n_aasc|n_all", filter="study_id=w",
               claimed_value="30.77").verdict == "holds"


def test_sum_of_two_columns():
    # 124 adverse events = 50 in one arm + 74 in the other
    r = run(rule="sum", table="t/printed", column="events_a|events_b", filter="study_id=u", claimed_value="124")
    assert r.verdict == "holds" and r.arithmetic == "50 + 74 = 124 = 124"
    assert run(rule="sum", table="t/printed", column="events_a|events_b", filter="study_id=u",
               claimed_value="125").verdict == "does_not_hold"


def test_comparison_within_printed_rounding():
    # "an increase from 0.62 to 0.61": 0.61 ≤ 0.62, and even 0.615 is not above 0.615 → does not hold
    r = run(rule="greater", table="t/printed", column="followup|baseline", filter="study_id=v", claimed_value="true")
    assert r.verdict == "does_not_hold" and "0.61 ≤ 0.62" in r.arithmetic
    # "an increase from 0.62 to 0.62": rounding alone could hide a small increase → cannot be decided
    assert run(rule="greater", table="t/printed", column="followup|baseline", filter="study_id=x",
               claimed_value="true").verdict == "cannot_check"
    # "a decrease from 0.62 to 0.61" holds
    assert run(rule="greater", table="t/printed", column="baseline|followup", filter="study_id=v",
               claimed_value="true").verdict == "holds"


def test_change_with_a_bound():
    # "a reduction of more than 70%": (16.75 − 58.35) / 58.35 = −71.3% < −70% holds; "more than 75%" does not
    f = "study_id=w"
    r = run(rule="change", table="t/printed", column="followup|baseline", filter=f, claimed_value="<-70")
    assert r.verdict == "holds" and r.arithmetic == "(16.75 − 58.35) / 58.35 = -71.3% < -70%"
    assert run(rule="change", table="t/printed", column="followup|baseline", filter=f,
               claimed_value="<-75").verdict == "does_not_hold"


def test_impossible_p_value_as_printed():
    # "p < 0.000": no p-value is below 0 — contradicted by the definition, no table needed
    r = run(rule="pvalue", table="", claimed_value="p < 0.000")
    assert r.verdict == "does_not_hold" and "admits no p-value" in r.arithmetic
    # a possible p-value with no table to compare is not decided
    assert run(rule="pvalue", table="", claimed_value="p = 0.03").verdict == "cannot_check"


def test_granularity_in_a_subgroup_of_known_size():
    # 59% of a subgroup of at most 25: 10/17 = 58.8% → possible; 3% of at most 25: 1/25 = 4%, nothing rounds to 3%
    assert run(rule="granularity", table="", condition="n<=25", claimed_value="59").verdict == "holds"
    assert run(rule="granularity", table="", condition="n<=25", claimed_value="3").verdict == "does_not_hold"


def test_total_against_the_parts_printed_beside_it():
    # "212 patients were randomized: 107 to Cx601 and 105 to placebo": 107 + 105 = 212
    r = run(rule="sum", table="", condition="parts=107+105", claimed_value="212")
    assert r.verdict == "holds" and r.arithmetic == "107 + 105 = 212 = 212"
    # "70 after duplicates were removed (n = 4)" from 74: 74 − 70 = 4; a stated 5 would not hold
    assert run(rule="sum", table="", condition="parts=74-70", claimed_value="4").verdict == "holds"
    r = run(rule="sum", table="", condition="parts=70-24-16-8", claimed_value="23")
    assert r.verdict == "does_not_hold" and r.arithmetic == "70 − 24 − 16 − 8 = 22 ≠ 23"
    assert run(rule="sum", table="", condition="parts=7 plus 8", claimed_value="15").verdict == "cannot_check"


def test_universal_comparing_two_columns_of_each_row():
    # "improvement in all patients", i.e. followup < baseline in every row: v (0.62 → 0.61) and w (58.35 → 16.75)
    # fell; u rose (0.13 → 0.18) and x stayed (0.62 → 0.62), so over all four rows the universal fails
    f = "study_id=v|w"
    assert run(rule="all", table="t/printed", filter=f, condition="followup<baseline", claimed_value="true").verdict == "holds"
    r = run(rule="all", table="t/printed", condition="followup<baseline", claimed_value="true")
    assert r.verdict == "does_not_hold" and "not: u, x" in r.arithmetic
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
