"""`build`: validate data → execute sections (papermill, parallel, cached) → Jupyter Book → publish."""
from __future__ import annotations

import hashlib
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from evidence_book.builder import notebooks, pdf, publish, site, stamp, toc
from evidence_book.builder.cache import Cache, section_key
from evidence_book.builder.errors import BuildError
from evidence_book.hashing import files_hash, tree_hash
from evidence_book.builder.lock import build_lock, fault
from evidence_book.builder.runner import run_all
from evidence_book.builder.manifest import SITE_SOURCE, check_toc, load_generated, load_manifest, load_outputs
from evidence_book.builder.parameters import resolve
from evidence_book.text import md_escape

GENERATED = {"appendix/provenance"}
CHANGES_PAGE = "appendix/changes"  # the "What changed" page; the provenance page links to it when the toc has it


def package_hash(root: Path) -> str:
    """Source of everything a notebook can import (the builder itself excluded)."""
    return tree_hash(Path(root) / "evidence_book", skip_dirs={"builder"}, suffixes={".py"})


def git_commit(root: Path) -> dict:
    def git(*args):
        r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""

    commit = git("rev-parse", "--short=12", "HEAD")
    if not commit:
        return {"commit": "none (not a git checkout)", "date": "unknown"}
    dirty = git("status", "--porcelain", "--", ".", ":(exclude)_build", ":(exclude).venv")
    return {"commit": commit + (" + uncommitted changes" if dirty else ""), "date": git("log", "-1", "--format=%cI")}


def reads_hash(reads: dict) -> str:
    h = hashlib.sha256()
    for rel in sorted(reads):
        h.update(f"{rel}\0{reads[rel]}\0".encode())
    return h.hexdigest()


def validate_data(root: Path, cache: Cache, say, pkg: str, memo: dict | None = None) -> None:
    """Validated once per content of data/ *and* of the package (schemas, loader, rules).
    `memo`: per-file results kept between rebuilds by `make watch` (see `validate_all`)."""
    key = hashlib.sha256(f"{tree_hash(Path(root) / 'data')}\0{pkg}".encode()).hexdigest()
    if cache.get("validated") == key:
        return
    t = time.perf_counter()
    from evidence_book.data import DataError, validate_all

    try:
        n = validate_all(root, memo)
    except DataError as e:
        raise BuildError(f"data: {e}") from None
    cache.set("validated", key)
    say(f"  data valid ({n} files) {time.perf_counter() - t:5.1f} s")


def provenance_page(sections, params, cache, commit, changes_link: str | None = None) -> str:
    lines = ["# Provenance of every section", "",
             "Each page of this book is one run of a chapter notebook with the parameters below, "
             "executed by papermill from the data files listed. The same note closes each page.", "",
             f"Source: commit {md_escape(commit['commit'])} of {md_escape(commit['date'])}.", ""]
    if changes_link:
        lines += [f"What changed from one version of the data to the next: [What changed]({changes_link}).", ""]
    for s in sections:
        reads = cache.reads(s.id)
        p = "; ".join(f"{k} = {md_escape(repr(v))}" for k, v in sorted(params[s.id].items())) or "none"
        lines += [f"## {md_escape(s.title)}", "",
                  f"- **Page** [{md_escape(s.id)}](../chapters/{s.id}.ipynb), made by {md_escape(s.notebook)}",
                  f"- **Parameters** {p}",
                  f"- **Data read** {', '.join(md_escape(r) for r in sorted(reads)) or 'none'}",
                  f"- **Data hash** {reads_hash(reads)[:16]}", ""]
    return "\n".join(lines) + "\n"


