"""The selection page of any review: the PRISMA flow's headline numbers, arithmetic and stages.

The flow model (stages, equations, checks) is `evidence_book.data.prisma`; this module only shapes
it for the page.
"""
from __future__ import annotations

import pandas as pd

import re

from evidence_book.data.prisma import arithmetic, summary
from evidence_book.labels import pretty, word

__all__ = ["arithmetic", "arithmetic_table", "prisma_summary", "prisma_table"]

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


def arithmetic_table(prisma: pd.DataFrame) -> pd.DataFrame:
    """The flow's checks for readers: stage names in words, the two sides, and the verdict in words."""
    a = arithmetic(prisma)
    return pd.DataFrame({
        "check": [re.sub(r"[a-z]+(?:_[a-z0-9]+)+", lambda m: pretty(m.group(0)).lower(), c) for c in a["check"]],
        "stated": a["left"], "from the other counts": a["right"], "status": a["status"].map(word),
    })
