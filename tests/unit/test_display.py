"""show_table's links: cells become links, every cell (and URL) is still escaped."""
from __future__ import annotations

import pandas as pd
import pytest

from evidence_book.display import linked_cells


def test_linked_cells_escape_text_and_urls_and_keep_numbers():
    df = pd.DataFrame({"study": ["<b>Chen</b> 2024", "Fu 2019", ""], "n": [3, 4, 5], "note": ["a & b", "", "x"]})
    out = linked_cells(df, {"study": ['../r.html#ref-"x"', pd.NA, "../r.html#z"]})
    assert out["study"].tolist() == ['<a href="../r.html#ref-&quot;x&quot;">&lt;b&gt;Chen&lt;/b&gt; 2024</a>', "Fu 2019", ""]
    assert out["n"].tolist() == [3, 4, 5]
    assert out["note"].tolist() == ["a &amp; b", "", "x"]


def test_links_must_have_one_url_per_row():
    with pytest.raises(ValueError):
        linked_cells(pd.DataFrame({"a": ["x", "y"]}), {"a": ["u"]})


def test_a_cell_can_hold_several_links_each_escaped():
    # the audit's "data rows used": a table name as text, then one link per row, separators as text
    df = pd.DataFrame({"rows": ["Studies: A & B", "none"], "n": [1, 2]})
    pieces = [("Studies: ", None), ("A <1>", "p.html#t-s"), (", ", None), ("B", 'p.html#"q"')]
    out = linked_cells(df, {"rows": [pieces, pd.NA]})
    assert out["rows"].tolist() == [
        'Studies: <a href="p.html#t-s">A &lt;1&gt;</a>, <a href="p.html#&quot;q&quot;">B</a>', "none"]
    assert out["n"].tolist() == [1, 2]
