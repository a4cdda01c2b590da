"""Forest plot as readers of reviews expect it (RevMan / robvis ``rob_forest`` layout).

Columns, left to right: study label | estimate with CI (squares sized by weight, arrows where a
CI runs off the axis) | "estimate [CI]" text | weight (%) | one coloured dot per risk-of-bias
domain. Under the studies: a diamond per pooled estimate, its prediction interval as a line
under it, and the heterogeneity and method text.

Drawn for the page (`style.page_width`): the text column if it fits, else the full width, with the
study labels wrapped to make room for the plot; no text under `style.MIN_FONT_PT`.

Hand-written on matplotlib: the maintained Python options (forestplot, zEpid) either pull heavy
dependencies or cannot draw pooled diamonds beside per-study rows with text and RoB columns.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import blended_transform_factory

from evidence_book.figures.style import PALETTE, SMALL, apply_style, page_width
from evidence_book.figures.traffic_light import _legend_handles, judgement_dot
from evidence_book.labels import ROB_SCALES, ROB_TOOL_LABELS


CHAR = 0.075  # inches per character of a 9.5-pt label (DejaVu Sans, measured on study labels)
MIN_PLOT = 3.0  # inches kept for the estimates themselves


def _fmt(v):
    return "NA" if v is None or pd.isna(v) or not np.isfinite(v) else f"{v:.2f}"


def _f(v) -> float:
    return float(v) if v is not None and pd.notna(v) else math.nan


def _limits(values, null_value, log_scale, xlim):
    if xlim is not None:
        return xlim
    vals = np.array([v for v in values if np.isfinite(v) and (v > 0 or not log_scale)], dtype=float)
    lo = min(vals.min(), null_value) if len(vals) else null_value
    hi = max(vals.max(), null_value) if len(vals) else null_value
    if log_scale:
        lo, hi = (lo / 1.5, hi * 1.5) if len(vals) else (null_value / 2, null_value * 2)
        return lo, hi
    pad = (hi - lo) * 0.15 or 0.1
    return lo - pad, hi + pad


def _whisker(ax, y, lo, hi, lim, gid, colour="#333333", lw=1.2):
    """A CI line clipped to the axis, with an arrowhead at each end that runs off it."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return
    a, b = max(lo, lim[0]), min(hi, lim[1])
    ax.plot([a, b], [y, y], color=colour, linewidth=lw, gid=gid, solid_capstyle="butt")
    if lo < lim[0]:
        ax.plot([lim[0]], [y], marker="<", color=colour, markersize=6, gid=f"arrow-{gid}")
    if hi > lim[1]:
        ax.plot([lim[1]], [y], marker=">", color=colour, markersize=6, gid=f"arrow-{gid}")


