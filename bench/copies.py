"""The books `make bench` builds: copies of this checkout, the peer (the same sections as a plain
Jupyter Book that executes them itself), and data files inflated to a given size."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the package of this checkout
IGNORE = shutil.ignore_patterns("_build", ".venv", ".git", "node_modules", "__pycache__", "_files_local", "bench")


def copy_repo(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(REPO, dest, ignore=IGNORE)
    return dest


def make_peer(ours: Path, dest: Path, mode: str) -> Path:
    """A plain Jupyter Book of the same sections: parameters injected, JB executes."""
    import papermill as pm
    import yaml

    sys.path.insert(0, str(ours))
    from evidence_book.builder.manifest import load_manifest
    from evidence_book.builder.parameters import resolve

    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("_toc.yml", "intro.md"):
        shutil.copy(ours / name, dest / name)
    shutil.copytree(ours / "appendix", dest / "appendix") if (ours / "appendix").exists() else None
    (dest / "appendix").mkdir(exist_ok=True)
    (dest / "appendix/provenance.md").write_text("# Provenance\n\n(peer: not generated)\n")
    cfg = yaml.safe_load((ours / "_config.yml").read_text())
    cfg["execute"] = {"execute_notebooks": mode, "timeout": 600}
    cfg["exclude_patterns"] = ["_build", "**.ipynb_checkpoints"]
    (dest / "_config.yml").write_text(yaml.safe_dump(cfg))
    sections = load_manifest(ours)
    params = resolve(sections, ours)
    (dest / "chapters").mkdir()
    for s in sections:
        pm.execute_notebook(str(ours / s.notebook), str(dest / s.output), parameters=params[s.id],
                            prepare_only=True, progress_bar=False, kernel_name="python3")
    return dest


def peer_env(ours: Path) -> dict:
    """The peer's kernels read the data of `ours` with our package (the environment contract, `env`)."""
    from evidence_book import env

    return {env.ROOT: str(ours), "PYTHONPATH": str(ours)}


def inflate(book: Path, table: str, mb: float, unique: bool) -> Path:
    """Repeat the data rows of data/nerve/<table>.csv until the file holds `mb` MB: exact duplicates,
    or (`unique`) each copy's `note` marked so no two rows are the same."""
    import csv
    import io

    path = book / "data" / "nerve" / f"{table}.csv"
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    note = header.index("note")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    copy = 0
    while buf.tell() < mb * 1e6:
        for r in rows:
            w.writerow(r[:note] + [f"{r[note]} (copy {copy})"] + r[note + 1:] if unique and copy else r)
        copy += 1
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path
