"""The audit pages: every claim of a review's claims file, recomputed through the audit rules.

Loads the claims and the tables they name through the one loader (plus derived tables, e.g. the
JBI scores recounted from the answers), runs `methods.audit_rules` on each claim, and returns what
the audit page and the machine-readable audit CSV show.
"""
from __future__ import annotations

import re

import pandas as pd

from evidence_book.data.loader import load_table
from evidence_book.data.schemas import BY_NAME
from evidence_book.methods.audit_kinds import evaluate
from evidence_book.methods.audit_rules import VERDICTS, CannotCheck

INCLUDED_FROM = {"nerve": "nerve/studies", "aasc": "aasc/trials"}  # the table listing the included studies

def result_columns(name) -> tuple:
    """The columns of table `review/name` that hold findings (schema `result_columns`), () if none or unknown."""
    rv, _, tb = str(name or "").partition("/")
    spec = BY_NAME.get((rv, tb))
    return spec.result_columns if spec else ()


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
        df = df.copy()
        df.attrs = {}  # the loader's line numbers: pandas deep-copies attrs on every operation (slow), the audit needs none
        cache[name] = df
        return df

    return get


def audit_review(review: str, root=None, validate: bool | None = None) -> pd.DataFrame:
    """One row per claim: quote, claimed value, recomputed value, verdict, rule and how.
    `validate=False` skips schema checks (the builder has validated the same bytes already)."""
    claims = load_table(review, "claims", root=root, validate=validate).copy()
    claims.attrs = {}
    tables = derived_tables(review, root, validate)
    rows = []
    for _, c in claims.iterrows():
        c = c.astype(object)
        c["_result_columns"] = result_columns(c.get("table"))
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


def explain_failures(audit: pd.DataFrame, names: dict | None = None) -> list[str]:
    """One sentence per independent error (each root once), with the arithmetic and its consequences."""
    names = names or {}
    out = []
    bad = audit[audit["verdict"] == "does_not_hold"]
    for _, r in bad[bad["root_claim_id"] == ""].iterrows():
        follow = [x for x, root in zip(bad["claim_id"], bad["root_claim_id"]) if r["claim_id"] in root.split("; ")]
        tail = f" Follows from it: {', '.join(follow)}." if follow else ""
        out.append(f"{r['claim_id']} ({r['location']}): “{r['quote']}” — {readable(r['arithmetic'], names)}.{tail}")
    return out


def section(location) -> str:
    """'§3.2' → '§3', 'Table 2 (Gärtner et al. [52])' → 'Table 2'; for the section filter."""
    loc = str(location or "")
    if loc.startswith("§"):
        return loc.split(".")[0].split(" ")[0]
    return loc.split(" (")[0]


def used_rows(data_rows: str) -> list[tuple[str, str]]:
    """'nerve/studies:chen2024; nerve/outcomes:chen2024; …' → [(table, row label), …], each once, in order."""
    out = []
    for part in str(data_rows or "").split(";"):
        table, _, label = part.strip().rpartition(":")
        if table and (table, label) not in out:
            out.append((table, label))
    return out


def rows_listed(data_rows: str, limit: int | None) -> str:
    """The '; '-joined data rows of a claim, or the first `limit` and how many more."""
    rows = [r for r in str(data_rows or "").split("; ") if r]
    if limit is None or len(rows) <= limit:
        return "; ".join(rows)
    return "; ".join(rows[:limit]) + f"; … and {len(rows) - limit:,} more (all in the CSV download)"


def tables_used(audit: pd.DataFrame) -> list[str]:
    """Every data table some claim of the audit used, in order of first use."""
    return list(dict.fromkeys(t for rows in audit["data_rows"] for t, _ in used_rows(rows)))


def reader_names(review: str, root=None, validate: bool | None = None) -> dict:
    """Identifier → what readers call it: the review's included studies ('chen2024' → 'Chen 2024'),
    data columns ('cell_source' → 'cell source') and coded values ('umbilical_cord' → 'umbilical cord')."""
    from evidence_book.data.schemas import TABLES
    from evidence_book.labels import VALUE_WORDS, column_word, study_labels, word

    from evidence_book.labels import COLUMN_WORDS

    names = {c.name: column_word(c.name).lower() for t in TABLES if t.review == review for c in t.columns if "_" in c.name}
    names |= {k: v.lower() for k, v in COLUMN_WORDS.items() if "_" in k}
    names |= {k: word(k).lower() for k in VALUE_WORDS if "_" in k}
    included = INCLUDED_FROM.get(review)
    if included:
        studies = load_table(*included.split("/"), root=root, validate=validate)
        names |= {str(k): str(v) for k, v in study_labels(studies).items() if pd.notna(v)}
    return names


_TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*[A-Za-z0-9]\b")
_OPS = ((re.compile(r"(?<=\w)\s*~\s*"), " contains "), (re.compile(r"\s*>=\s*"), " ≥ "), (re.compile(r"\s*<=\s*"), " ≤ "),
        (re.compile(r"\s*!=\s*"), " ≠ "), (re.compile(r"(?<=\w)>(?=\d)"), " > "), (re.compile(r"(?<=\w)<(?=\d)"), " < "),
        (re.compile(r"(?<=\w)=(?=\S)"), " = "), (re.compile(r"(?<=\w)\|(?=\w)"), " or "))


