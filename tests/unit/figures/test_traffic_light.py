"""Tests of evidence_book.figures.traffic_light."""
from __future__ import annotations

import matplotlib
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from evidence_book.figures import traffic_light  # noqa: E402
from evidence_book.figures.style import JUDGEMENT_COLOURS  # noqa: E402


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def jbi_frame(n_studies: int) -> pd.DataFrame:
    rows = [{"study_id": f"s{i}", "item": f"Q{q}", "answer": "yes"} for i in range(n_studies) for q in range(1, 14)]
    df = pd.DataFrame(rows)
    df.loc[(df.study_id == "s0") & (df.item == "Q3"), "answer"] = "no"
    return df


def test_traffic_light_colours_symbol_and_pages():
    figs = traffic_light.plot_traffic_light(jbi_frame(95), per_page=40)
    assert len(figs) == 3  # 40 + 40 + 15 studies
    ax = figs[0].axes[0]
    coll = ax.collections[0]
    offsets = coll.get_offsets()
    colours = [to_hex(c) for c in coll.get_facecolors()]
    k = next(i for i, (x, y) in enumerate(offsets) if x == 2 and y == 0)  # Q3 of s0
    assert colours[k] == JUDGEMENT_COLOURS["no"].lower()
    assert colours[0] == JUDGEMENT_COLOURS["yes"].lower()
    assert "−" in texts(figs[0]) and "+" in texts(figs[0])
    assert len(figs[2].axes[0].get_yticklabels()) == 15


def test_judgement_summary_shares():
    fig = traffic_light.plot_judgement_summary(jbi_frame(4), item="item", judgement="answer")
    labels = texts(fig)
    assert "75%" in labels  # Q3: 3 of 4 yes
    assert "100%" in labels


def test_overall_judgement_groups_by_tool():
    df = pd.DataFrame({"study_id": ["a", "b", "c"], "risk_of_bias": ["Low", "High", "Moderate"],
                       "tool": ["RoB 2", "ROBINS-I", "RoB 2"]})
    (fig,) = traffic_light.plot_overall_judgement(df, judgement="risk_of_bias", group="tool")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "c", "b"]  # grouped by tool


@pytest.mark.parametrize("tool, values, expected_legend", [
    ("RoB 2", ["Low", "Some concerns", "No information"], ["+  Low", "−  Some concerns", "×  High", "?  No information"]),
    ("ROBINS-I", ["Moderate", "Critical", "Serious"],
     ["+  Low", "−  Moderate", "×  Serious", "!  Critical", "?  No information"]),
    ("JBI", ["yes", "not_applicable", "unclear"], ["+  Yes", "−  No", "?  Unclear", "NA  Not applicable"]),
])
def test_each_tool_has_its_own_colours_symbols_and_full_legend(tool, values, expected_legend):
    df = pd.DataFrame({"study_id": ["a", "b", "c"], "item": ["D1"] * 3, "answer": values})
    (fig,) = traffic_light.plot_traffic_light(df, tool=tool)
    ax = fig.axes[0]
    assert [to_hex(c) for c in ax.collections[0].get_facecolors()] == [JUDGEMENT_COLOURS[v].lower() for v in values]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == expected_legend


def test_summary_bar_weighted_by_study_size():
    df = pd.DataFrame({"item": ["D1", "D1"], "answer": ["Low", "High"], "n": [30, 10]})
    plain = texts(traffic_light.plot_judgement_summary(df, tool="RoB 2"))
    weighted = texts(traffic_light.plot_judgement_summary(df, tool="RoB 2", weight="n"))
    assert "50%" in plain and "75%" in weighted and "25%" in weighted
    assert "Share of studies, weighted by size (%)" in weighted
