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

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from evidence_book.methods.audit_rules import (
    CannotCheck, compare, format_value, parse_conditions, recompute, select,
)
from evidence_book.methods.audit_text import (
    circular_rows, decimals_of, fmt, listed, p_interval, parse_refs, row_labels,
)

RULE_KINDS = {
    "count": "count", "count_distinct": "count", "mentions": "count (lower bound)", "sum": "sum",
    "min": "range", "max": "range", "range": "range", "percent": "percent", "value": "value",
    "all": "universal", "none": "universal", "change": "percent change", "ratio": "ratio",
    "granularity": "granularity", "pvalue": "p-value", "greater": "comparison", "cites": "citation support",
}


@dataclass
class Result:
    verdict: str
    value: str = ""
    how: str = ""
    arithmetic: str = ""
    kind: str = ""
    rows: list = field(default_factory=list)


def _text(claim, key) -> str:
    v = claim.get(key)
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip()


def _one_row(df, claim, table):
    rows = select(df, claim.get("filter"), table)
    if len(rows) != 1:
        raise CannotCheck(f"the rule needs exactly one row of {table}, the filter selects {len(rows)}")
    return rows.iloc[0], rows


def _pair(row, col, table):
    a_col, _, b_col = col.partition("|")
    if not b_col:
        raise CannotCheck("the rule needs two columns written 'a|b'")
    vals = []
    for c in (a_col, b_col):
        if c not in row.index:
            raise CannotCheck(f"{table} has no column '{c}'")
        v = pd.to_numeric(pd.Series([row[c]]), errors="coerce").iloc[0]
        if pd.isna(v):
            raise CannotCheck(f"{c} is not reported in the selected row")
        vals.append(float(v))
    return vals


def _within_print(claimed: str, value: float, tol: float = 0.0) -> bool:
    """Does `value` round to the printed number (half a unit of its last decimal, or `tol`)?"""
    num = float(claimed)
    return abs(value - num) <= max(tol, 0.5 * 10 ** -decimals_of(claimed)) + 1e-9


def _claimed_number(claim) -> str:
    text = _text(claim, "claimed_value").replace("%", "").replace(",", "").strip()
    try:
        float(text)
    except ValueError:
        raise CannotCheck(f"claimed value '{text}' is not a number") from None
    return text


def _tol(claim) -> float:
    t = claim.get("tolerance")
    return float(t) if t is not None and not pd.isna(t) else 0.0


def _change(claim, df, table, ratio: bool) -> Result:
    row, rows = _one_row(df, claim, table)
    a, b = _pair(row, _text(claim, "column"), table)
    if b == 0:
        raise CannotCheck("the reference value is 0")
    claimed = _claimed_number(claim)
    v = a / b if ratio else 100.0 * (a - b) / b
    ok = _within_print(claimed, v, _tol(claim))
    shown = f"{v:.{max(1, decimals_of(claimed))}f}"
    expr = f"{fmt(a)} / {fmt(b)}" if ratio else f"({fmt(a)} − {fmt(b)}) / {fmt(b)}"
    unit = "" if ratio else "%"
    arith = f"{expr} = {shown}{unit} {'=' if ok else '≠'} {claimed}{unit}"
    return Result("holds" if ok else "does_not_hold", shown, f"{'ratio' if ratio else 'percent change'} of "
                  f"{_text(claim, 'column')} in {table} where {_text(claim, 'filter')}", arith, rows=list(rows.index))


