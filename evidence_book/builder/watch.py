"""`make watch`: rebuild the pages an edit affects, in seconds, and reload them in the browser.

One process keeps everything warm between edits:
- a pool of workers, each with a started kernel that has imported the book's package
  (`execute.warm_worker_init`); a section re-runs when its cache key or a data file it read
  changed, exactly as in `make book` (same plan, same cache in `_build/.cache`);
- one Sphinx application (`live_sphinx.LiveSphinx`) over its own stage `_build/watch/stage`,
  writing `_build/watch/html`: only the changed pages are re-read and rewritten;
- a file watcher (watchdog: inotify on Linux) on `data/`, `chapters/`, the package, `sections.yml`
  and the other book sources (the top-level files and folders the builder stages);
- a local server (`reload_server`) that serves `_build/watch/html` with a live-reload script
  injected into each page it sends, and tells open tabs which pages were rewritten.

It never publishes: `_build/html` (and its atomic versions) is `make book`'s alone, built from a
clean stage. Each rebuild holds the build lock only while it plans, executes and stages (the
shared cache), so `make book` can run beside it. Ctrl-C stops it (workers and kernels too) with
one line. A change to the package's code restarts the workers (kernels import it afresh) and
forgets the package's modules in this process; a change to the builder itself needs a restart.
"""
from __future__ import annotations

import fcntl
import os
import queue
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from evidence_book.builder import site
from evidence_book.builder.builder import assemble, git_commit, package_hash, plan
from evidence_book.builder.errors import BuildError
from evidence_book.builder.execute import warm_worker_init
from evidence_book.builder.live_sphinx import LiveSphinx
from evidence_book.builder.lock import build_lock
from evidence_book.builder.reload_server import ReloadServer, page_path
from evidence_book.builder.runner import _stop, run_all

WATCH_DIR = "watch"  # under _build/
QUIET = 0.15  # seconds without a new event before a batch of changes is rebuilt
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".git", "_build", ".venv", "node_modules", ".pytest_cache"}
# Stage files that no page lists as its source: a change to them may alter every page.
SITE_WIDE = ("_static/", "_templates/", "_config.yml", "_toc.yml")


def watched_dirs(root: Path) -> list[Path]:
    """Folders watched recursively: data, chapters, the package, and every folder the builder stages."""
    extra = [p for p in sorted(root.iterdir())
             if p.is_dir() and not p.is_symlink() and p.name not in site.SKIP_DIRS and not p.name.startswith(".")]
    return [p for p in (root / "data", root / "evidence_book", *extra) if p.is_dir()]


def relevant(root: Path, path: str) -> str | None:
    """The path relative to the root when a change there can matter to the book; else None."""
    try:
        rel = Path(path).resolve().relative_to(root)
    except ValueError:
        return None
    name = rel.name
    if (not rel.parts or IGNORED_PARTS & set(rel.parts) or name.startswith((".", "#")) or name.endswith(("~", ".pyc", ".swp", ".tmp"))):
        return None
    return rel.as_posix()


class _Events:
    """watchdog handler → a queue of relative paths (file events only)."""

    def __init__(self, root: Path):
        from watchdog.events import FileSystemEventHandler

        self.root, self.queue = root, queue.Queue()
        outer = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                for p in (event.src_path, getattr(event, "dest_path", "")):
                    rel = relevant(outer.root, p) if p else None
                    if rel:
                        outer.queue.put(rel)

        self.handler = Handler()

    def batch(self) -> list[str]:
        """Block until something changed, then gather what follows within QUIET seconds."""
        got = {self.queue.get()}
        while True:
            try:
                got.add(self.queue.get(timeout=QUIET))
            except queue.Empty:
                return sorted(got)


def _forget_package_modules() -> None:
    """The package changed: drop its modules (not the builder's) so this process imports them anew."""
    for name in [n for n in sys.modules if n.startswith("evidence_book.") and not n.startswith("evidence_book.builder")]:
        if name not in ("evidence_book.env", "evidence_book.text"):  # used by the builder itself
            del sys.modules[name]


@dataclass
class Step:
    ran: list  # section ids executed
    pages: list  # site paths rewritten (chapters/x.html)
    site_wide: bool  # a file every page uses changed (CSS, templates, configuration)
    seconds: dict  # phase → seconds

    def timing(self) -> str:
        return ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items())


