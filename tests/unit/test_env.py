"""Tests of evidence_book.env: the builder sets what the loader and display read."""
from __future__ import annotations

from evidence_book import env


def test_the_builder_environment_is_what_the_readers_see(monkeypatch):
    variables = env.section_env("/book", "/tmp/reads.txt", "/tmp/files", "nerve-studies")
    assert set(variables) == {env.ROOT, env.READS, env.FILES, env.SECTION}
    for k, v in variables.items():
        monkeypatch.setenv(k, v)
    assert (env.root(), env.reads_file(), env.files_dir(), env.section()) == ("/book", "/tmp/reads.txt", "/tmp/files", "nerve-studies")


def test_run_by_hand_nothing_is_set(monkeypatch):
    for k in (env.ROOT, env.READS, env.FILES, env.SECTION):
        monkeypatch.delenv(k, raising=False)
    assert env.section() is None and env.root() is None
