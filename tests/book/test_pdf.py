"""`make pdf` on a copy of the built book: one PDF in the order of `_toc.yml`, read back with pypdf.

Expected values come from elsewhere than the PDF maker: the order and the parts from `_toc.yml`
read as plain YAML, chapter titles from the `<h1>` of each published page, the glued number from
the loader. Also: the home page links the PDF only once it exists and only while it is current.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from site_support import built_book, copy_built, require_chromium, run_build
from evidence_book.builder.pdf import LINK_CLASS, make_pdf

pytestmark = pytest.mark.browser


class _H1(HTMLParser):
    """Text of the first <h1>, without its '#' permalink."""

    def __init__(self):
        super().__init__()
        self.depth, self.skip, self.text, self.done = 0, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "h1":
            self.depth += 1
        elif self.depth and tag == "a" and "headerlink" in (dict(attrs).get("class") or ""):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "h1" and self.depth:
            self.depth, self.done = 0, True
        elif tag == "a" and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if self.depth and not self.skip and not self.done:
            self.text.append(data)


def h1(path: Path) -> str:
    p = _H1()
    p.feed(path.read_text(encoding="utf-8"))
    return " ".join("".join(p.text).split())


def toc_yaml(root: Path) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(every document in reading order, [(part caption, its documents)]) from _toc.yml as YAML."""
    doc = yaml.safe_load((root / "_toc.yml").read_text())
    order, parts = [doc["root"]], []
    for part in doc.get("parts", []):
        files = [c["file"] for c in part["chapters"]]
        parts.append((part["caption"], files))
        order += files
    return order, parts


def flatten(reader, items, parent=None):
    out = []
    for i, item in enumerate(items):
        if isinstance(item, list):
            continue
        children = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], list) else []
        out.append((item.title, reader.get_destination_page_number(item), parent))
        out += flatten(reader, children, item.title)
    return out


def text(s: str) -> str:
    """Compared as read: ligatures (ﬀ → ff) and quotes folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", s).replace("\u2019", "'").split())


@pytest.fixture(scope="module")
def pdf_book(tmp_path_factory):
    require_chromium()
    root = copy_built(built_book(tmp_path_factory), tmp_path_factory.mktemp("pdf") / "book")
    home = root / "_build" / "html" / "intro.html"
    assert LINK_CLASS not in home.read_text() and not (root / "_build/html/book.pdf").exists(), \
        "before make pdf the home page must not link a PDF"
    lines: list[str] = []
    assert make_pdf(root, say=lines.append) == 0, "\n".join(lines)
    return root


def test_pdf_pages_outline_and_numbers(pdf_book):
    from pypdf import PdfReader

    root = pdf_book
    reader = PdfReader(root / "_build" / "book.pdf")
    order, parts = toc_yaml(root)
    n = len(reader.pages)
    assert n >= len(order) + 1  # the contents page, then at least one page per document

    # page numbers in the footer, continuous over the whole book
    for i in (0, 1, n // 2, n - 1):
        assert f"{i + 1} / {n}" in reader.pages[i].extract_text(), f"no page number on page {i + 1}"

    # the outline: "Contents", the root page, then each part of _toc.yml with its chapters, in order
    outline = flatten(reader, reader.outline)
    html = root / "_build" / "html"
    want = [("Contents", None), (h1(html / f"{order[0]}.html"), None)]
    for caption, files in parts:
        want.append((caption, None))
        want += [(h1(html / f"{f}.html"), caption) for f in files]
    assert [(t, p) for t, _, p in outline] == want
    starts = [page for t, page, p in outline if p is not None]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for t, page, p in outline:  # each chapter entry opens on a page that shows its title
        if p is not None:
            assert text(t) in text(reader.pages[page].extract_text()), f"outline entry {t!r} → page {page + 1}"
    # no link leads to a file of the machine that made it (pages of the book are links inside the PDF)
    uris = [a.get_object()["/A"].get_object().get("/URI") for pg in reader.pages for a in (pg.get("/Annots") or [])
            if "/A" in a.get_object()]
    assert not [u for u in uris if isinstance(u, str) and u.startswith("file:")]
    # the first page lists every chapter with the page its outline entry opens
    first = text(reader.pages[0].extract_text())
    for t, page, p in outline:
        if p is not None:
            assert re.search(re.escape(text(t)) + r"\s*" + str(page + 1) + r"\b", first), (t, page + 1)


def test_pdf_holds_a_glued_number(pdf_book):
    from pypdf import PdfReader

    from evidence_book.data import load_table

    studies = load_table("nerve", "studies", root=pdf_book)
    sentence = f"The {len(studies)} studies used {int(studies['n_animals'].sum())} rats in all"
    reader = PdfReader(pdf_book / "_build" / "book.pdf")
    assert any(sentence in text(p.extract_text()) for p in reader.pages), sentence


def test_home_page_links_the_pdf_only_while_it_is_current(pdf_book):
    root = pdf_book
    site = root / "_build" / "html"
    home = (site / "intro.html").read_text()
    assert re.search(rf'class="{LINK_CLASS}".*?href="book.pdf"', home, re.S)
    assert (site / "book.pdf").read_bytes() == (root / "_build" / "book.pdf").read_bytes()

    # any change to the book makes the PDF stale: the next build drops the link and the copy
    path = root / "data" / "nerve" / "pio.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("description")] += " Changed after the PDF."
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    code, log = run_build(root)
    assert code == 0, log
    assert LINK_CLASS not in (site / "intro.html").read_text()
    assert not (site / "book.pdf").exists()


def test_printed_pages_fit_the_sheet(pdf_book):
    """In print media at the printable width of an A4 sheet (210 - 2 x 14 mm), no page is wider
    than the sheet (a wide figure or table would be cut at both edges of the PDF)."""
    from site_support import browser

    from evidence_book.builder.pdf import NOT_PRINTED, book_order

    width = round((210 - 2 * 14) / 25.4 * 96)
    html = pdf_book / "_build" / "html"
    too_wide = {}
    with browser() as b:
        page = b.new_page(viewport={"width": width, "height": 1000})
        page.route("**/*", lambda r: r.abort() if not r.request.url.startswith("file:")
                   or r.request.url.split("?")[0].endswith(NOT_PRINTED) else r.continue_())
        page.emulate_media(media="print")
        for e in book_order(pdf_book):
            page.goto((html / f"{e.docname}.html").as_uri(), wait_until="load")
            w = page.evaluate("document.documentElement.scrollWidth")
            if w > width + 1:
                too_wide[e.docname] = w
        page.close()
    assert not too_wide, f"wider than the printable {width} px: {too_wide}"
