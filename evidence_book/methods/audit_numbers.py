"""Audit rule kinds about numbers: percent change and ratio, granularity, comparisons,
differences, percentages of two columns, totals against their printed parts, pooled figures (general).

Each kind takes a claim, the DataFrame of its table and the table's name, and returns a `Result`
with the arithmetic that decided it, or raises `CannotCheck` with the reason. No file I/O, no review
names; the rounding of a printed number is its own precision (`audit_text.decimals_of`).
"""
from __future__ import annotations

import math
import re

import pandas as pd

from evidence_book.methods.audit_rules import CannotCheck, Result, claim_text, parse_conditions, select
from evidence_book.methods.audit_text import decimals_of, fmt
from evidence_book.values import FALSE_WORDS, TRUE_WORDS


def _one_row(df, claim, table):
    rows = select(df, claim.get("filter"), table)
    if len(rows) != 1:
        raise CannotCheck(f"the rule needs exactly one row of {table}, the filter selects {len(rows)}")
    return rows.iloc[0], rows


def _pair(row, col, table):
    return [v for v, _ in _pair_printed(row, col, table)]


def _pair_printed(row, col, table):
    """[(value, half unit of its last printed decimal), …] of the two columns `a|b` of one row. A value
    stored as text keeps its printed precision ("0.62" → ±0.005); a typed number, or one printed without
    decimals (a count, an integer score), is taken as exact."""
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
        d = decimals_of(row[c]) if isinstance(row[c], str) else 0
        half = 0.5 * 10 ** -d if d else 0.0
        vals.append((float(v), half))
    return vals


_OP = re.compile(r"^\s*(>=|<=|>|<)?\s*(.*)$")


def _claimed_op(claim) -> tuple[str, str]:
    """('>', '70') for a claimed '>70'; ('', '33') for '33'."""
    m = _OP.match(claim_text(claim, "claimed_value"))
    op, rest = m.group(1) or "", m.group(2).replace("%", "").replace(",", "").strip()
    try:
        float(rest)
    except ValueError:
        raise CannotCheck(f"claimed value '{claim_text(claim, 'claimed_value')}' is not a number") from None
    return op, rest


def _eq(value: float, claimed: str) -> str:
    """'=' when the value is the printed number, 'rounds to' when it only rounds to it."""
    return "=" if abs(value - float(claimed)) < 1e-9 else "rounds to"


def _meets(op: str, claimed: str, value: float, tol: float = 0.0) -> bool:
    v = float(claimed)
    return {">": value > v, "<": value < v, ">=": value >= v, "<=": value <= v}[op] if op else _within_print(claimed, value, tol)


def _within_print(claimed: str, value: float, tol: float = 0.0) -> bool:
    """Does `value` round to the printed number (half a unit of its last decimal, or `tol`)?"""
    num = float(claimed)
    return abs(value - num) <= max(tol, 0.5 * 10 ** -decimals_of(claimed)) + 1e-9


def claimed_number(claim) -> str:
    text = claim_text(claim, "claimed_value").replace("%", "").replace(",", "").strip()
    try:
        float(text)
    except ValueError:
        raise CannotCheck(f"claimed value '{text}' is not a number") from None
    return text


def _tol(claim) -> float:
    t = claim.get("tolerance")
    return float(t) if t is not None and not pd.isna(t) else 0.0


def change(claim, df, table, ratio: bool) -> Result:
    row, rows = _one_row(df, claim, table)
    a, b = _pair(row, claim_text(claim, "column"), table)
    if b == 0:
        raise CannotCheck("the reference value is 0")
    op, claimed = _claimed_op(claim)
    v = a / b if ratio else 100.0 * (a - b) / b
    ok = _meets(op, claimed, v, _tol(claim))
    shown = f"{v:.{max(1, decimals_of(claimed))}f}"
    expr = f"{fmt(a)} / {fmt(b)}" if ratio else f"({fmt(a)} − {fmt(b)}) / {fmt(b)}"
    unit = "" if ratio else "%"
    rel = (op if ok else {"<": "≥", ">": "≤", "<=": ">", ">=": "<"}[op]) if op else (_eq(v, claimed) if ok else "≠")
    arith = f"{expr} = {shown}{unit} {rel} {claimed}{unit}"
    return Result("holds" if ok else "does_not_hold", shown, f"{'ratio' if ratio else 'percent change'} of "
                  f"{claim_text(claim, 'column')} in {table} where {claim_text(claim, 'filter')}", arith, rows=list(rows.index))


