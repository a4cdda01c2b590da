"""Citation metadata template: page title from Sphinx, book title and data-version date from inputs."""
from __future__ import annotations

from evidence_book.citation import layout, site_files


def test_layout_has_title_and_data_version_date():
    t = layout("Book <x>", "Us", {"commit": "abc1234", "date": "2026-01-02"})
    assert t.startswith('{% extends "!layout.html" %}')
    assert '<meta name="citation_title" content="{{ title|striptags|e }}">' in t
    assert '<meta name="citation_inbook_title" content="Book &lt;x&gt;">' in t
    assert '<meta name="citation_publication_date" content="2026/01/02">' in t


def test_no_git_no_date(tmp_path):
    (tmp_path / "sections.yml").write_text("sections: []\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "_config.yml").write_text("title: T\nauthor: A\n")
    text = site_files(tmp_path)["_templates/layout.html"].decode()
    assert "citation_title" in text and "citation_publication_date" not in text
