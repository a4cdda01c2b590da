"""The same inputs give byte-identical sites, whatever the path to them: another folder, another
parallelism, or an incremental build on top of an older site instead of a cold one."""
from __future__ import annotations

from pathlib import Path

from evidence_book.builder.manifest import load_manifest
from site_support import built_book, copy_book, copy_built, edit_data, file_digests, run_build


def assert_same_site(a: Path, b: Path, what: str) -> None:
    da, db = file_digests(a), file_digests(b)
    assert da.keys() == db.keys(), (f"{what}: different files: only in the first {sorted(da.keys() - db.keys())[:10]}, "
                                    f"only in the second {sorted(db.keys() - da.keys())[:10]}")
    differ = sorted(k for k in da if da[k] != db[k])
    assert not differ, f"{what}: {len(differ)} files differ: {differ[:10]}"


def test_serial_build_elsewhere_gives_the_same_bytes(tmp_path_factory):
    # two cold builds in different folders (the session's, parallel; this one, serial)
    first = built_book(tmp_path_factory)  # parallel, one worker per core
    second = copy_book(tmp_path_factory.mktemp("again") / "book")
    code, log = run_build(second, jobs=1)
    assert code == 0, log
    assert first.parent != second.parent
    assert_same_site(first / "_build/html", second / "_build/html", "two cold builds in different folders")


def test_incremental_build_equals_a_cold_build_of_the_same_inputs(tmp_path_factory):
    built = built_book(tmp_path_factory)
    incremental = copy_built(built, tmp_path_factory.mktemp("incremental") / "book")
    before = file_digests(incremental / "_build/html")
    edit_data(incremental)
    code, log = run_build(incremental)
    assert code == 0, log
    ran = [line.split()[1] for line in log.splitlines() if line.strip().startswith("ran ")]
    assert 0 < len(ran) < len(load_manifest(incremental)), f"not an incremental build:\n{log}"
    assert file_digests(incremental / "_build/html") != before, "the edit changed no page"

    cold = copy_book(tmp_path_factory.mktemp("cold") / "book")
    edit_data(cold)
    assert not (cold / "_build").exists()
    code, log = run_build(cold)
    assert code == 0, log
    assert_same_site(incremental / "_build/html", cold / "_build/html",
                     "an incremental build and a cold build of the same inputs")
