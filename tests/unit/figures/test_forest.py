"""Tests of evidence_book.figures.forest."""
from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from evidence_book.figures import forest  # noqa: E402


@pytest.fixture(autouse=True)
def close_all():
    yield
    plt.close("all")


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_forest_has_one_whisker_per_row_and_a_pooled_diamond():
    df = pd.DataFrame({"label": ["A", "B", "C"], "estimate": [2.0, 0.5, 1.2], "ci_low": [1.1, 0.2, 0.6],
                       "ci_high": [3.6, 1.25, 2.4]})
    pooled = pd.DataFrame({"label": ["Pooled"], "estimate": [1.1], "ci_low": [0.7], "ci_high": [1.8], "tau2": [0.1], "i2": [40.0]})
    fig = forest.plot_forest(df, pooled=pooled)
    ax = fig.axes[0]
    assert len([l for l in ax.lines if (l.get_gid() or "").startswith("ci-")]) == 3
    assert len([p for p in ax.patches if (p.get_gid() or "").startswith("pooled-")]) == 1
    assert any("I²=40%" in t for t in texts(fig))
