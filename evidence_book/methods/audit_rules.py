"""Audit rules: recompute a claimed number from tables and compare it with the claim (general).

A claim row names a rule (count, sum, range, percent, …; see
`data/CLAIMS_FORMAT.md`), the table it runs over and a filter. A small rule per kind of claim, not
one function per claim. A claim without a rule, or whose rule cannot run (unknown table or column,
bad filter), is reported as `cannot_check` with the reason — never dropped.

The filter language is deliberately tiny (`column OP value; …`) and parsed here rather than passed
to `DataFrame.query`, so a data file can never execute code.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evidence_book.values import TRUE_WORDS, UNKNOWN_WORDS

VERDICTS = ("holds", "does_not_hold", "cannot_check")
_COND = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|=|>|<|~)\s*(.*?)\s*$")


@dataclass
class Result:
    """One claim's verdict, recomputed value, how, arithmetic in plain numbers, rule kind and data rows used."""
    verdict: str
    value: str = ""
    how: str = ""
    arithmetic: str = ""
    kind: str = ""
    rows: list = field(default_factory=list)


def claim_text(claim, key) -> str:
    """A claim cell as stripped text; an empty cell is ''."""
    v = claim.get(key)
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip()


class CannotCheck(Exception):
    """The claim has no rule, or its rule cannot run on the data; the message says why. `rows`: the data
    rows the rule read before it found it could not decide (shown beside the reason), if any."""

    def __init__(self, message="", rows=None):
        super().__init__(message)
        self.rows = list(rows or [])


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: str


def parse_conditions(text) -> list[Condition]:
    if text is None or (isinstance(text, float) and math.isnan(text)) or pd.isna(text) or not str(text).strip():
        return []
    out = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        m = _COND.match(part)
        if not m:
            raise CannotCheck(f"filter '{part.strip()}' is not 'column OP value'")
        out.append(Condition(*m.groups()))
    return out


def _mask(df: pd.DataFrame, cond: Condition, table: str) -> pd.Series:
    if cond.column not in df.columns:
        raise CannotCheck(f"{table} has no column '{cond.column}'")
    s = _numeric_if_possible(df[cond.column])
    if cond.op == "~":
        return _by_value(s, lambda u: u.astype("string").str.contains(cond.value, case=False, regex=False).fillna(False))
    if pd.api.types.is_bool_dtype(s.dtype):
        want = cond.value.strip().lower() in TRUE_WORDS
        m = s == want
    elif pd.api.types.is_numeric_dtype(s.dtype):
        if cond.value in df.columns and cond.op != "~":  # `followup<baseline`: one column against another
            v = _numeric_if_possible(df[cond.value])
            if not pd.api.types.is_numeric_dtype(v.dtype):
                raise CannotCheck(f"{table}.{cond.value} is not numeric")
            return {"=": s == v, "!=": s != v, ">=": s >= v, "<=": s <= v, ">": s > v, "<": s < v}[cond.op].fillna(False).astype(bool)
        try:
            v = float(cond.value)
        except ValueError:
            raise CannotCheck(f"'{cond.value}' is not a number for {table}.{cond.column}") from None
        m = {"=": s == v, "!=": s != v, ">=": s >= v, "<=": s <= v, ">": s > v, "<": s < v}[cond.op]
    else:
        alts = [a.strip() for a in cond.value.lower().split("|")]  # `a|b`: any of the values
        if cond.op not in ("=", "!="):
            raise CannotCheck(f"'{cond.op}' needs a numeric column, {table}.{cond.column} is text")
        hit = _by_value(s, lambda u: u.astype("string").str.strip().str.lower().isin(alts))
        m = hit if cond.op == "=" else ~hit
    return m.fillna(False).astype(bool)


