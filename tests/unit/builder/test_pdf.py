"""Tests of evidence_book.builder.pdf that need no browser: reading order and the home-page link."""
from __future__ import annotations

import hashlib
import json

import yaml

from conftest import REPO
from evidence_book.hashing import files_hash
from evidence_book.builder.cache import Cache
from evidence_book.builder.pdf import LINK_CLASS, PDF, Entry, book_order, site_additions


def test_book_order_follows_the_toc_with_its_parts():
    doc = yaml.safe_load((REPO / "_toc.yml").read_text())
    want = [Entry(doc["root"], None)] + [Entry(c["file"], part["caption"]) for part in doc["parts"] for c in part["chapters"]]
    assert book_order(REPO) == want


def _book(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: a\n")
    files = {"intro.md": b"# Home\n", "a.md": b"# A\n"}
    build_dir = tmp_path / "_build"
    (build_dir / PDF).parent.mkdir(parents=True)
    (build_dir / PDF).write_bytes(b"%PDF-1.7 test")
    return files, Cache(build_dir, lambda m: None), build_dir


def test_the_home_page_links_the_pdf_made_from_these_files(tmp_path):
    files, cache, build_dir = _book(tmp_path)
    cache.set("pdf", {"site": files_hash(files), "pages": 3,
                      "sha256": hashlib.sha256((build_dir / PDF).read_bytes()).hexdigest()})
    extra = site_additions(tmp_path, cache, files)
    assert extra[f"_extra/{PDF}"] == (build_dir / PDF).read_bytes()
    assert extra["intro.md"].startswith(b"# Home\n") and LINK_CLASS.encode() in extra["intro.md"]
    assert b'href="book.pdf"' in extra["intro.md"] and b"3 pages" in extra["intro.md"]
    assert set(extra) == {f"_extra/{PDF}", "intro.md"}


def test_no_link_to_a_stale_missing_or_altered_pdf(tmp_path):
    files, cache, build_dir = _book(tmp_path)
    digest = hashlib.sha256((build_dir / PDF).read_bytes()).hexdigest()
    cache.set("pdf", {"site": files_hash({**files, "a.md": b"# A, edited\n"}), "sha256": digest})
    assert site_additions(tmp_path, cache, files) == {}  # made from other files
    cache.set("pdf", {"site": files_hash(files), "sha256": digest})
    (build_dir / PDF).write_bytes(b"%PDF-1.7 altered")
    assert site_additions(tmp_path, cache, files) == {}
    (build_dir / PDF).unlink()
    assert site_additions(tmp_path, cache, files) == {}
    assert site_additions(tmp_path, Cache(tmp_path / "other", lambda m: None), files) == {}  # never made


def test_a_notebook_home_page_gets_the_link_as_a_last_cell(tmp_path):
    files, cache, build_dir = _book(tmp_path)
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Home"}], "metadata": {},
          "nbformat": 4, "nbformat_minor": 5}
    files = {"intro.ipynb": json.dumps(nb).encode(), "a.md": b"# A\n"}
    cache.set("pdf", {"site": files_hash(files),
                      "sha256": hashlib.sha256((build_dir / PDF).read_bytes()).hexdigest()})
    cells = json.loads(site_additions(tmp_path, cache, files)["intro.ipynb"])["cells"]
    assert len(cells) == 2 and LINK_CLASS in cells[-1]["source"]
