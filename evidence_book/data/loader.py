"""The one loader: read `data/<review>/<table>.csv`, type it by its schema, validate, record the read.

Every problem is reported as `file, row N (line L), column 'c': expected …, got '…'` — row N is the
N-th data row, line L the line in the file (the header is line 1).

Under the builder (a section id set, see `evidence_book.env`) the data were validated once before any section ran,
so sections only read and type the files; run by hand, a notebook validates what it loads.
Each file read is appended to the builder's reads file so the builder knows which sections to re-run.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from evidence_book import env
from evidence_book.values import FALSE_WORDS, TRUE_WORDS, to_boolean
from evidence_book.data.prisma import arithmetic_errors
from evidence_book.data.schemas import BY_NAME, FOREIGN_KEYS, ITEMS_PER_KEY, STUDY_TABLES, TABLES, Table

MAX_REPORTED = 20


class DataError(Exception):
    """Invalid data; the message names file, row and column."""


def book_root(root=None) -> Path:
    if root is not None:
        return Path(root).resolve()
    if env.root():
        return Path(env.root())
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if (p / "sections.yml").exists() and (p / "data").is_dir():
            return p
    raise DataError(f"cannot find the book root (a folder with sections.yml and data/) above {here}")


def _record(rel: str) -> None:
    reads = env.reads_file()
    if reads:
        with open(reads, "a", encoding="utf-8") as f:
            f.write(rel + "\n")


def _where(table: Table, row: int | None = None, column: str | None = None, lines=None) -> str:
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
        return _rows(table, reader, strict)
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


def _rows(table: Table, reader, strict: bool = True) -> pd.DataFrame:
    header = next(reader)
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise DataError(f"{table.path}, line 1: duplicate column name(s) {dup}")
    body, lines, start = [], [], reader.line_num + 1
    for r in reader:  # blank lines are no rows; a quoted field may span lines
        if r:
            body.append(r)
            lines.append(start)
            if len(r) != len(header):
                raise DataError(f"{_where(table, len(body) - 1, lines=lines)}: has {len(r)} fields, "
                                f"the header has {len(header)}")
        start = reader.line_num + 1
    missing = [c.name for c in table.columns if c.name not in header]
    if missing and strict:
        raise DataError(f"{table.path}, line 1: missing column(s) {', '.join(repr(m) for m in missing)}")
    df = pd.DataFrame(body, columns=header, dtype="string").fillna("")
    df.attrs["lines"] = lines
    return df


def coerce(table: Table, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Typed columns; unparseable cells become errors (not NaN)."""
    df, errors = raw.copy(), []
    lines = raw.attrs.get("lines")
    for col in table.columns:
        s = raw[col.name].str.strip()
        empty = s == ""
        if col.required:
            for i in s.index[empty]:
                errors.append(f"{_where(table, i, col.name, lines)}: a value is required, the cell is empty")
        if col.type == "str":
            df[col.name] = s.where(~empty, pd.NA)
        elif col.type in ("int", "float"):
            num = pd.to_numeric(s.where(~empty, None), errors="coerce")
            bad = ~empty & num.isna()
            if col.type == "int":
                bad |= ~empty & num.notna() & (num % 1 != 0)
            for i in s.index[bad]:
                want = "a whole number" if col.type == "int" else "a number"
                errors.append(f"{_where(table, i, col.name, lines)}: expected {want}, got {s[i]!r}")
            df[col.name] = num.astype("Int64") if col.type == "int" and not bad.any() else num.astype("Float64")
        elif col.type == "bool":
            low = s.str.lower()
            bad = ~empty & ~low.isin(TRUE_WORDS | FALSE_WORDS)
            for i in s.index[bad]:
                errors.append(f"{_where(table, i, col.name, lines)}: expected true or false, got {s[i]!r}")
            df[col.name] = to_boolean(low)
    return df, errors


def check(table: Table, df: pd.DataFrame) -> list[str]:
    """Allowed values, ranges, patterns, unique keys — evaluated by pandera, reported by cell."""
    import pandera.pandas as pa

    cols = {}
    for c in table.columns:
        checks = []
        if c.allowed is not None:
            checks.append(pa.Check.isin(list(c.allowed), error=f"one of {', '.join(a for a in c.allowed if a)}"))
        if c.min is not None:
            checks.append(pa.Check.ge(c.min, error=f"a value ≥ {c.min:g}"))
        if c.max is not None:
            checks.append(pa.Check.le(c.max, error=f"a value ≤ {c.max:g}"))
        if c.pattern is not None:
            checks.append(pa.Check.str_matches(c.pattern, error=f"text matching {c.pattern}"))
        cols[c.name] = pa.Column(checks=checks, nullable=True, coerce=False, required=True)
    schema = pa.DataFrameSchema(cols, strict=False)
    errors = []
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        fc = e.failure_cases
        for _, f in fc.iterrows():
            idx = f["index"]
            row = int(idx) if idx is not None and not pd.isna(idx) else None
            errors.append(f"{_where(table, row, f['column'], df.attrs.get('lines'))}: expected {f['check']}, got {f['failure_case']!r}")
    return errors + duplicates(table, df)


def _first_of(df: pd.DataFrame, cols: list) -> tuple[pd.Series, pd.Series]:
    """(is a repeat, index of the first row with the same values), in linear time (hashing)."""
    gid = df.groupby(cols, sort=False, dropna=False).ngroup()
    first = pd.Series(df.index, index=df.index).groupby(gid).transform("first")
    return first != df.index, first


