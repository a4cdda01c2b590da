"""Tests of evidence_book.figures.prisma."""
from __future__ import annotations

import matplotlib
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from evidence_book.figures.prisma import plot_prisma  # noqa: E402
from evidence_book.data import prisma as prisma_model  # noqa: E402
from evidence_book.figures import prisma  # noqa: E402


def all_texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def prisma_frame(**counts):
    stages = list(counts)
    return pd.DataFrame({"stage": stages, "count": pd.array(list(counts.values()), dtype="Int64"),
                         "note": [""] * len(stages)})


def test_prisma_not_reported_stage_shows_text_never_number():
    df = prisma_frame(records_identified=640, duplicates_removed=None, records_screened=None,
                      studies_included=13)
    df = pd.concat([df, pd.DataFrame({"stage": ["records_excluded"],
                                      "count": pd.array([pd.NA], dtype="Int64"), "note": ["x"]})])
    fig = plot_prisma(df, "Nerve review")
    assert isinstance(fig, Figure)
    texts = all_texts(fig)
    joined = "\n".join(texts)
    assert "not reported" in joined
    assert "640" in joined and "13" in joined
    # the dashed boxes are exactly the unreported stages
    dashed = {p.get_gid() for p in fig.axes[0].patches
              if p.get_gid() and p.get_linestyle() not in ("-", "solid")}
    assert {"prisma:duplicates_removed", "prisma:records_screened",
            "prisma:records_excluded", "prisma:reports_sought"} <= dashed
    assert "prisma:records_identified" not in dashed and "prisma:studies_included" not in dashed
    # text inside a dashed box never carries a number
    for t in fig.axes[0].texts:
        if t.get_gid() in dashed:
            assert "not reported" in t.get_text()
            assert not any(ch.isdigit() for ch in t.get_text())


def test_prisma_per_database_lines_and_extra_stages():
    df = prisma_frame(records_identified_databases=74, records_identified_pubmed=62,
                      records_identified_embase=8, records_identified_web_of_science=4,
                      records_identified_registers=None, duplicates_removed=4,
                      records_screened=70, studies_included=22, patients_included=953)
    joined = "\n".join(all_texts(plot_prisma(df, "AASC")))
    for s in ("PubMed (n = 62)", "Embase (n = 8)", "Web of Science (n = 4)",
              "Registers (not reported)", "Patients included: n = 953"):
        assert s in joined


def test_prisma_text_is_wrapped_inside_boxes():
    df = prisma_frame(records_identified=100, records_excluded=5,
                      records_excluded_some_very_long_reason_that_would_never_fit_in_one_line_of_a_box=5)
    fig = plot_prisma(df, "Wrap")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    for t in ax.texts:
        gid = t.get_gid()
        if not gid:
            continue
        box = next(p for p in ax.patches if p.get_gid() == gid)
        tb, pb = t.get_window_extent(r), box.get_window_extent(r)
        assert tb.x0 >= pb.x0 - 1 and tb.x1 <= pb.x1 + 1, gid
        assert tb.y0 >= pb.y0 - 1 and tb.y1 <= pb.y1 + 1, gid






def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_prisma_marks_unreported_stages_and_never_invents_numbers():
    df = pd.DataFrame({"stage": ["records_identified", "records_screened", "studies_included"],
                       "count": pd.array([640, None, 13], dtype="Int64"), "note": ["", "not in text", ""]})
    fig = prisma.plot_prisma(df, "test")
    joined = "\n".join(texts(fig))
    assert "not reported" in joined and "640" in joined and "13" in joined
    arith = prisma_model.arithmetic(pd.DataFrame({"stage": ["records_identified", "duplicates_removed", "records_screened"],
                                                  "count": pd.array([100, 10, 80], dtype="Int64"), "note": ""}))
    assert "does_not_hold" in set(arith["status"])


def test_linked_svg_makes_the_included_box_a_link_and_keeps_ids_unique():
    import io
    import re

    import matplotlib as mpl

    from evidence_book.data import load_table
    from evidence_book.figures.prisma import linked_svg
    from evidence_book.reviews.selection import box_links

    prisma = load_table("aasc", "prisma")
    fig = plot_prisma(prisma)
    buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "t", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = linked_svg(buf.getvalue(), box_links(prisma, {"studies_included": "aasc-design.html#t-x"}))
    ids = re.findall(r'\sid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))
    link = re.search(r'<a id="prisma:studies_included" href="aasc-design.html#t-x"[^>]*>(.*?)</a>', svg, re.S)
    assert link and "<title>Studies included (n = 22): open the list of them</title>" in link.group(1)
    assert "Studies included in review" in link.group(1)  # the box's text is inside the link, as text
    screened = re.search(r'<g id="prisma:records_screened">\s*<title>([^<]*)</title>', svg)
    assert screened.group(1) == "Records screened (n = 70): the review does not name these records"
    assert '<g id="prisma:reports_sought">' in svg and "Reports sought (not reported)" in svg
