"""How chapter notebooks show things: tables, figures, downloads and glued numbers.

A chapter calls these and nothing else to put results on the page, so every table is interactive,
offline and escaped the same way, and every figure has SVG + PNG files, alt text and a caption that
names its data files and parameters.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from evidence_book import env
from evidence_book.text import html_escape, md_escape

# itables' DataTables bundle is served by the site itself (copied there by the builder):
# chapter pages live in chapters/, the bundle at the site root.
DT_URL = "../itables/dt_bundle.js"


def files_dir() -> Path:
    """Where this section's figures and downloads go (the builder publishes them with the page)."""
    d = Path(env.files_dir() or "_files_local")
    d.mkdir(parents=True, exist_ok=True)
    return d


def _link(name: str) -> str:
    section = env.section() or "local"
    return f"_files/{section}/{name}"


def linked_cells(shown: pd.DataFrame, links: dict) -> pd.DataFrame:
    """Every text cell HTML-escaped; the cells of each column in `links` (column → one entry per row)
    linked, URLs escaped too. An entry is a URL (the whole cell becomes a link), NA (no link), or a
    list of ``(text, url or None)`` pieces: the cell is then those pieces in order, each linked where it
    has a URL (several links in one cell, e.g. the data rows a claim used). Numbers stay numbers."""
    out = shown.copy()
    for col in out.columns:
        cells = [html_escape(v) if isinstance(v, str) else v for v in out[col]]
        if col in links:
            urls = list(links[col])
            if len(urls) != len(out):
                raise ValueError(f"links[{col!r}] has {len(urls)} URLs for {len(out)} rows")
            cells = [_pieces(u) if isinstance(u, (list, tuple)) else
                     c if u is None or pd.isna(u) or c == "" else f'<a href="{html_escape(u)}">{c}</a>'
                     for c, u in zip(cells, urls)]
        out[col] = pd.Series(cells, index=out.index, dtype=object)
    out.columns = [html_escape(c) for c in out.columns]
    return out


def _pieces(pieces) -> str:
    """``[(text, url or None), …]`` → escaped HTML, a link for each piece with a URL."""
    html = []
    for text, url in pieces:
        t = html_escape(str(text))
        html.append(t if url is None or (not isinstance(url, str) and pd.isna(url)) or not t
                    else f'<a href="{html_escape(url)}">{t}</a>')
    return "".join(html)


def file_url(name: str) -> str:
    """The URL, from the section's page, of a file it wrote (`save_csv`, a download)."""
    return _link(name)


# A cell "reads as a number" (and its column aligns right) when it is a number, a percentage, a
# ratio "a / b", a range "a–b", an estimate with its interval "a (b to c)" or a mean with its SD
# "a (b)", optionally after a comparison sign ("< 0.001"). Cells that say a value is missing
# ("not reported", "—") do not count.
_NUM = r"[-−+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?\s*%?"
_NUMBER_CELL = re.compile(
    rf"^(?:[<>≤≥~≈]\s*)?{_NUM}(?:\s*(?:/|–|-|to|±)\s*{_NUM})?"
    rf"(?:\s*[(\[]\s*(?:—|{_NUM}(?:\s*(?:to|–|-|,)\s*{_NUM})?)\s*[)\]])?$")
_NO_VALUE = re.compile(r"^(?:|—|–|-|NA|n/a|not\b.*)$", re.I)


def number_columns(df: pd.DataFrame) -> list:
    """Columns whose every cell is a number (or says the value is missing), at least one a number:
    they align right. Cells may be numbers or text such as '53 / 107' or '2.50 (1.35 to 4.65)'."""
    out = []
    for col in df.columns:
        cells = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip() for v in df[col]]
        numbers = [c for c in cells if not _NO_VALUE.match(c)]
        if numbers and all(_NUMBER_CELL.match(c) for c in numbers):
            out.append(col)
    return out


DETAILS_HEADER = "Details"


def details_cells(shown: pd.DataFrame, details: list) -> pd.Series:
    """One expandable row detail per row: the `details` columns' non-empty cells as a list of
    header → text inside a ``<details>`` element (no script needed); escaped here, every cell and
    header. A row with nothing to show gets an empty cell."""
    cells = []
    for _, row in shown[details].iterrows():
        items = [(c, v) for c, v in row.items()
                 if not (v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == "")]
        if not items:
            cells.append("")
            continue
        body = "".join(f"<dt>{html_escape(c)}</dt><dd>{html_escape(v)}</dd>" for c, v in items)
        cells.append(f'<details class="eb-details"><summary>Show</summary><dl>{body}</dl></details>')
    return pd.Series(cells, index=shown.index, dtype=object)


