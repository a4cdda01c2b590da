"""robvis-style traffic-light plots: judgement per study × item, and the share of each judgement.

Hand-written: no maintained Python package draws robvis-style plots (robvis is an R package).
Each cell is a coloured circle carrying a symbol (+ − × ! ? NA), so it reads without colour; studies
are paginated (`per_page`) so 1000 studies stay legible, one Figure per page. ``tool`` (a key of
`labels.ROB_SCALES`: "JBI", "RoB 2", "ROBINS-I", "as reported") sets the judgement order and a
legend listing every level of that tool's scale, present or not (as robvis does).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from evidence_book.figures.style import (FALLBACK_COLOUR, JUDGEMENT_COLOURS, JUDGEMENT_LABELS, JUDGEMENT_SYMBOLS, SMALL,
                                         SYMBOL_COLOURS, TEXT_WIDTH_IN, apply_style, ordered, page_title, page_width,
                                         paginate, wrap)
from evidence_book.labels import ROB_SCALES, ROB_TOOL_LABELS
from evidence_book.methods.risk_of_bias import judgement_shares


def _legend_handles(judgements):
    return [Line2D([0], [0], marker="o", linestyle="", markersize=11, markerfacecolor=JUDGEMENT_COLOURS.get(j, FALLBACK_COLOUR),
                   markeredgecolor="#333333", label=f"{JUDGEMENT_SYMBOLS.get(j, '?')}  {JUDGEMENT_LABELS.get(j, j)}")
            for j in judgements]


def judgement_dot(ax, x, y, judgement, size: float = 230, fontsize: float = SMALL, **kw) -> None:
    """One coloured circle with its symbol (used by the traffic lights and the forest plot's RoB column)."""
    ax.scatter([x], [y], s=size, c=[JUDGEMENT_COLOURS.get(judgement, FALLBACK_COLOUR)], edgecolors="#333333",
               linewidths=0.6, zorder=3, **kw)
    ax.text(x, y, JUDGEMENT_SYMBOLS.get(judgement, "?"), ha="center", va="center", fontsize=fontsize,
            fontweight="bold", color=SYMBOL_COLOURS.get(judgement, "#000000"), zorder=4,
            transform=kw.get("transform", ax.transData), clip_on=False)


def legend_levels(present, tool: str | None, judgement_order=None) -> list:
    """The tool's whole scale when a tool is named, else the judgements present in ``judgement_order``."""
    if tool:
        return list(ROB_SCALES[tool]) + [j for j in present if j not in ROB_SCALES[tool]]
    return ordered(present, judgement_order)


def _finish_grid(ax, n_rows: int, title: str, judgements, legend_title: str = "Judgement") -> None:
    """Rows top-down, no grid or frame, title above the column labels, legend at the right."""
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, pad=30)
    ax.legend(handles=_legend_handles(judgements), loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title=legend_title)


def plot_traffic_light(df: pd.DataFrame, study="study_id", item="item", judgement="answer", item_order=None,
                       study_order=None, per_page: int = 40,
                       judgement_order=("yes", "no", "unclear", "not_applicable"), labels=None,
                       item_legend: dict | None = None, title: str = "Judgement per study and item",
                       tool: str | None = None) -> list:
    """One Figure per page of at most `per_page` studies; cells coloured and marked by judgement."""
    apply_style()
    if tool:
        judgement_order = ROB_SCALES[tool]
    items = ordered(df[item], item_order)
    studies = ordered(df[study], study_order)
    present = legend_levels(df[judgement], tool, judgement_order)
    lookup = {(s, i): j for s, i, j in zip(df[study], df[item], df[judgement])}
    pages = paginate(studies, per_page)
    figs = []
    # study labels, a column per item, the judgement legend at the right
    width = page_width(1.6 + 0.45 * len(items) + 2.0)
    legend_text = ""
    if item_legend:  # the item questions under the grid, wrapped to the figure's width (≈ 0.075 in per 9-pt character)
        legend_text = "\n".join(wrap(f"{k}: {item_legend.get(k, '')}", int((width - 0.3) / 0.075)) for k in items)
    for p, page in enumerate(pages, start=1):
        n = max(len(page), 1)
        extra = 0.18 * (legend_text.count("\n") + 1) + 0.3 if legend_text else 0
        fig, ax = plt.subplots(figsize=(width, 1.4 + 0.34 * n + extra))
        xs, ys, cs = [], [], []
        for r, s in enumerate(page):
            for c, it in enumerate(items):
                j = lookup.get((s, it))
                if j is None or pd.isna(j):
                    continue
                xs.append(c)
                ys.append(r)
                cs.append(JUDGEMENT_COLOURS.get(j, FALLBACK_COLOUR))
                ax.text(c, r, JUDGEMENT_SYMBOLS.get(j, "?"), ha="center", va="center", fontsize=SMALL, fontweight="bold",
                        color=SYMBOL_COLOURS.get(j, "#000000"), zorder=3)
        ax.scatter(xs, ys, s=230, c=cs, edgecolors="#333333", linewidths=0.6, zorder=2)
        ax.set_xticks(range(len(items)), [str(i) for i in items])
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(page)), [str(labels.get(s, s)) if labels else str(s) for s in page])
        ax.set_xlim(-0.6, len(items) - 0.4)
        _finish_grid(ax, len(page), page_title(title, p, len(pages)), present,
                     ROB_TOOL_LABELS.get(tool, "Judgement") if tool else "Judgement")
        if legend_text:
            fig.tight_layout(rect=(0, extra / fig.get_figheight(), 1, 1))
            fig.text(0.01, (extra - 0.15) / fig.get_figheight(), legend_text, ha="left", va="top", fontsize=SMALL,
                     transform=fig.transFigure)
        else:
            fig.tight_layout()
        figs.append(fig)
    return figs


