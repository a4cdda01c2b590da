"""Tests of evidence_book.builder.toc (read through sphinx_external_toc)."""
from __future__ import annotations

import pytest
import yaml

from conftest import REPO
from evidence_book.builder.errors import BuildError
from evidence_book.builder.toc import toc_files, with_titles


def test_toc_files_of_the_book_start_at_the_root():
    files = toc_files(REPO)
    assert files[0] == yaml.safe_load((REPO / "_toc.yml").read_text())["root"]
    assert "chapters/nerve-studies" in files and len(files) == len(set(files))


def test_titles_are_added_only_where_missing(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: a\n  - file: b\n    title: Kept\n")
    toc = yaml.safe_load(with_titles(tmp_path, {"a": "From sections", "b": "Not used"}))
    assert toc["chapters"] == [{"file": "a", "title": "From sections"}, {"file": "b", "title": "Kept"}]


@pytest.mark.parametrize("text", ["format: jb-book\nroot: [unclosed\n", "format: nope\nroot: intro\n"])
def test_a_broken_toc_is_one_message(tmp_path, text):
    (tmp_path / "_toc.yml").write_text(text)
    with pytest.raises(BuildError, match=r"^_toc\.yml: "):
        toc_files(tmp_path)
