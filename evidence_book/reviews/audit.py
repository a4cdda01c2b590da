"""The audit pages: every claim of a review's claims file, recomputed through the audit rules.

Loads the claims and the tables they name through the one loader (plus derived tables, e.g. the
JBI scores recounted from the answers), runs `methods.audit_rules` on each claim, and returns what
the audit page and the machine-readable audit CSV show.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.data.loader import load_table
from evidence_book.labels import words_in_text
from evidence_book.methods.audit_kinds import evaluate
from evidence_book.methods.audit_rules import VERDICTS, CannotCheck

INCLUDED_FROM = {"nerve": "nerve/studies", "aasc": "aasc/trials"}  # the table listing the included studies

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
        elif tb == "included" and rv in INCLUDED_FROM:
            df = get(INCLUDED_FROM[rv])[["ref", "study_id"]].copy()
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
        r = evaluate(c, tables)
        rows.append({
            "review": review, "claim_id": c["claim_id"], "location": c.get("location"), "quote": c["quote"],
            "claimed_value": c.get("claimed_value"), "recomputed_value": r.value, "verdict": r.verdict,
            "rule": c.get("rule") if pd.notna(c.get("rule")) else "", "how": r.how,
            "note": c.get("note") if pd.notna(c.get("note")) else "",
            "rule_kind": r.kind, "arithmetic": r.arithmetic, "data_rows": "; ".join(r.rows),
            "root_claim_id": _root(c, claims),
        })
    out = pd.DataFrame(rows)
    return _link_roots(out)


def _root(c, claims) -> str:
    v = c.get("root_claim_id") if "root_claim_id" in claims.columns else None
    return str(v).strip() if v is not None and pd.notna(v) and str(v).strip() else ""


def _link_roots(audit: pd.DataFrame) -> pd.DataFrame:
    """A discrepancy that follows from another keeps its root only when that root does not hold too;
    otherwise it is independent (its root_claim_id is cleared)."""
    verdict = dict(zip(audit["claim_id"], audit["verdict"]))
    def keep(r):
        roots = [x.strip() for x in r["root_claim_id"].split(";") if x.strip()]
        live = [x for x in roots if verdict.get(x) == "does_not_hold"]
        return "; ".join(live) if r["verdict"] == "does_not_hold" else ""
    audit["root_claim_id"] = audit.apply(keep, axis=1) if len(audit) else ""
    return audit


def summary(audit: pd.DataFrame) -> dict:
    counts = audit["verdict"].value_counts()
    independent = int(((audit["verdict"] == "does_not_hold") & (audit["root_claim_id"] == "")).sum())
    return {v: int(counts.get(v, 0)) for v in VERDICTS} | {"total": len(audit), "independent_errors": independent}


def explain_failures(audit: pd.DataFrame) -> list[str]:
    """One sentence per independent error (each root once), with the arithmetic and its consequences."""
    out = []
    bad = audit[audit["verdict"] == "does_not_hold"]
    for _, r in bad[bad["root_claim_id"] == ""].iterrows():
        follow = [x for x, root in zip(bad["claim_id"], bad["root_claim_id"]) if r["claim_id"] in root.split("; ")]
        tail = f" Follows from it: {', '.join(follow)}." if follow else ""
        out.append(f"{r['claim_id']} ({r['location']}): “{r['quote']}” — {words_in_text(r['arithmetic'])}.{tail}")
    return out


def section(location) -> str:
    """'§3.2' → '§3', 'Table 2 (Gärtner et al. [52])' → 'Table 2'; for the section filter."""
    loc = str(location or "")
    if loc.startswith("§"):
        return loc.split(".")[0].split(" ")[0]
    return loc.split(" (")[0]


def rows_listed(data_rows: str, limit: int | None) -> str:
    """The '; '-joined data rows of a claim, or the first `limit` and how many more."""
    rows = [r for r in str(data_rows or "").split("; ") if r]
    if limit is None or len(rows) <= limit:
        return "; ".join(rows)
    return "; ".join(rows[:limit]) + f"; … and {len(rows) - limit:,} more (all in the CSV download)"


def table_for_readers(audit: pd.DataFrame, rows_limit: int | None = None) -> pd.DataFrame:
    """The audit worded for readers. `rows_limit` shortens the list of data rows of each claim (a
    claim over every study of a large review lists thousands); None keeps them all (the download)."""
    from evidence_book.labels import VERDICT_LABELS, words_in_text

    out = pd.DataFrame({
        "review": audit["review"], "section": audit["location"].map(section), "claim": audit["claim_id"],
        "quote": audit["quote"], "stated": audit["claimed_value"], "recomputed": audit["recomputed_value"],
        "verdict": audit["verdict"].map(VERDICT_LABELS), "rule kind": audit["rule_kind"],
        "arithmetic or reason": audit["arithmetic"].map(words_in_text), "data rows used": audit["data_rows"].map(lambda r: rows_listed(r, rows_limit)),
        "follows from": audit["root_claim_id"], "note": audit["note"].map(words_in_text),
    })
    return out
