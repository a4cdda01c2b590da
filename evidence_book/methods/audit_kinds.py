"""Rule kinds beyond counts and sums, and the verdict of one claim with the arithmetic that decided it.

`evaluate(claim, tables)` is the one entry point: it runs the claim's rule (the basic rules of
`audit_rules` or the kinds below) and returns a `Result`: verdict, recomputed value, the arithmetic
in plain numbers, the rule kind and the data rows used. Verdict rules:

- `does_not_hold` whenever the recomputation contradicts the claim, whatever rule found it;
- `cannot_check` only when the data cannot decide (no rule, a value coded from the very sentence
  being checked, a lower bound that the claim does not undercut, missing rows that could account
  for the difference, a less precise p-value), always with the reason;
- `holds` otherwise.

General: no file I/O, no review names. `tables(name)` returns the DataFrame of `review/table`; the
citation rule also reads `review/included` (columns `ref`, `study_id`: the included studies).
"""
from __future__ import annotations

import re

import pandas as pd

from evidence_book.methods.audit_citations import cites, mentions
from evidence_book.methods.audit_numbers import (
    change, claimed_number, difference, granularity, greater, parts, percent_of, pooled,
)
from evidence_book.methods.audit_pvalues import pvalue
from evidence_book.methods.audit_rules import (
    CannotCheck, Result, claim_text, compare, format_value, parse_conditions, recompute, select, silent,
    unreported,
)
from evidence_book.methods.audit_text import circular_rows, fmt, listed, row_label, row_labels

RULE_KINDS = {
    "count": "count", "count_distinct": "count", "mentions": "count (lower bound)", "sum": "sum",
    "min": "range", "max": "range", "range": "range", "percent": "percent", "value": "value",
    "all": "universal", "none": "universal", "change": "percent change", "ratio": "ratio",
    "granularity": "granularity", "pvalue": "p-value", "greater": "comparison", "cites": "citation support",
    "difference": "difference", "percent_of": "percent",
    "pooled": "pooled estimate",
}


