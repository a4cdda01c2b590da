"""The selection page of any review: the PRISMA flow's headline numbers, arithmetic and stages.

The flow model (stages, equations, checks) is `evidence_book.data.prisma`; this module only shapes
it for the page.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.data.prisma import arithmetic, summary

__all__ = ["arithmetic", "prisma_summary", "prisma_table"]

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
