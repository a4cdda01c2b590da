"""What changed between versions of the book's data: the model of the "What changed" page and of
`changes.json` (the same content).

A version is a commit of the first-parent history of HEAD (git, `data.versions`), plus the working
copy when data/ has uncommitted changes. For each version that changed data/ the model lists, against
the version before it: rows of every table added, removed or edited (`data.table_diff`, by the
schema key), audit verdicts that changed and headline numbers that changed (`reviews.headlines`:
the page models and the audit run on that version's data, with this build's parameters). Runs of
commits that left data/ alone are one entry each ("no data change"); a tagged commit is always its
own entry.

Each version's numbers are cached by the content of its data/ (git's tree id), the package source
and the parameters, and each entry by the pair it compares, in `cache_dir`: a rebuild without a new
commit or edit reads JSON files only.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from evidence_book.data import versions
from evidence_book.data.raw import DataError, conform, parse_raw
from evidence_book.data.schemas import STUDY_TABLES, TABLES
from evidence_book.data.table_diff import diff_table, is_unchanged
from evidence_book.hashing import files_hash, sha256_bytes, walk_files
from evidence_book.labels import author_year
from evidence_book.reviews.headlines import snapshot

FORMAT = 1
SHAPES = {"snapshots": {"valid", "problems", "numbers", "verdicts", "not_computed", "conformed"},
          "entries": {"first", "tables", "other_files", "verdicts", "numbers", "valid", "problems", "conformed",
                      "not_computed", "not_computed_before"}}
TABLE_FILES = {f"{t.review}/{t.name}.csv": t for t in TABLES}  # paths relative to data/


# Package code that cannot change a version's numbers or rows: drawing, showing, the page's Markdown, the builder.
NOT_COMPUTING = ("builder/", "figures/", "display.py", "changes_page.py", "citation.py", "meta_cli.py", "__main__.py")


def package_key() -> str:
    """Hash of the package source that computes the numbers (a changed method recomputes them)."""
    base = Path(__file__).resolve().parents[1]
    files = {p.relative_to(base).as_posix(): p for p in walk_files(base, suffixes={".py"})}
    return files_hash({rel: p.read_bytes() for rel, p in files.items() if not rel.startswith(NOT_COMPUTING)})


class _Cache:
    """JSON files under `cache_dir` (none: no cache), one folder per package source and parameters
    (the few most recent are kept: switching a parameter back finds its numbers); unreadable entries
    are recomputed."""

    KEEP = 4  # folders of other code versions or parameters kept

    def __init__(self, cache_dir, salt: str):
        self.dir = Path(cache_dir) / sha256_bytes(salt.encode())[:16] if cache_dir else None
        self.used: set[Path] = set()

    def _path(self, kind: str, *parts) -> Path | None:
        if self.dir is None:
            return None
        name = sha256_bytes("\0".join(parts).encode())[:32]
        return self.dir / kind / f"{name}.json"

    def get(self, kind, *parts):
        p = self._path(kind, *parts)
        if p is None:
            return None
        self.used.add(p)
        try:
            got = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return got if isinstance(got, dict) and SHAPES[kind] <= set(got) else None  # else: damaged, recomputed

    def put(self, kind, value, *parts):
        p = self._path(kind, *parts)
        if p is None:
            return
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(value, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, p)
        self.used.add(p)

    def prune(self):
        """Drop this folder's entries the build did not use (versions no longer in the history), and
        all but the most recent folders of other code versions or parameters."""
        if self.dir is None or not self.dir.is_dir():
            return
        for p in self.dir.glob("*/*"):
            if p not in self.used:
                p.unlink(missing_ok=True)
        os.utime(self.dir)
        others = sorted((d for d in self.dir.parent.iterdir() if d.is_dir() and d != self.dir),
                        key=lambda d: d.stat().st_mtime, reverse=True)
        for d in others[self.KEEP - 1:]:
            shutil.rmtree(d, ignore_errors=True)


class _Version:
    """The data of one version: its files (read once, on demand) and its numbers (cached)."""

    def __init__(self, root, key: str, rev: str | None, cache: _Cache, parameters: dict):
        self.root, self.key, self.rev, self.cache, self.parameters = root, key, rev, cache, parameters
        self._files = None

    @property
    def files(self) -> dict[str, bytes]:
        if self._files is None:
            if self.key == versions.EMPTY:
                self._files = {}
            elif self.rev is None:
                self._files = versions.working_files(self.root)
            else:
                self._files = versions.data_files(self.root, self.rev)
        return self._files

    def tables(self) -> dict:
        """{data-relative path: text cells | None (absent) | error message}."""
        out = {}
        for rel, table in TABLE_FILES.items():
            data = self.files.get(rel)
            if data is None:
                out[rel] = None
                continue
            try:
                out[rel] = parse_raw(table, data, strict=False)
            except DataError as e:
                out[rel] = str(e).splitlines()[0]
        return out

    def snapshot(self) -> dict:
        """Numbers and verdicts, cached by the content of data/ (a commit of the working copy's
        edits finds the numbers computed for the working copy)."""
        content = versions.files_key(self.files)
        got = self.cache.get("snapshots", content)
        if got is not None:
            return got
        if self.rev is None and self.key != versions.EMPTY:  # the working copy: the book itself
            snap = snapshot(self.root, self.parameters)
            snap["conformed"] = {}
        else:
            with tempfile.TemporaryDirectory(prefix="changes-") as tmp:
                snap = self._snapshot_of_files(Path(tmp))
        self.cache.put("snapshots", snap, content)
        return snap

    def _snapshot_of_files(self, tmp: Path) -> dict:
        """An older version read under today's schema: columns it lacked are added empty (said so)."""
        conformed = {}
        for rel, data in self.files.items():
            table = TABLE_FILES.get(rel)
            if table is not None:
                data, added = conform(table, data)
                if added:
                    conformed[table.path] = added
            p = tmp / versions.DATA / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        (tmp / versions.DATA).mkdir(exist_ok=True)
        snap = snapshot(tmp, self.parameters)
        snap["conformed"] = conformed
        return snap


