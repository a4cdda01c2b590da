"""Two builds of the same inputs give byte-identical sites, whatever the parallelism or folder."""
from __future__ import annotations

import hashlib
from pathlib import Path

from site_support import built_book, copy_book, run_build


def digests(html: Path) -> dict[str, str]:
    return {p.relative_to(html).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(html.rglob("*")) if p.is_file()}


def test_serial_build_elsewhere_gives_the_same_bytes(tmp_path_factory):
    first = built_book(tmp_path_factory)  # parallel, one worker per core
    second = copy_book(tmp_path_factory.mktemp("again") / "book")
    code, log = run_build(second, jobs=1)
    assert code == 0, log
    a, b = digests(first / "_build/html"), digests(second / "_build/html")
    assert a.keys() == b.keys()
    differ = sorted(k for k in a if a[k] != b[k])
    assert not differ, f"{len(differ)} files differ between two builds of the same inputs: {differ[:10]}"