def assemble(root: Path, sections, params, cache: Cache, commit, memo: dict | None = None,
             with_pdf: bool = True) -> dict[str, bytes]:
    """Every file of the stage. `memo` (kept between rebuilds by `make watch`): staged notebooks by
    (executed notebook, footer), so only the notebooks that changed are parsed and cleaned again.
    `with_pdf`: add `book.pdf` and its link on the home page when it was made from these files."""
    files = site.source_files(root)
    files["_toc.yml"] = toc.with_titles(root, {f"chapters/{s.id}": s.title for s in sections})
    files.update(site.vendor_files())
    for s in sections:
        raw = cache.notebook_path(s.id).read_bytes()
        reads = cache.reads(s.id)
        foot = notebooks.footer(s, params[s.id], reads_hash(reads), sorted(reads), commit)
        key = (s.id, hashlib.sha256(raw).hexdigest(), foot)
        if memo is not None and key in memo:
            files[s.output] = memo[key]
        else:
            files[s.output] = notebooks.add_footer(notebooks.clean(raw, s.id), foot)
            if memo is not None:
                for k in [k for k in memo if k[0] == s.id]:
                    del memo[k]
                memo[key] = files[s.output]
        fdir = cache.files_dir(s.id)
        for p in sorted(fdir.rglob("*")) if fdir.exists() else ():
            if p.is_file():
                files[f"_extra/chapters/_files/{s.id}/{p.relative_to(fdir).as_posix()}"] = p.read_bytes()
    link = "changes.md" if CHANGES_PAGE in toc.toc_files(root) else None
    files["appendix/provenance.md"] = provenance_page(sections, params, cache, commit, link).encode()
    files.update(generated_files(root, params, Path(cache.dir), cache.say))
    if with_pdf:
        files.update(pdf.site_additions(root, cache, files))
    return files


def generated_files(root: Path, params: dict | None = None, cache_dir: Path | None = None, say=None) -> dict[str, bytes]:
    """Files of the site made from data by the package's functions listed under `generated:`.

    Each is called with the book root; a function that declares them also gets ``parameters``
    (every section's resolved parameters, {section id: {name: value}}) and ``cache_dir`` (a folder
    of its own under _build/.cache/generated/, kept between builds)."""
    import importlib
    import inspect
    import re

    out = {}
    for spec in load_generated(root):
        module, _, name = spec.partition(":")
        try:
            fn = getattr(importlib.import_module(module), name)
            accepts = inspect.signature(fn).parameters
            kw = {}
            if "parameters" in accepts:
                kw["parameters"] = params or {}
            if "cache_dir" in accepts and cache_dir is not None:
                kw["cache_dir"] = cache_dir / "generated" / re.sub(r"[^A-Za-z0-9_.-]+", "-", spec)
            t = time.perf_counter()
            made = fn(root, **kw)
            if say and time.perf_counter() - t >= 1:
                say(f"  generated {spec} {time.perf_counter() - t:5.1f} s")
        except Exception as e:  # a data or code problem: one clear line, the site stays as it was
            raise BuildError(f"sections.yml: generated {spec} failed: {type(e).__name__}: {e}") from None
        out.update(made)
    return out


def build(root=".", force=False, overrides=(), jobs=None, say=print, fresh_kernels=False, wait=True) -> int:
    root = Path(root).resolve()
    t0 = time.perf_counter()
    build_dir = root / "_build"
    if not force and stamp.up_to_date(root, overrides):
        say(f"up to date (inputs unchanged since the last published build) {time.perf_counter() - t0:.2f} s")
        return 0
    try:
        with build_lock(build_dir, say, wait):
            return _build(root, build_dir, force, list(overrides), jobs, say, fresh_kernels, t0)
    except BuildError as e:
        say(f"BUILD FAILED: {e}")
    except OSError as e:  # an unwritable or full _build, a file vanishing under us, …
        where = f" {e.filename}" if e.filename else ""
        say(f"BUILD FAILED: {e.strerror or e}:{where}")
    say("The previously published site in _build/html is unchanged.")
    return 1


@dataclass
class Plan:
    """What a build (or one step of `watch`) works from: sections, their parameters, the cache,
    each section's cache key, and the sections that must run."""
    sections: list
    params: dict
    outputs: list
    cache: Cache
    keys: dict
    todo: list
    pkg: str


