"""The published site in a real browser (Chromium via Playwright), offline.

The real book is built once into a temporary copy and served from 127.0.0.1. Every page of
`_toc.yml` (root included) plus search.html and genindex.html is loaded once; then, per page:
HTTP 200, no request leaves localhost, no console error, every image loads and has alt text,
every internal link resolves to a file of the site, headings do not skip levels, and axe-core
finds no critical/serious accessibility violation. Interactive tables filter and the search page
finds a study by its author. Full-page screenshots go to `<repo>/_build/screenshots/`, with
`report.json` beside them (console messages, blocked requests, every axe finding).

Layout, per page, in a 1300-px window: every column a table shows lies within the page and within
its table's region without scrolling sideways (long text is in the row details), and every figure
fills its column with its smallest text at least 9 pt as displayed; in a 390-px window (a phone) the
page itself never scrolls sideways (tables scroll inside their own region). Screenshots at both
widths go to `_build/screenshots/1300/` and `_build/screenshots/390/`.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest

from site_support import (AXE, IN_CI, SCREENSHOTS, browser, displayed_pt, offline_context, serve, shot_name,
                          site_pages, svg_text_sizes)

pytestmark = pytest.mark.browser

PAGES = site_pages()

# Console errors we accept, as regular expressions, each with the reason. Keep it empty: the
# extensions that used to log harmless errors (thebe, togglebutton, comments) are not loaded.
CONSOLE_ALLOWED: list[tuple[str, str]] = [
    # (r"Identifier 'THEBE_JS_URL' has already been declared", "sphinx-thebe loaded twice; not used"),
]

# axe findings of impact critical/serious that we accept: (rule id, regex every flagged node must
# match, reason). Only for markup the theme makes and the book cannot change from its sources.
AXE_ALLOWED: list[tuple[str, str, str]] = [
    ("label-content-name-mismatch", r"search-button__button|theme-switch-button",
     "pydata-sphinx-theme 0.17 header buttons: the search button shows 'Search Ctrl+K' but is labelled "
     "'Search'; the colour-mode button shows icons labelled 'Color mode'. Theme templates, not book content."),
]


def axe_allowed(finding: dict) -> bool:
    return any(finding["id"] == rule and all(re.search(rx, n) for n in finding["nodes"]) for rule, rx, _ in AXE_ALLOWED)


# Images that may have alt="" (decorative theme logos), by CSS class fragment.
DECORATIVE_CLASSES = ("logo",)


@dataclass
class Visit:
    page: str
    url: str
    status: int | None = None
    blocked: list = field(default_factory=list)
    console: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)
    images: list = field(default_factory=list)
    links: list = field(default_factory=list)
    ids: list = field(default_factory=list)
    headings: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    axe: list | None = None
    screenshot: str = ""


COLLECT = """() => {
  const art = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  return {
    images: Array.from(document.images).map(i => ({
      src: i.currentSrc || i.src, w: i.naturalWidth, h: i.naturalHeight, alt: i.getAttribute('alt'),
      cls: (i.className || '') + ' ' + (i.closest('[class*=logo]') ? 'logo' : '')})),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id)
          .concat(Array.from(document.querySelectorAll('a[name]')).map(e => e.name)),
    headings: Array.from(art.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 80)]),
    tables: Array.from(document.querySelectorAll('table.dataTable')).map(t => t.id),
  };
}"""

IMAGES_LOADED = """async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 5000); })));
}"""

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 20).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160))}));
}"""


# --- fixtures --------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def html_dir(book) -> Path:
    return book / "_build" / "html"


@pytest.fixture(scope="session")
def base_url(html_dir):
    with serve(html_dir) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="session")
def report():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    data: dict = {}
    yield data
    (SCREENSHOTS / "report.json").write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


