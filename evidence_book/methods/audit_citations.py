"""Audit rule kinds about which studies a sentence names: mentions (a lower bound) and citation
support (every cited included study supports the statement; a cited reference that is not an
included study is reported) (general: no file I/O, no review names).
"""
from __future__ import annotations

import pandas as pd

from evidence_book.methods.audit_rules import (
    CannotCheck, Result, claim_text, parse_conditions, select, subject_of, unknown_result, unreported,
)
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
    """Citation support: every cited included study supports the statement (a row of `table` matching
    `filter`); a cited reference that is not an included study is reported as an error of citation.

    A cited study without a supporting row is judged by what the table says of it, because a summary
    table's silence is not a contradiction:

    - a table with one row per study states each study's attributes: a known value that fails the
      filter contradicts; an empty one leaves it undecided;
    - a table with several rows per study (e.g. outcome measures) contradicts only
      (a) by a row on the same subject with a known, different result (the filter's conditions on the
          table's result columns, `claim["_result_columns"]`, e.g. a 'no difference' on that measure), or
      (b) when the claim names a `topic_filter` (the rows by which the table shows a study measured the
          subject, e.g. its instruments) and the study has none of them: the review's own list of what
          that study measured leaves the subject out;
    - otherwise (rows on the subject whose result is unknown, or no row and no topic named) the table is
      silent about that study, and the verdict is `cannot_check` with that reason.
    """
    refs = parse_refs(claim_text(claim, "cited_refs") or claim_text(claim, "claimed_value"))
    if not refs:
        raise CannotCheck("no cited references")
    review = table.partition("/")[0]
    inc = tables_included(claim, review)
    own = df["study_id"].astype(str) if "study_id" in df.columns else pd.Series("", index=df.index)
    judge = _Judge(claim, df, table, own)
    ok, fails, outside, unknown, rows_used = [], [], [], [], []
    for ref in refs:
        sid = inc.get(ref)
        if sid is None:
            outside.append(f"[{ref}] is not an included study")
            continue
        verdict, why, rows = judge(sid)
        rows_used += rows
        {"supports": ok, "contradicts": fails, "undecided": unknown}[verdict].append(f"[{ref}] {sid}{why}")
    arith = "; ".join([f"{len(ok)} of {len(refs)} cited support it"] + fails + outside + unknown)
    if fails or outside:
        v = "does_not_hold"
    elif unknown:
        circ = any("coded from this sentence" in u for u in unknown)
        raise CannotCheck(arith + (" — the only basis for that study is the sentence itself" if circ else
                                   " — the data neither confirm nor contradict it for that study"), rows=rows_used)
    else:
        v = "holds"
    return Result(v, f"{len(ok)}/{len(refs)}", f"citation support over {table} where {claim_text(claim, 'filter')}",
                  arith, rows=rows_used)


class _Judge:
    """What `table` says of one cited study: supports, contradicts or undecided, why, and the rows read."""

    def __init__(self, claim, df, table, own):
        self.df, self.table, self.own = df, table, own
        self.filter, self.topic = claim.get("filter"), claim_text(claim, "topic_filter")
        self.support = own[select(df, self.filter, table).index]
        maybe = select(df, claim.get("uncertain_filter"), table) if claim_text(claim, "uncertain_filter") else df.iloc[0:0]
        self.maybe = maybe
        self.blank = own[unreported(df, self.filter, table)]
        self.circular = set(claim.get("_circular_ids") or [])
        self.one_row_each = own.is_unique and len(own) > 0
        self.results = tuple(claim.get("_result_columns") or ())
        self.subject, self.result_conds = subject_of(self.filter, self.results)

    def __call__(self, sid):
        df, own = self.df, self.own
        if sid in self.circular:
            return "undecided", ": coded from this sentence", []
        if (self.support == sid).any():
            return "supports", "", list(self.support.index[self.support == sid])
        mine = self.maybe[self.own[self.maybe.index] == sid]
        if len(mine):
            return "undecided", f": undecided ({_why(mine)})", list(mine.index)
        if (self.blank == sid).any():
            return "undecided", ": not reported", list(self.blank.index[self.blank == sid])
        rows = df[own == sid]
        if self.one_row_each:  # the study's row states its attributes: a known failing value contradicts
            return "contradicts", f": no supporting row{_failing(df, sid, self.filter, self.table)}", list(rows.index)
        on_subject = select(rows, self.subject, self.table) if self.result_conds else rows.iloc[0:0]
        known = on_subject[~unknown_result(on_subject, [c.column for c in self.result_conds])]
        if len(known):
            said = "; ".join(dict.fromkeys(f"{c.column} = {v}" for c in self.result_conds for v in known[c.column]))
            return "contradicts", f": reports {said} on it", list(known.index)
        topic = select(rows, self.topic, self.table) if self.topic else (
            on_subject if self.result_conds else rows.iloc[0:0])
        if len(topic):
            return "undecided", f": its rows on the subject ({_why(topic)}) give no result for this statement", \
                list(topic.index)
        if self.topic:
            return "contradicts", f": none of the {len(rows)} measures the table lists for it has {self.topic}", \
                list(rows.index)
        return "undecided", ": the table has no row on it for this study, and its silence is not a contradiction", []


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
