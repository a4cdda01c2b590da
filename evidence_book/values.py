"""Typing cell values the same way everywhere: true/false words, numbers and text with empty cells.

The loader types the columns a schema lists; columns a schema does not list (analysts may add
any) arrive as text, and page models type them with these helpers, so "yes", "TRUE" and "1" mean
the same thing in every file and every page.
"""
from __future__ import annotations

import pandas as pd

TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})
# words a data cell uses for "the source does not say" (a result left unknown, not a result)
UNKNOWN_WORDS = frozenset({"unclear", "unknown", "not reported", "not_reported", "nr"})


def parse_bool(value):
    """True / False for a true/false word (any case), NA for an empty cell; ValueError otherwise."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return pd.NA
    if isinstance(value, bool):
        return value
    low = str(value).strip().lower()
    if low == "":
        return pd.NA
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def is_bool_word(series: pd.Series) -> pd.Series:
    """Which cells hold a true/false word (empty cells count as not)."""
    return series.astype("string").str.strip().str.lower().isin(TRUE_WORDS | FALSE_WORDS).fillna(False)


def to_boolean(series: pd.Series) -> pd.Series:
    """true/false words (or booleans) as a nullable boolean column; anything else is NA."""
    low = series.astype("string").str.strip().str.lower()
    return low.map(lambda v: True if v in TRUE_WORDS else (False if v in FALSE_WORDS else pd.NA)).astype("boolean")


def to_number(series: pd.Series) -> pd.Series:
    """A column as nullable floats; empty or non-numeric text is NA."""
    return pd.to_numeric(series.astype("string").str.strip().replace("", pd.NA), errors="coerce").astype("Float64")


def to_text(series: pd.Series) -> pd.Series:
    """A text column with empty cells as NA."""
    return series.astype("string").str.strip().replace("", pd.NA)
