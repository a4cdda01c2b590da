"""Tests of evidence_book.figures.style."""
from __future__ import annotations

from matplotlib.figure import Figure  # noqa: E402
from evidence_book.data.schemas import DIRECTIONS, JBI_ANSWERS, ROB
from evidence_book.figures.style import (DIRECTION_COLOURS, DIRECTION_MARKERS, JUDGEMENT_COLOURS,  # noqa: E402
                                         figure, paginate)


def test_every_coded_value_of_the_schemas_has_a_colour_and_a_mark():
    """A value added to a schema vocabulary without a colour/marker would be drawn in the fallback grey."""
    assert set(JBI_ANSWERS) | set(ROB) <= set(JUDGEMENT_COLOURS)
    dirs = DIRECTIONS
    assert set(dirs) <= set(DIRECTION_COLOURS) and set(dirs) <= set(DIRECTION_MARKERS)
    assert len({DIRECTION_MARKERS[d] for d in dirs}) == 4  # shape alone tells directions apart
    assert len({DIRECTION_COLOURS[d] for d in dirs}) == 4


def test_figure_helper_and_paginate():
    fig, ax = figure(4, 3)
    assert isinstance(fig, Figure) and tuple(fig.get_size_inches()) == (4, 3)
    assert [len(p) for p in paginate(range(95), 40)] == [40, 40, 15]
    assert paginate([], 10) == [[]]
