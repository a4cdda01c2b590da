"""Cache keys: a section re-executes only when something it depends on changed.

Key of a section = its notebook's bytes + its parameters (canonical JSON) + the package's source
+ requirements.txt. The data files it read are recorded by the loader during execution (see
`evidence_book.data.loader`) with their hashes; an entry is valid only while every recorded file
still has the same hash (a missing file hashes as "absent", so creating it invalidates too).
Unlike Jupyter Book's own cache, a changed CSV therefore always re-executes its readers.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from evidence_book.builder.hashing import canonical, file_hash, sha256_bytes

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


class Cache:
    """`_build/.cache/`: index.json (section → key, reads) and the executed notebooks."""

    def __init__(self, build_dir: Path):
        self.dir = Path(build_dir) / ".cache"
        self.index_path = self.dir / "index.json"
        try:
            self.index = json.loads(self.index_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            self.index = {}

    def notebook_path(self, section_id: str) -> Path:
        return self.dir / "notebooks" / f"{section_id}.ipynb"

    def lookup(self, section_id: str, key: str, root: Path) -> bool:
        entry = self.index.get("sections", {}).get(section_id)
        if not entry or entry.get("key") != key or not self.notebook_path(section_id).exists():
            return False
        return all(file_hash(Path(root) / rel) == h for rel, h in entry.get("reads", {}).items())

    def reads(self, section_id: str) -> dict:
        return self.index.get("sections", {}).get(section_id, {}).get("reads", {})

    def store(self, section_id: str, key: str, reads: dict, notebook_bytes: bytes) -> None:
        path = self.notebook_path(section_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(notebook_bytes)
        tmp.replace(path)
        self.index.setdefault("sections", {})[section_id] = {"key": key, "reads": reads}
        self.save()

    def get(self, name: str, default=None):
        return self.index.get(name, default)

    def set(self, name: str, value) -> None:
        self.index[name] = value
        self.save()

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.index_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.index, indent=1, sort_keys=True))
        tmp.replace(self.index_path)