def plot_judgement_summary(df: pd.DataFrame, item="item", judgement="answer",
                           judgement_order=("yes", "no", "unclear", "not_applicable"), item_order=None,
                           title: str = "Share of judgements per item", colours: dict | None = None,
                           labels: dict | None = None, xlabel: str | None = None, tool: str | None = None,
                           weight: str | None = None):
    """100%-stacked horizontal bars: the share of each judgement per item, with percentages.

    ``weight``: a column (e.g. participants per study) to weight each study by, as robvis's
    weighted summary; the x label then says so.
    """
    apply_style()
    if tool:
        judgement_order = ROB_SCALES[tool]
    if xlabel is None:
        xlabel = "Share of studies (%)" if weight is None else "Share of studies, weighted by size (%)"
    items = ordered(df[item], item_order)
    present = ordered(df[judgement], judgement_order)
    shares = judgement_shares(df, domain=item, judgement=judgement, weight=weight, order=list(present))
    shares = shares.reindex(index=items, columns=present, fill_value=0.0)
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 1.2 + 0.38 * len(items)))
    left = pd.Series(0.0, index=items)
    for j in present:
        vals = shares[j]
        ax.barh(range(len(items)), vals, left=left, color=(colours or JUDGEMENT_COLOURS).get(j, FALLBACK_COLOUR),
                edgecolor="white", label=(labels or JUDGEMENT_LABELS).get(j, j))
        for k, (v, l0) in enumerate(zip(vals, left)):
            if v >= 8:
                ax.text(l0 + v / 2, k, f"{v:.0f}%", ha="center", va="center", fontsize=SMALL)
        left = left + vals
    ax.set_yticks(range(len(items)), [str(i) for i in items])
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title=ROB_TOOL_LABELS.get(tool) if tool else None)
    fig.tight_layout()
    return fig


def plot_overall_judgement(df: pd.DataFrame, study="study_id", judgement="risk_of_bias", group="tool",
                           judgement_order=("Low", "Moderate", "High"), per_page: int = 40,
                           title: str = "Overall risk of bias", tool: str | None = None,
                           column_label: str = "Overall"):
    """One column of judgements per study, studies grouped (e.g. by RoB tool); paginated."""
    if tool:
        judgement_order = ROB_SCALES[tool]
    apply_style()
    d = df.copy()
    groups = ordered(d[group])
    d["_order"] = d[group].map({g: k for k, g in enumerate(groups)})
    d = d.sort_values(["_order", study], kind="stable")
    rows = list(zip(d[group], d[study], d[judgement]))
    pages = paginate(rows, per_page)
    present = legend_levels(d[judgement], tool, judgement_order)
    figs = []
    for p, page in enumerate(pages, start=1):
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 1.3 + 0.34 * max(len(page), 1)))
        labels = []
        for r, (g, s, j) in enumerate(page):
            judgement_dot(ax, 0, r, j)
            ax.text(0.35, r, str(g), va="center", fontsize=SMALL, color="#333333")
            labels.append(str(s))
        ax.set_yticks(range(len(page)), labels)
        ax.set_xticks([0], [column_label])
        ax.xaxis.tick_top()
        ax.set_xlim(-0.5, 1.6)
        _finish_grid(ax, len(page), page_title(title, p, len(pages)), present,
                     ROB_TOOL_LABELS.get(tool, "Judgement") if tool else "Judgement")
        fig.tight_layout()
        figs.append(fig)
    return figs
