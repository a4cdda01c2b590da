"""Figure routines on small hand-made frames: colours, symbols, pagination, not-reported boxes."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from evidence_book.figures import bars, effect_direction, forest, prisma, traffic_light  # noqa: E402
from evidence_book.figures.style import DIRECTION_MARKERS, JUDGEMENT_COLOURS  # noqa: E402


@pytest.fixture(autouse=True)
def close_all():
    yield
    plt.close("all")


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


def test_prisma_marks_unreported_stages_and_never_invents_numbers():
    df = pd.DataFrame({"stage": ["records_identified", "records_screened", "studies_included"],
                       "count": pd.array([640, None, 13], dtype="Int64"), "note": ["", "not in text", ""]})
    fig = prisma.plot_prisma(df, "test")
    joined = "\n".join(texts(fig))
    assert "not reported" in joined and "640" in joined and "13" in joined
    arith = prisma.prisma_arithmetic(pd.DataFrame({"stage": ["records_identified", "duplicates_removed", "records_screened"],
                                                  "count": pd.array([100, 10, 80], dtype="Int64"), "note": ""}))
    assert "does_not_hold" in set(arith["status"])


def test_effect_direction_markers_and_pages():
    df = pd.DataFrame({"study_id": [f"s{i}" for i in range(50)], "domain": "functional",
                       "direction": ["favours_treatment"] * 49 + ["favours_control"], "n_animals": range(10, 60)})
    figs = effect_direction.plot_effect_direction(df, per_page=40)
    assert len(figs) == 2
    markers = {c.get_paths()[0].vertices.round(2).tobytes() for c in figs[1].axes[0].collections}
    assert len(markers) == 2  # two directions on page 2 → two shapes
    assert set(DIRECTION_MARKERS) == {"favours_treatment", "no_difference", "favours_control", "unclear"}


def test_forest_has_one_whisker_per_row_and_a_pooled_diamond():
    df = pd.DataFrame({"label": ["A", "B", "C"], "estimate": [2.0, 0.5, 1.2], "ci_low": [1.1, 0.2, 0.6],
                       "ci_high": [3.6, 1.25, 2.4]})
    pooled = pd.DataFrame({"label": ["Pooled"], "estimate": [1.1], "ci_low": [0.7], "ci_high": [1.8], "tau2": [0.1], "i2": [40.0]})
    fig = forest.plot_forest(df, pooled=pooled)
    ax = fig.axes[0]
    assert len([l for l in ax.lines if (l.get_gid() or "").startswith("ci-")]) == 3
    assert len([p for p in ax.patches if (p.get_gid() or "").startswith("pooled-")]) == 1
    assert any("I²=40%" in t for t in texts(fig))


def test_counts_fold_rare_categories_into_other():
    s = pd.Series(list("aaabbc") + [f"x{i}" for i in range(5)])
    fig = bars.plot_counts(s, "t", "n", top=3)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1].lower().startswith("other (5 categories)")
    assert len(labels) == 4


def test_evidence_map_marks_exactly_the_reported_pairs():
    df = pd.DataFrame({"study": ["a", "a", "b"], "measure": ["SFI", "NCV", "SFI"], "domain": ["functional", "electro", "functional"]})
    (fig,) = bars.plot_evidence_map(df, "study", "measure", domain="domain")
    ax = fig.axes[0]
    cells = next(c for c in ax.collections if c.get_gid() == "evidence-cells").get_offsets()
    xlabels = [t.get_text() for t in ax.get_xticklabels()]
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    pairs = {(ylabels[int(y)], xlabels[int(x)]) for x, y in np.asarray(cells)}
    assert pairs == {("a", "SFI"), ("a", "NCV"), ("b", "SFI")}


def test_per_study_paginates_and_grouped_bars_say_not_reported():
    df = pd.DataFrame({"label": [f"s{i}" for i in range(120)], "n": range(120)})
    assert len(bars.plot_per_study(df, "label", "n", "t", "x", per_page=50)) == 3
    g = pd.DataFrame({"ind": ["A", "B"], "x": [3, 4], "y": [1, None]})
    fig = bars.plot_grouped_bars(g, "ind", ["x", "y"], "t", "n")
    assert any("not reported" in t for t in texts(fig))
