"""Content hashes of files and trees: the one way the builder decides whether something changed.

Imports only the standard library: the no-op build path (`stamp`) uses it before anything heavy.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

ABSENT = "absent"  # the hash of a missing file: creating it later is a change too


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    try:
        return sha256_bytes(Path(path).read_bytes())
    except FileNotFoundError:
        return ABSENT


def canonical(obj) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def walk_files(root: Path, skip_dirs=frozenset(), suffixes=None) -> list[Path]:
    """Every file under ``root`` in a stable order, not descending into ``skip_dirs`` (names),
    keeping only ``suffixes`` when given."""
    root = Path(root)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs and d != "__pycache__")
        for name in sorted(filenames):
            if suffixes is None or Path(name).suffix in suffixes:
                out.append(Path(dirpath) / name)
    return out


def tree_hash(root: Path, skip_dirs=frozenset(), suffixes=None) -> str:
    """One hash of the names and bytes of every file `walk_files` finds."""
    root = Path(root)
    h = hashlib.sha256()
    for p in walk_files(root, skip_dirs, suffixes):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()
