"""Small text helpers of the audit: numbers as printed, p-values, citation lists, row labels, circularity.

General: no file I/O, no review names.
"""
from __future__ import annotations

import re

import pandas as pd

_P = re.compile(r"p\s*(<=|≤|>=|≥|<|>|=)\s*(\d*\.?\d+)", re.I)
_QUOTED = re.compile(r"[\"“(]([^\"”()]{15,})[\"”)]")
LABEL_COLUMNS = ("study_id", "stage", "indication", "claim_id", "item", "database")


def decimals_of(text: str) -> int:
    return len(str(text).strip().rstrip("%").partition(".")[2])


def fmt(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:g}"


def p_interval(text: str):
    """The set of p-values a printed statement allows, as (lo, hi): 'p < 0.01' → (0, 0.01);
    'p = 0.0016' → (0.00155, 0.00165); 'significant' → (0, 0.05). None when unreadable."""
    t = str(text).strip()
    m = _P.search(t)
    if not m:
        if re.search(r"\bnot\s+significant|\bn\.?s\.?\b", t, re.I):
            return (0.05, 1.0)
        if re.search(r"significan", t, re.I):
            return (0.0, 0.05)
        return None
    op, num = m.group(1), m.group(2)
    v = float(num)
    if op in ("<", "≤", "<="):
        return (0.0, v)
    if op in (">", "≥", ">="):
        return (v, 1.0)
    half = 0.5 * 10 ** -decimals_of(num)
    return (max(0.0, v - half), v + half)


def parse_refs(text: str) -> list[int]:
    """'[40,41,43–52]' → [40, 41, 43, …, 52]."""
    out = []
    for part in re.split(r"[,;]", str(text).strip().strip("[]")):
        part = part.strip()
        m = re.match(r"^(\d+)\s*[-–—]\s*(\d+)$", part)
        if m:
            out += list(range(int(m.group(1)), int(m.group(2)) + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


def listed(items, limit: int = 15) -> str:
    """'a, b, c' — or the first `limit` and how many more, so a sentence stays readable (and its
    length bounded) however many rows a rule selects."""
    items = [str(x) for x in items]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", … and {len(items) - limit:,} more"


def row_label(df: pd.DataFrame, i) -> str:
    for c in LABEL_COLUMNS:
        if c in df.columns and pd.notna(df.at[i, c]):
            return str(df.at[i, c])
    return f"row {i}"


def row_labels(df: pd.DataFrame, index) -> list[str]:
    """`row_label` of many rows at once (one vectorised pass per label column, no lookup per cell)."""
    index = pd.Index(index)
    labels = pd.Series(pd.NA, index=index, dtype="string")
    for c in LABEL_COLUMNS:
        if c in df.columns:
            labels = labels.fillna(df[c].reindex(index).astype("string"))
    return [f"row {i}" if pd.isna(v) else v for i, v in zip(index, labels.tolist())]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", str(s).replace("–", "-").replace("—", "-")).strip().lower()


def circular_rows(df: pd.DataFrame, claim, rows: pd.DataFrame) -> list[str]:
    """Rows whose value the rule reads was coded from the very sentence being checked: the row's
    `note` names a column the rule reads and quotes a passage of the claim's quote."""
    if "note" not in df.columns or rows.empty:
        return []
    quote = _norm(claim.get("quote") or "")
    used = set()
    for key in ("filter", "condition", "column"):
        v = claim.get(key)
        if isinstance(v, str):
            used |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", v))
    used &= set(df.columns)
    if not used:
        return []
    hits = []
    for i, note in zip(rows.index, df["note"].reindex(rows.index).tolist()):
        if not isinstance(note, str) or not any(c in note for c in used):
            continue
        if any(_norm(q) in quote for q in _QUOTED.findall(note)):
            hits.append(i)
    return row_labels(df, hits)
