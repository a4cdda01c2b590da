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

from evidence_book.build.errors import BuildError

MANIFEST = "sections.yml"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Section:
    id: str
    notebook: str  # path relative to the book root, e.g. chapters/quality.ipynb
    title: str
    parameters: dict = field(default_factory=dict)

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
    entries = doc.get("sections")
    if not isinstance(entries, list) or not entries:
        raise BuildError(f"{MANIFEST}: expected a non-empty list under 'sections'")
    sections, seen = [], set()
    for i, entry in enumerate(entries, start=1):
        where = f"{MANIFEST}: section #{i}"
        if not isinstance(entry, dict):
            raise BuildError(f"{where}: expected a mapping with id, notebook, title, parameters")
        unknown = set(entry) - {"id", "notebook", "title", "parameters"}
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
        sections.append(Section(sid, nb, str(entry.get("title") or sid), dict(params)))
    return sections


def toc_files(root: Path) -> list[str]:
    """Every `file:` entry of `_toc.yml` (root included), without extension."""
    doc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    found = [doc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk({k: v for k, v in doc.items() if k != "root"})
    return [re.sub(r"\.(ipynb|md)$", "", f) for f in found]


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