def duplicates(table: Table, df: pd.DataFrame) -> list[str]:
    """Exact duplicate rows (any table) and repeated keys, each naming both rows and lines; linear
    in the rows, and at most MAX_REPORTED messages (then a count) however many there are."""
    lines, errors, more = df.attrs.get("lines"), [], 0
    line = lambda i: lines[i] if lines is not None and i < len(lines) else i + 2  # noqa: E731
    exact, first = _first_of(df, list(df.columns))
    for i in df.index[exact]:
        if len(errors) >= MAX_REPORTED:
            more += 1
            continue
        errors.append(f"{_where(table, i, lines=lines)}: exact duplicate of row {first[i] + 1} (line {line(first[i])})")
    if table.key:
        rep, kfirst = _first_of(df, list(table.key))
        rep &= ~exact
        for i in df.index[rep]:
            if len(errors) >= MAX_REPORTED:
                more += 1
                continue
            val = ", ".join(str(df.at[i, k]) for k in table.key)
            errors.append(f"{_where(table, i, table.key[0], lines)}: duplicate key ({val}), "
                          f"first used in row {kfirst[i] + 1} (line {line(kfirst[i])})")
    if more:
        errors.append(f"{table.path}: … and {more} more duplicate rows or keys")
    return errors


def load_table(review: str, name: str, root=None, validate: bool | None = None) -> pd.DataFrame:
    """The validated, typed DataFrame of `data/<review>/<name>.csv`."""
    table = BY_NAME.get((review, name))
    if table is None:
        raise DataError(f"no schema for data/{review}/{name}.csv (known: {', '.join(t.path for t in TABLES)})")
    root = book_root(root)
    df, errors = coerce(table, read_raw(table, root))
    if validate is None:
        validate = env.section() is None
    if validate and not errors:
        errors = check(table, df)
    if errors:
        raise DataError(_summary(errors))
    return df


def _summary(errors: list[str]) -> str:
    more = f"\n… and {len(errors) - MAX_REPORTED} more" if len(errors) > MAX_REPORTED else ""
    return "\n".join(errors[:MAX_REPORTED]) + more


def validate_all(root=None, memo: dict | None = None) -> int:
    """Validate every file with a schema and the cross-file rules; raise one DataError listing all problems.

    `memo` (a dict kept by a long-lived caller, `make watch`) remembers each file's checked frame and
    problems by the file's bytes, so after one file is edited only that file is read and checked
    again; the cross-file rules always run on all of them. The caller clears it when the schemas
    (the package) change."""
    import hashlib

    root = book_root(root)
    frames, errors = {}, []
    for table in TABLES:
        path = root / table.path
        if not path.exists() and table.name in ("jbi_items", "adverse_events"):
            continue  # optional files
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if memo is not None and path.is_file() else None
        if digest is not None and memo.get(table.path, (None,))[0] == digest:
            _, df, errs = memo[table.path]
        else:
            try:
                df, errs = coerce(table, read_raw(table, root))
            except DataError as e:
                errors.append(str(e))
                continue
            errs = errs or check(table, df)
            if digest is not None:
                memo[table.path] = (digest, df, errs)
        errors += errs
        frames[(table.review, table.name)] = df
    errors += cross_file(frames)
    if errors:
        raise DataError(_summary(errors))
    return len(frames)


def cross_file(frames: dict) -> list[str]:
    errors = []
    for (rv, tb, col), (prv, ptb, pcol) in FOREIGN_KEYS:
        child, parent = frames.get((rv, tb)), frames.get((prv, ptb))
        if child is None or parent is None:
            continue
        known = set(parent[pcol].dropna())
        for i in child.index[~child[col].isin(known) & child[col].notna()]:
            errors.append(f"{_where(BY_NAME[(rv, tb)], i, col, child.attrs.get('lines'))}: '{child.at[i, col]}' is not a {pcol} of {BY_NAME[(prv, ptb)].path}")
    for (child_key, parent_key, key, per_key, noun, what, which) in ITEMS_PER_KEY:
        child, parent = frames.get(child_key), frames.get(parent_key)
        if child is None or parent is None:
            continue
        counts = child.groupby(key).size()
        for value in parent[key].dropna():
            n = int(counts.get(value, 0))
            if n != per_key:
                errors.append(f"{BY_NAME[child_key].path}: {noun} '{value}' has {n} {what}, expected {per_key} ({which})")
    errors += unreferenced_studies(frames)
    for (review, name), df in frames.items():
        if name == "prisma":  # every review's PRISMA flow follows the one model (data.prisma)
            errors += prisma_errors(df, BY_NAME[(review, name)])
    return errors


def unreferenced_studies(frames: dict) -> list[str]:
    """An included study without a row in its review's references.csv is an error (at the study's row)."""
    errors = []
    for review, name in STUDY_TABLES.items():
        studies, refs = frames.get((review, name)), frames.get((review, "references"))
        if studies is None:
            continue
        table, ref_path = BY_NAME[(review, name)], BY_NAME[(review, "references")].path
        known = set(refs["study_id"].dropna()) if refs is not None else set()
        for i in studies.index[~studies["study_id"].isin(known) & studies["study_id"].notna()]:
            errors.append(f"{_where(table, i, 'study_id', studies.attrs.get('lines'))}: study '{studies.at[i, 'study_id']}' "
                          f"has no reference (add a row with this study_id to {ref_path})")
    return errors


def prisma_errors(p: pd.DataFrame, table: Table) -> list[str]:
    """Contradictions in a PRISMA flow (`data.prisma.arithmetic`), each at the row of the stage checked."""
    lines = p.attrs.get("lines")
    out = []
    for stage, message in arithmetic_errors(p):
        rows = p.index[p["stage"] == stage]
        out.append(f"{_where(table, int(rows[0]) if len(rows) else None, 'count', lines)}: {message}")
    return out
