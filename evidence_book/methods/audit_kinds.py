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
    CannotCheck, compare, format_value, parse_conditions, recompute, select, unreported,
)
from evidence_book.values import FALSE_WORDS, TRUE_WORDS
from evidence_book.methods.audit_text import (
    circular_rows, decimals_of, fmt, listed, p_interval, parse_refs, row_label, row_labels,
)

RULE_KINDS = {
    "count": "count", "count_distinct": "count", "mentions": "count (lower bound)", "sum": "sum",
    "min": "range", "max": "range", "range": "range", "percent": "percent", "value": "value",
    "all": "universal", "none": "universal", "change": "percent change", "ratio": "ratio",
    "granularity": "granularity", "pvalue": "p-value", "greater": "comparison", "cites": "citation support",
    "difference": "difference", "percent_of": "percent",
    "pooled": "pooled estimate",
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
    m = _OP.match(_text(claim, "claimed_value"))
    op, rest = m.group(1) or "", m.group(2).replace("%", "").replace(",", "").strip()
    try:
        float(rest)
    except ValueError:
        raise CannotCheck(f"claimed value '{_text(claim, 'claimed_value')}' is not a number") from None
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
    op, claimed = _claimed_op(claim)
    v = a / b if ratio else 100.0 * (a - b) / b
    ok = _meets(op, claimed, v, _tol(claim))
    shown = f"{v:.{max(1, decimals_of(claimed))}f}"
    expr = f"{fmt(a)} / {fmt(b)}" if ratio else f"({fmt(a)} − {fmt(b)}) / {fmt(b)}"
    unit = "" if ratio else "%"
    rel = (op if ok else {"<": "≥", ">": "≤", "<=": ">", ">=": "<"}[op]) if op else (_eq(v, claimed) if ok else "≠")
    arith = f"{expr} = {shown}{unit} {rel} {claimed}{unit}"
    return Result("holds" if ok else "does_not_hold", shown, f"{'ratio' if ratio else 'percent change'} of "
                  f"{_text(claim, 'column')} in {table} where {_text(claim, 'filter')}", arith, rows=list(rows.index))


def _granularity(claim, df, table) -> Result:
    """GRIM-style: a percentage of n must equal k/n for a whole k, at the precision printed."""
    claimed = _claimed_number(claim)
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
    stated = p_interval(_text(claim, "claimed_value"))
    if stated is not None and stated[1] <= stated[0]:  # 'p < 0.000', 'p > 1': no p-value satisfies it
        return Result("does_not_hold", "impossible", "p-value as printed",
                      f"{_text(claim, 'claimed_value')} admits no p-value (a p-value lies between 0 and 1, above 0)")
    if not table:
        raise CannotCheck("no table gives this p-value, and the printed statement itself is a possible p-value")
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
    raise CannotCheck(arith + ": the table is less precise than the text, so it neither confirms nor contradicts it",
                      rows=list(rows.index))


def _greater(claim, df, table) -> Result:
    """'a is higher than b' (claimed true) or 'a is not higher than b' (false). With values kept as printed
    text, everything the printed numbers round from counts: 0.61 vs 0.62 can never be an increase, while a
    claim that the rounding alone could make true or false cannot be decided."""
    row, rows = _one_row(df, claim, table)
    (a, ha), (b, hb) = _pair_printed(row, _text(claim, "column"), table)
    want = _text(claim, "claimed_value").lower() in ("true", "yes")
    got = a > b
    arith = f"{fmt(a)} {'>' if got else '≤'} {fmt(b)}"
    how = f"comparison of {_text(claim, 'column')} in {table}"
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


def _difference(claim, df, table) -> Result:
    """a − b of one row against a stated difference, with the rounding of all three printed numbers:
    0.18 − 0.13 lies between 0.04 and 0.06, so a stated 0.06 is not contradicted."""
    row, rows = _one_row(df, claim, table)
    (a, ha), (b, hb) = _pair_printed(row, _text(claim, "column"), table)
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
    return Result("holds" if ok else "does_not_hold", shown, f"difference of {_text(claim, 'column')} in {table}",
                  arith, rows=list(rows.index))


_TERM = re.compile(r"([+−-]?)\s*(\d+(?:\.\d+)?)")


def _parts(claim) -> Result:
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


def _percent_of(claim, df, table) -> Result:
    """100 × a / b of one row (e.g. patients who received AASCs of all patients) against a stated percentage."""
    row, rows = _one_row(df, claim, table)
    a, b = _pair(row, _text(claim, "column"), table)
    if b == 0:
        raise CannotCheck("the denominator is 0")
    op, claimed = _claimed_op(claim)
    v = 100.0 * a / b
    ok = _meets(op, claimed, v, _tol(claim))
    shown = f"{v:.{max(1, decimals_of(claimed))}f}"
    rel = (op if ok else "fails " + op) if op else (_eq(v, claimed) if ok else "≠")
    arith = f"100 × {fmt(a)} / {fmt(b)} = {shown}% {rel} {claimed}%"
    return Result("holds" if ok else "does_not_hold", shown, f"percentage {_text(claim, 'column')} in {table}",
                  arith, rows=list(rows.index))


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
                      "so the data give only a lower bound", rows=list(rows.index))


