"""The environment contract between the builder and a section's kernel: one place for the names.

The builder sets these variables in the kernel that executes a section; the loader and the
display helpers read them. Run by hand (no builder), none is set and each reader falls back to a
local default, so a chapter notebook also runs in plain Jupyter.

- ``EVIDENCE_BOOK_ROOT``     the book root (where ``data/`` is)
- ``EVIDENCE_BOOK_READS``    a file the loader appends every data file it opens to (cache keys)
- ``EVIDENCE_BOOK_FILES``    where the section writes its figures and downloads
- ``EVIDENCE_BOOK_SECTION``  the section id (links to its files; "validated already" signal)
"""
from __future__ import annotations

import os

ROOT = "EVIDENCE_BOOK_ROOT"
READS = "EVIDENCE_BOOK_READS"
FILES = "EVIDENCE_BOOK_FILES"
SECTION = "EVIDENCE_BOOK_SECTION"


def section_env(root: str, reads_file: str, files_dir: str, section_id: str) -> dict[str, str]:
    """The variables the builder sets for one section."""
    return {ROOT: str(root), READS: str(reads_file), FILES: str(files_dir), SECTION: section_id}


def root() -> str | None:
    return os.environ.get(ROOT) or None


def reads_file() -> str | None:
    return os.environ.get(READS) or None


def files_dir() -> str | None:
    return os.environ.get(FILES) or None


def section() -> str | None:
    """The id of the section being built, or None when a notebook runs by hand."""
    return os.environ.get(SECTION) or None