def granularity(claim, df, table) -> Result:
    """GRIM-style: a percentage of n must equal k/n for a whole k, at the precision printed."""
    claimed = claimed_number(claim)
    pct, d = float(claimed), decimals_of(claimed)
    lit = {c.column: c.value for c in parse_conditions(claim.get("condition"))}
    k = int(lit["k"]) if "k" in lit else None
    rows_used = []
    conds = parse_conditions(claim.get("condition"))
    n_max = next((int(c.value) for c in conds if c.column == "n" and c.op == "<="), None)
    if n_max is not None:  # the group is a subgroup of a known size: any n up to it
        ns, basis = list(range(1, n_max + 1)), f"any n ≤ {n_max} (see note)"
    elif "n" in lit:
        ns, basis = [int(lit["n"])], f"n = {lit['n']} (stated elsewhere in the review, see note)"
    elif claim_text(claim, "column"):
        row, rows = _one_row(df, claim, table)
        col = claim_text(claim, "column")
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


def greater(claim, df, table) -> Result:
    """'a is higher than b' (claimed true) or 'a is not higher than b' (false). With values kept as printed
    text, everything the printed numbers round from counts: 0.61 vs 0.62 can never be an increase, while a
    claim that the rounding alone could make true or false cannot be decided."""
    row, rows = _one_row(df, claim, table)
    (a, ha), (b, hb) = _pair_printed(row, claim_text(claim, "column"), table)
    want = claim_text(claim, "claimed_value").lower() in TRUE_WORDS
    got = a > b
    arith = f"{fmt(a)} {'>' if got else '≤'} {fmt(b)}"
    how = f"comparison of {claim_text(claim, 'column')} in {table}"
    if got != want:
        possible = (a + ha > b - hb) if want else (a - ha <= b + hb)
        if possible and (ha or hb):
            raise CannotCheck(f"{arith} as printed, but within their rounding ({fmt(a - ha)}–{fmt(a + ha)} vs "
                              f"{fmt(b - hb)}–{fmt(b + hb)}) the claim could still be true")
        if ha or hb:
            arith += f" (even within their rounding: {fmt(a - ha)}–{fmt(a + ha)} vs {fmt(b - hb)}–{fmt(b + hb)})"
        arith += ": the stated relation does not hold"
    return Result("holds" if got == want else "does_not_hold", "true" if got else "false", how, arith,
                  rows=list(rows.index))


def difference(claim, df, table) -> Result:
    """a − b of one row against a stated difference, with the rounding of all three printed numbers:
    0.18 − 0.13 lies between 0.04 and 0.06, so a stated 0.06 is not contradicted."""
    row, rows = _one_row(df, claim, table)
    (a, ha), (b, hb) = _pair_printed(row, claim_text(claim, "column"), table)
    op, claimed = _claimed_op(claim)
    v = a - b
    d = max(decimals_of(claimed), decimals_of(fmt(a)), decimals_of(fmt(b)))
    shown = f"{v:.{d}f}"
    lo, hi = v - ha - hb, v + ha + hb
    c, hc = float(claimed), max(_tol(claim), 0.5 * 10 ** -decimals_of(claimed))
    expr = f"{fmt(a)} − {fmt(b)} = {shown}"
    if op:
        ok = _meets(op, claimed, v)
        arith = f"{expr} {op if ok else 'fails ' + op} {claimed}"
    else:
        ok = hi >= c - hc - 1e-9 and lo <= c + hc + 1e-9
        exact = abs(v - c) <= hc + 1e-9
        if exact:
            arith = f"{expr} {_eq(v, claimed)} {claimed}"
        elif ok:
            arith = (f"{expr}; with the rounding of the printed values the difference lies between "
                     f"{lo:.{d}f} and {hi:.{d}f}, which allows {claimed}")
        else:
            arith = f"{expr} ≠ {claimed}" + (f" (even within rounding: {lo:.{d}f}–{hi:.{d}f})" if ha or hb else "")
    return Result("holds" if ok else "does_not_hold", shown, f"difference of {claim_text(claim, 'column')} in {table}",
                  arith, rows=list(rows.index))


