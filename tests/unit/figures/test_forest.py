"""Tests of evidence_book.figures.forest."""
from __future__ import annotations

import matplotlib
import pandas as pd  # noqa: E402
from matplotlib.colors import to_hex
from evidence_book.figures import forest  # noqa: E402
from evidence_book.figures.style import JUDGEMENT_COLOURS


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def frame():
    return pd.DataFrame({"label": ["A", "B", "C"], "estimate": [2.0, 0.5, 1.2], "ci_low": [1.1, 0.2, 0.6],
                         "ci_high": [3.6, 1.25, 40.0], "weight": [50.0, 12.5, 37.5],
                         "Overall": ["Low", "Some concerns", "High"]})


def test_forest_has_one_whisker_per_row_a_pooled_diamond_and_its_prediction_interval():
    pooled = pd.DataFrame({"label": ["Pooled"], "estimate": [1.1], "ci_low": [0.7], "ci_high": [1.8],
                           "pi_low": [0.3], "pi_high": [4.0], "summary": ["τ² = 0.100; I² = 40%"]})
    fig = forest.plot_forest(frame(), pooled=pooled, weight="weight", xlim=(0.1, 10))
    ax = fig.axes[0]
    assert len([l for l in ax.lines if (l.get_gid() or "") in ("ci-0", "ci-1", "ci-2")]) == 3
    assert len([p for p in ax.patches if (p.get_gid() or "").startswith("pooled-")]) == 1
    assert [l for l in ax.lines if l.get_gid() == "pi-0"]
    assert any("I² = 40%" in t for t in texts(fig))
    assert "50.0%" in texts(fig) and "1.20 [0.60, 40.00]" in texts(fig) and "PI [0.30, 4.00]" in texts(fig)


def test_squares_scale_with_weight_and_off_axis_ci_gets_an_arrow():
    fig = forest.plot_forest(frame(), weight="weight", xlim=(0.1, 10))
    ax = fig.axes[0]
    sizes = {c.get_gid(): float(c.get_sizes()[0]) for c in ax.collections if (c.get_gid() or "").startswith("square-")}
    assert sizes["square-0"] > sizes["square-2"] > sizes["square-1"]
    arrows = [l for l in ax.lines if (l.get_gid() or "").startswith("arrow-")]
    assert [l.get_gid() for l in arrows] == ["arrow-ci-2"] and arrows[0].get_marker() == ">"


def test_risk_of_bias_column_uses_the_tools_colours_and_legend():
    fig = forest.plot_forest(frame(), rob_columns=["Overall"], rob_tool="RoB 2")
    ax = fig.axes[0]
    dots = [to_hex(c.get_facecolors()[0]) for c in ax.collections if not (c.get_gid() or "").startswith("square")]
    assert dots == [JUDGEMENT_COLOURS[j].lower() for j in ("Low", "Some concerns", "High")]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["+  Low", "−  Some concerns", "×  High", "?  No information"]
