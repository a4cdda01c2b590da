"""PRISMA 2020 flow diagram drawn from a `stage, count, note` table, and its arithmetic checks.

Why hand-drawn: prisma-flow 0.6.1 (the Python package) cannot mark a stage as "not reported" —
it requires every count as an int — and the R PRISMA2020 package is not Python. Reviews we rebuild
often omit stages, and the book must show that as "not reported" (dashed box), never as a guessed
number, so we draw the PRISMA 2020 layout ourselves with matplotlib patches.

Stage slugs understood (any subset may be present):
  records_identified, records_identified_databases, records_identified_registers,
  records_identified_other[_...], records_identified_<db> (per-database lines),
  duplicates_removed, records_screened, records_excluded, records_excluded_<reason>,
  reports_sought, reports_not_retrieved, reports_assessed, reports_excluded,
  reports_excluded_<reason>, studies_included.
Any other stage is listed in a side note box under the diagram.
"""
from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .style import PALETTE, figure, pretty

NOT_REPORTED = "not reported"

MAIN_STAGES = (
    "records_identified", "records_identified_databases", "records_identified_registers",
    "duplicates_removed", "records_screened", "records_excluded", "reports_sought",
    "reports_not_retrieved", "reports_assessed", "reports_excluded", "studies_included",
)
_SPLIT = ("records_identified_databases", "records_identified_registers")


# --------------------------------------------------------------------------- data helpers
def _counts(prisma: pd.DataFrame) -> tuple[dict, dict]:
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


def _classify(counts: dict) -> dict:
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


def _n(counts: dict, stage: str) -> str:
    v = counts.get(stage)
    return NOT_REPORTED if v is None else f"n = {v}"


def _label(stage: str, prefix: str) -> str:
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


def _identified_total(counts: dict) -> tuple[str, int | None]:
    """Name and value of 'records identified': the total row, else the reported components."""
    if "records_identified" in counts:
        return "records_identified", counts["records_identified"]
    comps = [s for s in (*_SPLIT, *_classify(counts)["other_src"]) if counts.get(s) is not None]
    if not comps:
        return "records_identified", None
    return " + ".join(comps), sum(counts[s] for s in comps)


def prisma_arithmetic(prisma: pd.DataFrame) -> pd.DataFrame:
    """The PRISMA flow's internal arithmetic, one row per check.

    Columns: `check` (the equation in stage slugs), `left`, `right` (Int64; NA when a stage is
    missing or not reported) and `status` ∈ {holds, does_not_hold, not_checkable}. When the review
    reports no total for records identified, the sum of the *reported* source components is used
    and named in the check text, so nothing is hidden.
    """
    counts, _ = _counts(prisma)
    fam = _classify(counts)
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

    ident_name, ident = _identified_total(counts)
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


# --------------------------------------------------------------------------- drawing
FONT = 9
LINE = FONT * 1.17 / 72  # inches per text line (fontsize × linespacing 1.2, measured)
PAD = 0.12  # inches of padding inside a box
MAIN_X, MAIN_W = 0.75, 4.1
SIDE_X, SIDE_W = 5.45, 3.6
FIG_W = 9.35
WRAP_MAIN, WRAP_SIDE = 52, 44
GAP = 0.32  # vertical gap between rows


def _box_lines(head: str, stage_or_none, counts, sub=(), wrap=WRAP_MAIN) -> tuple[list[str], bool]:
    """Lines of a box: a heading, its count or 'not reported', and sub lines. Returns (lines, dashed)."""
    lines = textwrap.wrap(head, wrap)
    dashed = False
    if stage_or_none is not None:
        v = counts.get(stage_or_none)
        if v is None:
            dashed = True
            lines.append(f"({NOT_REPORTED})")
        else:
            lines[-1] = f"{lines[-1]} (n = {v})" if len(lines[-1]) + 10 <= wrap else lines[-1]
            if not lines[-1].endswith(f"(n = {v})"):
                lines.append(f"(n = {v})")
    for s in sub:  # sub lines keep their own leading spaces as indentation
        lead = len(s) - len(s.lstrip())
        lines.extend(textwrap.wrap(s.strip(), wrap, initial_indent="  " + " " * lead,
                                   subsequent_indent="    " + " " * lead))
    return lines, dashed


