"""`make watch` on a copy of the built book: an edited CSV cell reaches its page, and only its page.

One watcher runs for the module (`python -m evidence_book watch` in its own process group). The
test edits one cell of a data file and checks, independently of the watcher's own messages:
- the page of every section that read the file (from the cache's recorded reads) is rewritten with
  the new text; a page of a section that did not read it is not rewritten;
- the served page carries the live-reload script, the files on disk (preview and published site)
  do not, and the published `_build/html` is untouched;
- an open browser tab of the page reloads itself, and a `make book` can run beside the watcher;
- Ctrl-C (SIGINT to the group) stops it with exit 0, one line, and no process left behind.
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from site_support import built_book, copy_built, free_port, tree_digest
from evidence_book.builder.reload_server import EVENTS, SCRIPT_ID

CSV = "data/nerve/pio.csv"
TIMEOUT = 240  # generous: the machine's two cores are shared


class Watcher:
    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.lines: list[str] = []
        self.proc = subprocess.Popen([sys.executable, "-m", "evidence_book", "watch", "--root", str(root), "--port", str(port)],
                                     cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = TIMEOUT, start: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if text in line:
                    return line
            if self.proc.poll() is not None:
                time.sleep(0.5)
                pytest.fail(f"the watcher exited ({self.proc.returncode}):\n" + "\n".join(self.lines))
            time.sleep(0.1)
        pytest.fail(f"no line with {text!r} within {timeout} s:\n" + "\n".join(self.lines))

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def edit_cell(path: Path, column: str, suffix: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][rows[0].index(column)] += suffix
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def wait_for_file_text(path: Path, text: str, timeout: float = TIMEOUT) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if path.is_file() and text in path.read_text(encoding="utf-8", errors="replace"):
            return time.monotonic() - t0
        time.sleep(0.05)
    pytest.fail(f"{path} did not show {text!r} within {timeout} s")


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    root = copy_built(built_book(tmp_path_factory), tmp_path_factory.mktemp("watch") / "book")
    w = Watcher(root, free_port())
    try:
        w.wait_for("preview on http://")
        yield w
    finally:
        if w.proc.poll() is None:
            os.killpg(w.proc.pid, signal.SIGKILL)
            w.proc.wait()


def test_edit_reaches_its_page_and_only_it(watched):
    root = watched.root
    published = root / "_build" / "html"
    before_site = tree_digest(published)
    preview = root / "_build" / "watch" / "html"
    index = json.loads((root / "_build" / ".cache" / "index.json").read_text())["sections"]
    readers = sorted(sid for sid, e in index.items() if CSV in e["reads"])
    others = sorted(sid for sid, e in index.items() if CSV not in e["reads"])
    assert readers and others, "the test needs a file read by some sections and not by others"
    untouched = preview / "chapters" / f"{others[0]}.html"
    untouched_mtime = untouched.stat().st_mtime_ns

    # the served page carries the reload script; the same page on disk does not
    served = urllib.request.urlopen(watched.url(f"chapters/{readers[0]}.html"), timeout=30).read().decode()
    assert f'id="{SCRIPT_ID}"' in served and EVENTS in served
    assert SCRIPT_ID not in (preview / "chapters" / f"{readers[0]}.html").read_text()

    # listen to the reload events before editing
    events: list[str] = []
    stream = urllib.request.urlopen(watched.url(EVENTS.lstrip("/")), timeout=TIMEOUT)
    threading.Thread(target=lambda: [events.append(line.decode().strip()) for line in stream], daemon=True).start()

    marker = f"Edited-by-the-watch-test-{time.time_ns()}"
    start = len(watched.lines)
    edit_cell(root / CSV, "description", f" {marker}.")
    for sid in readers:
        wait_for_file_text(preview / "chapters" / f"{sid}.html", marker)
    line = watched.wait_for(" → ran ", start=start)
    ran = sorted(line.split(" → ran ", 1)[1].split(";", 1)[0].split(", "))
    assert ran == readers, line
    assert untouched.stat().st_mtime_ns == untouched_mtime, f"{untouched.name} was rewritten: {line}"
    deadline = time.monotonic() + 30
    while not any(e.startswith("data:") and f"chapters/{readers[0]}.html" in e for e in events):
        assert time.monotonic() < deadline, f"no reload event for the page: {events}"
        time.sleep(0.1)
    stream.close()

    # the published site is make book's alone: unchanged, and never holds the reload script
    assert tree_digest(published) == before_site
    for p in published.rglob("*"):
        if p.is_file() and p.suffix in {".html", ".js"}:
            text = p.read_text(encoding="utf-8", errors="replace")
            assert SCRIPT_ID not in text and EVENTS not in text, p

    # make book runs beside the watcher (the watcher holds the lock only while it rebuilds)
    r = subprocess.run([sys.executable, "-m", "evidence_book", "build", "--no-wait", "--root", str(root)],
                       cwd=root, capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert marker in (published / "chapters" / f"{readers[0]}.html").read_text()
    assert SCRIPT_ID not in (published / "chapters" / f"{readers[0]}.html").read_text()


@pytest.mark.browser
def test_open_tab_reloads_after_an_edit(watched):
    from site_support import browser

    root = watched.root
    index = json.loads((root / "_build" / ".cache" / "index.json").read_text())["sections"]
    sid = sorted(s for s, e in index.items() if CSV in e["reads"])[0]
    with browser() as b:
        page = b.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(watched.url()) else r.abort())
        page.goto(watched.url(f"chapters/{sid}.html"), wait_until="load")
        page.evaluate("window.__beforeEdit = true")
        marker = f"Reloaded-in-the-tab-{time.time_ns()}"
        edit_cell(root / CSV, "description", f" {marker}.")
        page.wait_for_function("() => window.__beforeEdit === undefined", timeout=TIMEOUT * 1000)
        page.wait_for_selector(f"text={marker}", timeout=TIMEOUT * 1000)
        page.close()


def test_ctrl_c_stops_everything_with_one_line(watched):
    n = len(watched.lines)
    os.killpg(watched.proc.pid, signal.SIGINT)
    assert watched.proc.wait(timeout=60) == 0
    time.sleep(0.5)
    said = [line for line in watched.lines[n:] if line.strip()]
    assert len(said) == 1 and said[0].startswith("stopped watching"), said
    deadline = time.monotonic() + 30
    while group_alive(watched.proc.pid):  # workers and kernels are in the watcher's group
        assert time.monotonic() < deadline, "processes of the watcher outlived it"
        time.sleep(0.2)
