"""Tests of evidence_book.figures.bars."""
from __future__ import annotations

import matplotlib
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from evidence_book.figures import bars  # noqa: E402


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


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
