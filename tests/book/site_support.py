"""Helpers of the site-level suites (test_site, test_bad_inputs, test_injection).

- one real build of the book per test session, in a temporary copy (`built_book`), shared by
  every suite that needs it (a module-level memo, so the three suites pay for it once);
- copies of that built tree (its `_build` included) for cases that break or poison the inputs;
- a static server for `_build/html` on 127.0.0.1 and a Chromium that never leaves localhost.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import IGNORE, REPO
from evidence_book.builder.builder import build
from evidence_book.builder.toc import toc_files

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "_build" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
IN_CI = bool(os.environ.get("CI"))
# The book these suites build: the working tree, or (for debugging the suites themselves while the
# chapters are being edited) a frozen copy named by EVIDENCE_BOOK_TEST_SOURCE.
SOURCE = Path(os.environ.get("EVIDENCE_BOOK_TEST_SOURCE") or REPO)


def copy_book(dest: Path) -> Path:
    shutil.copytree(SOURCE, dest, ignore=IGNORE)
    return dest


# --- builds -------------------------------------------------------------------------------------

def run_build(root: Path, **kw) -> tuple[int, str]:
    lines: list[str] = []
    code = build(root, say=lines.append, **kw)
    return code, "\n".join(lines)


_BUILT: dict[str, object] = {}


def built_book(tmp_path_factory) -> Path:
    """The real book, built once per session into a temporary copy (never in the working tree)."""
    if "error" in _BUILT:
        pytest.fail(f"the session build of the book failed (see the first failure):\n{_BUILT['error']}")
    if "root" not in _BUILT:
        root = copy_book(tmp_path_factory.mktemp("built") / "book")
        t = time.perf_counter()
        code, log = run_build(root)
        if code != 0:
            _BUILT["error"] = log
            pytest.fail(f"building the real book failed (exit {code}):\n{log}")
        _BUILT["root"], _BUILT["log"], _BUILT["seconds"] = root, log, time.perf_counter() - t
    return _BUILT["root"]


def copy_built(src: Path, dest: Path) -> Path:
    """A copy of a built book, `_build` (cache, stage, published html) included."""
    shutil.copytree(src, dest, symlinks=True)
    return dest


def tree_digest(path: Path) -> str:
    """One digest of the names and bytes of every file under `path` (is a site the same?)."""
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(path).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def file_digests(path: Path) -> dict[str, str]:
    """{name relative to `path`: SHA-256 of its bytes} for every file (which files differ?)."""
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def edit_data(root: Path) -> str:
    """Change one value that several pages show (a study's number of animals): the edit of a
    living review. Returns the study edited."""
    path = root / "data/nerve/studies.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index("n_animals")
    rows[2][col] = str(int(rows[2][col]) + 7)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return rows[2][0]


# --- pages ---------------------------------------------------------------------------------------

def toc_pages(root: Path = SOURCE) -> list[str]:
    """Every page of `_toc.yml` (root first) as a path of the site, e.g. 'chapters/nerve-studies.html'."""
    return [f"{entry}.html" for entry in toc_files(root)]


def site_pages(root: Path = SOURCE) -> list[str]:
    return toc_pages(root) + ["search.html", "genindex.html"]


def shot_name(page: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", page.removesuffix(".html")) + ".png"


# --- static server -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(directory: Path):
    """`python -m http.server` on a free port of 127.0.0.1; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port),
                             "--directory", str(directory)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"http.server exited with {proc.returncode}")
                time.sleep(0.1)
        else:
            raise RuntimeError("http.server did not answer within 10 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- browser ---------------------------------------------------------------------------------------

def require_chromium() -> None:
    """Skip without a browser, except in CI, where a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is missing and CI is set: browser tests must run in CI (.ci/run installs it)")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); browser tests skipped outside CI")


_OPEN: list = []  # the browser currently open (Playwright's sync API cannot be started twice at once)


@contextmanager
def browser():
    """Chromium; reuses the one already open (e.g. test_site's session browser) if there is one."""
    require_chromium()
    if _OPEN:
        yield _OPEN[-1]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        _OPEN.append(b)
        try:
            yield b
        finally:
            _OPEN.remove(b)
            b.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


def offline_context(b, blocked: list[str], width: int = 1280, height: int = 900):
    """A browser context (a `width` × `height` CSS-px window) in which every request leaving
    127.0.0.1/localhost is aborted and recorded."""
    ctx = b.new_context(viewport={"width": width, "height": height}, service_workers="block")

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx


# --- figures at reading size -------------------------------------------------------------------------

_SVG_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")
_FONT_SIZE = re.compile(r"font-size\s*:\s*([0-9.]+)px|(?:^|;)\s*font\s*:[^;]*?([0-9.]+)px")


def svg_text_sizes(svg: str) -> tuple[float, float, list[float]]:
    """(viewBox width, viewBox height, font size of every <text>) of an SVG, in its user units.

    Matplotlib's SVG (``svg.fonttype: none``) is drawn in points: the viewBox is the figure in pt and
    a text's ``font-size: 9px`` is 9 user units, i.e. 9 pt when the figure is shown at its natural
    size. A text whose size cannot be read, or that is scaled by its own transform, raises."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(re.sub(r"^.*?(?=<svg\b)", "", svg, flags=re.S).encode("utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    box = root.get("viewBox")
    if box:
        _, _, w, h = (float(v) for v in box.replace(",", " ").split())
    else:
        w, h = (float(_SVG_LENGTH.match(root.get(k)).group(1)) for k in ("width", "height"))
    sizes = []
    for t in root.iter(f"{ns}text"):
        if "scale(" in (t.get("transform") or "") or "matrix(" in (t.get("transform") or ""):
            raise ValueError(f"a <text> is scaled by its transform ({t.get('transform')}): size unknown")
        style = t.get("style") or ""
        m = _FONT_SIZE.search(style)
        if m:
            sizes.append(float(m.group(1) or m.group(2)))
        elif t.get("font-size"):
            sizes.append(float(_SVG_LENGTH.match(t.get("font-size")).group(1)))
        else:
            raise ValueError(f"a <text> has no font size: {ET.tostring(t, encoding='unicode')[:120]}")
    return w, h, sizes


def displayed_pt(font_units: float, view_w: float, view_h: float, shown_w_px: float, shown_h_px: float) -> float:
    """The CSS points a font of `font_units` (SVG user units) occupies when the SVG's viewBox
    (`view_w` × `view_h`) is drawn into `shown_w_px` × `shown_h_px` CSS pixels.

    The SVG is scaled uniformly (preserveAspectRatio meet) by s = min(shown_w/view_w, shown_h/view_h)
    CSS px per user unit, so the text is font_units × s CSS px tall; CSS fixes 1 pt = 96/72 px, so in
    points it is font_units × s × 72/96. At natural size (s = 96/72: one unit is one pt) it is font_units."""
    s = min(shown_w_px / view_w, shown_h_px / view_h)
    return font_units * s * 72 / 96
