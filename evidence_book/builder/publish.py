"""Publishing in one atomic step, and checking what is published.

`_build/html` is a relative symlink to one complete version `_build/sites/<version>/`. A new
version is copied to `sites/<version>.partial`, renamed to `sites/<version>` when complete, and
published by one `os.replace` of a fresh symlink onto `_build/html` (rename(2) is atomic: any
reader, at any instant, sees the old complete site or the new complete one). What a version must
hold is recorded in `_build/.cache/site.json` (path → size, sha256), so a damaged site (a deleted
or edited page) is noticed and republished. `clear_leftovers` (run under the build lock) removes
what an interrupted build left: partial or unpublished versions, temporary links, old layouts.

The version a publish replaces is kept until the next publish (the manifest names it `previous`):
a reader that resolved `_build/html` an instant before the swap (a web server mid-request) still
finds every file of the site it started on. Older versions are removed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from evidence_book.builder.lock import fault

SITES = "sites"
MANIFEST = "site.json"


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file, fsync and rename: readers see the old bytes or the new ones."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def current(build_dir: Path) -> Path | None:
    """The published version directory (None when nothing is published)."""
    link = Path(build_dir) / "html"
    if link.is_symlink():
        target = (link.parent / os.readlink(link))
        return target if target.is_dir() else None
    return link if link.is_dir() else None


def site_files(html: Path) -> dict[str, list]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(html):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            out[p.relative_to(html).as_posix()] = [p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()]
    return out


def _manifest_doc(build_dir: Path) -> dict:
    try:
        doc = json.loads((Path(build_dir) / ".cache" / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def read_manifest(build_dir: Path) -> dict | None:
    files = _manifest_doc(build_dir).get("files")
    return files if isinstance(files, dict) else None


def previous_version(build_dir: Path) -> str | None:
    """The version the published one replaced (kept until the next publish), if recorded."""
    prev = _manifest_doc(build_dir).get("previous")
    return prev if isinstance(prev, str) and prev and "/" not in prev and not prev.endswith(".partial") else None


def site_damage(build_dir: Path, deep: bool = True) -> str:
    """'' when the published site is exactly what was published; else what is wrong (one line)."""
    html, want = current(build_dir), read_manifest(build_dir)
    if html is None:
        return "no published site"
    if want is None:
        return "no record of the published files"
    for rel, (size, digest) in want.items():
        p = html / rel
        try:
            if p.stat().st_size != size:
                return f"{rel} was changed"
        except OSError:
            return f"{rel} is missing"
        if deep and hashlib.sha256(p.read_bytes()).hexdigest() != digest:
            return f"{rel} was changed"
    if deep:
        extra = sorted(set(site_files(html)) - set(want))
        if extra:
            return f"{extra[0]} should not be there"
    return ""


def publish(stage_html: Path, build_dir: Path, drop=(".buildinfo",)) -> Path:
    """Copy `stage_html` to a new version and switch `_build/html` to it in one rename."""
    build_dir = Path(build_dir)
    sites = build_dir / SITES
    sites.mkdir(parents=True, exist_ok=True)
    version = f"v{time.time_ns()}-{os.getpid()}"
    partial = sites / f"{version}.partial"
    shutil.copytree(stage_html, partial, ignore=shutil.ignore_patterns(*drop))
    fault("publish-copied")
    files = site_files(partial)
    partial.rename(sites / version)
    fault("publish-renamed")
    link = build_dir / "html"
    replaced = current(build_dir)
    if link.exists() and not link.is_symlink():  # the layout before versions: move it aside once
        replaced = link.rename(sites / f"v0-legacy-{os.getpid()}")
    previous = replaced.name if replaced is not None and replaced.parent.resolve() == sites.resolve() else None
    atomic_write(build_dir / ".cache" / f"{MANIFEST}.next",
                 json.dumps({"version": version, "previous": previous, "files": files}).encode())
    tmp = build_dir / f".html.{os.getpid()}.link"
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(f"{SITES}/{version}", tmp)
    fault("publish-linked")
    os.replace(tmp, link)  # the one step that publishes
    fault("publish-swapped")
    os.replace(build_dir / ".cache" / f"{MANIFEST}.next", build_dir / ".cache" / MANIFEST)
    clear_leftovers(build_dir)
    return sites / version


def clear_leftovers(build_dir: Path) -> list[str]:
    """Remove every version but the published one and the one it replaced, temporary links, work
    files of sections (`_build/.work`) and the old html.new/html.old."""
    build_dir = Path(build_dir)
    removed = []
    live = current(build_dir)
    nxt = build_dir / ".cache" / f"{MANIFEST}.next"
    if nxt.exists():  # killed between the swap and the manifest rename: keep the one that matches
        try:
            if live is not None and json.loads(nxt.read_text()).get("version") == live.name:
                os.replace(nxt, build_dir / ".cache" / MANIFEST)
            else:
                nxt.unlink()
        except (OSError, ValueError, AttributeError):
            nxt.unlink(missing_ok=True)
    keep = previous_version(build_dir) if live is not None else None
    for p in [build_dir / "html.new", build_dir / "html.old", build_dir / ".work", *build_dir.glob(".html.*.link"),
              *((build_dir / SITES).iterdir() if (build_dir / SITES).is_dir() else ())]:
        if live is not None and p.resolve() == live.resolve():
            continue
        if keep is not None and p.parent.name == SITES and p.name == keep and p.is_dir() and not p.is_symlink():
            continue
        if p.name == ".work" and p.is_dir() and not any(p.iterdir()):
            continue
        if p.is_symlink() or p.is_file():
            p.unlink()
        elif p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            continue
        removed.append(p.name)
    return removed