def _granularity(claim, df, table) -> Result:
    """GRIM-style: a percentage of n must equal k/n for a whole k, at the precision printed."""
    claimed = _claimed_number(claim)
    pct, d = float(claimed), decimals_of(claimed)
    lit = {c.column: c.value for c in parse_conditions(claim.get("condition"))}
    k = int(lit["k"]) if "k" in lit else None
    rows_used = []
    if "n" in lit:
        ns, basis = [int(lit["n"])], f"n = {lit['n']} (stated elsewhere in the review, see note)"
    elif _text(claim, "column"):
        row, rows = _one_row(df, claim, table)
        col = _text(claim, "column")
        vals = [int(float(row[c])) for c in col.split("|") if c in row.index and pd.notna(row[c])]
        if not vals:
            raise CannotCheck(f"{col} is not reported in the selected row")
        ns, basis, rows_used = vals, f"n from {table}.{col}", list(rows.index)
    elif k is not None:
        lo, hi = 100.0 * k / (pct + 0.5 * 10 ** -d), (100.0 * k / (pct - 0.5 * 10 ** -d) if pct > 0.5 * 10 ** -d else k * 10)
        ns, basis = list(range(max(k, math.floor(lo) - 1), math.ceil(hi) + 2)), "any whole n"
    else:
        raise CannotCheck("granularity needs n (condition n=…, or a column) or the count k")

    def fits(kk, n):
        return n > 0 and abs(100.0 * kk / n - pct) <= 0.5 * 10 ** -d + 1e-9

    hits, near = [], []
    for n in ns:
        ks = [k] if k is not None else range(0, n + 1)
        hits += [(kk, n) for kk in ks if fits(kk, n)]
        if k is not None:
            near.append(f"{k}/{n} = {100.0 * k / n:.{max(1, d)}f}%")
        else:
            kk = int(round(pct * n / 100.0))
            near += [f"{j}/{n} = {100.0 * j / n:.{max(1, d)}f}%" for j in (kk - 1, kk, kk + 1) if 0 <= j <= n]
    if hits:
        kk, n = hits[0]
        return Result("holds", f"{kk}/{n}", f"granularity of {claimed}% ({basis})",
                      f"{kk}/{n} = {100.0 * kk / n:.{max(1, d)}f}% rounds to {claimed}%", rows=rows_used)
    near = sorted(set(near), key=lambda s: abs(float(s.split('= ')[1][:-1]) - pct))[:3]
    arith = ", ".join(near) + f": no whole {'n' if k is not None and 'n' not in lit and not rows_used else 'k'} gives {claimed}%"
    return Result("does_not_hold", "impossible", f"granularity of {claimed}% ({basis})", arith, rows=rows_used)


def _pvalue(claim, df, table) -> Result:
    row, rows = _one_row(df, claim, table)
    col = _text(claim, "column") or "p_text"
    if col not in row.index or pd.isna(row[col]) or not str(row[col]).strip():
        raise CannotCheck(f"{table} gives no {col} for the selected row")
    stated, data = p_interval(_text(claim, "claimed_value")), p_interval(str(row[col]))
    if stated is None or data is None:
        raise CannotCheck(f"cannot read '{_text(claim, 'claimed_value')}' or '{row[col]}' as a p-value")
    (slo, shi), (dlo, dhi) = stated, data
    arith = f"table: {row[col]}; text: {_text(claim, 'claimed_value')}"
    if dlo >= slo and dhi <= shi:
        return Result("holds", str(row[col]), f"p-value in {table}", arith + " (consistent)", rows=list(rows.index))
    if dhi <= slo or dlo >= shi:
        return Result("does_not_hold", str(row[col]), f"p-value in {table}", arith + " (contradict)", rows=list(rows.index))
    raise CannotCheck(arith + ": the table is less precise than the text, so it neither confirms nor contradicts it")


def _greater(claim, df, table) -> Result:
    row, rows = _one_row(df, claim, table)
    a, b = _pair(row, _text(claim, "column"), table)
    want = _text(claim, "claimed_value").lower() in ("true", "yes")
    got = a > b
    arith = f"{fmt(a)} {'>' if got else '≤'} {fmt(b)}"
    return Result("holds" if got == want else "does_not_hold", "true" if got else "false",
                  f"comparison of {_text(claim, 'column')} in {table}", arith, rows=list(rows.index))


def _mentions(claim, df, table) -> Result:
    """A count of mentions is a lower bound: absence of a mention does not show absence."""
    rows = select(df, claim.get("filter"), table)
    col = _text(claim, "column")
    ids = sorted(rows[col].dropna().astype(str).unique()) if col else row_labels(rows, rows.index)
    lb, claimed = len(ids), _claimed_number(claim)
    arith = f"mentioned for {lb} ({listed(ids)})"
    if float(claimed) < lb:
        return Result("does_not_hold", str(lb), f"mentions in {table}", arith + f": at least {lb} > {claimed}", rows=list(rows.index))
    raise CannotCheck(arith + f"; the text says {claimed}, and a study that does not mention it may still have used it, "
                      "so the data give only a lower bound")


