"""Forest plot: one row per comparison (estimate and 95% CI), pooled estimates as diamonds.

Hand-written on matplotlib: the maintained Python options (forestplot, zEpid) either pull heavy
dependencies or cannot draw pooled diamonds beside per-study rows with a text column.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
import numpy as np
import pandas as pd

from evidence_book.figures.style import PALETTE, apply_style


def _fmt(v):
    return "NA" if v is None or pd.isna(v) or not np.isfinite(v) else f"{v:.2f}"


def plot_forest(df: pd.DataFrame, label="label", estimate="estimate", low="ci_low", high="ci_high", weight=None,
                pooled: pd.DataFrame | None = None, log_scale: bool = True, null_value: float = 1.0,
                xlabel: str = "Risk ratio (95% CI)", title: str = ""):
    apply_style()
    rows = df.reset_index(drop=True)
    n_pool = 0 if pooled is None else len(pooled)
    n = len(rows) + n_pool
    longest = max([len(str(x)) for x in rows[label]] + ([len(str(x)) for x in pooled[label]] if n_pool else []) + [10])
    # Width grows with the longest label so the plot area keeps its share of the figure.
    fig, ax = plt.subplots(figsize=(7.5 + 0.075 * longest, 1.4 + 0.36 * max(n, 1)))
    finite = pd.concat([rows[[estimate, low, high]]] + ([pooled[[estimate, low, high]]] if n_pool else []))
    vals = finite.to_numpy(dtype=float).ravel()
    vals = vals[np.isfinite(vals) & ((vals > 0) if log_scale else True)]
    lo_lim = min(vals.min(), null_value) if len(vals) else null_value / 2
    hi_lim = max(vals.max(), null_value) if len(vals) else null_value * 2
    if log_scale:
        lo_lim, hi_lim = lo_lim / 1.3, hi_lim * 1.3
    else:
        pad = (hi_lim - lo_lim) * 0.1 or 0.1
        lo_lim, hi_lim = lo_lim - pad, hi_lim + pad
    w = pd.to_numeric(rows[weight], errors="coerce") if weight else None
    labels, texts = [], []
    for k, r in rows.iterrows():
        e, l, h = (float(r[estimate]) if pd.notna(r[estimate]) else math.nan,
                   float(r[low]) if pd.notna(r[low]) else math.nan, float(r[high]) if pd.notna(r[high]) else math.nan)
        if np.isfinite(l) and np.isfinite(h):
            ax.plot([max(l, lo_lim), min(h, hi_lim)], [k, k], color="#333333", linewidth=1.2, gid=f"ci-{k}")
        if np.isfinite(e):
            size = 40 + (160 * w[k] / w.max() if w is not None and pd.notna(w[k]) and w.max() else 40)
            ax.scatter([e], [k], marker="s", s=size, color=PALETTE["blue"], zorder=3)
        labels.append(str(r[label]))
        texts.append(f"{_fmt(e)} [{_fmt(l)}, {_fmt(h)}]")
    for k in range(n_pool):
        r = pooled.iloc[k]
        y = len(rows) + k + 0.3
        e, l, h = float(r[estimate]), float(r[low]), float(r[high])
        ax.fill([l, e, h, e], [y, y - 0.28, y, y + 0.28], color=PALETTE["vermillion"], zorder=3, gid=f"pooled-{k}")
        extra = ""
        if "tau2" in pooled.columns and pd.notna(r.get("tau2")):
            extra = f"  τ²={r['tau2']:.3f}, I²={r['i2']:.0f}%" if "i2" in pooled.columns else f"  τ²={r['tau2']:.3f}"
        labels.append(str(r[label]))
        texts.append(f"{_fmt(e)} [{_fmt(l)}, {_fmt(h)}]{extra}")
    ax.axvline(null_value, color="#666666", linestyle="--", linewidth=1)
    if log_scale:
        ax.set_xscale("log")
        # Plain numbers (0.1, 1, 10), not powers of ten: readers compare ratios, not exponents.
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlim(lo_lim, hi_lim)
    ys = list(range(len(rows))) + [len(rows) + k + 0.3 for k in range(n_pool)]
    ax.set_yticks(ys, labels)
    ax.set_ylim(max(ys, default=0) + 0.8, -0.8)
    ax.set_xlabel(xlabel)
    for y, t in zip(ys, texts):
        ax.text(1.02, y, t, transform=ax.get_yaxis_transform(), va="center", fontsize=8.5, family="monospace")
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
