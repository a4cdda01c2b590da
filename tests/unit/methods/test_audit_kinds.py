"""Tests of evidence_book.methods.audit_kinds: dispatch and the basic rules with their arithmetic, on hand-made claims, verdicts worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest
from evidence_book.methods.audit_kinds import evaluate

from unit.methods.audit_claims import claim, run


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


def test_no_rule_is_cannot_check_with_reason():
    r = run(note="not derivable: no means")
    assert r.verdict == "cannot_check" and r.arithmetic == "not derivable: no means"


def test_sum_of_two_columns():
    # 124 adverse events = 50 in one arm + 74 in the other
    r = run(rule="sum", table="t/printed", column="events_a|events_b", filter="study_id=u", claimed_value="124")
    assert r.verdict == "holds" and r.arithmetic == "50 + 74 = 124 = 124"
    assert run(rule="sum", table="t/printed", column="events_a|events_b", filter="study_id=u",
               claimed_value="125").verdict == "does_not_hold"


def test_universal_comparing_two_columns_of_each_row():
    # "improvement in all patients", i.e. followup < baseline in every row: v (0.62 → 0.61) and w (58.35 → 16.75)
    # fell; u rose (0.13 → 0.18) and x stayed (0.62 → 0.62), so over all four rows the universal fails
    f = "study_id=v|w"
    assert run(rule="all", table="t/printed", filter=f, condition="followup<baseline", claimed_value="true").verdict == "holds"
    r = run(rule="all", table="t/printed", condition="followup<baseline", claimed_value="true")
    assert r.verdict == "does_not_hold"
    assert "not: u (followup = 0.18; baseline = 0.13), x (followup = 0.62; baseline = 0.62)" in r.arithmetic


def test_universal_with_unreported_rows_is_decided_only_by_a_reported_failure():
    # ages (min) 3, 8, not reported, 8. "all at least 3 weeks": c could be anything → cannot be decided;
    # "all at least 5 weeks": a (3) fails on a reported value → does not hold, whatever c is.
    c = dict(rule="all", table="t/studies", claimed_value="true")
    assert run(**c, condition="age_min>=3").verdict == "cannot_check"
    r = run(**c, condition="age_min>=5")
    assert r.verdict == "does_not_hold"
    # each failing row with the value that fails it, the unreported one said so
    assert "not: a (age_min = 3), c (age_min not reported)" in r.arithmetic
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


def test_count_with_a_measure_listed_without_a_finding_is_an_interval():
    # "Three studies reported enhanced SFI": p and t report an SFI gain, q lists SFI with no result ('unclear'),
    # r reports no difference. q may count (a table's silence is not 'no'), r may not: 2 to 3 studies.
    rows = pd.DataFrame({"study_id": ["p", "q", "r", "t", "t"], "measure": ["SFI", "SFI", "SFI", "SFI", "TGT"],
                         "direction": ["favours_treatment", "unclear", "no_difference", "favours_treatment",
                                       "favours_treatment"], "note": [""] * 5})

    def count(claimed, result_columns=("direction",)):
        c = claim(rule="count_distinct", table="f/outcomes", column="study_id", claimed_value=claimed,
                  filter="measure=SFI; direction=favours_treatment").astype(object)
        c["_result_columns"] = result_columns
        return evaluate(c, {"f/outcomes": rows}.__getitem__)

    r = count("3")
    assert r.verdict == "cannot_check" and "2 surely (p, t), up to 1 more (q)" in r.arithmetic
    assert count("2").verdict == "cannot_check"
    assert count("4").verdict == "does_not_hold" and count("1").verdict == "does_not_hold"
    # a table that declares no result columns: q's row is just another row, and the count is exact
    assert count("3", result_columns=()).verdict == "does_not_hold" and count("2", result_columns=()).verdict == "holds"
