"""Tests of evidence_book.data.versions on small git repositories made by the test."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from evidence_book.data import versions

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "T",
       "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(root: Path, *args, date: str = "2026-01-01T00:00:00+00:00") -> str:
    env = ENV | {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path) -> tuple[Path, dict]:
    """code-only commit, data commit, code-only commit (tagged), data edit commit."""
    root = tmp_path / "book"
    root.mkdir()
    git(root, "init", "-q")
    (root / "README").write_text("x\n")
    revs = {"code": commit(root, "code", "2026-01-01T00:00:00+00:00")}
    (root / "data" / "r").mkdir(parents=True)
    (root / "data" / "r" / "t.csv").write_text("a,b\n1,2\n")
    revs["data1"] = commit(root, "first data", "2026-01-02T00:00:00+00:00")
    (root / "README").write_text("y\n")
    revs["quiet"] = commit(root, "words", "2026-01-03T00:00:00+00:00")
    git(root, "tag", "-a", "v1", "-m", "release")
    (root / "data" / "r" / "t.csv").write_text("a,b\n1,3\n")
    revs["data2"] = commit(root, "edit data", "2026-01-04T00:00:00+00:00")
    return root, revs


def test_history_newest_first_with_data_changes_and_tags(repo):
    root, revs = repo
    h = versions.history(root)
    assert h.status == "ok" and not h.shallow and h.working_changed == []
    assert [c.rev for c in h.commits] == [revs[k] for k in ("data2", "quiet", "data1", "code")]
    assert [c.changes_data for c in h.commits] == [True, False, True, False]
    assert [c.tags for c in h.commits] == [(), ("v1",), (), ()]  # an annotated tag, peeled to its commit
    assert h.commits[0].date.startswith("2026-01-04") and h.commits[0].subject == "edit data"
    assert h.commits[-1].data_key == versions.EMPTY and h.commits[1].data_key == h.commits[2].data_key


def test_files_of_a_version_and_of_the_working_copy(repo):
    root, revs = repo
    assert versions.data_files(root, revs["data1"]) == {"r/t.csv": b"a,b\n1,2\n"}
    assert versions.data_files(root, revs["code"]) == {}
    (root / "data" / "r" / "t.csv").write_text("a,b\n1,4\n")
    (root / "data" / "r" / "new.csv").write_text("c\n")
    assert versions.history(root).working_changed == ["data/r/new.csv", "data/r/t.csv"]
    assert versions.working_files(root)["r/t.csv"] == b"a,b\n1,4\n"
    assert versions.files_key({"a": b"1"}) == versions.files_key({"a": b"1"}) != versions.files_key({"a": b"2"})


def test_a_book_in_a_subfolder_of_the_repository(repo, tmp_path):
    root, revs = repo
    sub = root / "book"
    (sub / "data").mkdir(parents=True)
    (sub / "data" / "x.csv").write_text("x\n1\n")
    sha = commit(root, "a book in a folder", "2026-01-05T00:00:00+00:00")
    h = versions.history(sub)
    assert h.commits[0].rev == sha and h.commits[0].changes_data and not h.commits[1].changes_data
    assert versions.data_files(sub, sha) == {"x.csv": b"x\n1\n"}


def test_not_a_checkout_and_no_commits(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    h = versions.history(plain)
    assert h.status == "not_a_checkout" and h.commits == []
    git(plain, "init", "-q")
    (plain / "data").mkdir()
    (plain / "data" / "t.csv").write_text("a\n")
    h = versions.history(plain)
    assert h.status == "no_commits" and h.working_changed == ["data/t.csv"]


def test_git_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on the PATH
    assert versions.history(tmp_path).status == "no_git"


def test_a_shallow_clone_says_so_and_leaves_the_oldest_change_unknown(repo, tmp_path):
    root, revs = repo
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{root}", str(clone)], env=ENV, check=True)
    h = versions.history(clone)
    assert h.shallow and [c.rev for c in h.commits] == [revs["data2"], revs["quiet"]]
    assert h.commits[0].changes_data is True and h.commits[1].changes_data is None
