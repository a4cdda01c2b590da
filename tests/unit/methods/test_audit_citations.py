"""Tests of evidence_book.methods.audit_citations: mentions and citation support on hand-made claims, verdicts worked out by hand."""
from __future__ import annotations

import pandas as pd
from evidence_book.methods.audit_kinds import evaluate

from unit.methods.audit_claims import TABLES, claim, run


def test_citation_support_one_cited_study_does_not_support():
    # "axonal diameter increased [10,11,12]": a and c report it. b's rows (SFI only) are on another subject:
    # without a topic the table is merely silent about b; with the topic "the measures that could show it"
    # (axon diameter), b's list of measures leaves it out, which contradicts the citation.
    f = dict(rule="cites", filter="measure=axon diameter; direction=favours_treatment", cited_refs="10–12")
    r = run(**f)
    assert r.verdict == "cannot_check" and "[11] b: the table has no row on it for this study" in r.arithmetic
    r = run(**f, topic_filter="measure=axon diameter")
    assert r.verdict == "does_not_hold" and r.value == "2/3"
    assert "[11] b: none of the 1 measures the table lists for it has measure=axon diameter" in r.arithmetic
    assert run(rule="cites", filter="measure=axon diameter", cited_refs="10,12").verdict == "holds"


# Outcome rows of five studies: what a summary table of findings says, and leaves unsaid, about each.
FINDINGS = pd.DataFrame({
    "study_id": ["p", "p", "q", "r", "s", "t", "t"],
    "domain": ["functional", "histological", "functional", "functional", "functional", "histological", "functional"],
    "measure": ["SFI", "myelin thickness", "SFI", "SFI", "TGT", "nerve histology (TEM)", "SFI"],
    "direction": ["favours_treatment", "favours_treatment", "unclear", "no_difference", "favours_treatment", "unclear",
                  "favours_treatment"],
    "note": [""] * 7,
})
INCLUDED = pd.DataFrame({"ref": pd.array([1, 2, 3, 4, 5], dtype="Int64"), "study_id": ["p", "q", "r", "s", "t"]})


def cite(refs, result_columns=("direction",), **kw):
    c = claim(rule="cites", table="f/outcomes", cited_refs=refs, **kw).astype(object)
    c["_result_columns"] = result_columns
    return evaluate(c, {"f/outcomes": FINDINGS, "f/included": INCLUDED}.__getitem__)


def test_a_summary_table_silent_on_a_result_is_not_a_contradiction():
    # "SFI improved [1,2]": q lists SFI but reports no result on it (unclear) → undecided, not a contradiction
    r = cite("1,2", filter="measure=SFI; direction=favours_treatment")
    assert r.verdict == "cannot_check"
    assert "[2] q: its rows on the subject (SFI, unclear) give no result for this statement" in r.arithmetic
    assert "1 of 2 cited support it" in r.arithmetic


def test_a_different_result_on_the_same_measure_contradicts():
    # "SFI improved [1,3]": r reports SFI with no difference → the citation is contradicted, and the row is named
    r = cite("1,3", filter="measure=SFI; direction=favours_treatment")
    assert r.verdict == "does_not_hold" and "[3] r: reports direction = no_difference on it" in r.arithmetic
    assert "f/outcomes:r" in r.rows
    # without the table's result columns declared, the same row is only 'not supporting': silent, undecided
    assert cite("1,3", result_columns=(), filter="measure=SFI; direction=favours_treatment").verdict == "cannot_check"


def test_a_study_whose_measures_leave_the_subject_out_contradicts_only_when_a_topic_is_named():
    # "SFI improved [1,4]": s measured TGT only. No topic named → silence; topic 'what could show SFI'
    # (SFI, walking track) → s's list leaves it out → the citation is contradicted (a misattribution)
    f = dict(filter="measure=SFI; direction=favours_treatment")
    assert cite("1,4", **f).verdict == "cannot_check"
    r = cite("1,4", **f, topic_filter="measure=SFI|walking track")
    assert r.verdict == "does_not_hold" and "[4] s: none of the 1 measures the table lists for it has measure=SFI|walking track" in r.arithmetic


def test_a_broad_topic_keeps_an_unreported_result_undecided():
    # "myelin thickness improved [1,5]": t has no myelin row, but its histology (TEM) could have shown it:
    # with the topic 'histology', t is undecided, not a contradiction; t's SFI gain is about something else
    f = dict(filter="measure=myelin thickness; direction=favours_treatment", topic_filter="domain=histological")
    r = cite("1,5", **f)
    assert r.verdict == "cannot_check" and "[5] t: its rows on the subject (nerve histology (TEM), unclear) give no result" in r.arithmetic
    # with a narrow topic (myelin measures only) t's list leaves it out → contradicted
    assert cite("1,5", filter=f["filter"], topic_filter="measure=myelin thickness").verdict == "does_not_hold"


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


def test_citation_support_with_undecided_and_unreported_studies():
    # axon diameter [10,11,12]: a and c support, b only has an SFI row named uncertain → undecided → cannot check
    r = run(rule="cites", filter="measure=axon diameter", uncertain_filter="measure=SFI", cited_refs="10,11,12")
    assert r.verdict == "cannot_check" and "[11] b: undecided (SFI" in r.arithmetic
    # [10,11,13] with the topic 'axon diameter': d (WRL only) does not measure it → does not hold, whatever b is
    r = run(rule="cites", filter="measure=axon diameter", uncertain_filter="measure=SFI", cited_refs="10,11,13",
            topic_filter="measure=axon diameter")
    assert r.verdict == "does_not_hold" and "[13] d: none of the 1 measures the table lists for it has measure=axon diameter" in r.arithmetic
    # study-level table: "in sciatic nerves [10,12]" — c leaves the nerve empty → not reported, cannot check;
    # "[10,11]" — b is a spinal cord study → does not hold, and the failing value is shown
    c = dict(rule="cites", table="t/studies", filter="nerve=sciatic")
    assert run(**c, cited_refs="10,12").verdict == "cannot_check"
    r = run(**c, cited_refs="10,11")
    assert r.verdict == "does_not_hold" and "[11] b: no supporting row (nerve = spinal cord)" in r.arithmetic


def test_mentions_of_thousands_of_studies_name_the_first_and_count_the_rest():
    many = pd.DataFrame({"study_id": [f"s{i:04d}" for i in range(1000)], "measure": "SFI", "note": ""})
    r = evaluate(claim(rule="mentions", table="t/many", filter="measure=SFI", claimed_value="3"), {"t/many": many}.__getitem__)
    assert r.verdict == "does_not_hold"
    assert r.arithmetic.startswith("mentioned for 1000 (s0000, s0001,") and "… and 985 more)" in r.arithmetic
    assert len(r.rows) == 1000  # the data rows used are all kept (the CSV lists them)
