"""Audit rule kinds about which studies a sentence names: mentions (a lower bound) and citation
support (every cited included study supports the statement; a cited reference that is not an
included study is reported) (general: no file I/O, no review names).
"""
from __future__ import annotations

import pandas as pd

from evidence_book.methods.audit_rules import CannotCheck, Result, claim_text, parse_conditions, select, unreported
from evidence_book.methods.audit_text import listed, parse_refs, row_labels
from evidence_book.methods.audit_numbers import claimed_number


def mentions(claim, df, table) -> Result:
    """A count of mentions is a lower bound: absence of a mention does not show absence."""
    rows = select(df, claim.get("filter"), table)
    col = claim_text(claim, "column")
    ids = sorted(rows[col].dropna().astype(str).unique()) if col else row_labels(rows, rows.index)
    lb, claimed = len(ids), claimed_number(claim)
    arith = f"mentioned for {lb} ({listed(ids)})"
    if float(claimed) < lb:
        return Result("does_not_hold", str(lb), f"mentions in {table}", arith + f": at least {lb} > {claimed}", rows=list(rows.index))
    raise CannotCheck(arith + f"; the text says {claimed}, and a study that does not mention it may still have used it, "
                      "so the data give only a lower bound", rows=list(rows.index))


def cites(claim, df, table) -> Result:
    """Every cited included study supports the statement (per `filter` over `table`); a cited reference
    that is not an included study is reported as an error of citation."""
    refs = parse_refs(claim_text(claim, "cited_refs") or claim_text(claim, "claimed_value"))
    if not refs:
        raise CannotCheck("no cited references")
    review = table.partition("/")[0]
    inc = tables_included(claim, review)
    support = select(df, claim.get("filter"), table)
    # rows that neither support nor contradict: named by `uncertain_filter`, or leaving a filtered column empty
    maybe = select(df, claim.get("uncertain_filter"), table) if claim_text(claim, "uncertain_filter") else df.iloc[0:0]
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
    return Result(v, f"{len(ok)}/{len(refs)}", f"citation support over {table} where {claim_text(claim, 'filter')}", arith, rows=rows_used)


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


def tables_included(claim, review):
    getter = claim.get("_tables")
    inc = getter(f"{review}/included")
    return {int(r): str(s) for r, s in zip(inc["ref"], inc["study_id"]) if pd.notna(r)}
