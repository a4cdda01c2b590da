"""Tests of evidence_book.data.loader (typing, validation, cross-file rules) on small files written by
the test (no build); reading bytes into text cells is tests/unit/data/test_raw.py."""
from __future__ import annotations

import pytest

from conftest import REPO
from evidence_book.data.loader import cross_file, load_table, validate_all
from evidence_book.data.raw import DataError
from evidence_book.data.schemas import BY_NAME


PIO_HEADER = "element,description,source,location,quote,note\n"


def test_typed_columns_and_empty_cells(book_with):
    root = book_with("data/nerve/pio.csv", PIO_HEADER + "P,rats,s,l,,\nI,secretome,s,l,,why\n")
    df = load_table("nerve", "pio", root=root)
    assert list(df["element"]) == ["P", "I"]
    assert df["quote"].isna().all() and df.loc[1, "note"] == "why"


@pytest.mark.parametrize("text, message", [
    ("", "file is empty"),
    (PIO_HEADER + "P,rats\n", "row 1 (line 2): has 2 fields, the header has 6"),
    (PIO_HEADER.replace("description", "descr"), "line 1: missing column(s) 'description'"),
    (PIO_HEADER + ",rats,s,l,,\n", "row 1 (line 2), column 'element': a value is required"),
])
def test_errors_name_file_row_and_column(book_with, text, message):
    root = book_with("data/nerve/pio.csv", text)
    with pytest.raises(DataError, match=r"data/nerve/pio\.csv") as e:
        load_table("nerve", "pio", root=root)
    assert message in str(e.value)


def test_a_quoted_field_spanning_lines_keeps_the_line_numbers(book_with):
    root = book_with("data/nerve/pio.csv", PIO_HEADER + 'P,"two\nlines",s,l,,\n,x,s,l,,\n')
    with pytest.raises(DataError, match=r"row 2 \(line 4\), column 'element'"):
        load_table("nerve", "pio", root=root)


def test_bool_and_number_columns_reject_other_words(book_with):
    t = BY_NAME[("aasc", "trials")]
    header = ",".join(c.name for c in t.columns)
    row = {c.name: "" for c in t.columns} | {"study_id": "x2020", "first_author": "X", "year": "2020",
                                               "randomized": "perhaps", "n_patients": "ten", "source": "s", "location": "l"}
    root = book_with("data/aasc/trials.csv", header + "\n" + ",".join(row[c.name] for c in t.columns) + "\n")
    with pytest.raises(DataError) as e:
        load_table("aasc", "trials", root=root)
    assert "column 'randomized': expected true or false, got 'perhaps'" in str(e.value)
    assert "column 'n_patients': expected a whole number, got 'ten'" in str(e.value)


def test_the_repository_data_validate():
    assert validate_all(REPO) == sum(1 for t in BY_NAME.values() if (REPO / t.path).exists())


def test_a_study_missing_a_jbi_item_is_named_with_the_items_expected():
    frames = {key: load_table(*key, root=REPO) for key in [("nerve", "studies"), ("nerve", "jbi"), ("nerve", "references")]}
    jbi = frames[("nerve", "jbi")]
    study = jbi["study_id"].iloc[0]
    frames[("nerve", "jbi")] = jbi.drop(index=jbi.index[(jbi["study_id"] == study) & (jbi["item"] == "Q13")])
    errors = cross_file(frames)
    assert errors == [f"data/nerve/jbi.csv: study '{study}' has 12 JBI items, expected 13 (Q1–Q13)"]


def test_memo_rechecks_only_the_edited_file_and_still_finds_its_errors(tmp_path, monkeypatch):
    import shutil

    from evidence_book.data import loader

    shutil.copytree(REPO / "data", tmp_path / "data")
    (tmp_path / "sections.yml").write_text("sections: []\n")
    memo: dict = {}
    n = validate_all(tmp_path, memo)
    assert len(memo) == n
    coerced = []
    real = loader.coerce
    monkeypatch.setattr(loader, "coerce", lambda table, raw: coerced.append(table.path) or real(table, raw))
    assert validate_all(tmp_path, memo) == n and coerced == []  # nothing changed: nothing re-read
    path = tmp_path / "data" / "nerve" / "jbi.csv"
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    cells[header.index("study_id")] = "no-such-study"
    path.write_text(lines[0] + ",".join(cells) + "\n" + "".join(lines[2:]))
    with pytest.raises(DataError, match=r"data/nerve/jbi\.csv, row 1 .*no-such-study"):
        validate_all(tmp_path, memo)  # a cross-file rule, on the memo's frames and the new one
    assert coerced == ["data/nerve/jbi.csv"]


