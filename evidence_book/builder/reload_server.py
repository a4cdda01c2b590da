"""The local preview server of `make watch`: serves a folder and reloads open pages after a rebuild.

Every HTML page it serves gets one small script (`SCRIPT`, injected into the response, never written
to disk, so neither the watch output nor the published `_build/html` contains it). The script
listens to `EVENTS` (server-sent events); after each rebuild the server sends the pages that were
rewritten, and a browser tab showing one of them reloads itself.

Written by hand on the standard library (~100 lines) on purpose: `sphinx-autobuild` runs its own
`sphinx-build` per change (a cold Sphinx, the step `make watch` exists to avoid) and brings
starlette/uvicorn/websockets; `livereload` finds changes by polling files and runs shell commands,
while here the rebuild loop itself knows which pages it rewrote.
"""
from __future__ import annotations

import json
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

EVENTS = "/__watch__/events"
SCRIPT_ID = "evidence-book-live-reload"
SCRIPT = (
    f'<script id="{SCRIPT_ID}">/* make watch: reload this page when it is rebuilt (preview only) */\n'
    "(function(){var es=new EventSource(\"" + EVENTS + "\");es.onmessage=function(e){"
    "var d=JSON.parse(e.data),p=decodeURIComponent(location.pathname).replace(/^\\//,\"\");"
    "if(p===\"\"||p.slice(-1)===\"/\")p+=\"index.html\";"
    "if(d.all||d.pages.indexOf(p)>=0)location.reload();};})();</script>\n"
)
_BODY_END = re.compile(rb"</body\s*>", re.I)
PING = 15.0  # seconds between keep-alive comments on an idle event stream


def inject(html: bytes) -> bytes:
    """`html` with the reload script before its last `</body>` (appended when there is none)."""
    ends = list(_BODY_END.finditer(html))
    at = ends[-1].start() if ends else len(html)
    return html[:at] + SCRIPT.encode() + html[at:]


class _Handler(SimpleHTTPRequestHandler):
    server: "ReloadServer"

    def log_message(self, format, *args):  # quiet: the watch loop prints what matters
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == EVENTS:
            return self._events()
        target = Path(self.translate_path(self.path))
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            body = inject(target.read_bytes())
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().do_GET()

    def end_headers(self):
        if urlsplit(self.path).path != EVENTS:
            self.send_header("Cache-Control", "no-store")  # a reload must fetch the new figure, too
        super().end_headers()

    def _events(self):
        srv = self.server
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = len(srv.messages)
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not srv.stopping:
                with srv.changed:
                    srv.changed.wait_for(lambda: len(srv.messages) > seen or srv.stopping, timeout=PING)
                    new, seen = srv.messages[seen:], len(srv.messages)
                if srv.stopping:
                    break
                for m in new:
                    self.wfile.write(f"data: {m}\n\n".encode())
                if not new:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        self.close_connection = True


class ReloadServer(ThreadingHTTPServer):
    """`ReloadServer(folder, host, port).start()`; `notify(pages)` after each rebuild; `stop()`."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 8000):
        super().__init__((host, port), partial(_Handler, directory=str(folder)))
        self.messages: list[str] = []
        self.changed = threading.Condition()
        self.stopping = False
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "ReloadServer":
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        return self

    def notify(self, pages, all_pages: bool = False) -> None:
        """Tell open tabs which pages were rewritten (site paths such as `chapters/x.html`)."""
        with self.changed:
            self.messages.append(json.dumps({"pages": sorted(pages), "all": all_pages}))
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        self.shutdown()
        self.server_close()


def page_path(pagename: str) -> str:
    """Sphinx's page name (`chapters/x`) → the path the browser shows (`chapters/x.html`)."""
    return unquote(pagename) + ".html"
