"""Tests of evidence_book.builder.reload_server (the preview server of `make watch`)."""
from __future__ import annotations

import json
import threading
import urllib.request

from evidence_book.builder.reload_server import EVENTS, SCRIPT_ID, ReloadServer, inject, page_path


def test_inject_puts_the_script_before_the_last_body_end_once():
    page = b"<html><body><p>x</p><pre>&lt;/body&gt;</pre></BODY></html>"
    out = inject(page)
    assert out.count(SCRIPT_ID.encode()) == 1
    assert out.index(SCRIPT_ID.encode()) < out.index(b"</BODY>")
    assert out.replace(out[out.index(b"<script"):out.index(b"</script>\n") + 10], b"") == page
    assert SCRIPT_ID.encode() in inject(b"<p>no body</p>")


def test_serves_pages_with_the_script_files_without_and_tells_tabs_what_changed(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_text("<html><body>A</body></html>")
    (tmp_path / "index.html").write_text("<html><body>home</body></html>")
    (tmp_path / "style.css").write_text("body{}")
    server = ReloadServer(tmp_path, "127.0.0.1", 0).start()
    try:
        page = urllib.request.urlopen(server.url + "chapters/a.html", timeout=10).read().decode()
        assert SCRIPT_ID in page and ">A<" in page
        assert SCRIPT_ID in urllib.request.urlopen(server.url, timeout=10).read().decode()
        assert urllib.request.urlopen(server.url + "style.css", timeout=10).read() == b"body{}"
        assert SCRIPT_ID not in (tmp_path / "chapters" / "a.html").read_text()  # nothing written to disk

        got: list[str] = []
        stream = urllib.request.urlopen(server.url + EVENTS.lstrip("/"), timeout=10)
        assert stream.readline().startswith(b": connected")
        def read_event():
            for line in stream:
                if line.startswith(b"data:"):
                    got.append(line.decode().strip())
                    return

        reader = threading.Thread(target=read_event)
        reader.start()
        server.notify([page_path("chapters/a")])
        reader.join(10)
        assert got and json.loads(got[0].removeprefix("data: ")) == {"pages": ["chapters/a.html"], "all": False}
        stream.close()
    finally:
        server.stop()