@pytest.fixture(scope="session")
def visit(chromium, base_url, report):
    """visit(page) → Visit: the page loaded once per session (memoised), screenshot taken."""
    done: dict[str, Visit] = {}

    def _visit(page: str) -> Visit:
        if page in done:
            return done[page]
        v = Visit(page, base_url + page)
        ctx = offline_context(chromium, v.blocked)
        pg = ctx.new_page()
        pg.on("console", lambda m: v.console.append(f"{m.text} [{m.location.get('url', '')}]") if m.type == "error" else None)
        pg.on("pageerror", lambda e: v.console.append(f"uncaught: {e}"))
        pg.on("dialog", lambda d: (v.dialogs.append(d.message), d.dismiss()))
        try:
            resp = pg.goto(v.url, wait_until="networkidle")
            v.status = resp.status if resp else None
            pg.evaluate(IMAGES_LOADED)
            pg.wait_for_timeout(200)
            for k, val in pg.evaluate(COLLECT).items():
                setattr(v, k, val)
            shot = SCREENSHOTS / shot_name(page)
            pg.screenshot(path=str(shot), full_page=True)
            v.screenshot = str(shot)
            if AXE.exists():
                pg.add_script_tag(path=str(AXE))
                v.axe = pg.evaluate(AXE_RUN)
        finally:
            ctx.close()
        done[page] = v
        report[page] = {k: val for k, val in asdict(v).items() if k in ("status", "blocked", "console", "dialogs", "axe", "headings", "tables")}
        return v

    return _visit


# --- per page ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_errors(visit, page):
    v = visit(page)
    assert v.status == 200, f"{page}: HTTP {v.status}"
    assert not v.blocked, f"{page} requested URLs outside localhost (the site must work offline): {v.blocked}"
    errors = [e for e in v.console if not any(re.search(rx, e) for rx, _ in CONSOLE_ALLOWED)]
    assert not errors, f"{page}: console errors: {errors}"
    assert not v.dialogs, f"{page}: dialogs opened: {v.dialogs}"


@pytest.mark.parametrize("page", PAGES)
def test_images_load_and_have_alt_text(visit, page):
    v = visit(page)
    broken = [i["src"] for i in v.images if not (i["w"] and i["h"])]
    assert not broken, f"{page}: images with no natural size (not loaded): {broken}"
    no_alt = [i["src"] for i in v.images
              if not (i["alt"] or "").strip() and not (i["alt"] == "" and any(c in i["cls"] for c in DECORATIVE_CLASSES))]
    assert not no_alt, f"{page}: images without alt text: {no_alt}"


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(visit, html_dir, base_url, page):
    v = visit(page)
    missing = []
    for href in v.links:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("//"):
            continue  # has a scheme (or is protocol-relative): not internal
        url = urlsplit(urljoin(v.url, href))
        if not url.path.startswith(urlsplit(base_url).path):
            missing.append(href)
            continue
        if url.path == urlsplit(v.url).path:  # same page: the fragment must exist
            if url.fragment and unquote(url.fragment) not in v.ids:
                missing.append(href)
            continue
        rel = unquote(url.path)[len(urlsplit(base_url).path):]
        target = html_dir / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            missing.append(href)
    assert not missing, f"{page}: internal links to files that do not exist: {sorted(set(missing))}"


@pytest.mark.parametrize("page", PAGES)
def test_headings_do_not_skip_levels(visit, page):
    v = visit(page)
    skips = [(a, b) for a, b in zip(v.headings, v.headings[1:]) if b[0] > a[0] + 1]
    assert not v.headings or v.headings[0][0] == 1, f"{page}: the article does not start with an h1: {v.headings[:3]}"
    assert not skips, f"{page}: heading levels skip: {skips}"


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations(visit, page):
    if not AXE.exists():
        msg = f"{AXE} missing: run `npm install --no-save axe-core@4` in the repository"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    v = visit(page)
    serious = [a for a in v.axe if a["impact"] in ("critical", "serious") and not axe_allowed(a)]
    assert not serious, f"{page}: axe-core violations:\n" + json.dumps(serious, indent=1)


# --- behaviour -----------------------------------------------------------------------------------------

ROWS = """(id) => Array.from(document.querySelectorAll('#' + CSS.escape(id) + ' tbody tr'))
  .filter(tr => !tr.querySelector('td.dt-empty, td.dataTables_empty')).length"""


