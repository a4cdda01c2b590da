"""Tests of evidence_book.data.prisma: the PRISMA flow's arithmetic, and the errors the loader reports."""
from __future__ import annotations

import pandas as pd

from evidence_book.data.prisma import arithmetic as prisma_arithmetic
from evidence_book.data.prisma import arithmetic_errors, summary


def prisma_frame(**counts):
    stages = list(counts)
    return pd.DataFrame({"stage": stages, "count": pd.array(list(counts.values()), dtype="Int64"),
                         "note": [""] * len(stages)})


def test_arithmetic_statuses():
    ok = prisma_frame(records_identified=100, duplicates_removed=10, records_screened=90,
                      records_excluded=60, reports_sought=30, reports_not_retrieved=2,
                      reports_assessed=28, reports_excluded=18, studies_included=10)
    res = prisma_arithmetic(ok)
    assert list(res.columns) == ["check", "left", "right", "status"]
    assert (res["status"] == "holds").all()

    broken = prisma_frame(records_identified=100, duplicates_removed=10, records_screened=80)
    res = prisma_arithmetic(broken).set_index("check")
    row = res.loc["records_screened = records_identified − duplicates_removed"]
    assert row["status"] == "does_not_hold" and row["left"] == 80 and row["right"] == 90
    assert (res.drop(row.name)["status"] == "not_checkable").all()


def test_arithmetic_sums_of_parts():
    df = prisma_frame(records_identified_databases=74, records_identified_pubmed=62,
                      records_identified_embase=8, records_identified_wos=5,
                      duplicates_removed=4, records_screened=70, records_excluded=None,
                      records_excluded_reviews=24)
    res = prisma_arithmetic(df).set_index("check")["status"]
    assert res[[c for c in res.index if c.startswith("records_identified_databases =")][0]] \
        == "does_not_hold"  # 62 + 8 + 5 = 75 ≠ 74
    assert res["records_screened = records_identified_databases − duplicates_removed"] == "holds"
    assert res["records_excluded = records_excluded_reviews"] == "not_checkable"


def test_errors_name_the_checked_stage_with_its_numbers():
    df = prisma_frame(records_identified_databases=74, records_identified_registers=6, duplicates_removed=4,
                      records_screened=70)
    assert arithmetic_errors(df) == [("records_screened", "records_screened = 70, but records_identified_databases + "
                                      "records_identified_registers − duplicates_removed = 74 + 6 − 4 = 76")]
    assert arithmetic_errors(prisma_frame(records_identified=10, duplicates_removed=None, records_screened=3)) == []


def test_summary_counts_reported_stages_and_never_guesses():
    s = summary(prisma_frame(records_identified=640, duplicates_removed=None, studies_included=13))
    assert (s["identified"], s["included"], s["n_stages"], s["n_reported"]) == (640, 13, 3, 2)
    assert s["not_reported"] == ["duplicates_removed"]
    assert summary(prisma_frame(records_identified_databases=74))["identified"] == 74
