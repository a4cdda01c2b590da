"""Tests of evidence_book.builder.manifest: declared outputs beside the site."""
from __future__ import annotations

import pytest

from evidence_book.builder.errors import BuildError
from evidence_book.builder.manifest import Output, Section, load_outputs

SECTIONS = [Section("one", "chapters/a.ipynb", "One"), Section("two", "chapters/a.ipynb", "Two")]


def manifest(tmp_path, outputs: str):
    (tmp_path / "sections.yml").write_text("sections: []\n" + outputs)
    return tmp_path


def test_outputs_name_section_files(tmp_path):
    root = manifest(tmp_path, "outputs:\n  audit/all.csv: [one/x.csv, two/x.csv]\n  notes/one.txt: one/n.txt\n")
    assert load_outputs(root, SECTIONS) == [Output("audit/all.csv", (("one", "x.csv"), ("two", "x.csv"))),
                                            Output("notes/one.txt", (("one", "n.txt"),))]
    assert load_outputs(manifest(tmp_path, ""), SECTIONS) == []


def test_an_output_from_a_file_of_the_site_source_at_the_top_of_build(tmp_path):
    root = manifest(tmp_path, "outputs:\n  changes.json: site:_extra/changes.json\n")
    assert load_outputs(root, SECTIONS) == [Output("changes.json", (("site:", "_extra/changes.json"),))]


@pytest.mark.parametrize("outputs, message", [
    ("outputs:\n  html/x.csv: [one/x.csv]\n", "outside html/"),
    ("outputs:\n  sites: [one/x.csv]\n", "outside html/"),
    ("outputs:\n  .cache/x.json: [one/x.csv]\n", "relative path"),
    ("outputs:\n  x.json: ['site:']\n", "not 'section-id/file' of a known section"),
    ("outputs:\n  ../x.csv: [one/x.csv]\n", "relative path"),
    ("outputs:\n  a/x.csv: [three/x.csv]\n", "not 'section-id/file' of a known section"),
    ("outputs:\n  a/x.csv: []\n", "lists no source"),
    ("outputs: [a]\n", "must map a path"),
])
def test_bad_outputs_are_one_message(tmp_path, outputs, message):
    with pytest.raises(BuildError, match=message):
        load_outputs(manifest(tmp_path, outputs), SECTIONS)
