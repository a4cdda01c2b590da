"""Tests of evidence_book.builder.watch that start nothing: what is watched and which changes count."""
from __future__ import annotations

from evidence_book.builder.watch import relevant, watched_dirs


def test_watches_data_the_package_and_every_staged_folder_but_not_build_outputs(tmp_path):
    for d in ("data", "evidence_book", "chapters", "references", "_static", "_build", "tests", ".git", "bench"):
        (tmp_path / d).mkdir()
    names = {p.name for p in watched_dirs(tmp_path)}
    assert {"data", "evidence_book", "chapters", "references", "_static"} <= names
    assert not names & {"_build", "tests", ".git", "bench"}


def test_editor_and_python_leftovers_are_not_changes(tmp_path):
    root = tmp_path.resolve()
    assert relevant(root, str(root / "data" / "nerve" / "pio.csv")) == "data/nerve/pio.csv"
    assert relevant(root, str(root / "sections.yml")) == "sections.yml"
    for noise in ("data/nerve/.pio.csv.swp", "data/nerve/pio.csv~", "evidence_book/__pycache__/x.cpython-311.pyc",
                  "chapters/.ipynb_checkpoints/a-checkpoint.ipynb", "_build/watch/html/index.html", ".git/index"):
        assert relevant(root, str(root / noise)) is None, noise
    assert relevant(root, "/somewhere/else.csv") is None


def test_a_second_watcher_of_the_same_book_is_refused_in_one_line(tmp_path):
    import pytest

    from evidence_book.builder.errors import BuildError
    from evidence_book.builder.watch import WatchSession

    first = WatchSession(tmp_path, say=lambda m: None)
    try:
        with pytest.raises(BuildError, match=r"make watch is already running .*pid \d+"):
            WatchSession(tmp_path, say=lambda m: None)
    finally:
        first.close()
    WatchSession(tmp_path, say=lambda m: None).close()  # free again once the first is closed