def _by_value(s: pd.Series, test) -> pd.Series:
    """`test` applied to the distinct values of `s` only, then spread back over the rows: a text test
    costs O(rows) in C plus O(distinct values) in Python, not O(rows) string operations. Empty → False."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(False, index=s.index)
    ok = np.asarray(test(pd.Series(uniques)).fillna(False), dtype=bool)
    return pd.Series(np.where(codes >= 0, ok[np.maximum(codes, 0)], False), index=s.index)


def _numeric_if_possible(s: pd.Series) -> pd.Series:
    """Extra (unschema'd) columns load as text; treat them as numbers when every value is one
    (decided on the distinct values, so a long text column costs one factorisation)."""
    if (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object) and s.notna().any():
        try:  # a text column usually shows it at its first value: no need to look at the others
            float(s.loc[s.first_valid_index()])
        except (TypeError, ValueError):
            return s
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        # the distinct values and one empty cell last, so that code -1 (an empty cell) takes it
        num = pd.to_numeric(pd.Series([*uniques, None], dtype=s.dtype), errors="coerce")
        if num.iloc[:-1].notna().all():
            return pd.Series(num.iloc[codes].to_numpy(), index=s.index, name=s.name, dtype=num.dtype)
    return s


def unreported(df: pd.DataFrame, text, table: str) -> pd.Series:
    """Rows whose conditions cannot be decided: no condition fails on a reported value, and some
    condition reads a column the row leaves empty (not reported is not the same as 'no')."""
    known_fail = pd.Series(False, index=df.index)
    missing = pd.Series(False, index=df.index)
    for cond in parse_conditions(text):
        m = _mask(df, cond, table)
        na = df[cond.column].isna()
        known_fail |= ~m & ~na
        missing |= na
    return missing & ~known_fail


def subject_of(text, result_columns) -> tuple[str, list[Condition]]:
    """A filter split into its subject (the conditions on what was measured, as filter text) and its
    conditions on the table's result columns (what was found)."""
    results = set(result_columns or ())
    conds = parse_conditions(text)
    subject = "; ".join(f"{c.column}{c.op}{c.value}" for c in conds if c.column not in results)
    return subject, [c for c in conds if c.column in results]


def unknown_result(df: pd.DataFrame, columns) -> pd.Series:
    """Rows that leave any of `columns` unknown: empty, or a word meaning 'not known' (e.g. 'unclear')."""
    out = pd.Series(False, index=df.index)
    for col in columns:
        low = df[col].astype("string").str.strip().str.lower()
        out |= (low.isna() | low.eq("") | low.isin(UNKNOWN_WORDS)).fillna(True).astype(bool)
    return out


def silent(df: pd.DataFrame, text, result_columns, table: str) -> pd.DataFrame:
    """Rows on the filter's subject whose result the table leaves unknown (a measure listed without a
    finding): they neither support nor contradict a statement about that result."""
    subject, result_conds = subject_of(text, result_columns)
    if not result_conds:
        return df.iloc[0:0]
    on_subject = select(df, subject, table)
    return on_subject[unknown_result(on_subject, [c.column for c in result_conds])]


def select(df: pd.DataFrame, text, table: str) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for cond in parse_conditions(text):
        mask &= _mask(df, cond, table)
    return df[mask]


def _number(x) -> float | None:
    if x is None or pd.isna(x):
        return None
    return float(x)


def format_value(x) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return f"{x:g}" if abs(x - round(x)) > 1e-9 else str(int(round(x)))
    return str(x)


def _column(df, name, table):
    if not isinstance(name, str) or not name.strip():
        raise CannotCheck("the rule needs a column")
    if name not in df.columns:
        raise CannotCheck(f"{table} has no column '{name}'")
    return pd.to_numeric(df[name], errors="coerce")


def recompute(claim: pd.Series, tables) -> tuple[object, str]:
    """(recomputed value, how) for one claim; `tables(name)` returns the DataFrame of `review/table`."""
    rule = claim.get("rule")
    if rule is None or pd.isna(rule) or not str(rule).strip():
        raise CannotCheck(str(claim.get("note")) if pd.notna(claim.get("note")) else "no rule covers this claim")
    rule, table = str(rule).strip(), claim.get("table")
    if not isinstance(table, str) or not table.strip():
        raise CannotCheck(f"rule '{rule}' needs a table")
    df = tables(table.strip())
    rows = select(df, claim.get("filter"), table)
    flt = claim.get("filter") if pd.notna(claim.get("filter")) else ""
    how = f"{rule} over {table}" + (f" where {flt}" if flt else "")
    col = claim.get("column") if pd.notna(claim.get("column")) else None
    if rule == "count":
        return len(rows), how + f" → {len(rows)} rows"
    if rule == "count_distinct":
        if col not in df.columns:
            raise CannotCheck(f"{table} has no column '{col}'")
        n = rows[col].dropna().nunique()
        return n, how + f": distinct {col}"
    if rule == "sum" and col and "|" in col:  # `a|b`: the row totals a + b, summed over the rows
        parts = [_column(rows, c.strip(), table) for c in col.split("|")]
        both = pd.concat(parts, axis=1)
        vals = both.dropna().sum(axis=1)
        if vals.empty:
            raise CannotCheck(f"no row reports all of {col}")
        missing = len(rows) - len(vals)
        return float(vals.sum()), how + f" of {col.replace('|', ' + ')}" + (f" ({missing} rows not reported)" if missing else "")
    if rule in ("sum", "min", "max"):
        vals = _column(rows, col, table).dropna()
        if vals.empty:
            raise CannotCheck(f"no reported values of {col} in the selected rows")
        v = float(getattr(vals, rule)())
        missing = len(rows) - len(vals)
        return v, how + f" of {col}" + (f" ({missing} rows not reported)" if missing else "")
    if rule == "range":
        lo_col, _, hi_col = col.partition("|") if col else ("", "", "")
        lo = _column(rows, lo_col, table).dropna()
        hi = _column(rows, hi_col or lo_col, table).dropna()
        if lo.empty or hi.empty:
            raise CannotCheck(f"no reported values of {col} in the selected rows")
        return (float(lo.min()), float(hi.max())), how + f" of {col}"
    if rule == "percent":
        denom = select(df, claim.get("denominator_filter"), table)
        if len(denom) == 0:
            raise CannotCheck("the denominator selects no rows")
        v = 100.0 * len(rows) / len(denom)
        return v, how + f": {len(rows)} of {len(denom)} rows"
    if rule == "all":
        conds = parse_conditions(claim.get("condition"))
        if not conds:
            raise CannotCheck("rule 'all' needs a condition")
        ok = select(rows, claim.get("condition"), table)
        failing = rows.index.difference(ok.index)
        return len(failing) == 0 and len(rows) > 0, how + f": {len(ok)} of {len(rows)} rows satisfy {claim.get('condition')}"
    if rule == "value":
        if len(rows) != 1:
            raise CannotCheck(f"rule 'value' needs exactly one row, the filter selects {len(rows)}")
        if col not in df.columns:
            raise CannotCheck(f"{table} has no column '{col}'")
        v = rows.iloc[0][col]
        if pd.isna(v):
            raise CannotCheck(f"{col} is not reported in the selected row")
        try:
            return float(v), how + f": {col}"
        except (TypeError, ValueError):
            return str(v), how + f": {col}"
    raise CannotCheck(f"unknown rule '{rule}'")


_NUM = re.compile(r"^\s*(>=|<=|>|<|~)?\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*%?\s*$")
_RANGE = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[-–]\s*([-+]?\d+(?:\.\d+)?)\s*$")


def compare(claimed, recomputed, tolerance=0.0) -> bool:
    """Does the recomputed value support the claimed one? (`>950`, `35%`, `180-350`, `true` …)."""
    tol = float(tolerance) if tolerance is not None and not pd.isna(tolerance) else 0.0
    text = str(claimed).strip()
    if isinstance(recomputed, bool):
        if text.lower() not in ("true", "false"):
            raise CannotCheck(f"claimed value '{text}' is not true/false")
        return recomputed == (text.lower() == "true")
    if isinstance(recomputed, tuple):
        m = _RANGE.match(text)
        if not m:
            raise CannotCheck(f"claimed value '{text}' is not a range a-b")
        lo, hi = float(m.group(1)), float(m.group(2))
        return abs(lo - recomputed[0]) <= tol and abs(hi - recomputed[1]) <= tol
    if isinstance(recomputed, str):
        return text.lower() == recomputed.strip().lower()
    m = _NUM.match(text)
    if not m:
        raise CannotCheck(f"claimed value '{text}' is not a number")
    op, number = m.group(1), m.group(2).replace(",", "")
    v, r = float(number), float(recomputed)
    # A printed number stands for everything that rounds to it: "54.2" covers 54.15–54.25.
    decimals = len(number.partition(".")[2])
    tol = max(tol, 0.5 * 10 ** -decimals) if not float(recomputed).is_integer() else tol
    if op == ">":
        return r > v
    if op == "<":
        return r < v
    if op == ">=":
        return r >= v
    if op == "<=":
        return r <= v
    if op == "~":
        return abs(r - v) <= max(tol, 0.05 * abs(v))
    return abs(r - v) <= tol + 1e-9