def _first_author(authors: str) -> str:
    return authors.split(";")[0].split(",")[0].strip()


def _labels(*versions_tables) -> dict:
    """{review: {study_id: 'Author year'}} from the study tables of the versions compared."""
    out = {}
    for tables in versions_tables:
        for review, name in STUDY_TABLES.items():
            df = tables.get(f"{review}/{name}.csv")
            if df is None or isinstance(df, str) or not {"study_id", "first_author", "year"} <= set(df.columns):
                continue
            for sid, a, y in zip(df["study_id"], df["first_author"], df["year"]):
                out.setdefault(review, {})[sid] = author_year(a, y).strip()
    return out


def row_label(table, row: dict, key: dict, labels: dict) -> str:
    """What readers call a row: the study's label where the row is (about) a study, else its key or
    its first identifying columns, with coded values in words."""
    from evidence_book.labels import word

    def w(v):
        return word(v).lower() if "_" in str(v) else str(v)

    if row.get("first_author") and row.get("year"):
        return author_year(row["first_author"], row["year"])
    if row.get("authors") and row.get("year"):
        return author_year(_first_author(row["authors"]), row["year"])
    parts = []
    sid = row.get("study_id")
    if sid:
        parts.append(labels.get(table.review, {}).get(sid, w(sid)))
    if key:
        parts += [w(v) for k, v in key.items() if k != "study_id"]
    else:  # no key: the first required columns (after the study) say which row it is
        req = [c.name for c in table.columns if c.required and c.name not in ("study_id", "source", "location", "quote")]
        parts += [w(row[c]) for c in req[:2] if row.get(c)]
    return ", ".join(p for p in parts if p) or "a row"


def _table_changes(older: _Version, newer: _Version) -> tuple[list, list]:
    old_t, new_t = older.tables(), newer.tables()
    labels = _labels(old_t, new_t)
    out = []
    for rel, table in TABLE_FILES.items():
        o, n = old_t[rel], new_t[rel]
        if isinstance(o, str) or isinstance(n, str):
            if not (isinstance(o, str) and isinstance(n, str) and o == n):
                out.append({"table": table.path, "unreadable": n if isinstance(n, str) else o,
                            "unreadable_in": "newer" if isinstance(n, str) else "older"})
            continue
        d = diff_table(table, o, n)
        if is_unchanged(d):
            continue
        for kind in ("added", "removed", "edited"):
            for r in d[kind]:
                r["label"] = row_label(table, r["row"], r["key"], labels)
                sid = r["row"].get("study_id")
                if sid and "first_author" not in r["row"]:  # a row about a study: the study's label too
                    r["study"] = labels.get(table.review, {}).get(sid, sid)
                r.pop("old_row", None)
        d["n_rows"] = {"old": 0 if o is None else len(o), "new": 0 if n is None else len(n)}
        out.append(d)
    other = sorted(p for p in set(older.files) | set(newer.files)
                   if p not in TABLE_FILES and older.files.get(p) != newer.files.get(p))
    return out, [f"{versions.DATA}/{p}" for p in other]


