"""The selection page of any review: the PRISMA flow's headline numbers, arithmetic and stages.

The flow model (stages, equations, checks) is `evidence_book.data.prisma`; this module only shapes
it for the page.
"""
from __future__ import annotations

import re

import pandas as pd

from evidence_book.data.prisma import NOT_REPORTED, MAIN_STAGES, arithmetic, counts_and_notes, summary
from evidence_book.labels import pretty, word

__all__ = ["arithmetic", "arithmetic_table", "box_links", "prisma_summary", "prisma_table"]

prisma_summary = summary


def prisma_table(prisma: pd.DataFrame) -> pd.DataFrame:
    """The flow as a reader's table: stage, count (or 'not reported'), note, where stated."""
    out = pd.DataFrame({
        "stage": prisma["stage"].str.replace("_", " "),
        "count": prisma["count"].astype("object").where(prisma["count"].notna(), "not reported"),
        "where stated": prisma["location"],
        "note": prisma["note"].fillna(""),
    })
    return out.reset_index(drop=True)


def box_links(prisma: pd.DataFrame, record_lists: dict | None = None) -> dict:
    """Per box of the PRISMA diagram (gid ``prisma:<stage>``): (URL of the list of the records it
    counts, or None; a tooltip). `record_lists` maps a stage to the page and anchor that lists its
    records (e.g. included studies → the studies table); boxes whose records the data do not name
    say so. A count the review does not report is said to be not reported, never filled in."""
    record_lists = record_lists or {}
    counts, _ = counts_and_notes(prisma)
    out = {}
    for stage in (*MAIN_STAGES, "extras"):
        if stage in ("records_identified_databases", "records_identified_registers"):
            continue  # lines inside the identification box, not boxes
        v = counts.get(stage)
        n = NOT_REPORTED if v is None else f"n = {v}"
        name = stage.replace("_", " ")
        name = f"{name} ({n})" if stage in counts else name  # a box without its own count (its lines have theirs)
        url = record_lists.get(stage)
        if stage == "extras":
            title = "Other counts the review reports; it does not name the records they count"
        elif url:
            title = f"{name[:1].upper()}{name[1:]}: open the list of them"
        else:
            title = f"{name[:1].upper()}{name[1:]}: the review does not name these records"
        out[f"prisma:{stage}"] = (url, title)
    return out


def arithmetic_table(prisma: pd.DataFrame) -> pd.DataFrame:
    """The flow's checks for readers: stage names in words, the two sides, and the verdict in words."""
    a = arithmetic(prisma)
    return pd.DataFrame({
        "check": [re.sub(r"[a-z]+(?:_[a-z0-9]+)+", lambda m: pretty(m.group(0)).lower(), c) for c in a["check"]],
        "stated": a["left"], "from the other counts": a["right"], "status": a["status"].map(word),
    })
