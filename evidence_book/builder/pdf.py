"""`make pdf`: the whole published book as one PDF, `_build/book.pdf`, also copied into the site.

- Pages in the order of `_toc.yml` (parsed by `sphinx_external_toc`, as `toc.py` does), each
  printed by the real Chromium (Playwright's `page.pdf`, `/usr/bin/chromium`, from `file://`, every
  other request refused: offline). Print CSS (`_static/print.css`) hides the navigation; tables
  print every row (their static rows: the DataTables module is not loaded, so nothing pages them);
  closed `<details>` are opened.
- A first page with the title, the source commit and a table of contents with page numbers.
- Merged with pypdf; continuous page numbers in the footer ("n / N"), drawn by Chromium on blank
  pages and stamped onto each page (Chromium's own footer numbers restart with every document);
  an outline (bookmarks) with one entry per chapter, grouped by the parts of `_toc.yml`; links
  between pages of the book point into the PDF, links to downloads (files of this machine) are
  dropped, links to the web stay.
- The PDF records which site it was made from (the fingerprint of the staged files). While that
  is still the site's, the builder adds `book.pdf` to the site and a link to it on the home page
  (`site_additions`); after any change the link disappears until `make pdf` is run again, so the
  home page never links a stale or missing file.
"""
from __future__ import annotations

import hashlib
import html as htmllib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from evidence_book.builder import toc
from evidence_book.builder.errors import BuildError
from evidence_book.hashing import files_hash

PDF = "book.pdf"  # beside the site (_build/book.pdf) and in it (/book.pdf)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MARGIN = {"top": "14mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
FORMAT = "A4"
LINK_CLASS = "book-pdf-link"
# Not loaded while printing: the DataTables module would page the tables (10 rows each); without it
# every table shows the static rows the display helpers put in the page.
NOT_PRINTED = ("/itables/dt_bundle.js",)


@dataclass(frozen=True)
class Entry:
    docname: str
    part: str | None  # caption of the part of _toc.yml it belongs to (None: the root page)


def book_order(root: Path) -> list[Entry]:
    """Every page of `_toc.yml` in reading order (root first, then depth first), with its part."""
    site_map = toc.read_toc(root)
    out: list[Entry] = []

    def walk(docname: str, part: str | None) -> None:
        out.append(Entry(docname, part))
        for tree in site_map[docname].subtrees:
            for item in tree.items:
                if isinstance(item, str):  # a document (globs and URLs have no page of their own)
                    walk(item, tree.caption or part)

    walk(site_map.root.docname, None)
    return out


# --- the link on the home page --------------------------------------------------------------------

def site_additions(root: Path, cache, files: dict[str, bytes]) -> dict[str, bytes]:
    """`book.pdf` and the home page with a link to it, when `_build/book.pdf` was made from exactly
    these files (else nothing: no link to a missing or stale PDF)."""
    rec = cache.get("pdf")
    pdf = cache.dir.parent / PDF
    if not isinstance(rec, dict) or rec.get("site") != files_hash(files) or not pdf.is_file():
        return {}
    data = pdf.read_bytes()
    if hashlib.sha256(data).hexdigest() != rec.get("sha256"):
        return {}
    docname = toc.read_toc(root).root.docname
    href = os.path.relpath(PDF, os.path.dirname(docname) or ".")
    size = f"{len(data) / 1e6:.1f} MB"
    link = (f'<p class="{LINK_CLASS}">The whole book as one document: <a href="{htmllib.escape(href)}" download>'
            f'{PDF}</a> (PDF, {rec.get("pages", "?")} pages, {size}).</p>\n')
    out = {f"_extra/{PDF}": data}
    for suffix in (".md", ".ipynb"):
        name = docname + suffix
        if name in files:
            out[name] = _with_link(files[name], suffix, link)
            return out
    return {}  # a root page of another kind: no link (and so no copy either)


def _with_link(page: bytes, suffix: str, link: str) -> bytes:
    if suffix == ".md":
        return page.rstrip(b"\n") + b"\n\n" + link.encode()
    import json

    from evidence_book.builder.notebooks import dumps

    nb = json.loads(page)
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": link})
    return dumps(nb)


# --- rendering ---------------------------------------------------------------------------------

FOOTER = ('<div style="font-size:8px;font-family:sans-serif;color:#555;width:100%;margin:0 14mm;'
          'white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:70%">{text}</div>')
