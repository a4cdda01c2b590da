"""Tests of evidence_book.methods.audit_pvalues: p-values and significance statements against their table,
verdicts worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from evidence_book.methods.audit_kinds import evaluate
from unit.methods.audit_claims import claim, run


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


def test_impossible_p_value_as_printed():
    # "p < 0.000": no p-value is below 0 — contradicted by the definition, no table needed
    r = run(rule="pvalue", table="", claimed_value="p < 0.000")
    assert r.verdict == "does_not_hold" and "admits no p-value" in r.arithmetic
    # a possible p-value with no table to compare is not decided
    assert run(rule="pvalue", table="", claimed_value="p = 0.03").verdict == "cannot_check"


# One source passage (study s, Table 2) prints p < 0.001 for one result and p < 0.01 for the next; another
# passage (study t) prints only p < 0.01. A trial u reports three efficacy comparisons, none significant, and a
# baseline difference that is; trial v has one comparison without a p-value.
PASSAGES = pd.DataFrame({
    "study_id": ["s", "s", "s", "t", "u", "u", "u", "u", "v", "v"],
    "location": ["Table 2"] * 3 + ["Table 2"] + ["§3.5"] * 4 + ["§3.6"] * 2,
    "measure": ["fibre diameter", "myelin thickness", "NF200", "NCV", "mRS", "infarct volume", "NIHSS",
                "time to treatment", "eGFR", "proteinuria"],
    "p_text": ["p < 0.001", "p < 0.01", "p < 0.01", "p < 0.01", "not significant", "not significant",
               "a trend (not significant)", "p = 0.028", "", "not significant"],
    "note": [""] * 10,
})


def run_on(**kw):
    tables = {"t/passages": PASSAGES}
    return evaluate(claim(table="t/passages", column="p_text", **kw), tables.__getitem__)


def test_a_less_precise_table_reads_as_a_band_when_its_passage_marks_the_stricter_level():
    # s prints p < 0.001 for fibre diameter and p < 0.01 for myelin thickness: thickness lies in [0.001, 0.01),
    # so a text saying p < 0.001 for thickness is outside it (000's myelin sentence), p < 0.01 is inside
    r = run_on(rule="pvalue", filter="study_id=s; measure=myelin thickness", claimed_value="p < 0.001")
    assert r.verdict == "does_not_hold"
    assert "p < 0.001 for fibre diameter" in r.arithmetic and "not p < 0.001" in r.arithmetic
    assert run_on(rule="pvalue", filter="study_id=s; measure=myelin thickness",
                  claimed_value="p < 0.01").verdict == "holds"
    assert run_on(rule="pvalue", filter="study_id=s; measure=myelin thickness",
                  claimed_value="p < 0.05").verdict == "holds"


def test_without_a_stricter_level_in_its_passage_a_less_precise_table_decides_nothing():
    # t prints only p < 0.01: the true p may well be below 0.001
    r = run_on(rule="pvalue", filter="study_id=t", claimed_value="p < 0.001")
    assert r.verdict == "cannot_check" and "less precise" in r.how
    # the stricter level of another passage (study s) says nothing about t
    assert "fibre diameter" not in r.how


def test_a_significance_claim_over_comparisons_none_of_which_is_significant_does_not_hold():
    # "significant benefits" of trial u: mRS, infarct volume and NIHSS are all not significant
    f = "study_id=u; measure=mRS|infarct volume|NIHSS"
    r = run_on(rule="pvalue", filter=f, claimed_value="significant")
    assert r.verdict == "does_not_hold"
    assert r.arithmetic.startswith("mRS: not significant; infarct volume: not significant; NIHSS: a trend")
    assert "none reached significance" in r.arithmetic
    assert run_on(rule="pvalue", filter=f, claimed_value="not significant").verdict == "holds"


def test_one_significant_comparison_makes_a_significance_claim_hold():
    # the baseline difference (p = 0.028) is significant: a claim over all four rows holds
    assert run_on(rule="pvalue", filter="study_id=u", claimed_value="significant").verdict == "holds"
    assert run_on(rule="pvalue", filter="study_id=u", claimed_value="not significant").verdict == "does_not_hold"


def test_a_comparison_without_a_p_value_leaves_a_significance_claim_undecided():
    r = run_on(rule="pvalue", filter="study_id=v", claimed_value="significant")
    assert r.verdict == "cannot_check" and "1 of 2 comparisons give no readable p-value" in r.how


def test_an_exact_p_value_needs_one_row():
    r = run_on(rule="pvalue", filter="study_id=u", claimed_value="p = 0.03")
    assert r.verdict == "cannot_check" and "needs one" in r.how
