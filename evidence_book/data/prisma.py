"""The PRISMA 2020 flow model: stage vocabulary, families of stages, and the flow's arithmetic.

One model for the loader (which rejects a flow whose reported counts contradict each other), the
selection page (headline numbers, the arithmetic table) and the figure (which only draws).
A flow is a table of ``stage, count`` rows; a count may be empty (not reported), and a check
with a missing term is "not checkable", never guessed.

Stage slugs understood (any subset may be present):
  records_identified, records_identified_databases, records_identified_registers,
  records_identified_other[_...], records_identified_<db> (per-database lines),
  duplicates_removed, records_screened, records_excluded, records_excluded_<reason>,
  reports_sought, reports_not_retrieved, reports_assessed, reports_excluded,
  reports_excluded_<reason>, studies_included.
Any other stage is an extra count outside the flow (listed beside the diagram).
"""
from __future__ import annotations

import pandas as pd

NOT_REPORTED = "not reported"

MAIN_STAGES = (
    "records_identified", "records_identified_databases", "records_identified_registers",
    "duplicates_removed", "records_screened", "records_excluded", "reports_sought",
    "reports_not_retrieved", "reports_assessed", "reports_excluded", "studies_included",
)
SOURCE_TOTALS = ("records_identified_databases", "records_identified_registers")


# --------------------------------------------------------------------------- data helpers
def counts_and_notes(prisma: pd.DataFrame) -> tuple[dict, dict]:
    """stage → count (int or None) and stage → note (str), first row per stage, in file order."""
    counts, notes = {}, {}
    if prisma is None or len(prisma) == 0:
        return counts, notes
    values = pd.to_numeric(prisma["count"], errors="coerce")
    note_col = prisma["note"] if "note" in prisma.columns else pd.Series([None] * len(prisma))
    for stage, value, note in zip(prisma["stage"].astype(str), values, note_col):
        stage = stage.strip()
        if stage in counts:
            continue
        counts[stage] = None if pd.isna(value) else int(value)
        notes[stage] = "" if note is None or pd.isna(note) else str(note)
    return counts, notes


def _is_other_source(stage: str) -> bool:
    return stage == "records_identified_other" or stage.startswith("records_identified_other_")


def classify(counts: dict) -> dict:
    """Split stages into the diagram's families."""
    per_db, other_src, rec_reasons, rep_reasons, extras = [], [], [], [], []
    for s in counts:
        if s in MAIN_STAGES:
            continue
        if _is_other_source(s):
            other_src.append(s)
        elif s.startswith("records_identified_"):
            per_db.append(s)
        elif s.startswith("records_excluded_"):
            rec_reasons.append(s)
        elif s.startswith("reports_excluded_"):
            rep_reasons.append(s)
        else:
            extras.append(s)
    return dict(per_db=per_db, other_src=other_src, rec_reasons=rec_reasons,
                rep_reasons=rep_reasons, extras=extras)


def count_text(counts: dict, stage: str) -> str:
    v = counts.get(stage)
    return NOT_REPORTED if v is None else f"n = {v}"


def stage_label(stage: str, prefix: str) -> str:
    name = stage[len(prefix):].replace("_", " ")
    known = {"pubmed": "PubMed", "embase": "Embase", "web of science": "Web of Science",
             "scopus": "Scopus", "sciencedirect": "ScienceDirect", "cochrane": "Cochrane",
             "medline": "MEDLINE", "cinahl": "CINAHL", "psycinfo": "PsycINFO",
             "google scholar": "Google Scholar", "lilacs": "LILACS"}
    return known.get(name.lower(), name[:1].upper() + name[1:])


# --------------------------------------------------------------------------- arithmetic
def _sum(counts: dict, stages: list) -> int | None:
    vals = [counts.get(s) for s in stages]
    return None if not vals or any(v is None for v in vals) else sum(vals)


def identified_total(counts: dict) -> tuple[str, int | None]:
    """Name and value of 'records identified': the total row, else the reported components."""
    if "records_identified" in counts:
        return "records_identified", counts["records_identified"]
    comps = [s for s in (*SOURCE_TOTALS, *classify(counts)["other_src"]) if counts.get(s) is not None]
    if not comps:
        return "records_identified", None
    return " + ".join(comps), sum(counts[s] for s in comps)