NUMBER = ('<div style="font-size:8px;font-family:sans-serif;color:#555;width:100%;margin:0 14mm;text-align:right">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
PREPARE = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const h = document.querySelector('main h1, article h1, h1');
  if (!h) return '';
  const c = h.cloneNode(true);
  c.querySelectorAll('.headerlink').forEach(e => e.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim();
}"""


def _contents_html(title: str, version: str, rows: list[tuple[str, str | None, int | str]]) -> str:
    lines, part = [], None
    for text, p, page in rows:
        if p != part and p:
            lines.append(f'<li class="part">{htmllib.escape(p)}</li>')
        part = p
        cls = "chapter" if p else "root"
        lines.append(f'<li class="{cls}"><span class="t">{htmllib.escape(text)}</span><span class="dots"></span>'
                     f'<span class="n">{page}</span></li>')
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{htmllib.escape(title)}</title><style>
body {{ font-family: sans-serif; color: #222; }}
h1 {{ font-size: 26pt; margin: 30mm 0 4mm; }} .v {{ color: #555; font-size: 10pt; margin-bottom: 14mm; }}
h2 {{ font-size: 14pt; border-bottom: 1px solid #999; padding-bottom: 2mm; }}
ul {{ list-style: none; padding: 0; font-size: 11pt; }}
li {{ display: flex; align-items: baseline; margin: 1.6mm 0; break-inside: avoid; }}
li.part {{ font-weight: bold; margin-top: 5mm; }} li.chapter {{ padding-left: 6mm; }}
.dots {{ flex: 1; border-bottom: 1px dotted #999; margin: 0 2mm; }}
</style></head><body><h1>{htmllib.escape(title)}</h1><div class="v">{htmllib.escape(version)}</div>
<h2>Contents</h2><ul>{''.join(lines)}</ul></body></html>"""


def render(html_dir: Path, order: list[Entry], title: str, version: str, say=print) -> tuple[bytes, list]:
    """The book as PDF bytes, and its outline: [(title, part, first page index)]."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    html_dir = Path(html_dir).resolve()
    base = html_dir.as_uri() + "/"
    refused: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")) and not url.split("?")[0].endswith(NOT_PRINTED):
            r.continue_()
        else:
            if not url.split("?")[0].endswith(NOT_PRINTED):
                refused.append(url)
            r.abort()

    parts: list[tuple[Entry, str, bytes]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(color_scheme="light", service_workers="block")
            ctx.route("**/*", route)
            page = ctx.new_page()
            for e in order:
                target = html_dir / f"{e.docname}.html"
                if not target.is_file():
                    raise BuildError(f"pdf: page {e.docname} of _toc.yml is missing from the site ({target})")
                page.goto(target.as_uri(), wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                heading = page.evaluate(PREPARE) or e.docname
                footer = FOOTER.format(text=htmllib.escape(f"{title} — {heading}"))
                data = page.pdf(format=FORMAT, margin=MARGIN, print_background=True, display_header_footer=True,
                                header_template="<span></span>", footer_template=footer)
                parts.append((e, heading, data))
            counts = [len(PdfReader(io.BytesIO(d)).pages) for _, _, d in parts]

            def contents(first_pages) -> bytes:
                rows = [(h, e.part, n) for (e, h, _), n in zip(parts, first_pages)]
                page.set_content(_contents_html(title, version, rows), wait_until="load")
                return page.pdf(format=FORMAT, margin=MARGIN, print_background=True)

            # the contents' own length moves every first page: lay it out until the numbers hold
            n_toc = len(PdfReader(io.BytesIO(contents(["000"] * len(parts)))).pages)
            starts = [n_toc + sum(counts[:i]) for i in range(len(parts))]
            toc_pdf = contents([s + 1 for s in starts])
            if len(PdfReader(io.BytesIO(toc_pdf)).pages) != n_toc:
                raise BuildError("pdf: the table of contents changed length when its page numbers were filled in")
            total = n_toc + sum(counts)
            page.set_content('<html><body style="margin:0">' + '<div style="break-after:page;height:1px"></div>' * total
                             + "</body></html>", wait_until="load")
            numbers = PdfReader(io.BytesIO(page.pdf(format=FORMAT, margin=MARGIN, display_header_footer=True,
                                                    header_template="<span></span>", footer_template=NUMBER)))
        finally:
            browser.close()
    if refused:
        raise BuildError(f"pdf: a page asked for something outside the site (offline): {refused[0]}")

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(toc_pdf)))
    for _, _, data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    if len(numbers.pages) < len(writer.pages):
        raise BuildError(f"pdf: {len(numbers.pages)} numbered pages for {len(writer.pages)} pages")
    for i, pg in enumerate(writer.pages):
        pg.merge_page(numbers.pages[i])
    first = {e.docname: s for (e, _, _), s in zip(parts, starts)}
    _link_pages(writer, base, first)
    outline = [(h, e.part, s) for (e, h, _), s in zip(parts, starts)]
    writer.add_outline_item(title="Contents", page_number=0)
    groups: dict[str, object] = {}
    for heading, part, start in outline:
        parent = None
        if part:
            if part not in groups:
                groups[part] = writer.add_outline_item(title=part, page_number=start)
            parent = groups[part]
        writer.add_outline_item(title=heading, page_number=start, parent=parent)
    writer.add_metadata({"/Title": title, "/Subject": version, "/Creator": "Chromium (Playwright) and pypdf"})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), outline


def _link_pages(writer, base: str, first: dict[str, int]) -> None:
    """Links to another page of the book → links to that page's first page in the PDF; links to
    other files of this machine (CSV and figure downloads) are dropped: they would lead nowhere
    once the PDF leaves it. Links to the web stay."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NullObject

    for pg in writer.pages:
        annots = pg.get("/Annots", None)
        if not annots:
            continue
        keep = ArrayObject()
        for ref in annots.get_object():
            annot = ref.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if isinstance(uri, str) and uri.startswith("file:"):
                docname = uri[len(base):].split("#", 1)[0].split("?", 1)[0].removesuffix(".html") \
                    if uri.startswith(base) else None
                if docname not in first:
                    continue
                target = writer.pages[first[docname]].indirect_reference
                annot[NameObject("/A")] = DictionaryObject({
                    NameObject("/S"): NameObject("/GoTo"),
                    NameObject("/D"): ArrayObject([target, NameObject("/XYZ"), NullObject(), NullObject(), NullObject()])})
            keep.append(ref)
        pg[NameObject("/Annots")] = keep


# --- the command -------------------------------------------------------------------------------

def make_pdf(root=".", overrides=(), say=print) -> int:
    """Build the site (incrementally), print it to `_build/book.pdf`, then rebuild to link it."""
    import hashlib as _h

    import yaml

    from evidence_book.builder import publish, stamp
    from evidence_book.builder.builder import assemble, build, git_commit, plan
    from evidence_book.builder.lock import build_lock

    root = Path(root).resolve()
    build_dir = root / "_build"
    if not Path(CHROMIUM).is_file():
        say(f"PDF FAILED: {CHROMIUM} not found (apt-get install chromium); nothing was changed")
        return 1
    if build(root, overrides=overrides, say=say) != 0:
        return 1
    try:
        with build_lock(build_dir, say):
            p = plan(root, build_dir, False, list(overrides), say)
            if p.todo:
                raise BuildError("the book changed while the PDF was being prepared; run make pdf again")
            commit = git_commit(root)
            base = files_hash(assemble(root, p.sections, p.params, p.cache, commit, with_pdf=False))
            rec, target = p.cache.get("pdf"), build_dir / PDF
            if (isinstance(rec, dict) and rec.get("site") == base and target.is_file()
                    and _h.sha256(target.read_bytes()).hexdigest() == rec.get("sha256")):
                say(f"PDF up to date: {target} ({rec.get('pages')} pages)")
                return 0
            html = publish.current(build_dir)
            if html is None:
                raise BuildError("no published site to print (make book first)")
            cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
            title = str(cfg.get("title") or "Book")
            version = f"Built from commit {commit['commit']} of {commit['date']}."
            order = book_order(root)
            say(f"  printing {len(order)} pages with Chromium …")
            data, _outline = render(html, order, title, version, say)
            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(data)).pages)
            publish.atomic_write(target, data)
            p.cache.set("pdf", {"site": base, "sha256": _h.sha256(data).hexdigest(), "pages": pages})
            say(f"  wrote {target.relative_to(root)} ({pages} pages, {len(data) / 1e6:.1f} MB)")
    except BuildError as e:
        say(f"PDF FAILED: {e}")
        return 1
    stamp.clear(root)  # the site's inputs changed: it now links the PDF
    return build(root, overrides=overrides, say=say)