def _basic(claim, tables, table) -> Result:
    """The rules of `audit_rules`, with arithmetic and the rows used."""
    rule = claim_text(claim, "rule")
    if rule in ("count", "count_distinct") and (claim_text(claim, "uncertain_filter") or len(_silent(claim, tables(table), table))):
        return _count_between(claim, tables(table), table)
    value, how = recompute(claim, tables)
    df = tables(table)
    rows = select(df, claim.get("filter"), table)
    claimed = claim_text(claim, "claimed_value")
    col = claim_text(claim, "column")
    if rule == "all" and value is False:
        _all_with_unreported(claim, rows, table, claimed)
    shown = f"{format_value(value[0])}-{format_value(value[1])}" if isinstance(value, tuple) else format_value(value)
    ok = compare(claimed, value, claim.get("tolerance"))
    if rule == "sum":
        cols = [c.strip() for c in col.split("|")]
        parts = rows[cols].apply(pd.to_numeric, errors="coerce").dropna()
        vals = [x for _, r in parts.iterrows() for x in r]
        terms = " + ".join(fmt(x) for x in vals) if len(vals) <= 25 else f"{len(vals)} values"
        arith = f"{terms} = {shown}"
    elif rule == "percent":
        denom = select(df, claim.get("denominator_filter"), table)
        arith = f"100 × {len(rows)} / {len(denom)} = {100.0 * len(rows) / len(denom):.1f}%"
        shown = f"{100.0 * len(rows) / len(denom):.2f}".rstrip("0").rstrip(".")
    elif rule == "count":
        arith = f"{len(rows)} row{'' if len(rows) == 1 else 's'}" + (f" ({', '.join(row_labels(rows, rows.index))})" if 0 < len(rows) <= 15 else "")
    elif rule == "count_distinct":
        ids = sorted(rows[col].dropna().astype(str).unique())
        arith = f"{len(ids)} distinct" + (f" ({', '.join(ids)})" if len(ids) <= 15 else "")
    elif rule == "all":
        good = select(rows, claim.get("condition"), table)
        bad = _failing(rows, rows.index.difference(good.index), claim.get("condition"))
        arith = f"{len(good)} of {len(rows)} satisfy {claim_text(claim, 'condition')}" + (f"; not: {listed(bad)}" if bad else "")
    elif rule == "range":
        arith = f"observed {shown.replace('-', '–')}"
        lo_col, _, hi_col = col.partition("|")
        missing = rows[[lo_col, hi_col or lo_col]].apply(pd.to_numeric, errors="coerce").isna().all(axis=1)
        if not ok and missing.any():
            m = re.match(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[-–]\s*([-+]?\d+(?:\.\d+)?)\s*$", claimed)
            if m and float(m.group(1)) <= value[0] and float(m.group(2)) >= value[1]:
                who = listed(row_labels(rows, rows.index[missing.values]))
                raise CannotCheck(f"{arith} lies inside the stated {claimed}, and {missing.sum()} rows report no value "
                                  f"({who}); they could account for the wider range")
    else:
        arith = f"{col or rule} = {shown}" if rule == "value" else f"{rule} = {shown}"
    op = re.match(r"^\s*(>=|<=|>|<)", claimed)
    if rule == "all":
        arith += f" → {shown} vs stated {claimed}"
    elif op:
        arith += f", {'which is' if ok else 'not'} {claimed}"
    else:
        arith += f" {'=' if ok else '≠'} {claimed}"
    return Result("holds" if ok else "does_not_hold", shown, how, arith, rows=list(rows.index))


def _failing(rows, index, condition) -> list[str]:
    """Each failing row's label with the value that fails: 'zheng2022 (disease = moderate-to-severe CKD)'."""
    cols = []
    for c in parse_conditions(condition):  # `followup<baseline` compares two columns: show both
        cols += [x for x in (c.column, c.value.strip()) if x in rows.columns and x not in cols]
    out = []
    for i, label in zip(index, row_labels(rows, index)):
        vals = [f"{c} = {str(v).lower() if pd.api.types.is_bool(v) else format_value(v)}"
                if not pd.isna(v := rows.at[i, c]) else f"{c} not reported" for c in cols]
        out.append(f"{label} ({'; '.join(vals)})" if vals else label)
    return out


def _all_with_unreported(claim, rows, table, claimed) -> None:
    """'All … ' is false only when a row fails on a reported value; rows that leave the condition's
    column empty could go either way, so if they are the only failures the data cannot decide."""
    good = select(rows, claim.get("condition"), table)
    failing = rows.loc[rows.index.difference(good.index)]
    blank = unreported(failing, claim.get("condition"), table)
    if len(failing) and blank.all() and claimed.lower() in ("true", "false"):
        who = ", ".join(row_label(failing, i) for i in failing.index)
        raise CannotCheck(f"{len(good)} of {len(rows)} satisfy {claim_text(claim, 'condition')}; {len(failing)} rows do not "
                          f"report the value ({who}): they could go either way", rows=list(rows.index))


def _count_between(claim, df, table) -> Result:
    """A count whose members are partly uncertain: `filter` selects the rows that surely count,
    `uncertain_filter` rows that may count (the data do not say for sure), and so do rows on the same
    subject whose result the table leaves unknown (a measure listed without a finding: silence is not
    'no'). The count lies between the two; a claim inside that interval cannot be decided, outside it
    does not hold."""
    rule, col = claim_text(claim, "rule"), claim_text(claim, "column")
    sure = select(df, claim.get("filter"), table)
    named = select(df, claim.get("uncertain_filter"), table) if claim_text(claim, "uncertain_filter") else df.iloc[0:0]
    maybe = pd.concat([named, _silent(claim, df, table).drop(named.index, errors="ignore")])

    def members(rows):
        if rule == "count":
            return [row_label(rows, i) for i in rows.index]
        if col not in rows.columns:
            raise CannotCheck(f"{table} has no column '{col}'")
        return sorted(rows[col].dropna().astype(str).unique())

    a = members(sure)
    extra = [m for m in members(maybe) if m not in a]
    lo, hi = len(a), len(a) + len(extra)
    claimed = claimed_number(claim)
    v = float(claimed)
    arith = f"{lo} surely ({', '.join(a)})" + (f", up to {len(extra)} more ({', '.join(extra)})" if extra else "")
    rows_used = list(sure.index) + [i for i in maybe.index if i not in sure.index]
    shown = str(lo) if lo == hi else f"{lo}-{hi}"
    if lo <= v <= hi and lo < hi:
        raise CannotCheck(f"{arith}: between {lo} and {hi}, and the stated {claimed} lies inside, so the data cannot decide",
                          rows=rows_used)
    ok = lo == hi == v
    interval = f"{lo}" if lo == hi else f"{lo}–{hi}"
    return Result("holds" if ok else "does_not_hold", shown, f"{rule} over {table}",
                  f"{arith} → {interval} {'=' if ok else '≠'} {claimed}", rows=rows_used)


def _silent(claim, df, table) -> pd.DataFrame:
    return silent(df, claim.get("filter"), claim.get("_result_columns"), table)


KINDS = {"change": lambda c, d, t: change(c, d, t, False), "ratio": lambda c, d, t: change(c, d, t, True),
         "granularity": granularity, "pvalue": pvalue, "greater": greater, "mentions": mentions, "cites": cites,
         "difference": difference, "percent_of": percent_of, "pooled": pooled}


def evaluate(claim: pd.Series, tables) -> Result:
    """Verdict, recomputed value, arithmetic, kind and data rows of one claim."""
    rule = claim_text(claim, "rule")
    kind = RULE_KINDS.get(rule, "none")
    try:
        if not rule:
            raise CannotCheck(claim_text(claim, "note") or "no rule covers this claim")
        table = claim_text(claim, "table")
        if not table and rule == "sum":
            res = parts(claim)
            res.kind = kind
            return res
        if not table and rule not in ("granularity", "pvalue"):
            raise CannotCheck(f"rule '{rule}' needs a table")
        df = tables(table) if table else pd.DataFrame()
        circ = circular_rows(df, claim, select(df, claim.get("filter"), table) if table else df)
        if circ and rule != "cites":
            raise CannotCheck(f"the value used for {', '.join(circ)} was coded from this very sentence, "
                              "so it cannot check it")
        if rule in KINDS:
            c = claim.astype(object).copy()
            c["_tables"], c["_circular_ids"] = tables, circ
            res = KINDS[rule](c, df, table)
        else:
            res = _basic(claim, tables, table)
    except CannotCheck as e:
        rows = [f"{table}:{row_label(df, i)}" for i in e.rows] if e.rows and table else []
        return Result("cannot_check", "", str(e), str(e), kind, rows)
    res.kind = kind
    res.rows = [f"{table}:{label}" for label in row_labels(df, res.rows)] if table else []
    return res