def show_table(df: pd.DataFrame, table_id: str, caption: str = "", download: str | None = None,
               page_length: int = 15, links: dict | None = None, data: pd.DataFrame | None = None,
               details: list | None = None, wide: bool = False, **itables_options) -> None:
    """An interactive (search, sort, paginate) table with a CSV download; cell text is escaped.

    `links` maps a column to one URL per row (e.g. study labels → their reference entries): those
    cells become links; every cell is still escaped (`linked_cells`), and the CSV has no links.
    ``data`` is what the download holds when the shown table is worded for readers: the data's
    identifiers and full precision, for machines (default: the shown table itself).

    Layout (so the table's key columns fit the page): ``details`` names the columns of long free
    text (notes, quotes, findings, arithmetic) that leave the table for an expandable row detail,
    its last column (headed by that column's name when it is one, else "Details"); the text stays
    searchable and in the CSV. ``wide`` gives the table the theme's full width (sphinx-book-theme's
    ``full-width`` class). Columns of numbers align right (`number_columns`)."""
    import itables

    if not re.fullmatch(r"[a-z][a-z0-9-]*", table_id):
        raise ValueError(f"table_id must be a lower-case slug, got {table_id!r}")
    df = df.reset_index(drop=True)
    df.columns.name = None  # a named column axis would be drawn as an extra, shifted header cell
    if download:
        csv_name = f"{download}.csv"
        (df if data is None else data).to_csv(files_dir() / csv_name, index=False, lineterminator="\n")
    cells = df.astype(object).where(df.notna(), "")  # NA reads as an empty cell, not "<NA>"
    details = list(details or [])
    for name, cols in (("links", list(links or [])), ("details", details)):
        unknown = [c for c in cols if c not in cells.columns]
        if unknown:
            raise ValueError(f"show_table({table_id!r}): {name} name column(s) not in the table: {unknown}; "
                             f"its columns are {list(cells.columns)}")
    if set(links or {}) & set(details):
        raise ValueError(f"show_table({table_id!r}): a linked column cannot be in details: "
                         f"{sorted(set(links) & set(details))}")
    key = [c for c in cells.columns if c not in details]
    if not key:
        raise ValueError(f"show_table({table_id!r}): every column is in details; keep at least one in the table")
    numbers = set(number_columns(df))
    right = [i for i, c in enumerate(key) if c in numbers]
    html_cells = bool(links) or bool(details)
    shown = cells[key]
    if html_cells:  # the table carries markup: every cell is escaped here, itables passes HTML through
        shown = linked_cells(shown, links or {})
    if details:
        shown[html_escape(details[0] if len(details) == 1 else DETAILS_HEADER)] = details_cells(cells, details)
    column_defs = list(itables_options.pop("columnDefs", []))
    if right:
        column_defs.append({"className": "dt-right eb-num", "targets": right})
    if details:
        column_defs.append({"className": "eb-details-cell", "orderable": False, "targets": [len(shown.columns) - 1]})
    menu = sorted({10, 25, 50, 100, page_length})
    # autoWidth off: the browser sizes columns from their content. DataTables' own estimate sizes a
    # column for its longest cell text, counting the closed row details in full.
    options = {"pageLength": page_length, "lengthMenu": menu, "showIndex": False, "autoWidth": False,
               **itables_options}
    if column_defs:
        options["columnDefs"] = column_defs
    html = itables.to_html_datatable(
        shown, table_id=f"t-{table_id}", connected=True, dt_url=DT_URL,
        caption=html_escape(caption) if caption else None,  # itables inserts the caption as HTML
        allow_html=html_cells, display_logo_when_loading=False, classes="display compact", **options,
    )
    # Wide tables scroll inside a labelled region that keyboard users can focus (WCAG 2.1.1).
    label = html_escape(caption or table_id)
    region = "eb-table full-width" if wide else "eb-table"
    display(HTML(f'<div class="{region}" role="region" tabindex="0" aria-label="{label}">'
                 f"{_with_static_rows(html, shown, escape=not html_cells)}</div>"))
    if download:
        display(HTML(f'<p class="eb-download"><a href="{html_escape(_link(csv_name))}" download>'
                     f"Download this table as CSV ({html_escape(csv_name)})</a></p>"))


_LOADING_BODY = re.compile(r"<tbody>\s*<tr>\s*<td[^>]*>.*?</td>\s*</tr>\s*</tbody>", re.S)


def _with_static_rows(itables_html: str, df: pd.DataFrame, escape: bool = True) -> str:
    """Put the rows themselves (escaped) where itables shows "Loading…", so the table reads even
    where the DataTables module cannot load (a page opened from file://); DataTables replaces them."""
    static = df.to_html(index=False, escape=escape, border=0, na_rep="")  # escape=False: cells escaped already
    inner = re.search(r"<table[^>]*>(.*)</table>", static, re.S).group(1)
    out, n = _LOADING_BODY.subn(lambda m: inner, itables_html, count=1)
    if n != 1:  # itables changed its template: fail loudly rather than publish a blank table
        raise RuntimeError("could not find itables' loading placeholder to replace")
    return out


