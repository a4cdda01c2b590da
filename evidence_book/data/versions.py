"""Versions of the book's `data/` in git: which commits there are, which of them changed data/,
and the files of data/ at any of them. The one place that asks git about the data's history.

Runs the `git` command (subprocess): the book already needs git for the commit its pages name, and
the questions asked here are a handful of plumbing commands. Python git libraries on the package
index (GitPython wraps the same command; dulwich and pygit2 reimplement git and would add a
dependency, a native one for pygit2) give nothing these commands do not.

Anything git cannot answer (git missing, not a checkout, a shallow clone whose older commits are
absent) is reported in `History.status` / `History.shallow`, never raised.
"""
from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from evidence_book.hashing import files_hash

DATA = "data"
EMPTY = "empty"  # the data key of a version without data/


@dataclass
class Commit:
    rev: str  # full id
    short: str
    date: str  # committer date, ISO 8601
    subject: str
    parents: tuple
    tags: tuple = ()
    changes_data: bool | None = False  # differs from its first parent in data/ (None: parent absent)
    data_key: str = EMPTY  # git's tree id of data/ at this commit ("empty" without data/)


@dataclass
class History:
    status: str  # "ok" | "no_git" (git not installed) | "not_a_checkout" | "no_commits"
    reason: str = ""
    shallow: bool = False
    commits: list = field(default_factory=list)  # first-parent history, newest first
    working_changed: list = field(default_factory=list)  # data/ paths changed but not committed
    head: str = ""


def _git(root: Path, *args, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, input=input)


def _out(r: subprocess.CompletedProcess) -> str:
    return r.stdout.decode("utf-8", "replace").strip() if r.returncode == 0 else ""


def history(root, limit: int | None = None) -> History:
    """The first-parent history of HEAD (newest first), which commits changed data/, their tags,
    and the data/ files the working copy changed (uncommitted, untracked included)."""
    root = Path(root)
    try:
        probe = _git(root, "rev-parse", "--show-prefix")
    except OSError as e:
        return History("no_git", f"git is not available ({e.strerror or e})")
    if probe.returncode != 0:
        return History("not_a_checkout", "this copy of the book is not a git checkout")
    prefix = _out(probe)
    head = _out(_git(root, "rev-parse", "HEAD"))
    working = _working_changes(root)
    if not head:
        return History("no_commits", "nothing has been committed yet", working_changed=working)
    shallow = _out(_git(root, "rev-parse", "--is-shallow-repository")) == "true"
    fmt = "%H%x01%h%x01%cI%x01%s%x01%P%x02"  # \x1e, \x1f would be stripped as whitespace
    args = ["log", "--first-parent", f"--format={fmt}"] + ([f"-n{limit}"] if limit else [])
    commits = []
    for rec in _out(_git(root, *args, "HEAD")).split("\x02"):
        parts = rec.strip("\n").split("\x01")
        if len(parts) == 5:
            commits.append(Commit(parts[0], parts[1], parts[2], parts[3], tuple(parts[4].split())))
    tags: dict[str, list] = {}
    fmt_tags = "%(objectname) %(*objectname) %(refname:short)"  # *objectname: the commit of an annotated tag
    for line in _out(_git(root, "for-each-ref", f"--format={fmt_tags}", "refs/tags")).splitlines():
        obj, peeled, name = line.split(" ", 2)
        tags.setdefault(peeled or obj, []).append(name)
    keys = data_keys(root, [c.rev for c in commits], prefix)
    for c in commits:
        c.tags = tuple(sorted(tags.get(c.rev, ())))
        c.data_key = keys.get(c.rev, EMPTY)
    edge = _shallow_edge(root) if shallow else set()
    for c, parent in zip(commits, commits[1:] + [None]):
        if parent is not None:
            c.changes_data = c.data_key != parent.data_key
        else:  # the oldest commit here: a root commit, or the edge of a shallow (or limited) history
            c.changes_data = None if c.parents or c.rev in edge else c.data_key != EMPTY
    return History("ok", shallow=shallow, commits=commits, working_changed=working, head=head)


def _shallow_edge(root: Path) -> set[str]:
    """Commits of a shallow clone whose parents were not fetched (git shows them without parents)."""
    path = _out(_git(root, "rev-parse", "--git-path", "shallow"))
    try:
        return set((Path(root) / path).read_text().split()) if path else set()
    except OSError:
        return set()


def data_keys(root, revs: list[str], prefix: str | None = None) -> dict[str, str]:
    """git's tree id of data/ at each commit (one `cat-file --batch-check` for all of them);
    commits without data/ are missing from the result."""
    if not revs:
        return {}
    if prefix is None:
        prefix = _out(_git(root, "rev-parse", "--show-prefix"))
    query = "".join(f"{r}:{prefix}{DATA}\n" for r in revs).encode()
    r = _git(root, "cat-file", "--batch-check=%(objectname) %(objecttype)", input=query)
    out = {}
    for rev, line in zip(revs, r.stdout.decode().splitlines() if r.returncode == 0 else []):
        obj, _, kind = line.partition(" ")
        if kind == "tree":
            out[rev] = obj
    return out


def _working_changes(root: Path) -> list[str]:
    """Paths (from the repository's top) under data/ that differ from HEAD or are untracked."""
    r = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", DATA)
    if r.returncode != 0:
        return []
    out, entries = [], r.stdout.decode("utf-8", "replace").split("\0")
    i = 0
    while i < len(entries):
        e = entries[i]
        if len(e) > 3:
            out.append(e[3:])
            if e[0] in "RC":  # a rename or copy: the next entry is the old path
                i += 1
        i += 1
    return sorted(out)


def data_files(root, rev: str) -> dict[str, bytes]:
    """Every file of data/ at commit `rev`, as {path relative to data/: bytes} ({} without data/)."""
    where = _git(root, "rev-parse", "--show-toplevel", "--show-prefix").stdout.decode().splitlines()
    if len(where) < 1:
        return {}
    top, prefix = where[0], (where[1] if len(where) > 1 else "")
    r = _git(Path(top), "archive", "--format=tar", f"{rev}:{prefix}{DATA}")  # from the top: git refuses a subfolder
    if r.returncode != 0:
        return {}
    out = {}
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tar:
        for m in tar.getmembers():
            if m.isfile():
                out[m.name] = tar.extractfile(m).read()
    return out


def working_files(root) -> dict[str, bytes]:
    """Every file of data/ in the working tree, as {path relative to data/: bytes}."""
    base = Path(root) / DATA
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()} \
        if base.is_dir() else {}


def files_key(files: dict[str, bytes]) -> str:
    """A content key of a set of data files (the working copy's counterpart of a tree id)."""
    return "files-" + files_hash(files)
