"""The claims audit: every number a review prints, recomputed from the data.

Each row of `data/<review>/claims.csv` names a rule (count, sum, range, percent, …; see
`data/CLAIMS_FORMAT.md`), the table it runs over and a filter. A small rule per kind of claim, not
one function per claim. A claim without a rule, or whose rule cannot run (unknown table or column,
bad filter), is reported as `cannot_check` with the reason — never dropped.

The filter language is deliberately tiny (`column OP value; …`) and parsed here rather than passed
to `DataFrame.query`, so a data file can never execute code.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evidence_book.data.loader import load_table

VERDICTS = ("holds", "does_not_hold", "cannot_check")
REVIEWS = ("nerve", "aasc")
_COND = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|=|>|<|~)\s*(.*?)\s*$")


class CannotCheck(Exception):
    """The claim has no rule, or its rule cannot run on the data; the message says why."""


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
        return s.astype("string").str.contains(cond.value, case=False, regex=False).fillna(False)
    if pd.api.types.is_bool_dtype(s.dtype):
        want = cond.value.strip().lower() in ("true", "yes", "1")
        m = s == want
    elif pd.api.types.is_numeric_dtype(s.dtype):
        try:
            v = float(cond.value)
        except ValueError:
            raise CannotCheck(f"'{cond.value}' is not a number for {table}.{cond.column}") from None
        m = {"=": s == v, "!=": s != v, ">=": s >= v, "<=": s <= v, ">": s > v, "<": s < v}[cond.op]
    else:
        low, v = s.astype("string").str.strip().str.lower(), cond.value.strip().lower()
        if cond.op in ("=", "!="):
            m = (low == v) if cond.op == "=" else (low != v)
        else:
            raise CannotCheck(f"'{cond.op}' needs a numeric column, {table}.{cond.column} is text")
    return m.fillna(False).astype(bool)


def _numeric_if_possible(s: pd.Series) -> pd.Series:
    """Extra (unschema'd) columns load as text; treat them as numbers when every value is one."""
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        num = pd.to_numeric(s, errors="coerce")
        if num.notna().sum() == s.notna().sum() and s.notna().any():
            return num
    return s


def select(df: pd.DataFrame, text, table: str) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for cond in parse_conditions(text):
        mask &= _mask(df, cond, table)
    return df[mask]


def _number(x) -> float | None:
    if x is None or pd.isna(x):
        return None
    return float(x)


def _fmt(x) -> str:
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


def derived_tables(review: str, root=None, validate: bool | None = None):
    """A loader for `review/table` names, with derived tables (`nerve/jbi_scores`), cached per call."""
    cache = {}

    def get(name: str) -> pd.DataFrame:
        if name in cache:
            return cache[name]
        rv, _, tb = name.partition("/")
        if name == "nerve/jbi_scores":
            from evidence_book.analysis.quality import jbi_scores

            df = jbi_scores(get("nerve/jbi"), get("nerve/studies"))
        else:
            try:
                df = load_table(rv, tb, root=root, validate=validate)
            except Exception as e:  # unknown table: the claim cannot be checked, the audit goes on
                raise CannotCheck(f"table '{name}': {e}") from None
        cache[name] = df
        return df

    return get


def audit_review(review: str, root=None, validate: bool | None = None) -> pd.DataFrame:
    """One row per claim: quote, claimed value, recomputed value, verdict, rule and how.
    `validate=False` skips schema checks (the builder has validated the same bytes already)."""
    claims = load_table(review, "claims", root=root, validate=validate)
    tables = derived_tables(review, root, validate)
    rows = []
    for _, c in claims.iterrows():
        try:
            value, how = recompute(c, tables)
            verdict = "holds" if compare(c.get("claimed_value"), value, c.get("tolerance")) else "does_not_hold"
            shown = f"{_fmt(value[0])}-{_fmt(value[1])}" if isinstance(value, tuple) else _fmt(value)
        except CannotCheck as e:
            verdict, shown, how = "cannot_check", "", str(e)
        rows.append({
            "review": review, "claim_id": c["claim_id"], "location": c.get("location"), "quote": c["quote"],
            "claimed_value": c.get("claimed_value"), "recomputed_value": shown, "verdict": verdict,
            "rule": c.get("rule") if pd.notna(c.get("rule")) else "", "how": how,
            "note": c.get("note") if pd.notna(c.get("note")) else "",
        })
    return pd.DataFrame(rows)


def summary(audit: pd.DataFrame) -> dict:
    counts = audit["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS} | {"total": len(audit)}


def write_audit_csv(root, path) -> Path:
    """`_build/audit/claims.csv`: the audit of every review, for machines."""
    frames = [audit_review(r, root=root, validate=False) for r in REVIEWS]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.concat(frames, ignore_index=True).to_csv(path, index=False, lineterminator="\n")
    return path


def explain_failures(audit: pd.DataFrame) -> list[str]:
    """One sentence per claim that does not hold: what is claimed, what the data give, how."""
    out = []
    for _, r in audit[audit["verdict"] == "does_not_hold"].iterrows():
        out.append(f"{r['claim_id']} ({r['location']}): the review states {r['claimed_value']}, "
                   f"the data give {r['recomputed_value']} ({r['how']}). “{r['quote']}”")
    return out


def table_for_readers(audit: pd.DataFrame) -> pd.DataFrame:
    cols = ["claim_id", "location", "quote", "claimed_value", "recomputed_value", "verdict", "rule", "how", "note"]
    return audit[cols].rename(columns={"how": "how recomputed"})
