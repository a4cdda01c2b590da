"""Style and PRISMA routines: small in-test DataFrames, real properties of the drawn artists.
(The other figure kinds are tested in test_figure_routines.py.)"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from evidence_book.figures.prisma import plot_prisma, prisma_arithmetic  # noqa: E402
from evidence_book.figures.style import (DIRECTION_COLOURS, DIRECTION_MARKERS, JUDGEMENT_COLOURS,  # noqa: E402
                                         PALETTE, figure, paginate)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def all_texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def grid_lookup(ax):
    """(x tick label, y tick label) for integer tick positions."""
    xl = {round(t): l.get_text() for t, l in zip(ax.get_xticks(), ax.get_xticklabels())}
    yl = {round(t): l.get_text() for t, l in zip(ax.get_yticks(), ax.get_yticklabels())}
    return xl, yl


# ------------------------------------------------------------------ style
def test_style_palette_and_maps():
    assert all(v.startswith("#") and len(v) == 7 for v in PALETTE.values())
    for k in ("yes", "no", "unclear", "not_applicable", "Low", "Moderate", "High"):
        assert k in JUDGEMENT_COLOURS
    dirs = ("favours_treatment", "no_difference", "favours_control", "unclear")
    assert set(dirs) <= set(DIRECTION_COLOURS) and set(dirs) <= set(DIRECTION_MARKERS)
    assert len({DIRECTION_MARKERS[d] for d in dirs}) == 4  # shape alone tells directions apart
    assert len({DIRECTION_COLOURS[d] for d in dirs}) == 4


def test_figure_helper_and_paginate():
    fig, ax = figure(4, 3)
    assert isinstance(fig, Figure) and tuple(fig.get_size_inches()) == (4, 3)
    assert [len(p) for p in paginate(range(95), 40)] == [40, 40, 15]
    assert paginate([], 10) == [[]]


# ------------------------------------------------------------------ PRISMA
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


def test_prisma_arithmetic_statuses():
    ok = prisma_frame(records_identified=100, duplicates_removed=10, records_screened=90,
                      records_excluded=60, reports_sought=30, reports_not_retrieved=2,
                      reports_assessed=28, reports_excluded=18, studies_included=10)
    res = prisma_arithmetic(ok)
    assert list(res.columns) == ["check", "left", "right", "status"]
    assert (res["status"] == "holds").all()

    broken = prisma_frame(records_identified=100, duplicates_removed=10, records_screened=80)
    res = prisma_arithmetic(broken).set_index("check")
    row = res.loc["records_screened = records_identified − duplicates_removed"]
    assert row["status"] == "does_not_hold" and row["left"] == 80 and row["right"] == 90
    assert (res.drop(row.name)["status"] == "not_checkable").all()


def test_prisma_arithmetic_sums_of_parts():
    df = prisma_frame(records_identified_databases=74, records_identified_pubmed=62,
                      records_identified_embase=8, records_identified_wos=5,
                      duplicates_removed=4, records_screened=70, records_excluded=None,
                      records_excluded_reviews=24)
    res = prisma_arithmetic(df).set_index("check")["status"]
    assert res[[c for c in res.index if c.startswith("records_identified_databases =")][0]] \
        == "does_not_hold"  # 62 + 8 + 5 = 75 ≠ 74
    assert res["records_screened = records_identified_databases − duplicates_removed"] == "holds"
    assert res["records_excluded = records_excluded_reviews"] == "not_checkable"


# ------------------------------------------------------------------ traffic light
def jbi_frame(n_studies=3, items=("Q1", "Q2", "Q3")):
    answers = ["yes", "no", "unclear", "not_applicable"]
    rows = [(f"study{i:03d}", it, answers[(i + j) % 4])
            for i in range(n_studies) for j, it in enumerate(items)]
    return pd.DataFrame(rows, columns=["study_id", "item", "answer"])


