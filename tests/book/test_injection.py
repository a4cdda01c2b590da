"""Data values are text, never markup or code.

HTML, JavaScript, MyST roles and directives and Markdown are written into text columns of a copy
of the built book (nerve studies: first_author, species, cell_source; a clinic claim; an EV trial
title), plus two probe sections that push those values through every `evidence_book.display`
route (interactive table, its row details, figure alt/caption/provenance, `say`, glue). After the build the payload
must appear only as escaped text: no `<script>alert(1)` element, no `onerror` attribute, no
rendered warning admonition saying INJECTED, no `<strong>bold</strong>`; in Chromium no dialog
opens. A parameter value given on the command line is data too: it never runs as code.
"""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import write_notebook
from site_support import (CHROMIUM, IN_CI, browser, copy_built, offline_context, run_build, serve,
                          toc_pages)

PAYLOAD = "X<script>alert(1)</script><img src=x onerror=alert(1)>{glue:text}`x`**bold**\n```{warning}\nINJECTED\n```\n"
# What a reader must see, as text (whitespace of the directive collapsed to one line is fine).
VISIBLE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{glue:text}`x`", "**bold**", "```{warning}"]

TARGETS = [  # (file, data row, column)
    ("data/nerve/studies.csv", 1, "first_author"),
    ("data/nerve/studies.csv", 2, "species"),
    ("data/nerve/studies.csv", 3, "cell_source"),
    ("data/clinic/claims.csv", 1, "claim"),
    ("data/ev/trials.csv", 1, "title"),
    ("data/nerve/prisma.csv", 1, "note"),  # shown in a row detail (selection page, PRISMA stages)
]

PROBE_CODE = [
    "from evidence_book.data import load_table\n"
    "from evidence_book.display import show_table, show_figure, say, glue\n"
    "import matplotlib.pyplot as plt\n"
    "studies = load_table('nerve', 'studies')\n"
    "claims = load_table('clinic', 'claims')\n"
    "ev = load_table('ev', 'trials')\n"
    "payload = studies['first_author'].iloc[0]",
    "show_table(studies[['study_id', 'first_author', 'species', 'cell_source']], 'probe-studies', "
    "caption='Studies', download='probe-studies')\n"
    "show_table(claims[['claim_id', 'claim']], 'probe-claims', caption='Claims')\n"
    "show_table(ev[['nct_id', 'title']], 'probe-ev', caption='Trials')\n"
    "show_table(studies[['study_id', 'first_author', 'species', 'cell_source']], 'probe-details', caption='Details',\n"
    "           details=['first_author', 'species'], wide=True)",
    "fig, ax = plt.subplots(figsize=(4, 3))\n"
    "ax.bar(list(studies['first_author'].head(3)), [1, 2, 3])\n"
    "ax.set_title(payload)\n"
    "show_figure(fig, 'probe-figure', alt=payload, caption='Studies by ' + payload,\n"
    "            data_files=['data/nerve/studies.csv'], parameters={'who': payload})",
    "say('The first study is by ' + payload + ' in ' + str(studies['species'].iloc[1]) + '.')\n"
    "glue('probe_author', payload)\n"
    "print(claims['claim'].iloc[0])",
]
PROBE_CAPTION_CODE = [
    "from evidence_book.data import load_table\n"
    "from evidence_book.display import show_table\n"
    "studies = load_table('nerve', 'studies')\n"
    "show_table(studies[['study_id', 'year']], 'probe-caption', caption='Studies by ' + studies['first_author'].iloc[0])",
]
PROBES = {"zz-probe": PROBE_CODE, "zz-probe-caption": PROBE_CAPTION_CODE}


def poison(root: Path) -> None:
    import csv
    import io

    for rel, row, column in TARGETS:
        path = root / rel
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        rows[row][rows[0].index(column)] = PAYLOAD
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
    manifest = yaml.safe_load((root / "sections.yml").read_text(encoding="utf-8"))
    toc = (root / "_toc.yml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    for sid, code in PROBES.items():
        write_notebook(root / "chapters" / f"{sid.replace('-', '_')}.ipynb", "who = 'probe'", code,
                       "# Injection probe\n\nGlued author: {glue:text}`probe_author`")
        manifest["sections"].append({"id": sid, "notebook": f"chapters/{sid.replace('-', '_')}.ipynb", "title": "Probe"})
        toc += f"      - file: chapters/{sid}\n"  # into the last part (Appendix)
    (root / "sections.yml").write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (root / "_toc.yml").write_text(toc, encoding="utf-8")


@pytest.fixture(scope="session")
def poisoned(book, tmp_path_factory) -> Path:
    root = copy_built(book, tmp_path_factory.mktemp("poisoned") / "book")
    poison(root)
    code, log = run_build(root)
    assert code == 0, f"the book must build with odd text in its data:\n{log}"
    return root


class Scan(HTMLParser):
    """Elements with event-handler attributes, visible text, and text inside warning admonitions."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers, self.text, self.stack, self.warning_text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on") and "alert" in (value or ""):
                self.handlers.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.handlers.append("<img src=x>")
        cls = (dict(attrs).get("class") or "").split()
        if tag not in ("br", "img", "meta", "link", "input", "hr", "source", "col", "wbr"):
            self.stack.append((tag, "admonition" in cls and "warning" in cls))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        self.text.append(data)
        if any(w for _, w in self.stack):
            self.warning_text.append(data)


def scan(path: Path) -> Scan:
    s = Scan()
    s.feed(path.read_text(encoding="utf-8"))
    return s


def site_html(root: Path) -> list[Path]:
    return sorted((root / "_build" / "html").rglob("*.html"))


def problems(root: Path, page: Path) -> list[str]:
    raw = page.read_text(encoding="utf-8")
    s = scan(page)
    found = []
    if re.search(r"<script>\s*alert\(1\)", raw, re.I):
        found.append("a <script>alert(1) element")
    found += [f"event handler from data: {h}" for h in s.handlers]
    if re.search(r"<img\s+src=[\"']?x[\"'\s>]", raw, re.I):
        found.append("an <img src=x> element")
    if "INJECTED" in "".join(s.warning_text):
        found.append("a rendered warning admonition with INJECTED")
    if re.search(r"<strong>\s*bold\s*</strong>", raw):
        found.append("<strong>bold</strong> rendered from **bold**")
    return [f"{page.relative_to(root / '_build' / 'html')}: {p}" for p in found]


def visible_text(page: Path) -> str:
    return " ".join(" ".join(scan(page).text).split())


def test_payload_is_escaped_text_on_every_page(poisoned):
    pages = [p for p in site_html(poisoned) if p.name != "zz-probe-caption.html"]
    found = [x for p in pages for x in problems(poisoned, p)]
    assert not found, "data became markup:\n" + "\n".join(found)
    # ...and the values were shown, as text (else the test above proves nothing)
    probe = visible_text(poisoned / "_build/html/chapters/zz-probe.html")
    for piece in VISIBLE:
        assert piece in probe, f"{piece!r} is not shown as text on the probe page"
    figure = (poisoned / "_build/html/chapters/zz-probe.html").read_text(encoding="utf-8")
    assert 'alt="X&lt;script&gt;alert(1)&lt;/script&gt;' in figure, "figure alt text is not the escaped value"


def test_table_caption_from_data_is_escaped(poisoned):
    page = poisoned / "_build/html/chapters/zz-probe-caption.html"
    assert not problems(poisoned, page)


def test_no_dialog_in_the_browser(poisoned):
    if not CHROMIUM.exists() and not IN_CI:
        pytest.skip(f"{CHROMIUM} not installed; the static checks above still ran")
    pages = [p for p in toc_pages(poisoned) if p != "chapters/zz-probe-caption.html"]
    dom_found, dialogs, blocked = [], [], []
    with serve(poisoned / "_build" / "html") as base, browser() as b:
        ctx = offline_context(b, blocked)
        pg = ctx.new_page()
        pg.on("dialog", lambda d: (dialogs.append(f"{pg.url}: {d.message}"), d.dismiss()))
        for page in pages:
            pg.goto(base + page, wait_until="networkidle")
            pg.wait_for_timeout(200)
            bad = pg.evaluate("""() => [
                ...Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(
                     a => a.name.startsWith('on') && a.value.includes('alert'))).map(e => e.outerHTML.slice(0, 120)),
                ...Array.from(document.querySelectorAll('img[src="x"]')).map(e => e.outerHTML),
                ...Array.from(document.querySelectorAll('.admonition.warning')).filter(e => e.textContent.includes('INJECTED'))
                     .map(e => 'warning: ' + e.textContent.slice(0, 80)),
                ...Array.from(document.querySelectorAll('script')).filter(s => /^\\s*alert\\(1\\)/.test(s.textContent))
                     .map(s => 'script: ' + s.textContent)]""")
            dom_found += [f"{page}: {x}" for x in bad]
        ctx.close()
    assert not dialogs, f"a dialog opened: {dialogs}"
    assert not dom_found, "data became live DOM:\n" + "\n".join(dom_found)


# --- parameters are data -------------------------------------------------------------------------------

EVIL = "nerve-audit.review=nerve\"; import os; os.system('touch /tmp/pwned') #"
PWNED = Path("/tmp/pwned")


def injected_value(root: Path, section: str):
    nb = json.loads((root / "_build/.cache/notebooks" / f"{section}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    assigns = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign)}
    assert all(isinstance(n, ast.Assign) for n in tree.body), f"injected cell has statements besides assignments:\n{cell['source']}"
    return ast.literal_eval(assigns["review"])


def test_parameter_value_is_never_executed(book, tmp_path):
    PWNED.unlink(missing_ok=True)
    root = copy_built(book, tmp_path / "book")
    before = (root / "_build/html/index.html").read_bytes()

    # From the command line (the way `make book SET=...` passes it): rejected or plain text.
    cli = subprocess.run([sys.executable, "-m", "evidence_book", "build", "--root", str(root), "--set", EVIL],
                         capture_output=True, text=True, timeout=600)
    assert not PWNED.exists(), "a --set value was executed as code"
    assert cli.returncode in (0, 1), cli.stdout + cli.stderr

    # Through the API as one item: a str parameter takes it as text; the kernel sees a str literal.
    code, log = run_build(root, overrides=[EVIL])
    assert not PWNED.exists(), "an override value was executed as code"
    if code == 0:
        assert injected_value(root, "nerve-audit") == EVIL.split("=", 1)[1]
    else:
        assert "BUILD FAILED" in log and (root / "_build/html/index.html").read_bytes() == before, log