def test_interactive_table_filters_rows(visit, chromium, base_url):
    """On the first page with an itables (DataTables) table, typing in its search box hides rows."""
    found = [(p, t) for p in PAGES for t in visit(p).tables]
    assert found, "no page has an interactive (itables/DataTables) table"
    blocked: list[str] = []
    ctx = offline_context(chromium, blocked)
    try:
        pg = ctx.new_page()
        tried = []
        for page, table_id in found:
            pg.goto(base_url + page, wait_until="networkidle")
            pg.wait_for_selector(f"#{table_id}.dataTable")
            before = pg.evaluate(ROWS, table_id)
            if before < 2:
                tried.append(f"{page}#{table_id}: {before} row(s)")
                continue
            box = pg.locator(f"#{table_id}_wrapper input[type=search], "
                             f"[id='{table_id}_wrapper'] .dt-search input, [id='{table_id}_wrapper'] .dataTables_filter input").first
            if box.count() == 0:  # itables hides the search box of a table that fits on one page
                tried.append(f"{page}#{table_id}: no search box")
                continue
            first_cell = pg.locator(f"#{table_id} tbody tr td").first.inner_text().strip()
            box.fill(first_cell)
            pg.wait_for_timeout(300)
            some = pg.evaluate(ROWS, table_id)
            box.fill("zzz-no-such-row-zzz")
            pg.wait_for_timeout(300)
            none = pg.evaluate(ROWS, table_id)
            assert 1 <= some <= before, f"{page}#{table_id}: searching {first_cell!r} shows {some} of {before} rows"
            assert none == 0 < before, f"{page}#{table_id}: a search matching nothing still shows {none} rows"
            break
        else:
            pytest.fail(f"no interactive table with at least two rows: {tried}")
    finally:
        ctx.close()
    assert not blocked, blocked


def first_author(book: Path) -> str:
    with open(book / "data/nerve/studies.csv", encoding="utf-8-sig", newline="") as f:
        return next(csv.DictReader(f))["first_author"]


def test_search_finds_a_study_by_author(book, chromium, base_url, html_dir):
    author = first_author(book)
    blocked: list[str] = []
    ctx = offline_context(chromium, blocked)
    try:
        pg = ctx.new_page()
        pg.goto(base_url + "search.html?q=" + quote(author), wait_until="networkidle")
        pg.wait_for_function("() => /Search finished|found/i.test((document.querySelector('#search-results') || {}).textContent || '')",
                             timeout=20000)
        hits = pg.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
    finally:
        ctx.close()
    chapters = [h for h in hits if h.startswith("chapters/")]
    assert chapters, f"search for {author!r} lists no chapter page (hits: {hits})"
    page = html_dir / urlsplit(chapters[0]).path
    assert author in page.read_text(encoding="utf-8"), f"{chapters[0]} is listed but does not mention {author!r}"
    assert not blocked, blocked


# --- layout: tables that fit, figures at reading size ------------------------------------------------

DESKTOP, LAPTOP, PHONE = 1300, 1100, 390
MIN_FIGURE_PT = 9.0  # smallest text of a figure as displayed, in CSS points (the reading size)

LAYOUT = """async () => {
  // wait until every interactive table is drawn by DataTables (or 5 s: then the static rows are measured)
  for (let i = 0; i < 50; i++) {
    const all = document.querySelectorAll('div.eb-table table').length;
    if (document.querySelectorAll('div.eb-table table.dataTable').length === all) break;
    await new Promise(r => setTimeout(r, 100));
  }
  const se = document.scrollingElement;
  const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, width: b.width, height: b.height}; };
  // what of a region can be seen without scrolling: its own client area, cut by every ancestor that
  // clips its overflow (overflow-x other than visible) and by the window
  const seen = region => {
    const b = region.getBoundingClientRect();
    let left = b.left + region.clientLeft, right = left + region.clientWidth;
    for (let e = region.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      if (getComputedStyle(e).overflowX === 'visible') continue;
      const a = e.getBoundingClientRect();
      left = Math.max(left, a.left + e.clientLeft); right = Math.min(right, a.left + e.clientLeft + e.clientWidth);
    }
    return {left: Math.max(left, 0), right: Math.min(right, document.documentElement.clientWidth)};
  };
  return {
    viewport: document.documentElement.clientWidth,
    scrollWidth: se.scrollWidth, clientWidth: se.clientWidth,
    tables: Array.from(document.querySelectorAll('div.eb-table')).map(region => {
      const t = region.querySelector('table');
      const rows = Array.from(t.querySelectorAll('tbody tr')).map(tr => tr.getBoundingClientRect().height);
      return {id: t.id, region: {...box(region), scrollWidth: region.scrollWidth, clientWidth: region.clientWidth},
              seen: seen(region),
              columns: Array.from(t.querySelectorAll('thead th'))
                .filter(th => th.getClientRects().length)  // shown (not a hidden column)
                .map(th => ({name: th.textContent.trim(), ...box(th)})),
              rowHeights: rows};
    }),
    figures: Array.from(document.querySelectorAll('figure.eb-figure')).map(f => {
      const el = f.querySelector('img, svg');
      return {id: f.id, tag: el.tagName.toLowerCase(), src: el.tagName === 'IMG' ? el.getAttribute('src') : null,
              svg: el.tagName === 'IMG' ? null : el.outerHTML, shown: box(el), figure: box(f)};
    }),
  };
}"""


