"""Audit rule kind `pvalue`: a p-value or a significance statement in the text against the table it comes from.

One selected row: the text's p (`p < 0.001`, `p = 0.03`, `significant`, `not significant`) must lie inside the
table's. Two readings make the comparison fair in both directions:

- A table that is less precise than the text (table `p < 0.01`, text `p < 0.001`) neither confirms nor contradicts
  it, unless the same source passage (same study, same location) marks a stricter level for another result:
  a source that writes `p < 0.001` where that level was reached and `p < 0.01` here is saying that this result
  reached 0.01 but not 0.001 (the usual reporting convention), so the text's `p < 0.001` is outside.
- Several selected rows (a significance statement about a set of comparisons, e.g. "significant benefits" of
  a trial over its efficacy outcomes): `significant` holds when one row is significant, does not hold when every
  row is known not to be; `not significant` the reverse; rows without a p leave it undecided.

General: no file I/O, no review names.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.methods.audit_rules import CannotCheck, Result, claim_text, select
from evidence_book.methods.audit_text import p_interval, row_label

ALPHA = 0.05
_PASSAGE = ("study_id", "location")      # columns that together name one source passage
_WHAT = ("measure", "outcome")           # the column that names a row's result, for the arithmetic


def _what(rows: pd.DataFrame, i) -> str:
    for c in _WHAT:
        if c in rows.columns and pd.notna(rows.at[i, c]) and str(rows.at[i, c]).strip():
            return str(rows.at[i, c])
    return row_label(rows, i)


def _p_text(rows, i, col) -> str:
    v = rows.at[i, col] if col in rows.columns else None
    return "" if v is None or pd.isna(v) else str(v).strip()


def stricter_level(df: pd.DataFrame, i, col: str, bound: float):
    """(level, results) — the loosest threshold below `bound` that the same passage as row `i` prints as
    `p < level` for other results (named), or None. It is what row `i`'s `p < bound` did not reach."""
    keys = [c for c in _PASSAGE if c in df.columns]
    if not keys:
        return None
    same = pd.Series(True, index=df.index)
    for c in keys:
        same &= df[c].astype("string").fillna("") == ("" if pd.isna(df.at[i, c]) else str(df.at[i, c]))
    best, names = None, []
    for j in df.index[same.values]:
        if j == i:
            continue
        text = _p_text(df, j, col)
        iv = p_interval(text)
        if not iv or iv[0] != 0.0 or iv[1] >= bound or "<" not in text:
            continue
        if best is None or iv[1] > best:
            best, names = iv[1], []
        if iv[1] == best and _what(df, j) not in names:
            names.append(_what(df, j))
    return None if best is None else (best, names)


def pvalue(claim, df, table) -> Result:
    claimed = claim_text(claim, "claimed_value")
    stated = p_interval(claimed)
    if stated is not None and stated[1] <= stated[0]:  # 'p < 0.000', 'p > 1': no p-value satisfies it
        return Result("does_not_hold", "impossible", "p-value as printed",
                      f"{claimed} admits no p-value (a p-value lies between 0 and 1, above 0)")
    if not table:
        raise CannotCheck("no table gives this p-value, and the printed statement itself is a possible p-value")
    rows = select(df, claim.get("filter"), table)
    col = claim_text(claim, "column") or "p_text"
    if stated is None:
        raise CannotCheck(f"cannot read '{claimed}' as a p-value")
    if len(rows) == 0:
        raise CannotCheck(f"the filter selects no row of {table}")
    if len(rows) > 1:
        return _significance(claimed, stated, df, rows, col, table)
    i = rows.index[0]
    text = _p_text(rows, i, col)
    if not text:
        raise CannotCheck(f"{table} gives no {col} for the selected row")
    data = p_interval(text)
    if data is None:
        raise CannotCheck(f"cannot read '{text}' as a p-value")
    (slo, shi), (dlo, dhi) = stated, data
    arith = f"table: {text} for {_what(rows, i)}; text: {claimed}"
    used = list(rows.index)
    if not (dlo >= slo and dhi <= shi) and not (dhi <= slo or dlo >= shi) and dlo == 0.0 and "<" in text:
        level = stricter_level(df, i, col, dhi)
        if level is not None:
            dlo = level[0]
            arith = (f"table: {text} for {_what(rows, i)}, while the same passage gives p < {level[0]:g} for "
                     f"{', '.join(level[1])}: this result is reported at the {text} level, not p < {level[0]:g}; "
                     f"text: {claimed}")
    if dlo >= slo and dhi <= shi:
        return Result("holds", text, f"p-value in {table}", arith + " (consistent)", rows=used)
    if dhi <= slo or dlo >= shi:
        return Result("does_not_hold", text, f"p-value in {table}", arith + " (contradict)", rows=used)
    raise CannotCheck(arith + ": the table is less precise than the text, so it neither confirms nor contradicts it",
                      rows=used)


def _significance(claimed, stated, df, rows, col, table) -> Result:
    """A significance statement over several comparisons (see the module docstring)."""
    if stated not in ((0.0, ALPHA), (ALPHA, 1.0)):
        raise CannotCheck(f"the filter selects {len(rows)} rows of {table}; a p-value needs one, and '{claimed}' is "
                          "not a statement of significance over several comparisons")
    want_sig = stated == (0.0, ALPHA)
    sig, ns, unknown = [], [], []
    for i in rows.index:
        text = _p_text(rows, i, col)
        iv = p_interval(text) if text else None
        item = f"{_what(rows, i)}: {text or 'no p-value'}"
        if iv is not None and iv[1] <= ALPHA:
            sig.append(item)
        elif iv is not None and iv[0] >= ALPHA:
            ns.append(item)
        else:
            unknown.append(item)
    arith = "; ".join(sig + ns + unknown)
    used = list(rows.index)
    how = f"significance over {len(rows)} comparisons in {table}"
    if want_sig and sig or not want_sig and not sig and not unknown:
        return Result("holds", f"{len(sig)} of {len(rows)} significant", how,
                      f"{arith} → {len(sig)} of {len(rows)} significant: consistent with '{claimed}'", rows=used)
    if want_sig and not sig and not unknown or not want_sig and sig:
        verdict = "none reached significance" if want_sig else f"{len(sig)} reached significance"
        return Result("does_not_hold", f"{len(sig)} of {len(rows)} significant", how,
                      f"{arith} → {verdict}, against '{claimed}'", rows=used)
    raise CannotCheck(f"{arith}: {len(unknown)} of {len(rows)} comparisons give no readable p-value, so the data "
                      "cannot decide", rows=used)
