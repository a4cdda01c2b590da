"""The staging tree and the Jupyter Book run (publishing is `publish.py`).

The stage (`_build/.stage/`) holds what Jupyter Book reads: `_config.yml`, `_toc.yml`, the Markdown
pages, the executed notebooks and the files sections wrote. It is kept between builds and only
changed files are rewritten. Sphinx's own output (`.stage/_build`) is removed before every run:
an incremental Sphinx build keeps pages and static files of removed sources and differs from a
cold build (CSS `?v=` queries, stale search terms), so every published site is a clean build.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from evidence_book.builder.errors import BuildError
from evidence_book.builder.lock import fault, fault_at

# Files of the book source that go to the stage (notebooks go only as executed sections).
PAGES = ("_config.yml", "_toc.yml")
SKIP_DIRS = {"_build", ".venv", ".git", "data", "tests", "bench", "evidence_book", "node_modules", ".ci"}


def source_files(root: Path) -> dict[str, bytes]:
    files = {name: (root / name).read_bytes() for name in PAGES}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if not p.is_file() or rel.parts[0] in SKIP_DIRS or ".ipynb_checkpoints" in rel.parts:
            continue
        if p.suffix == ".ipynb" or rel.as_posix() == "README.md" or rel.parts[0].startswith("."):
            continue
        if p.suffix in {".md", ".bib", ".css", ".png", ".svg", ".js", ".woff2"} or rel.parts[0] == "_static":
            files[rel.as_posix()] = p.read_bytes()
    return files


def vendor_files() -> dict[str, bytes]:
    """itables' DataTables bundle, served from the site itself (no CDN).

    Everything under `_extra/` is copied verbatim to the site root (Sphinx `html_extra_path`):
    the bundle, and each section's figures and downloads under `chapters/_files/<section>/`.
    """
    import importlib.util

    spec = importlib.util.find_spec("itables")
    html = Path(spec.origin).parent / "html"
    return {f"_extra/itables/{n}": (html / n).read_bytes() for n in ("dt_bundle.js", "dt_bundle.css")}


def sync_stage(stage: Path, files: dict[str, bytes]) -> list[str]:
    """Make the stage hold exactly `files` (outside its `_build`); returns the names written."""
    written = []
    for name, data in files.items():
        p = stage / name
        if p.exists() and p.read_bytes() == data:
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        written.append(name)
    for p in sorted(stage.rglob("*"), reverse=True):
        rel = p.relative_to(stage)
        if rel.parts[0] == "_build":
            continue
        if p.is_file() and rel.as_posix() not in files:
            p.unlink()
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    return written


def run_jupyter_book(stage: Path) -> str:
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe), "build", str(stage), "--path-output", str(stage), "--builder", "html"]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    shutil.rmtree(stage / "_build", ignore_errors=True)
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as proc:
        if fault_at("sphinx"):  # test hook: kill while Sphinx writes
            time.sleep(3)
            fault("sphinx")
        log = proc.communicate()[0]
    if proc.returncode != 0 or "There was an error in building your book" in log:
        tail = "\n".join(log.strip().splitlines()[-25:])
        raise BuildError(f"jupyter-book build failed (exit {proc.returncode}); the published site is unchanged:\n{tail}")
    return log


# Jupyter Book passes this setting even when sphinx_comments is not loaded (we drop it on purpose).
KNOWN_HARMLESS = ("unknown config value 'comments_config'",)


def warnings(log: str) -> list[str]:
    return [line for line in log.splitlines()
            if re.search(r"WARNING|ERROR", line) and not any(k in line for k in KNOWN_HARMLESS)]
