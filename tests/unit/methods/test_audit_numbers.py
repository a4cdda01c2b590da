"""Tests of evidence_book.methods.audit_numbers: each arithmetic rule kind on hand-made claims, verdicts worked out by hand."""
from __future__ import annotations

import pytest

from unit.methods.audit_claims import run


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


def test_comparison_higher_than():
    f = "study_id=a; measure=SFI"
    assert run(rule="greater", column="mean_treatment|mean_control", filter=f, claimed_value="true").verdict == "holds"
    assert run(rule="greater", column="mean_control|mean_treatment", filter=f, claimed_value="true").verdict == "does_not_hold"


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


def test_pooled_estimate_without_a_pooled_analysis_is_unsupported_not_contradicted():
    # "mean difference +20.5% (p < 0.01)" over nine studies; the review says it did no meta-analysis: the number
    # has no basis in the review, but no printed value refutes it → cannot be checked, and the reason says why
    c = dict(rule="pooled", table="t/methods", column="value", claimed_value="+20.5%")
    r = run(**c, filter="item=meta_analysis")
    assert r.verdict == "cannot_check" and r.arithmetic.startswith("unsupported: ")
    assert "“the lack of meta-analysis” (§4)" in r.arithmetic and "+20.5%" in r.arithmetic
    # a review that did pool: the pooled value itself is not in the data → cannot check; an unreadable value too
    assert run(**c, filter="item=meta_analysis_other").verdict == "cannot_check"
    assert run(**c, filter="item=synthesis").verdict == "cannot_check"
