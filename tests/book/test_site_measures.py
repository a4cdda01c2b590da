"""The arithmetic of the browser suite's figure check (site_support.svg_text_sizes, displayed_pt), by hand."""
from __future__ import annotations

import io

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from site_support import displayed_pt, svg_text_sizes  # noqa: E402


def test_a_font_at_natural_size_is_its_own_size_and_scales_with_the_image():
    # 8 in wide figure = 576 pt; at natural size it is 576 × 96/72 = 768 CSS px
    assert displayed_pt(9, 576, 288, 768, 384) == pytest.approx(9)
    # shown at 384 px (half), a 9 pt text is 4.5 pt; at 1152 px (1.5×) it is 13.5 pt
    assert displayed_pt(9, 576, 288, 384, 192) == pytest.approx(4.5)
    assert displayed_pt(9, 576, 288, 1152, 576) == pytest.approx(13.5)
    # a box squeezed in height only: the SVG scales by the smaller ratio (preserveAspectRatio meet)
    assert displayed_pt(9, 576, 288, 768, 192) == pytest.approx(4.5)


def test_matplotlib_svg_text_sizes_are_read_in_points():
    fig, ax = plt.subplots(figsize=(5, 2))
    ax.set_title("Title", fontsize=12)
    ax.text(0.5, 0.5, "small", fontsize=7.5)
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    plt.close(fig)
    w, h, sizes = svg_text_sizes(buf.getvalue())
    assert (w, h) == (360, 144)  # 5 × 2 in in pt
    assert min(sizes) == 7.5 and 12 in sizes


def test_unreadable_sizes_are_errors():
    with pytest.raises(ValueError, match="no font size"):
        svg_text_sizes('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>x</text></svg>')
    with pytest.raises(ValueError, match="scaled"):
        svg_text_sizes('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                       '<text style="font-size: 9px" transform="scale(0.5)">x</text></svg>')
