"""Tests of evidence_book.hashing: what counts as a change."""
from __future__ import annotations

import hashlib

from evidence_book.hashing import ABSENT, canonical, file_hash, files_hash, tree_hash, walk_files


def test_tree_hash_sees_content_names_and_skips(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.py").write_text("1")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "y.py").write_text("2")
    first = tree_hash(tmp_path, skip_dirs={"skip"})
    (tmp_path / "skip" / "y.py").write_text("changed")
    assert tree_hash(tmp_path, skip_dirs={"skip"}) == first  # skipped folders do not count
    (tmp_path / "a" / "x.py").write_text("2")
    assert tree_hash(tmp_path, skip_dirs={"skip"}) != first
    (tmp_path / "a" / "x.py").rename(tmp_path / "a" / "z.py")
    renamed = tree_hash(tmp_path, skip_dirs={"skip"})
    (tmp_path / "a" / "z.py").rename(tmp_path / "a" / "x.py")
    assert renamed != tree_hash(tmp_path, skip_dirs={"skip"})  # a rename is a change
    (tmp_path / "a" / "notes.txt").write_text("t")
    assert [p.name for p in walk_files(tmp_path, suffixes={".py"})] == ["x.py", "y.py"]


def test_missing_file_and_canonical_json(tmp_path):
    assert file_hash(tmp_path / "none") == ABSENT
    assert canonical({"b": 1, "a": [1, 2]}) == canonical({"a": [1, 2], "b": 1}) == '{"a":[1,2],"b":1}'


def test_a_set_of_files_in_memory_hashes_like_the_same_tree_on_disk(tmp_path):
    files = {"b/y.txt": b"2", "a.txt": b"1"}
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    assert files_hash(files) == tree_hash(tmp_path) == files_hash(dict(reversed(files.items())))
    want = hashlib.sha256(b"a.txt\0" + hashlib.sha256(b"1").digest() + b"b/y.txt\0" + hashlib.sha256(b"2").digest())
    assert files_hash(files) == want.hexdigest()  # name, NUL, SHA-256 of the bytes, in name order
    assert files_hash({"a.txt": b"1", "b/z.txt": b"2"}) != files_hash(files)  # a rename is a change
    assert files_hash({}) == hashlib.sha256().hexdigest()
