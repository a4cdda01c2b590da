"""PRISMA 2020 flow diagram drawn from a `stage, count, note` table (the model: `data.prisma`).

Why hand-drawn: prisma-flow 0.6.1 (the Python package) cannot mark a stage as "not reported" —
it requires every count as an int — and the R PRISMA2020 package is not Python. Reviews we rebuild
often omit stages, and the book must show that as "not reported" (dashed box), never as a guessed
number, so we draw the PRISMA 2020 layout ourselves with matplotlib patches.

Stage names and families come from `evidence_book.data.prisma`.
"""
from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from evidence_book.data.prisma import NOT_REPORTED, SOURCE_TOTALS, classify, count_text, counts_and_notes, stage_label

from .style import PALETTE, figure, pretty

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
    counts, notes = counts_and_notes(prisma)
    fam = classify(counts)

    # ---- identification box content
    id_sub = []
    if "records_identified_databases" in counts or fam["per_db"]:
        id_sub.append(f"Databases ({count_text(counts, 'records_identified_databases')})"
                      if "records_identified_databases" in counts else "Databases:")
        for s in fam["per_db"]:
            id_sub.append(f"  {stage_label(s, 'records_identified_')} ({count_text(counts, s)})")
    if "records_identified_registers" in counts:
        id_sub.append(f"Registers ({count_text(counts, 'records_identified_registers')})")
    for s in fam["other_src"]:
        name = stage_label(s, "records_identified_")
        id_sub.append(f"{name} ({count_text(counts, s)})")
    if "records_identified" in counts:
        id_lines, id_dashed = _box_lines("Records identified", "records_identified", counts,
                                         id_sub)
    else:
        id_lines, id_dashed = _box_lines("Records identified from:", None, counts, id_sub)
        id_dashed = not any(counts.get(s) is not None for s in
                            (*SOURCE_TOTALS, *fam["other_src"], *fam["per_db"]))
        if not id_sub:
            id_lines.append(f"({NOT_REPORTED})")
        elif id_dashed:
            id_lines.append(f"(total {NOT_REPORTED})")

    def reasons(stages, prefix):
        return [f"{stage_label(s, prefix)} ({count_text(counts, s)})" for s in stages]

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
    tops = []
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


# --------------------------------------------------------------------------- links
SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"


def linked_svg(svg: str, boxes: dict) -> str:
    """The diagram's SVG with each box (patch + text, both carrying the gid `prisma:<stage>`) gathered
    in one element: an ``<a href>`` where `boxes[gid]` has a URL, else a ``<g>``; each with a
    ``<title>`` (the tooltip and accessible name). `boxes`: gid → (url or None, title).
    Ids stay unique (the box element keeps the gid; its parts lose theirs). Text stays text."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg.encode("utf-8"))
    parent_of = {c: p for p in root.iter() for c in p}
    for gid, (url, title) in boxes.items():
        parts = [g for g in root.iter(f"{{{SVG_NS}}}g") if g.get("id") == gid]
        if not parts:
            continue
        parent = parent_of[parts[0]]
        index = list(parent).index(parts[0])
        box = ET.Element(f"{{{SVG_NS}}}a" if url else f"{{{SVG_NS}}}g", {"id": gid})
        if url:
            box.set("href", url)
            box.set(f"{{{XLINK_NS}}}href", url)  # SVG 1.1 viewers
            box.set("class", "eb-prisma-link")
        t = ET.SubElement(box, f"{{{SVG_NS}}}title")
        t.text = title
        for part in parts:
            parent_of[part].remove(part)
            del part.attrib["id"]
            # matplotlib's own link wrapper, if any, is not needed inside ours
            box.append(part)
        parent.insert(index, box)
    return ET.tostring(root, encoding="unicode")