def save_csv(df: pd.DataFrame, name: str) -> str:
    """Write ``name``.csv (data identifiers kept) among the section's files, for machines; not shown.
    The builder can also copy it beside the site (`outputs:` in sections.yml)."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
        raise ValueError(f"file name must be a lower-case slug, got {name!r}")
    df.to_csv(files_dir() / f"{name}.csv", index=False, lineterminator="\n")
    return f"{name}.csv"


def save_figure(fig, name: str) -> tuple[str, str]:
    """Write `name`.svg and `name`.png deterministically (no dates, fixed SVG ids)."""
    import matplotlib as mpl

    if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
        raise ValueError(f"figure name must be a lower-case slug, got {name!r}")
    d = files_dir()
    # Cropped to what is drawn, with a thin margin (not matplotlib's 0.1 in): a figure drawn at its
    # block's width stays within it, so its text is not shrunk when the image fills the block.
    crop = {"bbox_inches": "tight", "pad_inches": 0.04}
    # Text stays text in the SVG (searchable, selectable, smaller); ids are salted by name (stable).
    with mpl.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        fig.savefig(d / f"{name}.svg", format="svg", metadata={"Date": None}, **crop)
    fig.savefig(d / f"{name}.png", format="png", dpi=150, metadata={"Software": None}, **crop)
    return f"{name}.svg", f"{name}.png"


def figure_layout(fig, wide: bool | None = None) -> str:
    """The class of the block a figure is shown in: "eb-figure-block full-width" (the theme's full
    width) for a figure drawn wider than the text column (`figures.style.TEXT_WIDTH_IN`) or when
    `wide` says so, else "eb-figure-block". Either way the image fills its block (book.css), so a
    figure drawn at the block's width shows its text at the size it was drawn."""
    from evidence_book.figures.style import TEXT_WIDTH_IN

    if wide is None:
        wide = fig.get_figwidth() > TEXT_WIDTH_IN + 0.01
    return "eb-figure-block full-width" if wide else "eb-figure-block"


def _caption(caption: str, data_files, parameters, png: str, svg: str) -> str:
    params = ", ".join(f"{k} = {v!r}" for k, v in (parameters or {}).items())
    prov = f"Data: {', '.join(data_files) or 'none'}" + (f"; parameters: {params}" if params else "")
    section = env.section() or "local"
    e = html_escape
    return (f"<figcaption><strong>Figure.</strong> {e(caption)} <em>{e(prov)}; made by section {e(section)}.</em> "
            f'Download: <a href="{e(_link(png))}" download>PNG</a> · <a href="{e(_link(svg))}" download>SVG</a>'
            f"</figcaption>")


def show_figure(fig, name: str, alt: str, caption: str, data_files=(), parameters: dict | None = None,
                wide: bool | None = None) -> None:
    """The figure as SVG on the page, its PNG as a download, alt text, and a provenance caption.
    It fills the text column, or the full width when it is drawn wider (`figure_layout`)."""
    import matplotlib.pyplot as plt

    block = figure_layout(fig, wide)
    svg, png = save_figure(fig, name)
    plt.close(fig)
    e = html_escape
    display(HTML(
        f'<div class="{block}"><figure class="eb-figure" id="fig-{e(name)}"><img src="{e(_link(svg))}" alt="{e(alt)}">'
        f"{_caption(caption, data_files, parameters, png, svg)}</figure></div>"
    ))


def show_linked_figure(fig, name: str, alt: str, caption: str, link_svg, data_files=(),
                       parameters: dict | None = None, wide: bool | None = None) -> None:
    """Like `show_figure`, but the SVG is inline so its links work: `link_svg(svg text) → svg text`
    adds them (escaped by the XML serialiser). The SVG is an accessible figure: its first child is
    a ``<title>`` with `alt`, text stays text, nothing needs JavaScript. The files are kept as downloads."""
    import matplotlib.pyplot as plt

    block = figure_layout(fig, wide)
    svg, png = save_figure(fig, name)
    plt.close(fig)
    text = link_svg((files_dir() / svg).read_text(encoding="utf-8"))
    text = re.sub(r"^.*?(?=<svg\b)", "", text, flags=re.S)  # no XML prolog/doctype inside HTML
    e = html_escape
    text = re.sub(r"<svg\b([^>]*)>", lambda m: f'<svg{m.group(1)} role="group" aria-labelledby="svg-{e(name)}-title">'
                  f'<title id="svg-{e(name)}-title">{e(alt)}</title>', text, count=1)
    display(HTML(
        f'<div class="{block}"><figure class="eb-figure eb-figure-linked" id="fig-{e(name)}">{text}'
        f"{_caption(caption, data_files, parameters, png, svg)}</figure></div>"
    ))


def glue(name: str, value, fmt: str | None = None) -> None:
    """Glue a computed value for the prose (`{glue:text}` in Markdown cells)."""
    from myst_nb import glue as _glue

    _glue(name, value if fmt is None else format(value, fmt), display=False)


def glue_link(name: str, text: str, url: str) -> None:
    """Glue a link for the prose (`{glue:md}` in Markdown cells): e.g. a cited work's entry on a
    References page, whose address the package computes (a typed anchor would break silently)."""
    from myst_nb import glue as _glue

    _glue(name, Markdown(f"[{md_escape(text)}]({url})"), display=False)


def say(text: str) -> None:
    """A sentence built from data values, shown as escaped Markdown."""
    display(Markdown(md_escape(text)))