# --- scale: row limits, duplicates in linear time -----------------------------------------

def pio_rows(n: int) -> str:
    return PIO_HEADER + "".join(f"E{i},d,s,l,,\n" for i in range(n))


def test_a_table_over_its_declared_rows_is_refused_with_its_size(book_with, monkeypatch):
    from dataclasses import replace

    table = BY_NAME[("nerve", "pio")]
    monkeypatch.setitem(BY_NAME, ("nerve", "pio"), replace(table, max_rows=3))
    root = book_with("data/nerve/pio.csv", pio_rows(5))
    size = (root / "data/nerve/pio.csv").stat().st_size / 1e6
    with pytest.raises(DataError) as e:
        load_table("nerve", "pio", root=root)
    assert str(e.value).splitlines()[0] == (
        f"data/nerve/pio.csv: 5 rows ({size:,.1f} MB), more than the 3 this table is declared for (max_rows in "
        "evidence_book/data/schemas.py, the scale the build is measured at); if the size is intended, raise max_rows")
    monkeypatch.setitem(BY_NAME, ("nerve", "pio"), replace(table, max_rows=5))
    assert len(load_table("nerve", "pio", root=root)) == 5


def test_every_declared_limit_holds_the_real_data_and_the_measured_synthetic_review():
    import sys

    from evidence_book.data.schemas import MEASURED_STUDIES, TABLES

    sys.path.insert(0, str(REPO / "bench"))
    try:
        from synthetic import generate  # what `make bench` builds
    finally:
        sys.path.remove(str(REPO / "bench"))
    frames = generate(MEASURED_STUDIES)
    real_refs = load_table("nerve", "references", root=REPO)
    frames["references"] = range(len(frames["references"]) + int(real_refs["study_id"].isna().sum()))
    for name, df in frames.items():
        assert len(df) <= BY_NAME[("nerve", name)].max_rows, name
    for t in TABLES:
        if (REPO / t.path).exists():
            assert len(load_table(t.review, t.name, root=REPO)) <= t.max_rows


def test_a_flood_of_duplicates_is_capped_and_its_size_still_told(book_with):
    from evidence_book.data.loader import MAX_REPORTED

    n = 5_000  # every row a repeat of row 1 except the first
    root = book_with("data/nerve/pio.csv", PIO_HEADER + "P,d,s,l,,\n" * n)
    with pytest.raises(DataError) as e:
        load_table("nerve", "pio", root=root)
    lines = str(e.value).splitlines()
    assert lines[0] == "data/nerve/pio.csv, row 2 (line 3): exact duplicate of row 1 (line 2)"
    assert len([ln for ln in lines if "exact duplicate" in ln]) == MAX_REPORTED
    assert f"data/nerve/pio.csv: … and {n - 1 - MAX_REPORTED:,} more duplicate rows or keys" in lines


def test_duplicate_checks_grow_linearly_with_the_rows(book_with, tmp_path):
    """Validation of 8× the rows costs far less than 64× (quadratic) — CPU time, best of two."""
    import time

    from evidence_book.data.loader import check, coerce
    from evidence_book.data.raw import read_raw

    table = BY_NAME[("nerve", "pio")]

    def cost(n):
        root = book_with("data/nerve/pio.csv", PIO_HEADER + "P,d,s,l,,\n" * n, root=tmp_path / str(n))
        best = float("inf")
        for _ in range(2):
            t = time.process_time()
            df, _ = coerce(table, read_raw(table, root))
            check(table, df)
            best = min(best, time.process_time() - t)
        return best

    small, large = cost(20_000), cost(160_000)
    assert large < 24 * small, f"20,000 rows {small:.2f} s, 160,000 rows {large:.2f} s"


def test_follow_up_of_a_trial_read_from_the_text_not_the_caption():
    """chen2024's follow-up in weeks is the number §3.8 states (read here from the seed with a regex), not the
    Figure 16 caption's 24 weeks that the audit checks against it."""
    import re

    seed = next((REPO.parent / "shared" / "seeds").glob("004_*.txt"), None)
    if seed is None:
        pytest.skip("seed 004 not on this machine")
    stated = float(re.search(r"Over a follow-up period of (\d+) weeks", seed.read_text(encoding="utf-8")).group(1))
    caption = re.search(r"Figure 16\. Changes in WOMAC scores from baseline to (\d+) weeks", seed.read_text(encoding="utf-8"))
    trials = load_table("aasc", "trials", root=REPO).set_index("study_id")
    assert trials.at["chen2024", "follow_up_weeks"] == stated
    assert caption and float(caption.group(1)) != stated