def arithmetic(prisma: pd.DataFrame) -> pd.DataFrame:
    """The PRISMA flow's internal arithmetic, one row per check.

    Columns: `check` (the equation in stage slugs), `left`, `right` (Int64; NA when a stage is
    missing or not reported) and `status` ∈ {holds, does_not_hold, not_checkable}. When the review
    reports no total for records identified, the sum of the *reported* source components is used
    and named in the check text, so nothing is hidden.
    """
    counts, _ = counts_and_notes(prisma)
    fam = classify(counts)
    rows = []

    def add(check, left, right):
        if left is None or right is None:
            status = "not_checkable"
        else:
            status = "holds" if left == right else "does_not_hold"
        rows.append({"check": check, "left": left, "right": right, "status": status})

    db_part = ["records_identified_databases"] if "records_identified_databases" in counts \
        else fam["per_db"]
    comps = [s for s in (*db_part, "records_identified_registers", *fam["other_src"])
             if s in counts]
    if "records_identified" in counts and comps:
        add(f"records_identified = {' + '.join(comps)}", counts["records_identified"],
            _sum(counts, comps))
    if fam["per_db"] and "records_identified_databases" in counts:
        add("records_identified_databases = " + " + ".join(fam["per_db"]),
            counts["records_identified_databases"], _sum(counts, fam["per_db"]))

    ident_name, ident = identified_total(counts)
    dup = counts.get("duplicates_removed")
    add(f"records_screened = {ident_name} − duplicates_removed", counts.get("records_screened"),
        None if ident is None or dup is None else ident - dup)
    if fam["rec_reasons"]:
        add("records_excluded = " + " + ".join(fam["rec_reasons"]), counts.get("records_excluded"),
            _sum(counts, fam["rec_reasons"]))

    def diff(a, b):
        va, vb = counts.get(a), counts.get(b)
        return None if va is None or vb is None else va - vb

    add("reports_sought = records_screened − records_excluded", counts.get("reports_sought"),
        diff("records_screened", "records_excluded"))
    add("reports_assessed = reports_sought − reports_not_retrieved",
        counts.get("reports_assessed"), diff("reports_sought", "reports_not_retrieved"))
    if fam["rep_reasons"]:
        add("reports_excluded = " + " + ".join(fam["rep_reasons"]), counts.get("reports_excluded"),
            _sum(counts, fam["rep_reasons"]))
    add("studies_included = reports_assessed − reports_excluded", counts.get("studies_included"),
        diff("reports_assessed", "reports_excluded"))

    out = pd.DataFrame(rows, columns=["check", "left", "right", "status"])
    out["left"] = out["left"].astype("Int64")
    out["right"] = out["right"].astype("Int64")
    return out




def arithmetic_errors(prisma: pd.DataFrame) -> list[tuple[str, str]]:
    """(stage, message) for every check the reported counts contradict, e.g.
    ``records_screened = 73, but records_identified_databases − duplicates_removed = 74 − 4 = 70``."""
    counts, _ = counts_and_notes(prisma)
    out = []
    for _, r in arithmetic(prisma).iterrows():
        if r["status"] != "does_not_hold":
            continue
        result, _, expr = r["check"].partition(" = ")
        terms = [t for t in expr.replace("−", "+").split(" + ")]
        numbers = expr
        for t in sorted(terms, key=len, reverse=True):
            numbers = numbers.replace(t, str(counts.get(t.strip(), "?")))
        out.append((result, f"{result} = {r['left']}, but {expr} = {numbers} = {r['right']}"))
    return out


def summary(prisma: pd.DataFrame) -> dict:
    """identified, included, how many stages are reported / listed, and the unreported stage names."""
    counts, _ = counts_and_notes(prisma)
    identified = counts.get("records_identified")
    if identified is None:
        identified = counts.get("records_identified_databases")
    return {
        "identified": identified,
        "included": counts.get("studies_included"),
        "n_stages": len(counts),
        "n_reported": sum(v is not None for v in counts.values()),
        "not_reported": [s for s, v in counts.items() if v is None],
    }
