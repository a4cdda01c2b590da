"""Headline numbers of a PRISMA flow (for the prose of the selection section of any review)."""
from __future__ import annotations

import pandas as pd


def prisma_summary(prisma: pd.DataFrame) -> dict:
    """identified, included, how many stages are reported / listed, and the unreported stage names."""
    counts = {s: (None if pd.isna(c) else int(c)) for s, c in zip(prisma["stage"], prisma["count"])}
    identified = counts.get("records_identified")
    if identified is None:
        identified = counts.get("records_identified_databases")
    return {
        "identified": identified,
        "included": counts.get("studies_included"),
        "n_stages": len(counts),
        "n_reported": sum(v is not None for v in counts.values()),
        "not_reported": [s for s, v in counts.items() if v is None],
    }


def prisma_table(prisma: pd.DataFrame) -> pd.DataFrame:
    """The flow as a reader's table: stage, count (or 'not reported'), note, where stated."""
    out = pd.DataFrame({
        "stage": prisma["stage"].str.replace("_", " "),
        "count": prisma["count"].astype("object").where(prisma["count"].notna(), "not reported"),
        "where stated": prisma["location"],
        "note": prisma["note"].fillna(""),
    })
    return out.reset_index(drop=True)