def _cites(claim, df, table) -> Result:
    """Every cited included study supports the statement (per `filter` over `table`); a cited reference
    that is not an included study is reported as an error of citation."""
    refs = parse_refs(_text(claim, "cited_refs") or _text(claim, "claimed_value"))
    if not refs:
        raise CannotCheck("no cited references")
    review = table.partition("/")[0]
    inc = tables_included(claim, review)
    support = select(df, claim.get("filter"), table)
    fails, unknown, ok, outside, rows_used = [], [], [], [], list(support.index)
    circ_ids = set(claim.get("_circular_ids") or [])
    for ref in refs:
        sid = inc.get(ref)
        if sid is None:
            outside.append(f"[{ref}] is not an included study")
        elif sid in circ_ids:
            unknown.append(f"[{ref}] {sid}: coded from this sentence")
        elif (support["study_id"].astype(str) == sid).any():
            ok.append(f"[{ref}] {sid}")
        else:
            fails.append(f"[{ref}] {sid}: no supporting row")
    parts = ([f"{len(ok)} of {len(refs)} cited support it"] + fails + outside + unknown)
    arith = "; ".join(parts)
    if fails or outside:
        v = "does_not_hold"
    elif unknown:
        raise CannotCheck(arith + " — the only basis for that study is the sentence itself")
    else:
        v = "holds"
    return Result(v, f"{len(ok)}/{len(refs)}", f"citation support over {table} where {_text(claim, 'filter')}", arith, rows=rows_used)


def tables_included(claim, review):
    getter = claim.get("_tables")
    inc = getter(f"{review}/included")
    return {int(r): str(s) for r, s in zip(inc["ref"], inc["study_id"]) if pd.notna(r)}


def _basic(claim, tables, table) -> Result:
    """The rules of `audit_rules`, with arithmetic and the rows used."""
    rule = _text(claim, "rule")
    value, how = recompute(claim, tables)
    df = tables(table)
    rows = select(df, claim.get("filter"), table)
    claimed = _text(claim, "claimed_value")
    col = _text(claim, "column")
    shown = f"{format_value(value[0])}-{format_value(value[1])}" if isinstance(value, tuple) else format_value(value)
    ok = compare(claimed, value, claim.get("tolerance"))
    if rule == "sum":
        vals = pd.to_numeric(rows[col], errors="coerce").dropna()
        terms = " + ".join(fmt(x) for x in vals) if len(vals) <= 25 else f"{len(vals)} values"
        arith = f"{terms} = {shown}"
    elif rule == "percent":
        denom = select(df, claim.get("denominator_filter"), table)
        arith = f"100 × {len(rows)} / {len(denom)} = {100.0 * len(rows) / len(denom):.1f}%"
        shown = f"{100.0 * len(rows) / len(denom):.2f}".rstrip("0").rstrip(".")
    elif rule == "count":
        arith = f"{len(rows)} rows" + (f" ({', '.join(row_labels(rows, rows.index))})" if 0 < len(rows) <= 15 else "")
    elif rule == "count_distinct":
        ids = sorted(rows[col].dropna().astype(str).unique())
        arith = f"{len(ids)} distinct" + (f" ({', '.join(ids)})" if len(ids) <= 15 else "")
    elif rule == "all":
        good = select(rows, claim.get("condition"), table)
        bad = row_labels(rows, rows.index.difference(good.index))
        arith = f"{len(good)} of {len(rows)} satisfy {_text(claim, 'condition')}" + (f"; not: {listed(bad)}" if bad else "")
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
    arith += f" {'=' if ok else '≠'} {claimed}" if rule not in ("all",) else f" → {shown} vs stated {claimed}"
    return Result("holds" if ok else "does_not_hold", shown, how, arith, rows=list(rows.index))


KINDS = {"change": lambda c, d, t: _change(c, d, t, False), "ratio": lambda c, d, t: _change(c, d, t, True),
         "granularity": _granularity, "pvalue": _pvalue, "greater": _greater, "mentions": _mentions, "cites": _cites}


def evaluate(claim: pd.Series, tables) -> Result:
    """Verdict, recomputed value, arithmetic, kind and data rows of one claim."""
    rule = _text(claim, "rule")
    kind = RULE_KINDS.get(rule, "none")
    try:
        if not rule:
            raise CannotCheck(_text(claim, "note") or "no rule covers this claim")
        table = _text(claim, "table")
        if not table and rule != "granularity":
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
        return Result("cannot_check", "", str(e), str(e), kind)
    res.kind = kind
    res.rows = [f"{table}:{label}" for label in row_labels(df, res.rows)] if table else []
    return res
