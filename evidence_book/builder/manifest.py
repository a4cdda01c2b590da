"""The section manifest (`sections.yml`): every page of the book that a notebook makes.

A section is one run of one chapter notebook with one set of parameters; the same notebook may
serve several sections (e.g. `selection.ipynb` for both reviews). The executed copy is published
as `chapters/<section id>.ipynb`, which is the name `_toc.yml` refers to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evidence_book.builder.errors import BuildError
from evidence_book.builder.toc import toc_files

MANIFEST = "sections.yml"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Section:
    id: str
    notebook: str  # path relative to the book root, e.g. chapters/quality.ipynb
    title: str
    parameters: dict = field(default_factory=dict)
    timeout: int = 600  # seconds of execution before the section fails as hung (sections.yml `timeout:`)

    @property
    def output(self) -> str:
        """Path of the executed copy inside the staging tree."""
        return f"chapters/{self.id}.ipynb"


def load_manifest(root: Path) -> list[Section]:
    path = Path(root) / MANIFEST
    if not path.exists():
        raise BuildError(f"{MANIFEST}: not found in {root}")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise BuildError(f"{MANIFEST}: not valid YAML: {e}") from None
    if not isinstance(doc, dict):
        raise BuildError(f"{MANIFEST}: expected a mapping with 'sections' (and optionally 'outputs', 'timeout')")
    entries = doc.get("sections")
    if not isinstance(entries, list) or not entries:
        raise BuildError(f"{MANIFEST}: expected a non-empty list under 'sections'")
    sections, seen = [], set()
    for i, entry in enumerate(entries, start=1):
        where = f"{MANIFEST}: section #{i}"
        if not isinstance(entry, dict):
            raise BuildError(f"{where}: expected a mapping with id, notebook, title, parameters")
        unknown = set(entry) - {"id", "notebook", "title", "parameters", "timeout"}
        if unknown:
            raise BuildError(f"{where}: unknown key(s) {sorted(unknown)}")
        sid = entry.get("id")
        if not isinstance(sid, str) or not _ID.match(sid):
            raise BuildError(f"{where}: 'id' must be a lower-case slug (a-z, 0-9, -), got {sid!r}")
        if sid in seen:
            raise BuildError(f"{MANIFEST}: section id '{sid}' is used twice")
        seen.add(sid)
        nb = entry.get("notebook")
        if not isinstance(nb, str) or not (Path(root) / nb).is_file():
            raise BuildError(f"{MANIFEST}: section '{sid}': notebook {nb!r} does not exist")
        params = entry.get("parameters") or {}
        if not isinstance(params, dict):
            raise BuildError(f"{MANIFEST}: section '{sid}': 'parameters' must be a mapping")
        timeout = entry.get("timeout", doc.get("timeout", 600))
        if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 86400:
            raise BuildError(f"{MANIFEST}: section '{sid}': 'timeout' must be whole seconds (1..86400), got {timeout!r}")
        sections.append(Section(sid, nb, str(entry.get("title") or sid), dict(params), timeout))
    return sections


@dataclass(frozen=True)
class Output:
    """A file written beside the site (`_build/<path>`) from files sections wrote."""
    path: str  # relative to _build/, e.g. audit/claims.csv
    sources: tuple  # (section id, file name) pairs, in order; (SITE_SOURCE, path) for a file of the site source


SITE_SOURCE = "site:"  # `site:<path>`: a file of the site source (e.g. made by a `generated:` function)
_OUTPUT_PATH = re.compile(r"^([A-Za-z0-9_-]+/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
_BUILD_OWN = ("html", "sites", "error.log", "screenshots")  # what _build/ holds besides outputs


def load_outputs(root: Path, sections: list[Section]) -> list[Output]:
    """The `outputs:` of sections.yml: ``path: [section-id/file | site:path, …]``."""
    doc = yaml.safe_load((Path(root) / MANIFEST).read_text(encoding="utf-8")) or {}
    entries = doc.get("outputs") or {}
    if not isinstance(entries, dict):
        raise BuildError(f"{MANIFEST}: 'outputs' must map a path under _build/ to a list of section files")
    ids = {s.id for s in sections}
    out = []
    for path, sources in entries.items():
        if not isinstance(path, str) or not _OUTPUT_PATH.match(path) or path.split("/")[0] in _BUILD_OWN:
            raise BuildError(f"{MANIFEST}: output {path!r} must be a relative path like reports/table.csv, outside html/")
        if isinstance(sources, str):
            sources = [sources]
        pairs = []
        for src in sources or []:
            if str(src).startswith(SITE_SOURCE) and len(str(src)) > len(SITE_SOURCE):
                pairs.append((SITE_SOURCE, str(src)[len(SITE_SOURCE):]))
                continue
            sid, _, name = str(src).partition("/")
            if sid not in ids or not name:
                raise BuildError(f"{MANIFEST}: output {path}: source {src!r} is not 'section-id/file' of a known section")
            pairs.append((sid, name))
        if not pairs:
            raise BuildError(f"{MANIFEST}: output {path} lists no source")
        out.append(Output(path, tuple(pairs)))
    return out


def check_toc(root: Path, sections: list[Section], generated: set[str]) -> None:
    """Every section is in the toc, and every toc entry is a section, a page or generated."""
    toc = toc_files(root)
    for s in sections:
        if f"chapters/{s.id}" not in toc:
            raise BuildError(f"_toc.yml: section '{s.id}' is missing (add 'file: chapters/{s.id}')")
    ids = {f"chapters/{s.id}" for s in sections}
    for entry in toc:
        if entry in ids or entry in generated:
            continue
        if not (Path(root) / f"{entry}.md").is_file():
            raise BuildError(f"_toc.yml: '{entry}' is neither a section of {MANIFEST} nor a page")


def load_generated(root: Path) -> list[str]:
    """The `generated:` of sections.yml: functions (``module:function``) that return files of the site
    made from data at build time, ``{path in the site source: bytes}`` (e.g. BibTeX files)."""
    doc = yaml.safe_load((Path(root) / MANIFEST).read_text(encoding="utf-8")) or {}
    entries = doc.get("generated") or []
    if not isinstance(entries, list) or not all(isinstance(e, str) and re.fullmatch(r"[\w.]+:\w+", e) for e in entries):
        raise BuildError(f"{MANIFEST}: 'generated' must be a list of 'module:function' names")
    return entries
