"""Tests of evidence_book.figures.effect_direction."""
from __future__ import annotations

import pandas as pd  # noqa: E402
from evidence_book.figures import effect_direction  # noqa: E402
from evidence_book.figures.style import DIRECTION_MARKERS  # noqa: E402


def test_effect_direction_markers_and_pages():
    df = pd.DataFrame({"study_id": [f"s{i}" for i in range(50)], "domain": "functional",
                       "direction": ["favours_treatment"] * 49 + ["favours_control"], "n_animals": range(10, 60)})
    figs = effect_direction.plot_effect_direction(df, per_page=40)
    assert len(figs) == 2
    markers = {c.get_paths()[0].vertices.round(2).tobytes() for c in figs[1].axes[0].collections}
    assert len(markers) == 2  # two directions on page 2 → two shapes
    assert set(DIRECTION_MARKERS) == {"favours_treatment", "no_difference", "favours_control", "unclear"}