def _name(token: str, names: dict) -> str:
    if token in names:
        return names[token]
    if "_" in token and token.islower():  # any other identifier of the data: 'score_counted' → 'score counted'
        return token.replace("_", " ")
    return token


def readable(text, names: dict) -> str:
    """Free text of the audit (arithmetic, notes) with identifiers in readers' words and filter
    operators as symbols: 'fu2019: cell_source = umbilical_cord' → 'Fu 2019: cell source = umbilical cord'."""
    from evidence_book.labels import words_in_text

    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    out = str(text)
    for pattern, symbol in _OPS:  # operators first: 'design_text~x' still has a word before '~'
        out = pattern.sub(symbol, out)
    return words_in_text(_TOKEN.sub(lambda m: _name(m.group(0), names), out))


def link_targets(audit: pd.DataFrame, review: str, pages: dict, write_csv, root=None, validate: bool | None = None) -> dict:
    """Data table → URL for every table the audit used: the page table that shows its rows (`pages`,
    given by the section's parameters), else a CSV of the table itself, written by
    `write_csv(DataFrame, name) → URL` (a download beside the audit page)."""
    get = derived_tables(review, root, validate)
    return {t: pages[t] if t in pages else write_csv(get(t), "data-" + re.sub(r"[^a-z0-9]+", "-", t.lower()))
            for t in tables_used(audit)}


def row_links(audit: pd.DataFrame, names: dict, pages: dict, sizes: dict | None = None) -> list:
    """Per claim, the data rows it used as link pieces for `display.show_table(links=…)`:
    '<table>: ' then one link per row to where that table is shown (`pages`: table → URL), or NA.
    A claim that used every row of a table (`sizes`: table → rows) gets one link, 'all N rows'."""
    from evidence_book.labels import table_word, word

    sizes = sizes or {}
    out = []
    for rows in audit["data_rows"]:
        pieces, by_table = [], {}
        for table, label in used_rows(rows):
            by_table.setdefault(table, []).append(label)
        for table, labels in by_table.items():
            if pieces:
                pieces.append(("; ", None))
            pieces.append((f"{table_word(table)}: ", None))
            if len(labels) > 3 and len(labels) == sizes.get(table):
                pieces.append((f"all {len(labels)} rows", pages.get(table)))
                continue
            for i, label in enumerate(dict.fromkeys(names.get(l, word(l)) for l in labels)):
                pieces += ([(", ", None)] if i else []) + [(label, pages.get(table))]
        out.append(pieces or pd.NA)
    return out


def data_row_links(audit: pd.DataFrame, review: str, names: dict, pages: dict, write_csv, root=None,
                   validate: bool | None = None) -> list:
    """`row_links` for the audit page: targets from `link_targets`, whole tables shortened to 'all N rows'."""
    get = derived_tables(review, root, validate)
    sizes = {t: len(get(t)) for t in tables_used(audit)}
    return row_links(audit, names, link_targets(audit, review, pages, write_csv, root, validate), sizes)


def rows_text(pieces) -> str:
    """The plain text of `row_links` pieces (for the CSV download of the readers' table)."""
    return "" if not isinstance(pieces, list) else "".join(t for t, _ in pieces)


# Minimum widths of the readers' table (CSS classes of _static/book.css): the quote, arithmetic, data rows
# and note wide, the claim id and verdict unbroken, so a row reads in a few lines (DataTables `columnDefs`).
READER_WIDTHS = {"claim": "eb-col-short", "verdict": "eb-col-short", "quote": "eb-col-wide",
                 "arithmetic or reason": "eb-col-wide", "data rows used": "eb-col-wide", "note": "eb-col-widest"}


def column_defs(table: pd.DataFrame) -> list[dict]:
    """DataTables `columnDefs` giving each column of `table` its `READER_WIDTHS` class."""
    return [{"targets": i, "className": READER_WIDTHS[c]} for i, c in enumerate(table.columns) if c in READER_WIDTHS]


def table_for_readers(audit: pd.DataFrame, names: dict | None = None, links: list | None = None,
                      rows_limit: int | None = None) -> pd.DataFrame:
    """The audit for readers: verdicts, arithmetic and notes in words (`names`, see `reader_names`), and
    the data rows used as reader labels (`links`, see `row_links`). Without links, `rows_limit` shortens
    each claim's list of data rows (a claim over every study of a large review lists thousands)."""
    from evidence_book.labels import VERDICT_LABELS

    names = names or {}
    out = pd.DataFrame({
        "review": audit["review"], "section": audit["location"].map(section), "claim": audit["claim_id"],
        "quote": audit["quote"], "stated": audit["claimed_value"], "recomputed": audit["recomputed_value"].map(lambda v: readable(v, names)),
        "verdict": audit["verdict"].map(VERDICT_LABELS), "rule kind": audit["rule_kind"],
        "arithmetic or reason": audit["arithmetic"].map(lambda t: readable(t, names)),
        "data rows used": [rows_text(p) for p in links] if links is not None else audit["data_rows"].map(lambda r: rows_listed(r, rows_limit)),
        "follows from": audit["root_claim_id"], "note": audit["note"].map(lambda t: readable(t, names)),
    })
    return out