def plan(root: Path, build_dir: Path, force: bool, overrides, say, memo: dict | None = None) -> Plan:
    """Manifest + parameters (checked) → data validated → which sections must run (under the lock)."""
    sections = load_manifest(root)
    params = resolve(sections, root, overrides)
    outputs = load_outputs(root, sections)
    check_toc(root, sections, GENERATED)
    cache = Cache(build_dir, say)
    pkg = package_hash(root)
    fault("validate")
    validate_data(root, cache, say, pkg, memo)
    keys = {s.id: section_key(root, s.notebook, params[s.id], pkg) for s in sections}
    todo = [s for s in sections if force or not cache.lookup(s.id, keys[s.id], root)]
    return Plan(sections, params, outputs, cache, keys, todo, pkg)


def _build(root, build_dir, force, overrides, jobs, say, fresh_kernels, t0) -> int:
    for name in publish.clear_leftovers(build_dir):
        say(f"  cleared {name} (left by an interrupted build)")
    p = plan(root, build_dir, force, overrides, say)
    sections, params, outputs, cache, keys, todo = p.sections, p.params, p.outputs, p.cache, p.keys, p.todo
    commit = git_commit(root)
    damage = publish.site_damage(build_dir)
    if damage and publish.current(build_dir) is not None:
        say(f"  published site damaged ({damage}); it will be republished")
    if not todo:
        files = assemble(root, sections, params, cache, commit)
        if cache.get("published") == files_hash(files) and not damage:
            write_outputs(build_dir, outputs, cache, lambda _: None, files)
            say(f"up to date ({len(sections)} sections, nothing to run) {time.perf_counter() - t0:.1f} s")
            stamp.write(root, overrides)
            return 0
    run_all(root, todo, params, keys, cache, jobs, say, fresh_kernels, build_dir / ".work")
    files = assemble(root, sections, params, cache, commit)
    stage = build_dir / ".stage"
    n = len(site.sync_stage(stage, files))
    if cache.get("published") == files_hash(files) and not damage:
        write_outputs(build_dir, outputs, cache, say, files)
        say(f"site unchanged (re-executed sections gave the same pages) {time.perf_counter() - t0:.1f} s")
        stamp.write(root, overrides)
        return 0
    t = time.perf_counter()
    log = site.run_jupyter_book(stage)
    for w in site.warnings(log):
        say(f"  sphinx: {w}")
    say(f"  jupyter-book build ({n} files changed) {time.perf_counter() - t:5.1f} s")
    publish.publish(stage / "_build" / "html", build_dir)
    write_outputs(build_dir, outputs, cache, say, files)
    cache.set("published", files_hash(files))
    stamp.write(root, overrides)
    say(f"built {len(sections)} sections ({len(todo)} executed) in {time.perf_counter() - t0:.1f} s → {build_dir / 'html' / 'index.html'}")
    return 0


def write_outputs(build_dir: Path, outputs, cache: Cache, say, files: dict[str, bytes] | None = None) -> None:
    """The declared outputs beside the site, from the files the sections wrote (cached with them) or
    files of the site source (`site:<path>`, e.g. one a `generated:` function made).
    CSV sources are joined under one header (they must share it); any other output has one source."""
    for o in outputs:
        parts = []
        for sid, name in o.sources:
            if sid == SITE_SOURCE:
                if name not in (files or {}):
                    raise BuildError(f"sections.yml: output {o.path}: the site source has no file '{name}'")
                parts.append(files[name])
                continue
            p = cache.files_dir(sid) / name
            if not p.is_file():
                raise BuildError(f"sections.yml: output {o.path}: section '{sid}' wrote no file '{name}'")
            parts.append(p.read_bytes())
        if o.path.endswith(".csv"):
            heads = {part.split(b"\n", 1)[0] for part in parts}
            if len(heads) != 1:
                raise BuildError(f"sections.yml: output {o.path}: its sources have different CSV headers")
            data = parts[0] + b"".join(part.split(b"\n", 1)[1] for part in parts[1:])
        elif len(parts) == 1:
            data = parts[0]
        else:
            raise BuildError(f"sections.yml: output {o.path}: only CSV outputs can join several sources")
        target = build_dir / o.path
        publish.atomic_write(target, data)
        say(f"  wrote {target.relative_to(build_dir.parent)}")