def _cites(claim, df, table) -> Result:
    """Every cited included study supports the statement (per `filter` over `table`); a cited reference
    that is not an included study is reported as an error of citation."""
    refs = parse_refs(_text(claim, "cited_refs") or _text(claim, "claimed_value"))
    if not refs:
        raise CannotCheck("no cited references")
    review = table.partition("/")[0]
    inc = tables_included(claim, review)
    support = select(df, claim.get("filter"), table)
    # rows that neither support nor contradict: named by `uncertain_filter`, or leaving a filtered column empty
    maybe = select(df, claim.get("uncertain_filter"), table) if _text(claim, "uncertain_filter") else df.iloc[0:0]
    blank = df[unreported(df, claim.get("filter"), table)]
    fails, unknown, ok, outside, rows_used = [], [], [], [], []
    circ_ids = set(claim.get("_circular_ids") or [])
    own = df["study_id"].astype(str) if "study_id" in df.columns else pd.Series("", index=df.index)
    ids = {name: frame["study_id"].astype(str) for name, frame in (("support", support), ("maybe", maybe), ("blank", blank))}
    for ref in refs:
        sid = inc.get(ref)
        if sid is None:
            outside.append(f"[{ref}] is not an included study")
        elif sid in circ_ids:
            unknown.append(f"[{ref}] {sid}: coded from this sentence")
        elif (ids["support"] == sid).any():
            ok.append(f"[{ref}] {sid}")
            rows_used += list(support.index[ids["support"] == sid])
        elif (ids["maybe"] == sid).any():
            unknown.append(f"[{ref}] {sid}: undecided ({_why(maybe[ids['maybe'] == sid])})")
            rows_used += list(maybe.index[ids["maybe"] == sid])
        elif (ids["blank"] == sid).any():
            unknown.append(f"[{ref}] {sid}: not reported")
            rows_used += list(blank.index[ids["blank"] == sid])
        else:
            fails.append(f"[{ref}] {sid}: no supporting row{_failing(df, sid, claim.get('filter'), table)}")
            rows_used += list(df.index[own == sid])  # the cited study's rows, none of which supports it
    parts = ([f"{len(ok)} of {len(refs)} cited support it"] + fails + outside + unknown)
    arith = "; ".join(parts)
    if fails or outside:
        v = "does_not_hold"
    elif unknown:
        circ = any("coded from this sentence" in u for u in unknown)
        raise CannotCheck(arith + (" — the only basis for that study is the sentence itself" if circ else
                                   " — the data neither confirm nor contradict it for that study"), rows=rows_used)
    else:
        v = "holds"
    return Result(v, f"{len(ok)}/{len(refs)}", f"citation support over {table} where {_text(claim, 'filter')}", arith, rows=rows_used)


def _failing(df, sid, text, table) -> str:
    """Where a study has one row in the table (a study-level table), the values that fail the filter."""
    own = df[df["study_id"].astype(str) == sid]
    if len(own) != 1:
        return f" (none of its {len(own)} rows has {text})" if len(own) and text and str(text).strip() else ""
    bad = [f"{c.column} = {own.iloc[0][c.column]}" for c in parse_conditions(text)
           if not select(own, f"{c.column}{c.op}{c.value}", table).shape[0]]
    return f" ({'; '.join(bad)})" if bad else ""


def _why(rows) -> str:
    """A short description of undecided rows: their measure (and direction) where the table has them."""
    parts = []
    for _, r in rows.iterrows():
        bits = [str(r[c]) for c in ("measure", "direction") if c in r.index and pd.notna(r[c])]
        parts.append(", ".join(bits) if bits else "see note")
    return "; ".join(dict.fromkeys(parts))


