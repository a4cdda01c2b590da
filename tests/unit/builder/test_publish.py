"""Tests of evidence_book.builder.publish on small directories (no build)."""
from __future__ import annotations

import os
from pathlib import Path

from evidence_book.builder import publish


def stage(tmp_path: Path, n: int) -> Path:
    d = tmp_path / f"stage{n}"
    (d / "chapters").mkdir(parents=True)
    (d / "index.html").write_text(f"site {n}")
    (d / "chapters" / "a.html").write_text(f"page a of site {n}")
    return d


def versions(build: Path) -> list[str]:
    return sorted(p.name for p in (build / "sites").iterdir())


def test_each_publish_keeps_the_version_it_replaced_and_no_older(tmp_path):
    build = tmp_path / "_build"
    v1 = publish.publish(stage(tmp_path, 1), build)
    assert versions(build) == [v1.name] and publish.previous_version(build) is None
    v2 = publish.publish(stage(tmp_path, 2), build)
    # a reader that resolved _build/html just before the swap still finds its whole site
    assert (v1 / "chapters" / "a.html").read_text() == "page a of site 1"
    assert versions(build) == sorted([v1.name, v2.name]) and publish.previous_version(build) == v1.name
    v3 = publish.publish(stage(tmp_path, 3), build)
    assert versions(build) == sorted([v2.name, v3.name])
    assert (build / "html" / "index.html").read_text() == "site 3" and os.readlink(build / "html") == f"sites/{v3.name}"
    assert publish.site_damage(build) == ""


def test_leftovers_of_an_interrupted_publish_go_the_kept_version_stays(tmp_path):
    build = tmp_path / "_build"
    v1 = publish.publish(stage(tmp_path, 1), build)
    v2 = publish.publish(stage(tmp_path, 2), build)
    (build / "sites" / "v9-1.partial").mkdir()
    (build / "sites" / "v9-1").mkdir()  # complete but never linked (killed before the swap)
    (build / ".html.1.link").symlink_to("sites/v9-1")
    removed = publish.clear_leftovers(build)
    assert sorted(removed) == [".html.1.link", "v9-1", "v9-1.partial"]
    assert versions(build) == sorted([v1.name, v2.name])