def _draw_box(ax, x, y_top, w, lines, dashed, gid, align="left"):
    h = len(lines) * LINE + 2 * PAD
    face = "#F4F4F4" if dashed else "white"
    patch = FancyBboxPatch((x, y_top - h), w, h, boxstyle="round,pad=0,rounding_size=0.05",
                           linewidth=1.1, edgecolor=PALETTE["grey"] if dashed else "#333333",
                           facecolor=face, linestyle="--" if dashed else "-")
    patch.set_gid(gid)
    ax.add_patch(patch)
    tx = x + PAD if align == "left" else x + w / 2
    t = ax.text(tx, y_top - PAD, "\n".join(lines), ha=align, va="top", fontsize=FONT,
                linespacing=1.2, color="#555555" if dashed else "black")
    t.set_gid(gid)
    return h


def _arrow(ax, start, end):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 linewidth=1.1, color="#333333", shrinkA=0, shrinkB=0))


def plot_prisma(prisma: pd.DataFrame, title: str = "PRISMA 2020 flow diagram"):
    """Draw the PRISMA 2020 flow diagram; stages missing or NA are dashed boxes saying 'not reported'."""
    counts, notes = _counts(prisma)
    fam = _classify(counts)

    # ---- identification box content
    id_sub = []
    if "records_identified_databases" in counts or fam["per_db"]:
        id_sub.append(f"Databases ({_n(counts, 'records_identified_databases')})"
                      if "records_identified_databases" in counts else "Databases:")
        for s in fam["per_db"]:
            id_sub.append(f"  {_label(s, 'records_identified_')} ({_n(counts, s)})")
    if "records_identified_registers" in counts:
        id_sub.append(f"Registers ({_n(counts, 'records_identified_registers')})")
    for s in fam["other_src"]:
        name = _label(s, "records_identified_")
        id_sub.append(f"{name} ({_n(counts, s)})")
    if "records_identified" in counts:
        id_lines, id_dashed = _box_lines("Records identified", "records_identified", counts,
                                         id_sub)
    else:
        id_lines, id_dashed = _box_lines("Records identified from:", None, counts, id_sub)
        id_dashed = not any(counts.get(s) is not None for s in
                            (*_SPLIT, *fam["other_src"], *fam["per_db"]))
        if not id_sub:
            id_lines.append(f"({NOT_REPORTED})")
        elif id_dashed:
            id_lines.append(f"(total {NOT_REPORTED})")

    def reasons(stages, prefix):
        return [f"{_label(s, prefix)} ({_n(counts, s)})" for s in stages]

    rows = [  # (phase, main (lines, dashed, gid), side or None)
        ("Identification", (id_lines, id_dashed, "prisma:records_identified"),
         (*_box_lines("Records removed before screening: duplicate records", "duplicates_removed",
                      counts, wrap=WRAP_SIDE), "prisma:duplicates_removed")),
        ("Screening", (*_box_lines("Records screened", "records_screened", counts),
                       "prisma:records_screened"),
         (*_box_lines("Records excluded", "records_excluded", counts,
                      reasons(fam["rec_reasons"], "records_excluded_"), WRAP_SIDE),
          "prisma:records_excluded")),
        ("Screening", (*_box_lines("Reports sought for retrieval", "reports_sought", counts),
                       "prisma:reports_sought"),
         (*_box_lines("Reports not retrieved", "reports_not_retrieved", counts, wrap=WRAP_SIDE),
          "prisma:reports_not_retrieved")),
        ("Screening", (*_box_lines("Reports assessed for eligibility", "reports_assessed", counts),
                       "prisma:reports_assessed"),
         (*_box_lines("Reports excluded", "reports_excluded", counts,
                      reasons(fam["rep_reasons"], "reports_excluded_"), WRAP_SIDE),
          "prisma:reports_excluded")),
        ("Included", (*_box_lines("Studies included in review", "studies_included", counts),
                      "prisma:studies_included"), None),
    ]
    # the heading line "(not reported)" of a dashed box must say so plainly, keep it
    extra_lines = []
    for s in fam["extras"]:
        v = counts[s]
        head = f"• {pretty(s)}: {NOT_REPORTED if v is None else f'n = {v}'}"
        extra_lines.extend(textwrap.wrap(head, 100, subsequent_indent="    "))
        if notes.get(s):
            extra_lines.extend(textwrap.wrap(textwrap.shorten(notes[s], 200, placeholder=" …"),
                                             100, initial_indent="    ", subsequent_indent="    "))

    # ---- layout (inches; axes cover the whole figure so 1 data unit = 1 inch)
    heights = []
    for _, main, side in rows:
        hm = len(main[0]) * LINE + 2 * PAD
        hs = 0 if side is None else len(side[0]) * LINE + 2 * PAD
        heights.append(max(hm, hs, 0.85 if side is None else 0))  # room for the phase label
    title_h = 0.55
    extra_h = (len(extra_lines) + 1) * LINE + 2 * PAD + GAP if extra_lines else 0
    total_h = title_h + sum(heights) + GAP * (len(rows) - 1) + extra_h + 0.2

    fig, ax = figure(FIG_W, total_h)
    ax.set_position([0, 0, 1, 1])
    ax.set_xlim(0, FIG_W)
    ax.set_ylim(0, total_h)
    ax.axis("off")
    ax.text(0.15, total_h - 0.15, title, ha="left", va="top", fontsize=12, fontweight="bold")

    y = total_h - title_h
    tops, main_h = [], []
    for (phase, main, side), h in zip(rows, heights):
        hm = len(main[0]) * LINE + 2 * PAD
        y_main_top = y - (h - hm) / 2
        _draw_box(ax, MAIN_X, y_main_top, MAIN_W, *main)
        if side is not None:
            hs = len(side[0]) * LINE + 2 * PAD
            y_side_top = y - (h - hs) / 2
            _draw_box(ax, SIDE_X, y_side_top, SIDE_W, *side)
            _arrow(ax, (MAIN_X + MAIN_W, y - h / 2), (SIDE_X, y - h / 2))
        tops.append((y, h, y_main_top, hm))
        y -= h + GAP
    for (y0, h0, mt0, hm0), (y1, h1, mt1, hm1) in zip(tops, tops[1:]):
        _arrow(ax, (MAIN_X + MAIN_W / 2, mt0 - hm0), (MAIN_X + MAIN_W / 2, mt1))

    # ---- phase bands on the left
    phases = {}
    for (phase, _, _), (y0, h0, _, _) in zip(rows, tops):
        top, bottom = phases.get(phase, (y0, y0 - h0))
        phases[phase] = (max(top, y0), min(bottom, y0 - h0))
    for phase, (top, bottom) in phases.items():
        ax.add_patch(FancyBboxPatch((0.15, bottom), 0.38, top - bottom,
                                    boxstyle="round,pad=0,rounding_size=0.08", linewidth=0,
                                    facecolor=PALETTE["sky_blue"], alpha=0.45))
        ax.text(0.34, (top + bottom) / 2, phase, rotation=90, ha="center", va="center",
                fontsize=FONT + 1, fontweight="bold")

    # ---- extra stages
    if extra_lines:
        lines = ["Other counts reported (not part of the PRISMA flow):"] + extra_lines
        _draw_box(ax, MAIN_X, y, SIDE_X + SIDE_W - MAIN_X, lines, False, "prisma:extras")
    return fig
