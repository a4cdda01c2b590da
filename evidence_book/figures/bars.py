"""Simple counting figures: bars of counts, values per study, cross-tab heat maps, evidence maps,
ranges. Large inputs stay legible: rare categories fold into "other (k categories)", per-study
figures paginate. Every figure is drawn at the text column's width (`style.TEXT_WIDTH_IN`), the
evidence map at full width when its measures need it, with no text under `style.MIN_FONT_PT`."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from evidence_book.figures.style import (FULL_WIDTH_IN, PALETTE, SEQUENTIAL_CMAP, SMALL, TEXT_WIDTH_IN, apply_style,
                                         ordered, page_title, paginate, pretty)


def _counts(series_or_df, top: int, other_label: str) -> pd.Series:
    s = series_or_df
    if isinstance(s, pd.DataFrame):
        s = s.iloc[:, 0]
    counts = s.astype("string").fillna("not reported").value_counts(sort=True)
    counts = counts.sort_values(ascending=False, kind="stable")
    if len(counts) > top:
        rest = counts.iloc[top:]
        counts = pd.concat([counts.iloc[:top], pd.Series({f"{other_label} ({len(rest)} categories)": int(rest.sum())})])
    return counts


def plot_counts(series_or_df, title: str, xlabel: str, top: int = 20, other_label: str = "other"):
    apply_style()
    counts = _counts(series_or_df, top, other_label)
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 1.2 + 0.35 * max(len(counts), 1)))
    ax.barh(range(len(counts)), counts.values, color=PALETTE["blue"])
    ax.set_yticks(range(len(counts)), [pretty(i) for i in counts.index])
    ax.set_ylim(len(counts) - 0.5, -0.5)
    for k, v in enumerate(counts.values):
        ax.text(v, k, f" {v}", va="center", fontsize=SMALL)
    ax.set_xlim(0, max(counts.max() * 1.15, 1) if len(counts) else 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_per_study(df: pd.DataFrame, label: str, value: str, title: str, xlabel: str, per_page: int = 50) -> list:
    apply_style()
    d = df[[label, value]].copy()
    d[value] = pd.to_numeric(d[value], errors="coerce")
    d = d.sort_values(value, ascending=False, na_position="last")
    pages = paginate(list(d.itertuples(index=False)), per_page)
    vmax = d[value].max() if d[value].notna().any() else 1
    figs = []
    for p, page in enumerate(pages, start=1):
        fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 1.2 + 0.3 * max(len(page), 1)))
        vals = [0 if pd.isna(v) else v for _, v in page]
        ax.barh(range(len(page)), vals, color=PALETTE["blue"])
        for k, (_, v) in enumerate(page):
            ax.text(0 if pd.isna(v) else v, k, " not reported" if pd.isna(v) else f" {v:g}", va="center", fontsize=SMALL)
        ax.set_yticks(range(len(page)), [str(lbl) for lbl, _ in page])
        ax.set_ylim(len(page) - 0.5, -0.5)
        ax.set_xlim(0, vmax * 1.15)
        ax.set_xlabel(xlabel)
        ax.set_title(page_title(title, p, len(pages)))
        fig.tight_layout()
        figs.append(fig)
    return figs


def plot_crosstab(df: pd.DataFrame, row: str, col: str, title: str):
    apply_style()
    tab = pd.crosstab(df[row].astype("string").fillna("not reported"), df[col].astype("string").fillna("not reported"))
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 1.5 + 0.45 * tab.shape[0]))
    sns.heatmap(tab, annot=True, fmt="d", cmap=SEQUENTIAL_CMAP, cbar=False, linewidths=0.5, linecolor="white", ax=ax)
    ax.set_xticklabels([pretty(t.get_text()) for t in ax.get_xticklabels()], rotation=30, ha="right")
    ax.set_yticklabels([pretty(t.get_text()) for t in ax.get_yticklabels()], rotation=0)
    ax.set_xlabel(pretty(col))
    ax.set_ylabel(pretty(row))
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_evidence_map(df: pd.DataFrame, study: str, measure: str, domain: str | None = None, per_page: int = 40,
                      max_measures: int = 40, title: str = "Outcome measures reported per study") -> list:
    """Study × measure presence matrix, measures grouped by domain; rare measures fold into 'other'."""
    apply_style()
    d = df[[study, measure] + ([domain] if domain else [])].drop_duplicates()
    freq = d.groupby(measure)[study].nunique().sort_values(ascending=False)
    if len(freq) > max_measures:
        keep = set(freq.index[: max_measures - 1])
        d = d.assign(**{measure: d[measure].where(d[measure].isin(keep), "other measures")})
        if domain:
            d.loc[d[measure] == "other measures", domain] = "other"
    if domain:
        order = d.groupby(measure)[domain].first().reset_index().sort_values([domain, measure])
        measures, doms = list(order[measure]), list(order[domain])
    else:
        measures, doms = list(freq.index), None
    studies = ordered(d[study])
    present = set(zip(d[study], d[measure]))
    pages = paginate(studies, per_page)
    # a column per measure, 0.24 in apart (9-pt labels at 60°), beside 2.5 in of study labels
    width = TEXT_WIDTH_IN if 2.5 + 0.24 * len(measures) <= TEXT_WIDTH_IN else FULL_WIDTH_IN
    figs = []
    for p, page in enumerate(pages, start=1):
        fig, ax = plt.subplots(figsize=(width, 2.6 + 0.3 * max(len(page), 1)))
        xs, ys = zip(*[(m_i, s_i) for s_i, s in enumerate(page) for m_i, m in enumerate(measures) if (s, m) in present]) or ((), ())
        ax.scatter(xs, ys, marker="s", s=70, color=PALETTE["blue"], gid="evidence-cells")
        ax.set_xticks(range(len(measures)), measures, rotation=60, ha="left", fontsize=SMALL)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(page)), [str(s) for s in page])
        ax.set_xlim(-0.6, len(measures) - 0.4)
        ax.set_ylim(len(page) - 0.5, -0.5)
        if doms:
            # domain names under the grid; a name wider than its domain's columns moves down a line
            # rather than overlap its neighbour (≈ 0.075 in per 9-pt character)
            col_in = (width - 1.6) / max(len(measures), 1)
            placed: list[tuple[int, float]] = []
            start = 0
            for k in range(1, len(doms) + 1):
                if k == len(doms) or doms[k] != doms[start]:
                    if start > 0:
                        ax.axvline(start - 0.5, color="#555555", linewidth=0.8)
                    name, centre = pretty(doms[start]), (start + k - 1) / 2
                    half = len(name) * 0.075 / col_in / 2
                    level = 0
                    while any(lv == level and centre - half < right + 0.5 for lv, right in placed):
                        level += 1
                    placed.append((level, centre + half))
                    ax.annotate(name, xy=(centre, len(page) - 0.5), xycoords="data", xytext=(0, -4 - 12 * level),
                                textcoords="offset points", ha="center", va="top", fontsize=SMALL, color="#333333")
                    start = k
        ax.grid(True, alpha=0.25)
        ax.set_title(page_title(title, p, len(pages)), pad=90)
        fig.tight_layout()
        figs.append(fig)
    return figs


def plot_ranges(df: pd.DataFrame, label: str, low: str, high: str, title: str, xlabel: str):
    apply_style()
    d = df[[label, low, high]].copy()
    d[low] = pd.to_numeric(d[low], errors="coerce")
    d[high] = pd.to_numeric(d[high], errors="coerce")
    missing = int((d[low].isna() & d[high].isna()).sum())
    d = d.dropna(subset=[low, high], how="all").sort_values([low, high])
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 1.4 + 0.3 * max(len(d), 1)))
    for k, (_, r) in enumerate(d.iterrows()):
        lo, hi = (r[low] if pd.notna(r[low]) else r[high]), (r[high] if pd.notna(r[high]) else r[low])
        if lo == hi:
            ax.scatter([lo], [k], color=PALETTE["blue"], s=30, zorder=3)
        else:
            ax.plot([lo, hi], [k, k], color=PALETTE["blue"], linewidth=4, solid_capstyle="butt")
    ax.set_yticks(range(len(d)), [str(x) for x in d[label]])
    ax.set_ylim(len(d) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    if missing:
        ax.text(0, -0.08 - 0.2 / max(len(d), 1), f"{missing} stud{'y' if missing == 1 else 'ies'} not reporting it (omitted)",
                transform=ax.transAxes, fontsize=SMALL, va="top")
    fig.tight_layout()
    return fig


def plot_grouped_bars(df: pd.DataFrame, label: str, values: list[str], title: str, xlabel: str,
                      value_labels: list[str] | None = None):
    """Horizontal grouped bars of pre-counted values (e.g. patients treated and benefiting per
    indication); a missing value is written "not reported" instead of drawn as zero."""
    apply_style()
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["bluish_green"], PALETTE["reddish_purple"]]
    d = df.reset_index(drop=True)
    k = len(values)
    height = 0.8 / k
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 1.4 + 0.3 * k * max(len(d), 1)))
    vmax = max([pd.to_numeric(d[v], errors="coerce").max() for v in values] + [1])
    for j, v in enumerate(values):
        vals = pd.to_numeric(d[v], errors="coerce")
        ys = [i - 0.4 + height * (j + 0.5) for i in range(len(d))]
        ax.barh(ys, vals.fillna(0), height=height, color=colours[j % len(colours)],
                label=(value_labels or values)[j])
        for y, x in zip(ys, vals):
            ax.text(0 if pd.isna(x) else x, y, " not reported" if pd.isna(x) else f" {x:g}", va="center", fontsize=SMALL)
    ax.set_yticks(range(len(d)), [str(x) for x in d[label]])
    ax.set_ylim(len(d) - 0.5, -0.5)
    ax.set_xlim(0, vmax * 1.18)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="lower right", frameon=True)
    fig.tight_layout()
    return fig


def plot_histogram(values, title: str, xlabel: str, bins: int = 30):
    """Distribution of a per-study number, for reviews too large to show one bar per study."""
    apply_style()
    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 3.6))
    ax.hist(v, bins=min(bins, max(int(v.nunique()), 1)), color=PALETTE["blue"], edgecolor="white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Studies")
    ax.set_title(f"{title} ({len(v)} studies)")
    fig.tight_layout()
    return fig
