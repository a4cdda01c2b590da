"""Sphinx kept alive between rebuilds of one stage (`make watch` only; `make book` never uses it).

`jupyter-book build` starts a new Python, imports Sphinx and every extension, unpickles the
environment and, because the builder removes Sphinx's output for a clean published site, reads and
writes every page: ~5 s on this book. Here one `sphinx.application.Sphinx` object is made once,
with the configuration Jupyter Book would give it (`jupyter_book.config.get_final_config`, the
same call `jupyter_book.sphinx.build_sphinx` makes), and `app.build()` is called again after each
change: Sphinx's own incremental mode then reads only the sources whose mtime changed (the stage
is synced file by file, so untouched files keep their mtime) and writes those pages and the pages
whose table of contents includes them (~0.5 s). A change of `_config.yml` or `_toc.yml` makes a new
application (Sphinx then compares the configuration with its pickled environment by itself).

Limits (why the published site is still built from scratch by `make book`): Sphinx does not track
dependencies it is not told about (e.g. a `{glue}` reference across pages), and an incremental
output keeps files of removed sources. The preview is for the analyst; the site is `make book`'s.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from contextlib import ExitStack
from pathlib import Path

from evidence_book.builder.errors import BuildError
from evidence_book.builder.site import warnings as sphinx_warnings

CONFIG_FILES = ("_config.yml", "_toc.yml")


def _cache_plugin_lookups() -> None:
    """pybtex and sphinxcontrib-bibtex look their style plugins up in the installed packages' entry
    points on every build (a scan of every distribution: ~0.3 s of each rebuild here). Nothing is
    installed while a watch session runs, so within this process each lookup is remembered."""
    import functools

    try:
        import pybtex.plugin as pp
        import sphinxcontrib.bibtex.plugin as bp
    except ImportError:
        return
    if not hasattr(pp._load_entry_point, "cache_info"):
        pp._load_entry_point = functools.lru_cache(maxsize=None)(pp._load_entry_point)
    if not hasattr(bp._entry_points, "cache_info"):
        bp._entry_points = functools.lru_cache(maxsize=None)(bp._entry_points)


class LiveSphinx:
    def __init__(self, stage: Path, out: Path, doctrees: Path):
        self.stage, self.out, self.doctrees = Path(stage), Path(out), Path(doctrees)
        self.app = None
        self._stack: ExitStack | None = None
        self._config_hash = None
        self._warnings = io.StringIO()
        self.written: list[str] = []

    def _config_digest(self) -> str:
        h = hashlib.sha256()
        for name in CONFIG_FILES:
            p = self.stage / name
            h.update(p.read_bytes() if p.is_file() else b"absent")
        return h.hexdigest()

    def _make_app(self) -> None:
        from jupyter_book.config import get_final_config
        from sphinx.application import Sphinx
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        self.close()
        _cache_plugin_lookups()
        config, _meta = get_final_config(
            user_yaml=self.stage / "_config.yml",
            cli_config={"external_toc_path": str(self.stage / "_toc.yml"), "latex_individualpages": False},
            sourcedir=self.stage, use_external_toc=True)
        # docutils' directive and role registries are global: the application's extensions register
        # into them, so the patch stays open for as long as the application lives (one thread).
        stack = ExitStack()
        stack.enter_context(patch_docutils(None))
        stack.enter_context(docutils_namespace())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.app = Sphinx(srcdir=self.stage, confdir=None, outdir=self.out, doctreedir=self.doctrees,
                                  buildername="html", confoverrides=config, status=None,
                                  warning=self._warnings, freshenv=False)
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        self.app.connect("html-page-context", self._page_written)
        self._config_hash = self._config_digest()

    def _page_written(self, app, pagename, templatename, context, doctree) -> None:
        self.written.append(pagename)

    def build(self) -> tuple[list[str], list[str]]:
        """Bring the output up to date with the stage: (pages written, Sphinx warnings)."""
        try:
            if self.app is None or self._config_hash != self._config_digest():
                self._make_app()
            self.written = []
            self._warnings.seek(0)
            self._warnings.truncate()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # nbformat's notices about cell ids, on every read
                self.app.build(False, [])
        except (Exception, SystemExit) as e:  # the application may be half-updated: start a new one next time
            self.close()
            msg = " ".join(str(e).split())[:300]
            raise BuildError(f"Sphinx failed: {type(e).__name__}: {msg}") from None
        return list(self.written), sphinx_warnings(self._warnings.getvalue())

    def close(self) -> None:
        self.app = None
        if self._stack is not None:
            self._stack.close()
            self._stack = None
