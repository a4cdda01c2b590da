"""Cache keys: a section re-executes only when something it depends on changed.

Key of a section = its notebook's bytes + its parameters (canonical JSON) + the package's source
+ requirements.txt. The data files it read are recorded by the loader during execution (see
`evidence_book.data.loader`) with their hashes; an entry is valid only while every recorded file
still has the same hash (a missing file hashes as "absent", so creating it invalidates too).
Unlike Jupyter Book's own cache, a changed CSV therefore always re-executes its readers.

Nothing in `_build/.cache` is trusted: index.json is written atomically (temp file, fsync,
rename) and checked on read (a wrong shape discards it with a one-line note); each entry records
the sha256 of its executed notebook and of every file the section wrote, and an entry whose
files are missing or differ is discarded with a note and its section re-run.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from evidence_book.hashing import canonical, file_hash, sha256_bytes
from evidence_book.builder.publish import atomic_write


def section_key(root: Path, notebook: str, parameters: dict, package_hash: str) -> str:
    h = hashlib.sha256()
    for part in (
        (Path(root) / notebook).read_bytes(),
        canonical(parameters).encode(),
        package_hash.encode(),
        Path(root, "requirements.txt").read_bytes() if Path(root, "requirements.txt").exists() else b"",
    ):
        h.update(sha256_bytes(part).encode())
    return h.hexdigest()


def _entry_ok(e) -> bool:
    return (isinstance(e, dict) and isinstance(e.get("key"), str) and isinstance(e.get("notebook"), str)
            and isinstance(e.get("reads"), dict) and isinstance(e.get("files"), dict)
            and all(isinstance(v, str) for v in (*e["reads"].values(), *e["files"].values())))


class Cache:
    """`_build/.cache/`: index.json (section → key, reads, hashes) and the executed notebooks."""

    def __init__(self, build_dir: Path, say=print):
        self.dir = Path(build_dir) / ".cache"
        self.index_path = self.dir / "index.json"
        self.say = say
        try:
            self.index = json.loads(self.index_path.read_text())
        except FileNotFoundError:
            self.index = {}
        except (OSError, ValueError) as e:
            self.index = None
            why = "not valid JSON" if isinstance(e, ValueError) else f"unreadable: {e.strerror}"
        else:
            why = "not a JSON object of sections"
        if not isinstance(self.index, dict) or not isinstance(self.index.get("sections", {}), dict):
            say(f"  cache: discarded {self.index_path.relative_to(self.dir.parent.parent)} ({why}); everything re-runs")
            self.index = {}

    def notebook_path(self, section_id: str) -> Path:
        return self.dir / "notebooks" / f"{section_id}.ipynb"

    def files_dir(self, section_id: str) -> Path:
        return self.dir / "files" / section_id

    def _discard(self, section_id: str, why: str) -> bool:
        self.say(f"  cache: discarded {section_id} ({why}); re-running it")
        self.index.get("sections", {}).pop(section_id, None)
        return False

    def lookup(self, section_id: str, key: str, root: Path) -> bool:
        entry = self.index.get("sections", {}).get(section_id)
        if entry is None:
            return False
        if not _entry_ok(entry):
            return self._discard(section_id, "malformed index entry")
        if entry["key"] != key:
            return False
        if file_hash(self.notebook_path(section_id)) != entry["notebook"]:
            return self._discard(section_id, "executed notebook missing or damaged")
        fdir = self.files_dir(section_id)
        have = {p.relative_to(fdir).as_posix() for p in fdir.rglob("*") if p.is_file()} if fdir.is_dir() else set()
        if have != set(entry["files"]) or any(file_hash(fdir / n) != h for n, h in entry["files"].items()):
            return self._discard(section_id, "a file it wrote is missing or damaged")
        return all(file_hash(Path(root) / rel) == h for rel, h in entry["reads"].items())

    def reads(self, section_id: str) -> dict:
        return self.index.get("sections", {}).get(section_id, {}).get("reads", {})

    def store(self, section_id: str, key: str, reads: dict, notebook_bytes: bytes, files: dict) -> None:
        fdir = self.files_dir(section_id)
        if fdir.exists():
            shutil.rmtree(fdir)
        for name, data in sorted((files or {}).items()):
            atomic_write(fdir / name, data)
        atomic_write(self.notebook_path(section_id), notebook_bytes)
        self.index.setdefault("sections", {})[section_id] = {
            "key": key, "reads": reads, "notebook": sha256_bytes(notebook_bytes),
            "files": {n: sha256_bytes(d) for n, d in sorted((files or {}).items())}}
        self.save()

    def get(self, name: str, default=None):
        return self.index.get(name, default)

    def set(self, name: str, value) -> None:
        self.index[name] = value
        self.save()

    def save(self) -> None:
        atomic_write(self.index_path, json.dumps(self.index, indent=1, sort_keys=True).encode())
