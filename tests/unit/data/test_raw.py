"""Tests of evidence_book.data.raw (a data file as text cells, line numbers, errors) on bytes and
small files written by the test (no build)."""
from __future__ import annotations

import copy

import pytest

from evidence_book import env
from evidence_book.data import raw
from evidence_book.data.raw import DataError, LineMap, conform, parse_raw, read_raw, where
from evidence_book.data.schemas import BY_NAME

PIO = BY_NAME[("nerve", "pio")]
PIO_HEADER = "element,description,source,location,quote,note\n"


def test_cells_are_text_and_rows_keep_the_line_they_start_on():
    # blank lines are skipped; a quoted field spanning two lines moves every later row down one line
    df = parse_raw(PIO, (PIO_HEADER + "P,rats,s,l,,\n\n" + 'I,"two\nlines",s,l,,\nO, x ,s,l,,\n').encode())
    assert list(df.columns) == PIO_HEADER.strip().split(",")
    assert df["description"].tolist() == ["rats", "two\nlines", " x "]  # raw: not stripped, not typed
    assert (df["quote"] == "").all()
    lines = df.attrs["lines"]
    assert [lines[i] for i in range(len(lines))] == [2, 4, 6]


def test_a_byte_order_mark_and_crlf_endings_are_read():
    df = parse_raw(PIO, b"\xef\xbb\xbf" + (PIO_HEADER + "P,rats,s,l,,\n").replace("\n", "\r\n").encode())
    assert df.columns[0] == "element" and df.loc[0, "note"] == ""


@pytest.mark.parametrize("data, message", [
    (b"", "data/nerve/pio.csv: file is empty (expected a header row: element, description, source, location, "
          "quote, note)"),
    (b"  \n", "data/nerve/pio.csv: file is empty"),
    (b"element\0,x\n", "data/nerve/pio.csv: looks like a binary file, not CSV text"),
    ((PIO_HEADER + "P,caf\xe9,s,l,,\n").encode("latin-1"),
     "data/nerve/pio.csv, line 2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
    ((PIO_HEADER + "P,rats,s,l,,\n").replace("\n", "\r").encode(),
     "data/nerve/pio.csv, line 1: lines end with CR only (old Mac format)"),
    ((PIO_HEADER + "P,rats,s,l,,\nI,x\n").encode(),
     "data/nerve/pio.csv, row 2 (line 3): has 2 fields, the header has 6"),
    (b"element,element,description,source,location,quote,note\n",
     "data/nerve/pio.csv, line 1: duplicate column name(s) ['element']"),
    (b"element,description,source\nP,rats,s\n",
     "data/nerve/pio.csv, line 1: missing column(s) 'location', 'quote', 'note'"),
])
def test_unreadable_bytes_are_one_error_naming_file_and_line(data, message):
    with pytest.raises(DataError) as e:
        parse_raw(PIO, data)
    assert str(e.value).startswith(message)


def test_a_missing_closing_quote_is_named_as_a_csv_error_with_its_line():
    import csv

    old = csv.field_size_limit(50)  # the reader's limit on one field, made small for the test
    try:
        with pytest.raises(DataError) as e:
            parse_raw(PIO, (PIO_HEADER + 'P,"never closed,s,l,,\n' + "x" * 80 + "\n").encode())
    finally:
        csv.field_size_limit(old)
    assert str(e.value) == ("data/nerve/pio.csv, line 3: not readable as CSV: "
                            "a field is longer than 50 characters (is a quote missing?)")


def test_an_older_file_without_todays_columns_reads_when_not_strict_and_conforms():
    old = b"element,description,source,location\nP,rats,s,l\n"
    with pytest.raises(DataError, match="missing column"):
        parse_raw(PIO, old)
    assert list(parse_raw(PIO, old, strict=False).columns) == ["element", "description", "source", "location"]
    data, added = conform(PIO, old)
    assert added == ["quote", "note"]
    df = parse_raw(PIO, data)
    assert list(df.iloc[0]) == ["P", "rats", "s", "l", "", ""]
    assert conform(PIO, data) == (data, [])  # today's file is left as it is
    assert conform(PIO, b"\0binary") == (b"\0binary", [])  # unreadable: loading it says why


def test_where_names_file_row_line_and_column():
    lines = LineMap([2, 5])
    assert where(PIO) == "data/nerve/pio.csv"
    assert where(PIO, 1, "note", lines) == "data/nerve/pio.csv, row 2 (line 5), column 'note'"
    assert where(PIO, 3) == "data/nerve/pio.csv, row 4 (line 5)"  # no map: the header is line 1


def test_the_line_map_is_shared_not_copied_by_pandas(book_with):
    # pandas deep-copies attrs into every result; a list of 300,000 line numbers copied at each
    # operation made a 50 MB file take minutes (and sections on large tables quadratic)
    root = book_with("data/nerve/pio.csv", PIO_HEADER + 'P,"two\nlines",s,l,,\nI,x,s,l,,\n')
    df = read_raw(PIO, root)
    lines = df.attrs["lines"]
    assert [lines[0], lines[1]] == [2, 4] and len(lines) == 2
    assert copy.deepcopy(df.attrs)["lines"] is lines
    assert df[df["element"] == "I"].attrs["lines"] is lines
    assert lines == LineMap([2, 4]) and lines != LineMap([2, 3])


def test_each_file_read_is_recorded_for_the_builder(book_with, tmp_path, monkeypatch):
    root = book_with("data/nerve/pio.csv", PIO_HEADER + "P,rats,s,l,,\n")
    reads = tmp_path / "reads.txt"
    monkeypatch.setenv(env.READS, str(reads))
    read_raw(PIO, root)
    with pytest.raises(DataError, match="data/nerve/studies.csv: file not found"):
        read_raw(BY_NAME[("nerve", "studies")], root)
    assert reads.read_text().splitlines() == ["data/nerve/pio.csv", "data/nerve/studies.csv"]


def test_a_file_over_the_byte_cap_is_not_read(book_with, monkeypatch):
    root = book_with("data/nerve/pio.csv", PIO_HEADER + "".join(f"E{i},d,s,l,,\n" for i in range(50)))
    monkeypatch.setattr(raw, "MAX_FILE_MB", 0.0001)
    monkeypatch.setattr(raw.pd, "DataFrame", None)  # proof that nothing is parsed
    with pytest.raises(DataError) as e:
        read_raw(PIO, root)
    assert str(e.value) == ("data/nerve/pio.csv: 0.0 MB, larger than the 0.0001 MB a data file may be "
                            "(MAX_FILE_MB in evidence_book/data/schemas.py); not read")