_TERM = re.compile(r"([+−-]?)\s*(\d+(?:\.\d+)?)")


def parts(claim) -> Result:
    """A total against its parts printed beside it (condition `parts=107+105`, `parts=74-70`): the sentence's
    own arithmetic, e.g. '212 patients were randomized: 107 to Cx601 and 105 to placebo'."""
    lit = {c.column: c.value for c in parse_conditions(claim.get("condition"))}
    if "parts" not in lit:
        raise CannotCheck("a sum without a table needs its parts (condition parts=a+b)")
    text = lit["parts"].replace(" ", "")
    terms = _TERM.findall(text)
    if not terms or "".join(sign + num for sign, num in terms) != text.replace("−", "-"):
        raise CannotCheck(f"cannot read parts '{lit['parts']}'")
    total = sum(float(n) * (-1 if sign in "-−" and sign else 1) for sign, n in terms)
    op, claimed = _claimed_op(claim)
    ok = _meets(op, claimed, total, _tol(claim))
    expr = " ".join((("− " if sign in "-−" and sign else "+ ") if i else ("−" if sign in "-−" and sign else "")) + n
                    for i, (sign, n) in enumerate(terms))
    arith = f"{expr} = {fmt(total)} {'=' if ok else '≠'} {claimed}"
    return Result("holds" if ok else "does_not_hold", fmt(total), "the parts printed with the total (see note)", arith)


def percent_of(claim, df, table) -> Result:
    """100 × a / b of one row (e.g. patients who received AASCs of all patients) against a stated percentage."""
    row, rows = _one_row(df, claim, table)
    a, b = _pair(row, claim_text(claim, "column"), table)
    if b == 0:
        raise CannotCheck("the denominator is 0")
    op, claimed = _claimed_op(claim)
    v = 100.0 * a / b
    ok = _meets(op, claimed, v, _tol(claim))
    shown = f"{v:.{max(1, decimals_of(claimed))}f}"
    rel = (op if ok else "fails " + op) if op else (_eq(v, claimed) if ok else "≠")
    arith = f"100 × {fmt(a)} / {fmt(b)} = {shown}% {rel} {claimed}%"
    return Result("holds" if ok else "does_not_hold", shown, f"percentage {claim_text(claim, 'column')} in {table}",
                  arith, rows=list(rows.index))


def pooled(claim, df, table) -> Result:
    """A pooled estimate across studies (one mean difference and p-value for several studies) needs a
    quantitative synthesis. The review's own statement of its methods (one row of `table`, the value in
    `column`) decides whether it did one: if it says none, the pooled number has no basis in the review.
    That makes it unsupported, not contradicted: no printed value refutes the number itself, so the
    verdict is `cannot_check`, with the reason (a source the review lacks is not an error of arithmetic)."""
    row, rows = _one_row(df, claim, table)
    col = claim_text(claim, "column") or "value"
    if col not in row.index or pd.isna(row[col]):
        raise CannotCheck(f"{table} does not say whether the review pooled results")
    said = str(row[col]).strip().lower()
    quote = str(row["quote"]).strip() if "quote" in row.index and pd.notna(row["quote"]) else said
    where = f" ({row['location']})" if "location" in row.index and pd.notna(row["location"]) else ""
    stated = claim_text(claim, "claimed_value")
    if said in FALSE_WORDS or said in ("none", "not done"):
        arith = (f"a pooled estimate across studies ({stated}) needs a meta-analysis; the review says “{quote}”{where}: "
                 "no pooled analysis, and its tables give no values to pool")
        raise CannotCheck(f"unsupported: {arith}; no printed value contradicts the number itself", rows=list(rows.index))
    if said in TRUE_WORDS:
        raise CannotCheck(f"the review reports a pooled analysis (“{quote}”), but its pooled values are not in the data")
    raise CannotCheck(f"cannot read '{row[col]}' in {table} as done or not done")
