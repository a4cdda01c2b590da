"""The no-op fast path: is the published site already the build of exactly these inputs?

The stamp is a hash of every input file of the book (everything in the tree but `_build`, `.venv`,
`.git`, `tests`, `bench`, caches), the command-line overrides, the git commit shown in the
footers, the working copy's status and the tags (the "What changed" page lists commits and tags). It is written (atomically) after each successful publish and checked on read, with the published
site's file list (`publish.site_damage`, sizes only); when it matches, `build` stops at once
without importing papermill, pandas, YAML or Sphinx. Any change, even one that turns out not to
matter, falls through to the normal (incremental) build, so the fast path can only be conservative.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from evidence_book.hashing import tree_hash

SKIP = {"_build", ".venv", ".git", "tests", "bench", "node_modules", "__pycache__", ".pytest_cache",
        ".ipynb_checkpoints", "_files_local", ".github", ".ci"}


def _git(root: Path, *args) -> str:
    try:
        r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    except OSError:
        return ""
    return r.stdout.strip() if r.returncode == 0 else ""


def inputs_hash(root: Path, overrides=()) -> str:
    h = hashlib.sha256(tree_hash(root, SKIP).encode())
    h.update(json.dumps(list(overrides)).encode())
    h.update(_git(root, "rev-parse", "HEAD").encode())
    h.update(_git(root, "for-each-ref", "--format=%(objectname) %(refname)", "refs/tags").encode())  # What changed names tags
    h.update(_git(root, "status", "--porcelain", "--", ".", ":(exclude)_build", ":(exclude).venv").encode())
    return h.hexdigest()


def _path(root: Path) -> Path:
    return Path(root) / "_build" / ".cache" / "stamp.json"


def up_to_date(root: Path, overrides=()) -> bool:
    try:
        stamp = json.loads(_path(root).read_text())["inputs"]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False
    if not isinstance(stamp, str) or stamp != inputs_hash(root, overrides):
        return False
    b = Path(root) / "_build"
    if any(p.exists() for p in (b / "html.new", b / "html.old", b / ".work")) or any(b.glob(".html.*")) \
            or len(list((b / "sites").glob("*"))) > 1:
        return False  # an interrupted build left something: the full build clears it
    # the published site must still hold every file it was published with (sizes only: fast)
    from evidence_book.builder.publish import site_damage

    return site_damage(Path(root) / "_build", deep=False) == ""


def write(root: Path, overrides=()) -> None:
    from evidence_book.builder.publish import atomic_write

    atomic_write(_path(root), json.dumps({"inputs": inputs_hash(root, overrides)}).encode())


def clear(root: Path) -> None:
    """Forget the stamp: the next build takes the normal path (e.g. the site must now link the PDF)."""
    _path(root).unlink(missing_ok=True)
