"""Shared look of every figure: theme, colour-blind-safe palette, semantic colours and markers.

Colours follow the Okabe–Ito palette (Okabe & Ito 2008), which stays distinguishable under the
common colour-vision deficiencies. Colour is never the only cue: judgements also carry a symbol
(`JUDGEMENT_SYMBOLS`) and directions a marker shape (`DIRECTION_MARKERS`).
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import seaborn as sns

from evidence_book.labels import DIRECTION_LABELS, JUDGEMENT_LABELS, pretty  # noqa: F401  (re-exported for figures)

PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
    "light_grey": "#DDDDDD",
}

JUDGEMENT_COLOURS = {
    # JBI critical-appraisal answers
    "yes": PALETTE["bluish_green"],
    "no": PALETTE["vermillion"],
    "unclear": PALETTE["yellow"],
    "not_applicable": PALETTE["light_grey"],
    # risk of bias: RoB 2 (Low / Some concerns / High / No information), ROBINS-I (Low / Moderate /
    # Serious / Critical / No information); robvis's colour order, Okabe–Ito hues
    "Low": PALETTE["bluish_green"],
    "Some concerns": PALETTE["yellow"],
    "Moderate": PALETTE["yellow"],
    "High": PALETTE["vermillion"],
    "Serious": PALETTE["vermillion"],
    "Critical": "#7A1F00",  # darker than vermillion: worse than Serious; carries a white symbol
    "No information": PALETTE["sky_blue"],
}
JUDGEMENT_SYMBOLS = {
    "yes": "+", "no": "−", "unclear": "?", "not_applicable": "NA",
    "Low": "+", "Some concerns": "−", "Moderate": "−", "High": "×", "Serious": "×", "Critical": "!",
    "No information": "?",
}
# symbol colour on each judgement's circle (black unless the circle is too dark to read it)
SYMBOL_COLOURS = {"Critical": "#FFFFFF"}

DIRECTION_COLOURS = {
    "favours_treatment": PALETTE["blue"],
    "no_difference": PALETTE["orange"],
    "favours_control": PALETTE["vermillion"],
    "unclear": PALETTE["grey"],
}
DIRECTION_MARKERS = {
    "favours_treatment": "^",
    "no_difference": "D",
    "favours_control": "v",
    "unclear": "X",
}

FALLBACK_COLOUR = PALETTE["light_grey"]
SEQUENTIAL_CMAP = "Blues"  # single-hue sequential: ordered by lightness, colour-blind safe

# Figures are drawn at the width they are shown at, so a font of s pt reads as s pt on the page.
# The widths are the book page's at a 1300-px window (sphinx-book-theme 1.3, measured by the browser
# suite, tests/book/test_site.py): an image in the text column is 688 CSS px wide, one in the theme's
# full width 941 px; a CSS inch is 96 px. A figure no wider than TEXT_WIDTH_IN is shown in the text
# column, a wider one at full width (display.show_figure), each scaled to fill it: drawn at (or just
# under) that width, its text is shown at (or just over) its size in points.
TEXT_WIDTH_IN = 688 / 96   # 7.17 in
FULL_WIDTH_IN = 941 / 96   # 9.80 in
MIN_FONT_PT = 9            # the smallest text any figure draws (the reading size asked of the book)
SMALL = MIN_FONT_PT        # value labels, annotations, footnotes

FONT_SIZES = {"font.size": 10, "axes.titlesize": 12, "axes.labelsize": 10,
              "xtick.labelsize": 9.5, "ytick.labelsize": 9.5, "legend.fontsize": 9.5,
              "legend.title_fontsize": 9.5, "figure.titlesize": 13}


def page_width(needed_in: float) -> float:
    """The width to draw a figure at: the text column when `needed_in` inches fit in it, else the
    full width (a figure needing more is laid out to fit the full width, e.g. by wrapping labels)."""
    return TEXT_WIDTH_IN if needed_in <= TEXT_WIDTH_IN else FULL_WIDTH_IN


def apply_style() -> None:
    """Set the seaborn 'whitegrid' theme and the book's font sizes (idempotent)."""
    # The SVG keeps its text as text, so the browser sets it in the first font of this list it has.
    # Matplotlib lays the figure out with DejaVu Sans (it ships it; seaborn's default list starts with
    # Arial, which it does not find): naming DejaVu Sans first makes the browser use the font the
    # layout was measured with, so wrapped labels and right-aligned columns stay aligned.
    sns.set_theme(style="whitegrid", rc={**FONT_SIZES, "axes.titleweight": "bold",
                                          "axes.titlelocation": "left",
                                          "font.sans-serif": ["DejaVu Sans", "Bitstream Vera Sans", "Liberation Sans",
                                                              "Arial", "sans-serif"],
                                          "figure.dpi": 100, "savefig.dpi": 150,
                                          "savefig.bbox": "tight"})


def figure(width: float = TEXT_WIDTH_IN, height: float = 5.0, **subplots_kw):
    """Return (fig, ax) with the book style applied; extra kwargs go to `plt.subplots`."""
    apply_style()
    fig, ax = plt.subplots(figsize=(width, height), **subplots_kw)
    return fig, ax


def paginate(items, per_page: int) -> list[list]:
    """Split `items` into consecutive pages of at most `per_page` (at least one page, maybe empty)."""
    items = list(items)
    if per_page is None or per_page <= 0:
        return [items]
    if not items:
        return [[]]
    return [items[i:i + per_page] for i in range(0, len(items), per_page)]


def page_title(title: str, page: int, n_pages: int) -> str:
    """'title (page 2 of 3)' when paginated, else the title unchanged."""
    return f"{title} (page {page} of {n_pages})" if n_pages > 1 else title


def wrap(text, width: int) -> str:
    """textwrap.fill that tolerates None/NA."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return textwrap.fill(str(text), width=width, break_long_words=True)


def ordered(values, order=None) -> list:
    """Distinct values in `order` first (those present), then the rest in first-seen order."""
    seen = list(dict.fromkeys(v for v in values if v is not None and v == v))
    if order is None:
        return seen
    order = list(order)
    return [v for v in order if v in seen] + [v for v in seen if v not in order]

