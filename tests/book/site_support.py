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
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(path).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


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


def offline_context(b, blocked: list[str]):
    """A browser context in which every request leaving 127.0.0.1/localhost is aborted and recorded."""
    ctx = b.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx
