"""A data file as text cells: bytes → rows of strings, the line each row starts on, and the errors
that name file, row and line (`DataError`). Typing and validating the cells is `loader`'s job.

Every problem is reported as `file, row N (line L), column 'c': expected …, got '…'` — row N is the
N-th data row, line L the line in the file (the header is line 1). Each file read from disk is appended
to the builder's reads file (see `evidence_book.env`) so the builder knows which sections to re-run.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from evidence_book import env
from evidence_book.data.schemas import MAX_FILE_MB, Table


class DataError(Exception):
    """Invalid data; the message names file, row and column."""


def _record(rel: str) -> None:
    reads = env.reads_file()
    if reads:
        with open(reads, "a", encoding="utf-8") as f:
            f.write(rel + "\n")


class LineMap:
    """Data row i → the file line where it starts, kept in `df.attrs["lines"]`.

    Immutable and copied by reference: pandas deep-copies `attrs` into the result of every
    operation, so a plain list here made each operation on a loaded table cost O(rows) (a 50 MB
    file took minutes to validate, and section code on large tables grew quadratically)."""

    __slots__ = ("_lines",)

    def __init__(self, lines):
        self._lines = np.asarray(lines, dtype=np.int64)
        self._lines.flags.writeable = False

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, i: int) -> int:
        return int(self._lines[i])

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __eq__(self, other):
        return isinstance(other, LineMap) and np.array_equal(self._lines, other._lines)

    __hash__ = None

    def __repr__(self) -> str:
        return f"LineMap({len(self)} rows)"


def where(table: Table, row: int | None = None, column: str | None = None, lines=None) -> str:
    """`lines[i]` is the line where data row i starts (quoted fields may span lines, blank lines are
    skipped); `read_raw` keeps it in `df.attrs["lines"]`. Without it, row i is on line i + 2."""
    parts = [table.path]
    if row is not None:
        line = lines[row] if lines is not None and 0 <= row < len(lines) else row + 2
        parts.append(f"row {row + 1} (line {line})")
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


def read_raw(table: Table, root: Path, strict: bool = True) -> pd.DataFrame:
    """The file as text cells; empty, binary, non-UTF-8 and ragged files are errors."""
    path = root / table.path
    _record(table.path)
    if not path.exists():
        raise DataError(f"{table.path}: file not found")
    mb = path.stat().st_size / 1e6
    if mb > MAX_FILE_MB:
        raise DataError(f"{table.path}: {mb:,.1f} MB, larger than the {MAX_FILE_MB} MB a data file may be "
                        f"(MAX_FILE_MB in evidence_book/data/schemas.py); not read")
    return parse_raw(table, path.read_bytes(), strict)


def parse_raw(table: Table, data: bytes, strict: bool = True) -> pd.DataFrame:
    """The bytes of `table`'s file (from disk, or from another version of the data) as text cells.
    `strict=False` accepts a file that lacks some of the schema's columns (an older version of the
    data, compared with today's); every other problem is still an error."""
    if not data.strip():
        raise DataError(f"{table.path}: file is empty (expected a header row: {', '.join(c.name for c in table.columns)})")
    if b"\0" in data:
        raise DataError(f"{table.path}: looks like a binary file, not CSV text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(f"{table.path}, line {line}: not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8") from None
    if "\r" in text and "\n" not in text:
        raise DataError(f"{table.path}, line 1: lines end with CR only (old Mac format); save the file with LF or CRLF line endings")
    reader = csv.reader(io.StringIO(text))
    try:
        return _rows(table, reader, text, strict)
    except csv.Error as e:
        why = str(e)
        if "field larger than field limit" in why:
            why = f"a field is longer than {csv.field_size_limit():,} characters (is a quote missing?)"
        raise DataError(f"{table.path}, line {reader.line_num}: not readable as CSV: {why}") from None


def conform(table: Table, data: bytes) -> tuple[bytes, list[str]]:
    """An older version of a file read under today's schema: the schema's columns the file lacks are
    added, empty (what the loader reads as "not reported"). Returns the new bytes and the columns
    added; a file that cannot be read is returned as it is (loading it reports why)."""
    try:
        raw = parse_raw(table, data, strict=False)
    except DataError:
        return data, []
    missing = [c.name for c in table.columns if c.name not in raw.columns]
    if not missing:
        return data, []
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(list(raw.columns) + missing)
    w.writerows(r + [""] * len(missing) for r in raw.astype(object).values.tolist())
    return out.getvalue().encode("utf-8"), missing


def _rows(table: Table, reader, text: str, strict: bool = True) -> pd.DataFrame:
    header = next(reader)
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise DataError(f"{table.path}, line 1: duplicate column name(s) {dup}")
    first = reader.line_num + 1
    rows = list(reader)  # blank lines come as []; a quoted field may span lines
    physical = text.count("\n") + (not text.endswith("\n"))
    if first - 1 + len(rows) == physical:  # no row spans lines: row k of the reader is on line first + k
        keep = [k for k, r in enumerate(rows) if r]
        body, lines = [rows[k] for k in keep], [first + k for k in keep]
    else:  # a quoted field spans lines: count them as the reader goes (the file is read again)
        body, lines = _rows_spanning(text)
    width = len(header)
    bad = next((i for i, r in enumerate(body) if len(r) != width), None)
    if bad is not None:
        raise DataError(f"{where(table, bad, lines=lines)}: has {len(body[bad])} fields, the header has {width}")
    missing = [c.name for c in table.columns if c.name not in header]
    if missing and strict:
        raise DataError(f"{table.path}, line 1: missing column(s) {', '.join(repr(m) for m in missing)}")
    df = pd.DataFrame(body, columns=header, dtype="string").fillna("")
    df.attrs["lines"] = LineMap(lines)
    return df


def _rows_spanning(text: str) -> tuple[list, list]:
    """(non-blank rows, the line each starts on), following the reader's line count."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    body, lines, start = [], [], reader.line_num + 1
    for r in reader:
        if r:
            body.append(r)
            lines.append(start)
        start = reader.line_num + 1
    return body, lines