class WatchSession:
    def __init__(self, root: Path, overrides=(), jobs=None, say=print):
        self.root = Path(root).resolve()
        self.build_dir = self.root / "_build"
        self.dir = self.build_dir / WATCH_DIR
        self.stage, self.html = self.dir / "stage", self.dir / "html"
        self.overrides, self.say = list(overrides), say
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        # One watcher per book (a second would wipe the first one's preview): a lock held for the session.
        self.build_dir.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.build_dir / ".watch.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._lock, 64, 0).decode(errors="replace").strip() or "?"
            os.close(self._lock)
            raise BuildError(f"make watch is already running for {self.root} (pid {holder}); "
                             "stop it first (Ctrl-C in its terminal)") from None
        os.ftruncate(self._lock, 0)
        os.pwrite(self._lock, str(os.getpid()).encode(), 0)
        # A preview left by an earlier session may be half-written (killed mid-write): start clean.
        shutil.rmtree(self.dir, ignore_errors=True)
        self.html.mkdir(parents=True)
        self.sphinx = LiveSphinx(self.stage, self.html, self.dir / "doctrees")
        self.pool: ProcessPoolExecutor | None = None
        self.pool_pkg = None
        self.memo: dict = {}  # data files already checked, by their bytes (see loader.validate_all)
        self.staged: dict = {}  # staged notebooks, by executed notebook and footer (see builder.assemble)

    def _pool(self, pkg: str) -> ProcessPoolExecutor:
        if self.pool is not None and self.pool_pkg != pkg:
            self.say("  the package changed: restarting the kernels")
            _stop(self.pool)
            self.pool = None
            _forget_package_modules()
            self.memo.clear()
        if self.pool is None:
            ready = self.dir / "warm"
            shutil.rmtree(ready, ignore_errors=True)
            ready.mkdir(parents=True)
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=warm_worker_init,
                                            initargs=(str(self.root), str(self.dir / "kernels.log"), str(ready)))
            self.pool_pkg = pkg
            self.pool.submit(int)  # starts every worker now (fork): kernels warm up while we wait for edits
            threading.Thread(target=self._announce_warm, args=(self.pool, ready), daemon=True).start()
        return self.pool

    def _announce_warm(self, pool, ready: Path) -> None:
        t0 = time.perf_counter()
        while self.pool is pool:
            if ready.is_dir() and len(list(ready.iterdir())) >= self.jobs:
                self.say(f"  {self.jobs} kernels warm ({time.perf_counter() - t0:.0f} s): ready for edits")
                return
            time.sleep(0.2)

    def step(self) -> "Step":
        """One rebuild: which sections ran, which site paths were rewritten, and where the time went."""
        t0 = time.perf_counter()
        # The workers are forked before the lock is taken: a forked child shares the lock's open
        # file, and a long-lived worker holding it would keep `make book` waiting for ever.
        pool = self._pool(package_hash(self.root))
        if not self.memo:  # fill the per-file validation memo now, so the first edit re-checks one file
            from evidence_book.data import DataError, validate_all

            try:
                validate_all(self.root, self.memo)
            except DataError:
                pass  # reported by the plan below
        with build_lock(self.build_dir, self.say, wait=True):
            p = plan(self.root, self.build_dir, False, self.overrides, self.say, self.memo)
            if p.pkg != self.pool_pkg:  # edited between the two reads: never cache old code's results
                raise BuildError("the package changed during this rebuild; it is rebuilt with the new code next")
            t1 = time.perf_counter()
            try:
                run_all(self.root, p.todo, p.params, p.keys, p.cache, None, self.say, False,
                        self.build_dir / ".work", pool=pool)
            except BaseException:
                self.pool = None  # run_all stopped it
                raise
            t2 = time.perf_counter()
            files = assemble(self.root, p.sections, p.params, p.cache, git_commit(self.root), self.staged)
            changed = site.sync_stage(self.stage, files)
        t3 = time.perf_counter()
        pages, warns = self.sphinx.build()
        for w in warns:
            self.say(f"  sphinx: {w}")
        t4 = time.perf_counter()
        return Step([s.id for s in p.todo], [page_path(pg) for pg in pages], any(n.startswith(SITE_WIDE) for n in changed),
                    {"plan": t1 - t0, "execute": t2 - t1, "stage": t3 - t2, "sphinx": t4 - t3})

    def close(self) -> None:
        if self.pool is not None:
            _stop(self.pool)
            self.pool = None
        self.sphinx.close()
        os.close(self._lock)


def watch(root=".", overrides=(), jobs=None, host="127.0.0.1", port=8000, say=print) -> int:
    from watchdog.observers import Observer

    root = Path(root).resolve()

    def term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, term)
    session = server = observer = None
    try:
        session = WatchSession(root, overrides, jobs, say)
        t0 = time.perf_counter()
        try:
            st = session.step()
            say(f"preview built ({len(st.ran)} sections run, {len(st.pages)} pages) in {time.perf_counter() - t0:.1f} s")
        except BuildError as e:
            say(f"BUILD FAILED: {e}")
        try:
            server = ReloadServer(session.html, host, port).start()
        except OSError as e:
            raise BuildError(f"cannot serve on {host}:{port}: {e.strerror} (choose another: make watch PORT=8001)") from None
        events = _Events(root)
        observer = Observer()
        observer.schedule(events.handler, str(root), recursive=False)  # sections.yml, _toc.yml, intro.md, …
        for d in watched_dirs(root):
            observer.schedule(events.handler, str(d), recursive=True)
        observer.start()
        say(f"watching {', '.join(sorted(d.name + '/' for d in watched_dirs(root)))} and the top-level files; "
            f"preview on {server.url} (Ctrl-C stops)")
        while True:
            changed = events.batch()
            t = time.perf_counter()
            changed = [c for c in changed if (root / c).exists()] or changed  # not editors' temporary files
            try:
                st = session.step()
            except BuildError as e:
                say(f"{', '.join(changed)}: BUILD FAILED: {e} (the preview keeps its pages)")
                continue
            server.notify(st.pages, all_pages=st.site_wide)
            say(f"{', '.join(changed)} → ran {', '.join(st.ran) or 'nothing'}; rewrote "
                f"{', '.join(st.pages) or 'no page'} in {time.perf_counter() - t:.1f} s ({st.timing()})")
    except KeyboardInterrupt:
        say("stopped watching (the published site _build/html is unchanged)")
        return 0
    except BuildError as e:
        say(f"BUILD FAILED: {e}")
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if observer is not None:
            observer.stop()
        if server is not None:
            server.stop()
        if session is not None:
            session.close()