@pytest.fixture(scope="session")
def layout(chromium, base_url):
    """layout(page, width) → the page's measurements in a `width`-px window (memoised), screenshot taken."""
    done: dict = {}

    def _layout(page: str, width: int) -> dict:
        if (page, width) not in done:
            blocked: list[str] = []
            ctx = offline_context(chromium, blocked, width=width, height=900)
            try:
                pg = ctx.new_page()
                pg.goto(base_url + page, wait_until="networkidle")
                pg.evaluate(IMAGES_LOADED)
                done[page, width] = pg.evaluate(LAYOUT)
                shots = SCREENSHOTS / str(width)
                shots.mkdir(parents=True, exist_ok=True)
                pg.screenshot(path=str(shots / shot_name(page)), full_page=True)
            finally:
                ctx.close()
        return done[page, width]

    return _layout


@pytest.mark.parametrize("page", PAGES)
def test_table_columns_fit_the_page_at_1300px(layout, page):
    """Every column a table shows (its key columns; long text is in the row details) is inside the
    window and inside what can be seen of the table's region as first drawn (cut by any ancestor that
    clips overflow): no sideways scrolling to read it."""
    m = layout(page, DESKTOP)
    cut = []
    for t in m["tables"]:
        left, right = t["seen"]["left"], t["seen"]["right"]
        out = [c["name"] or "(unnamed)" for c in t["columns"] if c["left"] < left - 1 or c["right"] > right + 1]
        if out:
            cut.append(f"#{t['id']}: {out} (seen {left:.0f}–{right:.0f} px, the columns span "
                       f"{min(c['left'] for c in t['columns']):.0f}–{max(c['right'] for c in t['columns']):.0f} px)")
    assert not cut, f"{page} at {DESKTOP} px: table columns outside the visible region: " + "; ".join(cut)


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
@pytest.mark.parametrize("page", PAGES)
def test_no_sideways_page_scroll_on_a_phone(layout, page, width):
    """At 390 px (a phone) the page never scrolls sideways; a wide table scrolls inside its own
    region. Also at 1100 px, where the theme folds the contents sidebar away and full-width content
    could otherwise run past the window."""
    m = layout(page, width)
    assert m["scrollWidth"] <= m["clientWidth"], \
        f"{page} at {width} px: the page is {m['scrollWidth']} px wide in a {m['clientWidth']} px window"
    outside = [t["id"] for t in m["tables"] if t["region"]["right"] > m["viewport"] + 1]
    assert not outside, f"{page} at {width} px: table regions wider than the window: {outside}"


def figure_svg(html_dir: Path, page: str, fig: dict) -> str:
    if fig["svg"] is not None:
        return fig["svg"]
    path = html_dir / Path(page).parent / unquote(urlsplit(fig["src"]).path)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_figures_fill_their_column_with_text_at_reading_size(layout, html_dir, page):
    """Each figure is as wide as its column (the text column, or the full width for wide figures)
    and its smallest text, scaled as the browser shows it, is at least 9 pt; its text is text."""
    m = layout(page, DESKTOP)
    small, narrow, outlined = [], [], []
    for f in m["figures"]:
        svg = figure_svg(html_dir, page, f)
        view_w, view_h, sizes = svg_text_sizes(svg)
        if not sizes or re.search(r'<path[^>]*id="[^"]*(DejaVu|Arial|Liberation)', svg):
            outlined.append(f["id"])
            continue
        shown = displayed_pt(min(sizes), view_w, view_h, f["shown"]["width"], f["shown"]["height"])
        if shown < MIN_FIGURE_PT:
            small.append(f"{f['id']}: {min(sizes):g} pt drawn, {shown:.1f} pt shown "
                         f"({f['shown']['width']:.0f} px wide for {view_w / 72:.2f} in)")
        if f["shown"]["width"] < 0.97 * f["figure"]["width"]:
            narrow.append(f"{f['id']}: {f['shown']['width']:.0f} of {f['figure']['width']:.0f} px")
    assert not outlined, f"{page}: figures whose text is not SVG text: {outlined}"
    assert not small, f"{page} at {DESKTOP} px: figure text smaller than {MIN_FIGURE_PT:g} pt: " + "; ".join(small)
    assert not narrow, f"{page} at {DESKTOP} px: figures narrower than their column: " + "; ".join(narrow)