def _number_changes(old: dict, new: dict) -> list[dict]:
    before = {n["id"]: n for n in old["numbers"]}
    after = {n["id"]: n for n in new["numbers"]}
    out = []
    for nid in list(after) + [k for k in before if k not in after]:
        a, b = before.get(nid), after.get(nid)
        if a is not None and b is not None and a["text"] == b["text"]:
            continue
        ref = b or a
        out.append({"id": nid, "label": ref["label"], "group": ref["group"],
                    "old": None if a is None else a["text"], "new": None if b is None else b["text"],
                    "old_value": None if a is None else a["value"], "new_value": None if b is None else b["value"]})
    return out


def _verdict_changes(old: dict, new: dict) -> list[dict]:
    out = []
    for review, claims in new["verdicts"].items():
        before = old["verdicts"].get(review, {})
        for cid, c in claims.items():
            b = before.get(cid)
            if b is not None and b["verdict"] != c["verdict"]:
                out.append({"review": review, "claim_id": cid, "quote": c["quote"], "old": b["verdict"],
                            "new": c["verdict"], "claimed": c["claimed"], "old_recomputed": b["recomputed"],
                            "new_recomputed": c["recomputed"]})
    return out


def compare(older: _Version, newer: _Version, cache: _Cache) -> dict:
    """The changes from `older` to `newer` (cached by the pair of data keys)."""
    got = cache.get("entries", older.key, newer.key)
    if got is not None:
        return got
    tables, other = _table_changes(older, newer)
    first = older.key == versions.EMPTY
    for d in (t for t in tables if "unreadable" not in t):
        for kind in ("added", "removed", "edited"):
            d[f"n_{kind}"] = len(d.get(kind, ()))
            if first:  # the first version: every row is new; counts only (the data are the files)
                d[kind] = []
    old_s, new_s = older.snapshot(), newer.snapshot()
    entry = {"first": first, "tables": tables, "other_files": other,
             "verdicts": _verdict_changes(old_s, new_s), "numbers": _number_changes(old_s, new_s),
             "valid": new_s["valid"], "problems": new_s["problems"], "conformed": new_s.get("conformed", {}),
             "not_computed": new_s["not_computed"], "not_computed_before": old_s["not_computed"]}
    cache.put("entries", entry, older.key, newer.key)
    return entry


def _commit(c: versions.Commit) -> dict:
    return {"commit": c.short, "rev": c.rev, "date": c.date[:10], "subject": c.subject, "tags": list(c.tags)}


def _groups(commits: list) -> list[list]:
    """Commits (newest first) in entries: a data change or a tag is its own entry; a run of commits
    without either is one entry."""
    out = []
    for c in commits:
        quiet = c.changes_data is False and not c.tags
        if quiet and out and out[-1][0].changes_data is False and not out[-1][0].tags:
            out[-1].append(c)
        else:
            out.append([c])
    return out


def changes(root, parameters: dict, cache_dir=None) -> dict:
    """The model of the page (and the content of changes.json)."""
    root = Path(root)
    cache = _Cache(cache_dir, json.dumps([FORMAT, package_key(), sorted(parameters.items())], default=str))
    h = versions.history(root)
    model = {"format": FORMAT, "history": h.status, "reason": h.reason, "shallow": h.shallow,
             "parameters": dict(sorted(parameters.items())), "versions": []}
    if h.status not in ("ok", "no_commits"):
        return model

    def version(key, rev):
        return _Version(root, key, rev, cache, parameters)

    head_key = h.commits[0].data_key if h.commits else versions.EMPTY
    head_rev = h.commits[0].rev if h.commits else None
    if h.working_changed:
        working = version(versions.files_key(versions.working_files(root)), None)
        entry = compare(version(head_key, head_rev), working, cache)
        model["versions"].append({"version": {"kind": "working copy", "files": h.working_changed},
                                  "data_change": True, **entry})
    commits = h.commits
    for group in _groups(commits):
        newest = group[0]
        v = {"kind": "commit", **_commit(newest)}
        if len(group) > 1:
            v["commits"] = [_commit(c) for c in group]
        if newest.changes_data is None:
            model["versions"].append({"version": v, "data_change": None})
        elif not newest.changes_data:
            model["versions"].append({"version": v, "data_change": False})
        else:
            i = commits.index(newest)
            parent = commits[i + 1] if i + 1 < len(commits) else None
            older = version(parent.data_key, parent.rev) if parent else version(versions.EMPTY, None)
            model["versions"].append({"version": v, "data_change": True,
                                      **compare(older, version(newest.data_key, newest.rev), cache)})
    cache.prune()
    return model
