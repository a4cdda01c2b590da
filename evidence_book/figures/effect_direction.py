"""Effect direction plot (Thomson & Thomas 2013): study × outcome domain, one marker per cell.

Hand-written: no maintained Python package draws it. Marker shape and colour give the direction
(▲ favours treatment, ▼ favours control, ◆ no difference, ✕ unclear), marker area the sample size;
a cell with several measures shows the study's summarised direction (computed upstream by
`analysis.votes.study_directions`) and the count "k/m" of measures favouring treatment.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from evidence_book.figures.style import (DIRECTION_COLOURS, DIRECTION_LABELS, DIRECTION_MARKERS, SMALL, apply_style,
                                         ordered, page_title, page_width, paginate, pretty)


def _area(n, n_max):
    if n is None or pd.isna(n) or not n_max:
        return 60.0
    return 40.0 + 260.0 * float(n) / float(n_max)


def plot_effect_direction(df: pd.DataFrame, study="study_id", domain="domain", direction="direction", size="n_animals",
                          per_page: int = 40, domain_order=None, title: str = "Direction of effect by outcome domain") -> list:
    apply_style()
    domains = ordered(df[domain], domain_order)
    studies = ordered(df[study])
    n_max = pd.to_numeric(df[size], errors="coerce").max() if size in df.columns else None
    pages = paginate(studies, per_page)
    # study labels, a column per domain (0.6 in at least), the legend at the right
    width = page_width(1.5 + 0.6 * len(domains) + 2.4)
    figs = []
    for p, page in enumerate(pages, start=1):
        fig, ax = plt.subplots(figsize=(width, 1.6 + 0.36 * max(len(page), 1)))
        sub = df[df[study].isin(page)]
        rows = {s: k for k, s in enumerate(page)}
        cols = {d: k for k, d in enumerate(domains)}
        for _, r in sub.iterrows():
            d = r[direction]
            x, y = cols[r[domain]], rows[r[study]]
            ax.scatter([x], [y], marker=DIRECTION_MARKERS.get(d, "o"), s=_area(r.get(size), n_max),
                       c=[DIRECTION_COLOURS.get(d, "#999999")], edgecolors="#222222", linewidths=0.5, zorder=3)
            if "n_measures" in r and pd.notna(r["n_measures"]) and int(r["n_measures"]) > 1:
                ax.text(x + 0.22, y, f"{int(r.get('n_favour', 0))}/{int(r['n_measures'])}", va="center", fontsize=SMALL,
                        color="#333333")
        ax.set_xticks(range(len(domains)), [pretty(d) for d in domains], rotation=30, ha="left")
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(page)), [str(s) for s in page])
        ax.set_xlim(-0.6, len(domains) - 0.2)
        ax.set_ylim(len(page) - 0.5, -0.5)
        ax.grid(True, alpha=0.3)
        ax.set_title(page_title(title, p, len(pages)), pad=40)
        handles = [Line2D([0], [0], marker=DIRECTION_MARKERS[k], linestyle="", markersize=9, markerfacecolor=DIRECTION_COLOURS[k],
                          markeredgecolor="#222222", label=DIRECTION_LABELS[k]) for k in DIRECTION_MARKERS]
        if n_max and not np.isnan(n_max):
            for n in (round(n_max / 4), round(n_max)):
                handles.append(Line2D([0], [0], marker="o", linestyle="", markersize=np.sqrt(_area(n, n_max)),
                                      markerfacecolor="white", markeredgecolor="#222222", label=f"n = {n}"))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  title="Direction (k/m: measures\nfavouring treatment)", labelspacing=1.1)
        fig.tight_layout()
        figs.append(fig)
    return figs
