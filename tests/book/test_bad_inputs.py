"""Broken inputs through the real builder: a clear message that names the place, exit 1, site kept.

The real book is built once (session); every case copies that built tree (`_build` included) to a
fresh directory, breaks one thing, runs `build()` and checks: exit code 1; the message gives the
exact location (file, row, line and column for data; section and parameter for parameters); and
`_build/html` is byte-identical before and after. Data cases fail at validation, before any kernel
starts, so they are fast; the one notebook case runs a single section.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from site_support import copy_built, run_build, tree_digest


# --- editing helpers -------------------------------------------------------------------------------

def read_csv(root: Path, rel: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((root / rel).read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:]


def write_csv(root: Path, rel: str, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    (root / rel).write_text(buf.getvalue(), encoding="utf-8")


def set_cell(root: Path, rel: str, row: int, column: str, value: str) -> dict:
    """Set data row `row` (1-based, as the messages count) of `column`; returns that row as a dict."""
    header, rows = read_csv(root, rel)
    rows[row - 1][header.index(column)] = value
    write_csv(root, rel, header, rows)
    return dict(zip(header, rows[row - 1]))


def where(rel: str, row: int, column: str) -> str:
    return f"{rel}, row {row} (line {row + 1}), column '{column}'"


STUDIES, JBI = "data/nerve/studies.csv", "data/nerve/jbi.csv"
AASC_TRIALS, AASC_PRISMA, EV_TRIALS = "data/aasc/trials.csv", "data/aasc/prisma.csv", "data/ev/trials.csv"


# --- the corpus: each case breaks the copy and returns (build kwargs, exact texts expected) -----------

def missing_column(root):
    header, rows = read_csv(root, STUDIES)
    i = header.index("n_animals")
    write_csv(root, STUDIES, header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    return {}, [f"{STUDIES}, line 1: missing column(s) 'n_animals'"]


def wrong_type(root):
    set_cell(root, STUDIES, 3, "n_animals", "fifty")
    return {}, [f"{where(STUDIES, 3, 'n_animals')}: expected a whole number, got 'fifty'"]


def fractional_int(root):
    set_cell(root, STUDIES, 2, "year", "2019.5")
    return {}, [f"{where(STUDIES, 2, 'year')}: expected a whole number, got '2019.5'"]


def unknown_category(root):
    set_cell(root, JBI, 5, "answer", "maybe")
    return {}, [f"{where(JBI, 5, 'answer')}: expected one of yes, no, unclear, not_applicable, got 'maybe'"]


def unknown_sex(root):
    set_cell(root, STUDIES, 4, "sex", "males")
    return {}, [f"{where(STUDIES, 4, 'sex')}: expected one of male, female, both, got 'males'"]


def duplicate_id(root):
    header, rows = read_csv(root, STUDIES)
    first = rows[0][header.index("study_id")]
    set_cell(root, STUDIES, 3, "study_id", first)
    return {}, [f"{where(STUDIES, 3, 'study_id')}: duplicate key ({first}), first used in row 1 (line 2)"]


def orphan_reference(root):
    row = set_cell(root, JBI, 20, "study_id", "nobody1999")
    assert row["study_id"] == "nobody1999"
    return {}, [f"{where(JBI, 20, 'study_id')}: 'nobody1999' is not a study_id of {STUDIES}"]


def study_without_reference(root):
    refs = "data/aasc/references.csv"
    header, rows = read_csv(root, refs)
    i = header.index("study_id")
    gone = next(r for r in rows if r[i] == "panes2016")
    write_csv(root, refs, header, [r for r in rows if r is not gone])
    _, trials = read_csv(root, AASC_TRIALS)
    row = 1 + [r[0] for r in trials].index("panes2016")
    return {}, [f"{where(AASC_TRIALS, row, 'study_id')}: study 'panes2016' has no reference (add a row with this study_id to {refs})"]


def negative_count(root):
    set_cell(root, STUDIES, 2, "n_animals", "-5")
    return {}, [f"{where(STUDIES, 2, 'n_animals')}: expected a value ≥ 0, got -5"]


def required_empty(root):
    set_cell(root, STUDIES, 6, "first_author", "")
    return {}, [f"{where(STUDIES, 6, 'first_author')}: a value is required, the cell is empty"]


def prisma_arithmetic(root):
    header, rows = read_csv(root, AASC_PRISMA)
    stages = [r[header.index("stage")] for r in rows]
    counts = {s: r[header.index("count")] for s, r in zip(stages, rows)}
    identified = int(counts["records_identified_databases"])  # the review reports no registers or other sources
    dup = int(counts["duplicates_removed"])
    n = stages.index("records_screened") + 1
    set_cell(root, AASC_PRISMA, n, "count", str(identified - dup + 3))
    return {}, [f"{where(AASC_PRISMA, n, 'count')}: records_screened = {identified - dup + 3}, but "
                f"records_identified_databases − duplicates_removed = {identified} − {dup} = {identified - dup}"]


def empty_file(root):
    (root / STUDIES).write_bytes(b"")
    return {}, [f"{STUDIES}: file is empty (expected a header row: study_id, ref, first_author"]


def binary_file(root):
    (root / STUDIES).write_bytes(bytes(range(256)) * 4)
    return {}, [f"{STUDIES}: looks like a binary file, not CSV text"]


def latin1_file(root):
    text = (root / STUDIES).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace(",", ",Jos\u00e9 ", 1)  # line 4, in the first text field after study_id
    (root / STUDIES).write_bytes("".join(lines).encode("latin-1", errors="replace"))
    return {}, [f"{STUDIES}, line 4: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]


def ragged_row(root):
    lines = (root / STUDIES).read_text(encoding="utf-8").splitlines(keepends=True)
    header, _ = read_csv(root, STUDIES)
    lines[2] = lines[2].rstrip("\n") + ",extra\n"  # data row 2, line 3
    (root / STUDIES).write_text("".join(lines), encoding="utf-8")
    return {}, [f"{STUDIES}, row 2 (line 3): has {len(header) + 1} fields, the header has {len(header)}"]


def line_after_multiline_field(root):
    # A quoted field may span lines: row 1 below takes lines 2-4, so data row 3 starts on line 6.
    set_cell(root, STUDIES, 1, "note", "first line\nsecond line\nthird line")
    set_cell(root, STUDIES, 3, "n_animals", "fifty")
    return {}, [f"{STUDIES}, row 3 (line 6), column 'n_animals': expected a whole number, got 'fifty'"]


def line_after_blank_line(root):
    # A blank line is skipped: it is not a row, but it still counts as a line of the file.
    set_cell(root, STUDIES, 3, "n_animals", "fifty")
    lines = (root / STUDIES).read_text(encoding="utf-8").splitlines(keepends=True)
    (root / STUDIES).write_text("".join(lines[:2] + ["\n"] + lines[2:]), encoding="utf-8")
    return {}, [f"{STUDIES}, row 3 (line 5), column 'n_animals': expected a whole number, got 'fifty'"]


def ragged_row_after_blank_line(root):
    lines = (root / STUDIES).read_text(encoding="utf-8").splitlines(keepends=True)
    header, _ = read_csv(root, STUDIES)
    lines[2] = lines[2].rstrip("\n") + ",extra\n"  # data row 2
    (root / STUDIES).write_text("".join(lines[:2] + ["\n"] + lines[2:]), encoding="utf-8")
    return {}, [f"{STUDIES}, row 2 (line 4): has {len(header) + 1} fields, the header has {len(header)}"]


def twelve_jbi_items(root):
    header, rows = read_csv(root, JBI)
    sid = rows[-1][header.index("study_id")]
    write_csv(root, JBI, header, rows[:-1])
    return {}, [f"{JBI}: study '{sid}' has 12 JBI items, expected 13 (Q1–Q13)"]


def missing_file(root):
    (root / JBI).unlink()
    return {}, [f"{JBI}: file not found"]


def bad_boolean(root):
    set_cell(root, AASC_TRIALS, 2, "randomized", "perhaps")
    return {}, [f"{where(AASC_TRIALS, 2, 'randomized')}: expected true or false, got 'perhaps'"]


def malformed_nct(root):
    set_cell(root, EV_TRIALS, 4, "nct_id", "NCT1234")
    return {}, [f"{where(EV_TRIALS, 4, 'nct_id')}: expected text matching ^NCT\\d{{8}}$, got 'NCT1234'"]


def unknown_parameter(root):
    return {"overrides": ["nerve-quality.jbi_treshold=10"]}, [
        "--set nerve-quality.jbi_treshold=10: parameter 'jbi_treshold' is not declared by section 'nerve-quality'"]


def wrongly_typed_parameter(root):
    return {"overrides": ["jbi_threshold=high"]}, [
        "section 'nerve-quality': parameter 'jbi_threshold' must be int (default 9), got str 'high'"]


def unknown_section(root):
    return {"overrides": ["nerve-qualty.jbi_threshold=10"]}, ["--set nerve-qualty.jbi_threshold=10: no section 'nerve-qualty'"]


def unknown_parameter_in_manifest(root):
    path = root / "sections.yml"
    text = path.read_text(encoding="utf-8")
    assert "parameters: {effect_measure: RR," in text
    path.write_text(text.replace("parameters: {effect_measure: RR,", "parameters: {effect_measur: RR,"), encoding="utf-8")
    return {}, ["sections.yml: section 'aasc-effects': unknown parameter 'effect_measur'"]


def notebook_raises(root):
    nb_path = root / "chapters" / "quality.ipynb"  # used by one section only (nerve-quality)
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                        "source": 'raise RuntimeError("boom")'})
    nb_path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return {}, ["section 'nerve-quality' (chapters/quality.ipynb)", "RuntimeError: boom"]


def cr_only_line_endings(root):
    (root / STUDIES).write_bytes((root / STUDIES).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    return {}, [f"{STUDIES}, line 1: lines end with CR only"]


def huge_cell(root):
    set_cell(root, STUDIES, 2, "note", "x" * 200_000)
    return {}, [f"{STUDIES}, line 3: not readable as CSV: a field is longer than 131,072 characters"]


def exact_duplicate_row(root):
    path = root / "data/nerve/outcomes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[3]]), encoding="utf-8")
    n = len([ln for ln in lines if ln.strip()]) - 1 + 1
    return {}, [f"data/nerve/outcomes.csv, row {n} (line {len(lines) + 1}): exact duplicate of row 3 (line 4)"]


def oversized_table(root):
    """More rows than the table is declared for (schemas.py max_rows): refused with rows, size and limit."""
    from evidence_book.data.schemas import BY_NAME

    rel = "data/nerve/outcomes.csv"
    limit = BY_NAME[("nerve", "outcomes")].max_rows
    header, rows = read_csv(root, rel)
    note = header.index("note")
    out = [r[:note] + [f"{r[note]} (copy {k})"] + r[note + 1:] for k in range(limit // len(rows) + 1) for r in rows]
    write_csv(root, rel, header, out)
    size = (root / rel).stat().st_size / 1e6
    return {}, [f"{rel}: {len(out):,} rows ({size:,.1f} MB), more than the {limit:,} this table is declared for"]


def notebook_broken_json(root):
    path = root / "chapters/quality.ipynb"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    return {}, ["chapters/quality.ipynb: not a notebook (invalid JSON at line"]


def notebook_not_a_notebook(root):
    (root / "chapters/quality.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return {}, ["chapters/quality.ipynb: not a notebook"]


def toc_yaml_error(root):
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: [unclosed\n")
    return {}, ["_toc.yml:"]


def threshold_below_range(root):
    return {"overrides": ["jbi_threshold=-5"]}, [
        "--set jbi_threshold=-5: section 'nerve-quality': parameter 'jbi_threshold' = -5 is out of its range 0..13"]


def threshold_above_range(root):
    return {"overrides": ["jbi_threshold=100000"]}, ["parameter 'jbi_threshold' = 100000 is out of its range 0..13"]


def range_in_manifest(root):
    path = root / "sections.yml"
    text = path.read_text(encoding="utf-8")
    assert "parameters: {jbi_threshold: 9}" in text
    path.write_text(text.replace("parameters: {jbi_threshold: 9}", "parameters: {jbi_threshold: 14}", 1), encoding="utf-8")
    return {}, ["sections.yml: section 'nerve-quality': parameter 'jbi_threshold' = 14 is out of its range 0..13"]


def bad_timeout(root):
    path = root / "sections.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Study selection (PRISMA)", "title: Study selection (PRISMA)\n    timeout: soon", 1), encoding="utf-8")
    return {}, ["sections.yml: section 'nerve-selection': 'timeout' must be whole seconds"]


CASES = [missing_column, wrong_type, fractional_int, unknown_category, unknown_sex, duplicate_id, orphan_reference,
         study_without_reference,
         negative_count, required_empty, prisma_arithmetic, empty_file, binary_file, latin1_file, ragged_row,
         line_after_multiline_field, line_after_blank_line, ragged_row_after_blank_line,
         twelve_jbi_items, missing_file, bad_boolean, malformed_nct, unknown_parameter, wrongly_typed_parameter,
         unknown_section, unknown_parameter_in_manifest, notebook_raises,
         cr_only_line_endings, huge_cell, exact_duplicate_row, oversized_table, notebook_broken_json,
         notebook_not_a_notebook, toc_yaml_error, threshold_below_range, threshold_above_range, range_in_manifest,
         bad_timeout]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_broken_input_is_reported_and_site_kept(book, tmp_path, case):
    root = copy_built(book, tmp_path / "book")
    html = root / "_build" / "html"
    before = tree_digest(html)
    kwargs, expected = case(root)
    code, log = run_build(root, **kwargs)
    assert code == 1, f"expected the build to fail, got exit {code}:\n{log}"
    assert "BUILD FAILED" in log and "The previously published site in _build/html is unchanged." in log, log
    for text in expected:
        assert text in log, f"expected {text!r} in the build log:\n{log}"
    assert "Traceback" not in log, log
    assert tree_digest(html) == before, "the published site changed although the build failed"