def plot_forest(df: pd.DataFrame, label="label", estimate="estimate", low="ci_low", high="ci_high", weight=None,
                pooled: pd.DataFrame | None = None, log_scale: bool = True, null_value: float = 1.0,
                xlabel: str = "Risk ratio (95% CI)", title: str = "", rob_columns=None, rob_headers=None,
                rob_tool: str | None = None, rob_note: str = "", footnote: str = "", xlim=None,
                left_label: str = "", right_label: str = ""):
    """Draw the forest plot; returns the Figure.

    ``weight``: column of percent weights (squares sized by √weight, so area ∝ weight, and a
    "Weight" column); without it all squares are the same size and no weight column is drawn.
    ``pooled``: rows with ``label, estimate, ci_low, ci_high`` and optionally ``pi_low, pi_high``
    (drawn as a line under the diamond) and ``summary`` (heterogeneity and method text printed
    under the row). ``rob_columns``: judgement columns of ``df`` (one per domain, e.g. D1…D5,
    Overall) drawn as dots; ``rob_headers`` their headers; ``rob_tool`` names the scale for the
    legend (a key of `labels.ROB_SCALES`). ``left_label``/``right_label``: "Favours …" text under
    the axis.
    """
    apply_style()
    rows = df.reset_index(drop=True)
    pooled = pooled.reset_index(drop=True) if pooled is not None and len(pooled) else None
    rob_columns = list(rob_columns or [])
    rob_headers = list(rob_headers or rob_columns)
    n_pool = 0 if pooled is None else len(pooled)
    labels = [str(x) for x in rows[label]] + ([str(x) for x in pooled[label]] if n_pool else [])
    longest = max([len(s) for s in labels] + [10])
    # widths in inches: labels | plot | estimate text | weight | RoB dots (a 9.5-pt character ≈ CHAR in)
    w_txt, w_wt = 1.95, (0.75 if weight else 0.0)
    w_rob = 0.4 * len(rob_columns) + (0.2 if rob_columns else 0.0)
    fixed = w_txt + w_wt + w_rob + 0.3
    width = page_width(0.3 + CHAR * longest + MIN_PLOT + fixed)
    w_lab = min(0.3 + CHAR * longest, width - MIN_PLOT - fixed)
    w_plot = width - w_lab - fixed
    per_line = max(int((w_lab - 0.3) / CHAR), 12)
    labels = [textwrap.fill(s, per_line, break_on_hyphens=False) for s in labels]
    lines = max(s.count("\n") + 1 for s in labels) if labels else 1
    row_h = 0.34 + 0.16 * (lines - 1)  # inches per row: room for the longest wrapped label
    # the heterogeneity and method text under each pooled row, wrapped to the label column
    summaries = ["\n".join(textwrap.fill(part, max(per_line + 4, 44)) for part in str(p["summary"]).split(". ", 1))
                 if "summary" in pooled.columns and pd.notna(p["summary"]) else "" for _, p in pooled.iterrows()] \
        if n_pool else []
    # y positions: studies 0..n-1, a gap, then per pooled row: diamond, PI line, summary text (0.2 in a line)
    pool_gap = max([2.8] + [1.2 + 0.2 * (t.count("\n") + 1) / row_h for t in summaries])
    ys_pool = [len(rows) + 0.8 + pool_gap * k for k in range(n_pool)]
    n_y = (ys_pool[-1] + pool_gap - 0.6) if n_pool else len(rows)
    height = (1.6 + row_h * max(n_y, 1) + (0.55 if rob_columns else 0) + 0.18 * footnote.count("\n")
              + (0.3 if footnote else 0))
    fig = plt.figure(figsize=(width, height))
    bottom, top = (1.1 + (0.3 if footnote else 0) + 0.18 * footnote.count("\n")) / height, 1 - 0.75 / height
    ax = fig.add_axes([w_lab / width, bottom, w_plot / width, top - bottom])
    values = [_f(v) for v in rows[estimate]]
    if n_pool:
        values += [_f(v) for c in (estimate, low, high) for v in pooled[c]]
    lim = _limits(values, null_value, log_scale, xlim)
    tr = blended_transform_factory(ax.transAxes, ax.transData)

    def col_x(offset_in):  # an x position (axes fraction) `offset_in` inches right of the plot
        return 1 + offset_in / w_plot

    w = pd.to_numeric(rows[weight], errors="coerce") if weight else None
    wmax = float(w.max()) if w is not None and w.notna().any() else math.nan
    texts = []
    for k, r in rows.iterrows():
        e, lo, hi = _f(r[estimate]), _f(r[low]), _f(r[high])
        _whisker(ax, k, lo, hi, lim, f"ci-{k}")
        if np.isfinite(e) and lim[0] <= e <= lim[1]:
            size = 90.0 if w is None or pd.isna(w[k]) or not wmax else 25 + 200 * math.sqrt(float(w[k]) / wmax)
            ax.scatter([e], [k], marker="s", s=size, color=PALETTE["blue"], zorder=3, gid=f"square-{k}")
        texts.append((k, f"{_fmt(e)} [{_fmt(lo)}, {_fmt(hi)}]" if np.isfinite(e) else "not estimable"))
        if weight:
            ax.text(col_x(w_txt + w_wt - 0.1), k, "" if pd.isna(w[k]) else f"{float(w[k]):.1f}%", transform=tr,
                    ha="right", va="center", fontsize=SMALL)
        for j, c in enumerate(rob_columns):
            if pd.notna(r[c]):
                judgement_dot(ax, col_x(w_txt + w_wt + 0.3 + 0.4 * j), k, r[c], size=170, fontsize=SMALL,
                              transform=tr, clip_on=False)
    for k in range(n_pool):
        p, y = pooled.iloc[k], ys_pool[k]
        e, lo, hi = _f(p[estimate]), _f(p[low]), _f(p[high])
        a, b = max(lo, lim[0]), min(hi, lim[1])
        ax.fill([a, e, b, e], [y, y - 0.3, y, y + 0.3], color=PALETTE["vermillion"], zorder=3, gid=f"pooled-{k}")
        for end, lim_v, mk in ((lo, lim[0], "<"), (hi, lim[1], ">")):
            if (end < lim_v) if mk == "<" else (end > lim_v):  # the diamond runs off the axis
                ax.plot([lim_v], [y], marker=mk, color=PALETTE["vermillion"], markersize=7, gid=f"arrow-pooled-{k}")
        texts.append((y, f"{_fmt(e)} [{_fmt(lo)}, {_fmt(hi)}]"))
        if weight:
            ax.text(col_x(w_txt + w_wt - 0.1), y, "100.0%", transform=tr, ha="right", va="center", fontsize=SMALL,
                    fontweight="bold")
        pl, ph = _f(p.get("pi_low")), _f(p.get("pi_high"))
        if np.isfinite(pl) and np.isfinite(ph):
            _whisker(ax, y + 0.62, pl, ph, lim, f"pi-{k}", colour=PALETTE["vermillion"], lw=2.0)
            texts.append((y + 0.62, f"PI [{_fmt(pl)}, {_fmt(ph)}]"))
        if summaries[k]:  # under the pooled row's label, clear of the plot
            ax.text(-w_lab / w_plot + 0.03, y + 0.75, summaries[k], transform=tr,
                    ha="left", va="top", fontsize=SMALL, color="#333333", linespacing=1.4)
    for y, t in texts:
        ax.text(col_x(0.1), y, t, transform=tr, va="center", fontsize=SMALL, family="monospace")
    header_y = -0.9
    ax.text(col_x(0.1), header_y, "Estimate [95% CI]", transform=tr, fontsize=SMALL, fontweight="bold", va="bottom")
    if weight:
        ax.text(col_x(w_txt + w_wt - 0.1), header_y, "Weight", transform=tr, ha="right", fontsize=SMALL,
                fontweight="bold", va="bottom")
    for j, h in enumerate(rob_headers):
        ax.text(col_x(w_txt + w_wt + 0.3 + 0.4 * j), header_y, str(h), transform=tr, ha="left", fontsize=SMALL,
                fontweight="bold", va="bottom", rotation=45 if len(rob_columns) > 1 else 0)
    ax.axvline(null_value, color="#666666", linestyle="--", linewidth=1)
    if log_scale:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xlim(*lim)
    ax.set_yticks(list(range(len(rows))) + ys_pool, labels)
    for t in ax.get_yticklabels()[len(rows):]:
        t.set_fontweight("bold")
    ax.set_ylim(n_y - 0.2, -1.0)
    ax.set_xlabel(xlabel)
    if left_label or right_label:
        ax.text(0.0, -0.13 - 0.0, f"← {left_label}" if left_label else "", transform=ax.transAxes, ha="left",
                va="top", fontsize=SMALL, color="#333333")
        ax.text(1.0, -0.13, f"{right_label} →" if right_label else "", transform=ax.transAxes, ha="right",
                va="top", fontsize=SMALL, color="#333333")
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)
    if rob_columns:
        levels = list(ROB_SCALES[rob_tool]) if rob_tool else sorted({j for c in rob_columns for j in rows[c].dropna()})
        fig.legend(handles=_legend_handles(levels), loc="lower right", ncol=len(levels), frameon=False, fontsize=SMALL,
                   title=(ROB_TOOL_LABELS.get(rob_tool, "Risk of bias") + (f" ({rob_note})" if rob_note else "")),
                   title_fontsize=SMALL, bbox_to_anchor=(1.0, 0.0))
    if footnote:
        fig.text(0.01, 0.01 + (0.55 / height if rob_columns else 0), footnote, ha="left", va="bottom", fontsize=SMALL,
                 color="#333333")
    return fig
