"""What changed in one tidy table between two versions of the data: rows added, removed and
edited (which fields, old → new), by the table's schema key.

Both versions are the loader's text cells (`raw.parse_raw`: every cell a string, '' when
empty), so a change is a change of the file as the analyst typed it ("9" → "9.0" is a change).
Rows are matched by the schema key (`Table.key`). A table without a key (or whose key is missing or
repeated in a version, e.g. an older version that no longer validates) is matched by the order of
its rows, as a line diff would (`difflib.SequenceMatcher` over whole rows): a run of replaced rows of
equal length pairs row by row as edits when a pair shares at least half of its cells, anything
else is a removal plus an addition.

Written by hand on pandas and difflib: the CSV diff libraries on the package index either key a
table by one column only and compare text files without a schema (csv-diff), or report
column statistics rather than cell changes (datacompy); neither matches rows without a key.
The result is plain data (JSON-able); words for readers are the caller's job.
"""
from __future__ import annotations

import difflib

import pandas as pd

from evidence_book.data.schemas import Table


def _cells(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(str(v).strip() for v in r) for r in df[columns].itertuples(index=False, name=None)]


def _row(columns: list[str], cells: tuple) -> dict:
    return dict(zip(columns, cells))


def _changes(columns: list[str], old: tuple, new: tuple) -> list[dict]:
    return [{"column": c, "old": o, "new": n} for c, o, n in zip(columns, old, new) if o != n]


def usable_key(table: Table, df: pd.DataFrame | None) -> bool:
    """The schema key exists in this version and names each row once."""
    if df is None or not table.key:
        return df is None and bool(table.key)
    key = list(table.key)
    return set(key) <= set(df.columns) and not df.duplicated(subset=key).any()


def diff_table(table: Table, old: pd.DataFrame | None, new: pd.DataFrame | None) -> dict:
    """Changes from `old` to `new` (None: the file does not exist in that version).

    Returns ``{"table", "key", "matched_by" ("key" | "order"), "created", "deleted",
    "columns_added", "columns_removed", "added", "removed", "edited"}``; ``added``/``removed`` are
    ``{"key": {col: value}, "row": {col: value}}``, ``edited`` adds ``"changes": [{"column", "old",
    "new"}]`` (only columns both versions have). With ``matched_by == "order"``, ``key`` is ``{}``."""
    out = {"table": table.path, "key": list(table.key), "matched_by": "key", "created": old is None and new is not None,
           "deleted": old is not None and new is None, "columns_added": [], "columns_removed": [],
           "added": [], "removed": [], "edited": []}
    if old is None and new is None:
        return out
    old_cols = list(old.columns) if old is not None else []
    new_cols = list(new.columns) if new is not None else []
    if old is not None and new is not None:
        out["columns_added"] = [c for c in new_cols if c not in old_cols]
        out["columns_removed"] = [c for c in old_cols if c not in new_cols]
    common = [c for c in new_cols if c in old_cols]
    if usable_key(table, old) and usable_key(table, new):
        return _by_key(table, old, new, common, out)
    out["matched_by"] = "order"
    out["key"] = []
    return _by_order(old, new, common, out)


def _by_key(table, old, new, common, out) -> dict:
    key = list(table.key)
    olds = {} if old is None else dict(zip(_cells(old, key), _cells(old, list(old.columns))))
    news = {} if new is None else dict(zip(_cells(new, key), _cells(new, list(new.columns))))
    old_cols = [] if old is None else list(old.columns)
    new_cols = [] if new is None else list(new.columns)
    oi = [old_cols.index(c) for c in common]
    ni = [new_cols.index(c) for c in common]
    for k, cells in news.items():
        if k not in olds:
            out["added"].append({"key": dict(zip(key, k)), "row": _row(new_cols, cells)})
            continue
        o = olds[k]
        changes = _changes(common, tuple(o[i] for i in oi), tuple(cells[i] for i in ni))
        if changes:
            out["edited"].append({"key": dict(zip(key, k)), "row": _row(new_cols, cells), "old_row": _row(old_cols, o),
                                  "changes": changes})
    for k, cells in olds.items():
        if k not in news:
            out["removed"].append({"key": dict(zip(key, k)), "row": _row(old_cols, cells)})
    return out


def _similar(a: tuple, b: tuple) -> bool:
    filled = sum(1 for x, y in zip(a, b) if x or y)
    same = sum(1 for x, y in zip(a, b) if (x or y) and x == y)
    return filled > 0 and 2 * same >= filled


def _by_order(old, new, common, out) -> dict:
    old_cols = [] if old is None else list(old.columns)
    new_cols = [] if new is None else list(new.columns)
    a = [] if old is None else _cells(old, old_cols)
    b = [] if new is None else _cells(new, new_cols)
    oi = [old_cols.index(c) for c in common]
    ni = [new_cols.index(c) for c in common]
    ca = [tuple(r[i] for i in oi) for r in a]
    cb = [tuple(r[i] for i in ni) for r in b]
    # rows compare on the columns both versions have (a column added is reported once, not per row)
    matcher = difflib.SequenceMatcher(None, ca, cb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = list(zip(range(i1, i2), range(j1, j2))) if tag == "replace" and i2 - i1 == j2 - j1 else []
        paired_old, paired_new = set(), set()
        for i, j in pairs:
            if _similar(ca[i], cb[j]):
                out["edited"].append({"key": {}, "row": _row(new_cols, b[j]), "old_row": _row(old_cols, a[i]),
                                      "changes": _changes(common, ca[i], cb[j])})
                paired_old.add(i)
                paired_new.add(j)
        out["removed"] += [{"key": {}, "row": _row(old_cols, a[i])} for i in range(i1, i2) if i not in paired_old]
        out["added"] += [{"key": {}, "row": _row(new_cols, b[j])} for j in range(j1, j2) if j not in paired_new]
    return out


def is_unchanged(d: dict) -> bool:
    return not (d["created"] or d["deleted"] or d["columns_added"] or d["columns_removed"]
                or d["added"] or d["removed"] or d["edited"])