def _pooled(claim, df, table) -> Result:
    """A pooled estimate across studies (one mean difference and p-value for several studies) needs a
    quantitative synthesis. The review's own statement of its methods (one row of `table`, the value in
    `column`) decides whether it did one: if it says none, the pooled number has no basis in the review."""
    row, rows = _one_row(df, claim, table)
    col = _text(claim, "column") or "value"
    if col not in row.index or pd.isna(row[col]):
        raise CannotCheck(f"{table} does not say whether the review pooled results")
    said = str(row[col]).strip().lower()
    quote = str(row["quote"]).strip() if "quote" in row.index and pd.notna(row["quote"]) else said
    where = f" ({row['location']})" if "location" in row.index and pd.notna(row["location"]) else ""
    stated = _text(claim, "claimed_value")
    if said in FALSE_WORDS or said in ("none", "not done"):
        arith = (f"a pooled estimate across studies ({stated}) needs a meta-analysis; the review says “{quote}”{where}: "
                 "no pooled analysis, and its tables give no values to pool")
        return Result("does_not_hold", "no pooled analysis", f"pooled estimate against {table}", arith,
                      rows=list(rows.index))
    if said in TRUE_WORDS:
        raise CannotCheck(f"the review reports a pooled analysis (“{quote}”), but its pooled values are not in the data")
    raise CannotCheck(f"cannot read '{row[col]}' in {table} as done or not done")


def tables_included(claim, review):
    getter = claim.get("_tables")
    inc = getter(f"{review}/included")
    return {int(r): str(s) for r, s in zip(inc["ref"], inc["study_id"]) if pd.notna(r)}


def _basic(claim, tables, table) -> Result:
    """The rules of `audit_rules`, with arithmetic and the rows used."""
    rule = _text(claim, "rule")
    if rule in ("count", "count_distinct") and _text(claim, "uncertain_filter"):
        return _count_between(claim, tables(table), table)
    value, how = recompute(claim, tables)
    df = tables(table)
    rows = select(df, claim.get("filter"), table)
    claimed = _text(claim, "claimed_value")
    col = _text(claim, "column")
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
    op = re.match(r"^\s*(>=|<=|>|<)", claimed)
    if rule == "all":
        arith += f" → {shown} vs stated {claimed}"
    elif op:
        arith += f", {'which is' if ok else 'not'} {claimed}"
    else:
        arith += f" {'=' if ok else '≠'} {claimed}"
    return Result("holds" if ok else "does_not_hold", shown, how, arith, rows=list(rows.index))


def _all_with_unreported(claim, rows, table, claimed) -> None:
    """'All … ' is false only when a row fails on a reported value; rows that leave the condition's
    column empty could go either way, so if they are the only failures the data cannot decide."""
    good = select(rows, claim.get("condition"), table)
    failing = rows.loc[rows.index.difference(good.index)]
    blank = unreported(failing, claim.get("condition"), table)
    if len(failing) and blank.all() and claimed.lower() in ("true", "false"):
        who = ", ".join(row_label(failing, i) for i in failing.index)
        raise CannotCheck(f"{len(good)} of {len(rows)} satisfy {_text(claim, 'condition')}; {len(failing)} rows do not "
                          f"report the value ({who}): they could go either way", rows=list(rows.index))


def _count_between(claim, df, table) -> Result:
    """A count whose members are partly uncertain: `filter` selects the rows that surely count,
    `uncertain_filter` rows that may count (the data do not say for sure). The count lies between the
    two; a claim inside that interval cannot be decided, outside it does not hold."""
    rule, col = _text(claim, "rule"), _text(claim, "column")
    sure = select(df, claim.get("filter"), table)
    maybe = select(df, claim.get("uncertain_filter"), table)

    def members(rows):
        if rule == "count":
            return [row_label(rows, i) for i in rows.index]
        if col not in rows.columns:
            raise CannotCheck(f"{table} has no column '{col}'")
        return sorted(rows[col].dropna().astype(str).unique())

    a = members(sure)
    extra = [m for m in members(maybe) if m not in a]
    lo, hi = len(a), len(a) + len(extra)
    claimed = _claimed_number(claim)
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


KINDS = {"change": lambda c, d, t: _change(c, d, t, False), "ratio": lambda c, d, t: _change(c, d, t, True),
         "granularity": _granularity, "pvalue": _pvalue, "greater": _greater, "mentions": _mentions, "cites": _cites,
         "difference": _difference, "percent_of": _percent_of, "pooled": _pooled}


def evaluate(claim: pd.Series, tables) -> Result:
    """Verdict, recomputed value, arithmetic, kind and data rows of one claim."""
    rule = _text(claim, "rule")
    kind = RULE_KINDS.get(rule, "none")
    try:
        if not rule:
            raise CannotCheck(_text(claim, "note") or "no rule covers this claim")
        table = _text(claim, "table")
        if not table and rule == "sum":
            res = _parts(claim)
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
