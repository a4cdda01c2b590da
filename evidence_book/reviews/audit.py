"""The audit pages: every claim of a review's claims file, recomputed through the audit rules.

Loads the claims and the tables they name through the one loader (plus derived tables, e.g. the
JBI scores recounted from the answers), runs `methods.audit_rules` on each claim, and returns what
the audit page and the machine-readable audit CSV show.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.data.loader import load_table
from evidence_book.methods.audit_rules import VERDICTS, CannotCheck, format_value, compare, recompute

def derived_tables(review: str, root=None, validate: bool | None = None):
    """A loader for `review/table` names, with derived tables (`nerve/jbi_scores`), cached per call."""
    cache = {}

    def get(name: str) -> pd.DataFrame:
        if name in cache:
            return cache[name]
        rv, _, tb = name.partition("/")
        if name == "nerve/jbi_scores":
            from evidence_book.methods.quality import jbi_scores

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
            shown = f"{format_value(value[0])}-{format_value(value[1])}" if isinstance(value, tuple) else format_value(value)
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
