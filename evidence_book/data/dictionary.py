"""The data dictionary, generated from the schemas (one row per file × column)."""
from __future__ import annotations

import pandas as pd

from evidence_book.data.schemas import BY_NAME, FOREIGN_KEYS, ITEMS_PER_KEY, TABLES


def _rule(c) -> str:
    parts = []
    if c.allowed is not None:
        parts.append("one of: " + ", ".join(a for a in c.allowed if a))
    if c.min is not None:
        parts.append(f"≥ {c.min:g}")
    if c.max is not None:
        parts.append(f"≤ {c.max:g}")
    if c.pattern is not None:
        parts.append(f"matches {c.pattern}")
    return "; ".join(parts)


def data_dictionary() -> pd.DataFrame:
    rows = []
    for t in TABLES:
        for c in t.columns:
            rows.append({"file": t.path, "column": c.name, "type": c.type, "required": "yes" if c.required else "",
                         "key": "yes" if c.name in t.key else "", "allowed values / range": _rule(c),
                         "description": c.doc})
    return pd.DataFrame(rows)


def files_table() -> pd.DataFrame:
    return pd.DataFrame([{"file": t.path, "what it holds": t.doc, "unique key": ", ".join(t.key),
                          "rows at most": t.max_rows} for t in TABLES])


def cross_file_rules() -> pd.DataFrame:
    rows = [{"rule": f"every {tb}.{col} of data/{rv}/ exists in data/{prv}/{ptb}.csv ({pcol})"}
            for (rv, tb, col), (prv, ptb, pcol) in FOREIGN_KEYS]
    for child, parent, key, n, _, what, which in ITEMS_PER_KEY:
        rows.append({"rule": f"every {key} of {BY_NAME[parent].path} has exactly {n} {what} ({which}) in {BY_NAME[child].path}"})
    rows.append({"rule": "PRISMA counts add up where every term is reported (screened = identified − duplicates, …; parts sum to totals)"})
    return pd.DataFrame(rows)
