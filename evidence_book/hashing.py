"""Content hashes of files and trees: the one way the book decides whether something changed (the
builder's cache and stamp, the staged site, data versions and the package source of What changed).

Imports only the standard library: the no-op build path (`builder.stamp`) uses it before anything heavy.
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


def _named_contents_hash(items) -> str:
    """One hash of (name, bytes) pairs in the order given: each name, a NUL, the SHA-256 of its bytes."""
    h = hashlib.sha256()
    for name, data in items:
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def files_hash(files: dict[str, bytes]) -> str:
    """One hash of a set of files held in memory ({name: bytes}), in name order: a rename is a change."""
    return _named_contents_hash((name, files[name]) for name in sorted(files))


def tree_hash(root: Path, skip_dirs=frozenset(), suffixes=None) -> str:
    """One hash of the names and bytes of every file `walk_files` finds (read one at a time)."""
    root = Path(root)
    return _named_contents_hash((p.relative_to(root).as_posix(), p.read_bytes())
                                for p in walk_files(root, skip_dirs, suffixes))
