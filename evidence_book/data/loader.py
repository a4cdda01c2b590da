"""The one loader: read `data/<review>/<table>.csv` (as text cells, `raw`), type it by its schema,
validate it, alone and across files.

Under the builder (a section id set, see `evidence_book.env`) the data were validated once before any section ran,
so sections only read and type the files; run by hand, a notebook validates what it loads.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evidence_book import env
from evidence_book.values import FALSE_WORDS, TRUE_WORDS, to_boolean
from evidence_book.data.prisma import arithmetic_errors
from evidence_book.data.raw import DataError, read_raw, where
from evidence_book.data.schemas import BY_NAME, FOREIGN_KEYS, ITEMS_PER_KEY, STUDY_TABLES, TABLES, Table

MAX_REPORTED = 20


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


def _distinct(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code of each cell, its distinct values stripped): cell i is `values[codes[i]]`. Typing and
    checking the distinct values only is what keeps a large file fast (columns repeat a lot)."""
    codes, uniques = pd.factorize(raw)  # the raw cells are text, never NA
    return codes, np.array([u.strip() for u in uniques], dtype=object)


def coerce(table: Table, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Typed columns; unparseable cells become errors (not NaN)."""
    df, errors = raw.copy(), []
    lines = raw.attrs.get("lines")
    for col in table.columns:
        codes, values = _distinct(raw[col.name])
        empty_v = values == ""
        empty = empty_v[codes] if len(values) else np.zeros(len(raw), dtype=bool)
        if col.required:
            for i in raw.index[empty]:
                errors.append(f"{where(table, i, col.name, lines)}: a value is required, the cell is empty")
        if col.type == "str":
            df[col.name] = pd.Series(np.where(empty_v, None, values)[codes], index=raw.index, dtype="string")
        elif col.type in ("int", "float"):
            num_v = pd.to_numeric(pd.Series(np.where(empty_v, None, values), dtype="string"), errors="coerce")
            bad_v = ~empty_v & num_v.isna().to_numpy()
            if col.type == "int":
                bad_v |= ~empty_v & (num_v.notna() & (num_v % 1 != 0)).fillna(False).to_numpy(dtype=bool)
            bad = bad_v[codes] if len(values) else empty
            for i in raw.index[bad]:
                want = "a whole number" if col.type == "int" else "a number"
                errors.append(f"{where(table, i, col.name, lines)}: expected {want}, got {values[codes[i]]!r}")
            num = pd.Series(num_v.to_numpy(dtype=object)[codes] if len(values) else [], index=raw.index, dtype=num_v.dtype)
            df[col.name] = num.astype("Int64") if col.type == "int" and not bad.any() else num.astype("Float64")
        elif col.type == "bool":
            low_v = pd.Series([v.lower() for v in values], dtype="string")
            bad_v = ~empty_v & ~low_v.isin(TRUE_WORDS | FALSE_WORDS).to_numpy(dtype=bool)
            for i in raw.index[bad_v[codes] if len(values) else empty]:
                errors.append(f"{where(table, i, col.name, lines)}: expected true or false, got {values[codes[i]]!r}")
            df[col.name] = pd.Series(to_boolean(low_v).to_numpy(dtype=object)[codes] if len(values) else [],
                                     index=raw.index, dtype="boolean")
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
            errors.append(f"{where(table, row, f['column'], df.attrs.get('lines'))}: expected {f['check']}, got {f['failure_case']!r}")
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
        errors.append(f"{where(table, i, lines=lines)}: exact duplicate of row {first[i] + 1} (line {line(first[i])})")
    if table.key:
        rep, kfirst = _first_of(df, list(table.key))
        rep &= ~exact
        for i in df.index[rep]:
            if len(errors) >= MAX_REPORTED:
                more += 1
                continue
            val = ", ".join(str(df.at[i, k]) for k in table.key)
            errors.append(f"{where(table, i, table.key[0], lines)}: duplicate key ({val}), "
                          f"first used in row {kfirst[i] + 1} (line {line(kfirst[i])})")
    if more:
        errors.append(f"{table.path}: … and {more:,} more duplicate rows or keys")
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
    if validate:
        errors = size_errors(table, df, root) + (errors or check(table, df))
    if errors:
        raise DataError(_summary(errors))
    return df


def size_errors(table: Table, df: pd.DataFrame, root: Path) -> list[str]:
    """A file with more data rows than its table's declared `max_rows` (schemas.py), with its size."""
    n = len(df)
    if n <= table.max_rows:
        return []
    mb = (Path(root) / table.path).stat().st_size / 1e6
    return [f"{table.path}: {n:,} rows ({mb:,.1f} MB), more than the {table.max_rows:,} this table is declared for "
            f"(max_rows in evidence_book/data/schemas.py, the scale the build is measured at); "
            f"if the size is intended, raise max_rows"]


def _summary(errors: list[str]) -> str:
    """The first MAX_REPORTED problems; of the rest, each file's tally line ('… and N more …') is
    kept, so the size of a flood (e.g. 300,000 duplicate rows) stays visible, then a count."""
    shown, rest = errors[:MAX_REPORTED], errors[MAX_REPORTED:]
    tallies = [e for e in rest if ": … and " in e]
    n = len(rest) - len(tallies)
    return "\n".join(shown + tallies + ([f"… and {n:,} more"] if n else []))


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
            errs = size_errors(table, df, root) + (errs or check(table, df))
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
            errors.append(f"{where(BY_NAME[(rv, tb)], i, col, child.attrs.get('lines'))}: '{child.at[i, col]}' is not a {pcol} of {BY_NAME[(prv, ptb)].path}")
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
            errors.append(f"{where(table, i, 'study_id', studies.attrs.get('lines'))}: study '{studies.at[i, 'study_id']}' "
                          f"has no reference (add a row with this study_id to {ref_path})")
    return errors


def prisma_errors(p: pd.DataFrame, table: Table) -> list[str]:
    """Contradictions in a PRISMA flow (`data.prisma.arithmetic`), each at the row of the stage checked."""
    lines = p.attrs.get("lines")
    out = []
    for stage, message in arithmetic_errors(p):
        rows = p.index[p["stage"] == stage]
        out.append(f"{where(table, int(rows[0]) if len(rows) else None, 'count', lines)}: {message}")
    return out
