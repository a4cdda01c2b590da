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


# --- layout: key columns, row details, full width, numbers right ------------------------------------

import json  # noqa: E402
import re  # noqa: E402

from evidence_book import display as disp  # noqa: E402


def shown_html(monkeypatch, tmp_path, *args, **kw) -> str:
    """What show_table puts on the page (its HTML outputs joined), files written under tmp_path."""
    monkeypatch.chdir(tmp_path)
    out = []
    monkeypatch.setattr(disp, "display", lambda obj: out.append(obj.data))
    disp.show_table(*args, **kw)
    return "\n".join(out)


def dt_args(html: str) -> dict:
    """The DataTables options itables wrote into the page (the `let dt_args = {...};` literal)."""
    return json.loads(re.search(r"let dt_args = (\{.*?\});\n", html, re.S).group(1))


def test_number_columns_are_numbers_ratios_ranges_and_estimates_with_intervals():
    df = pd.DataFrame({"study": ["Chen 2024", "Fu 2019"], "n": [30, 95], "events": ["53 / 107", "not reported"],
                       "rr": ["2.50 (1.35 to 4.65)", "—"], "share": ["100% (57–100%)", "21–100%"],
                       "p": ["< 0.001", "0.500"], "mean": ["657 (224)", "2.862 (—)"], "age": ["12 weeks", "8"],
                       "phase": ["Ib/IIa", "2"], "empty": ["", pd.NA]})
    assert disp.number_columns(df) == ["n", "events", "rr", "share", "p", "mean"]


def test_details_cells_hold_the_non_empty_long_text_escaped():
    df = pd.DataFrame({"a": ["x", "y"], "note": ["<script>alert(1)</script>", ""], "quote": ['"q" & r', ""]})
    cells = disp.details_cells(df, ["note", "quote"])
    assert cells.iloc[1] == ""  # nothing to show: no control at all
    assert cells.iloc[0] == ('<details class="eb-details"><summary>Show</summary><dl>'
                             "<dt>note</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>"
                             "<dt>quote</dt><dd>&quot;q&quot; &amp; r</dd></dl></details>")


def test_show_table_moves_details_out_aligns_numbers_and_goes_full_width(monkeypatch, tmp_path):
    df = pd.DataFrame({"Study": ["<b>Chen</b> 2024", "Fu 2019"], "Patients": [30, 95],
                       "RR (95% CI)": ["2.50 (1.35 to 4.65)", "1.06 (0.63 to 1.76)"],
                       "Note": ["<img src=x onerror=alert(1)>", ""], "Quote": ["long text", "more"]})
    html = shown_html(monkeypatch, tmp_path, df, "demo", caption="Demo", download="demo",
                      details=["Note", "Quote"], wide=True)
    assert '<div class="eb-table full-width" role="region"' in html
    args = dt_args(html)
    assert args["columnDefs"] == [{"className": "dt-right eb-num", "targets": [1, 2]},
                                  {"className": "eb-details-cell", "orderable": False, "targets": [3]}]
    assert args["autoWidth"] is False
    rows = json.loads(args["data_json"])
    assert [len(r) for r in rows] == [4, 4]  # Study, Patients, RR, Details
    assert rows[0][0] == "&lt;b&gt;Chen&lt;/b&gt; 2024" and "&lt;img src=x" in rows[0][3]
    assert rows[1][3].count("<dt>") == 1  # only the non-empty Quote
    assert "<img src=x" not in html and "<b>Chen" not in html  # nothing unescaped, static rows included
    assert re.search(r"<th>\s*Details\s*</th>", html)
    # the download keeps every column, in the data's words
    assert list(pd.read_csv(tmp_path / "_files_local" / "demo.csv").columns) == list(df.columns)


def test_one_detail_column_is_headed_by_its_name_and_a_named_column_axis_adds_no_header(monkeypatch, tmp_path):
    df = pd.DataFrame({"group": ["a"], "Recruiting": [2], "why": ["because"]}).rename_axis(columns="Status")
    html = shown_html(monkeypatch, tmp_path, df, "demo", details=["why"])
    assert "Status" not in html
    assert re.search(r"<th>\s*why\s*</th>", html) and 'class="eb-table"' in html and "full-width" not in html


def test_details_must_name_columns_of_the_table_and_leave_one(monkeypatch, tmp_path):
    df = pd.DataFrame({"a": ["x"], "b": ["y"]})
    with pytest.raises(ValueError, match=r"details name column\(s\) not in the table: \['c'\]"):
        shown_html(monkeypatch, tmp_path, df, "demo", details=["c"])
    with pytest.raises(ValueError, match="every column is in details"):
        shown_html(monkeypatch, tmp_path, df, "demo", details=["a", "b"])
    with pytest.raises(ValueError, match="linked column cannot be in details"):
        shown_html(monkeypatch, tmp_path, df, "demo", details=["b"], links={"b": ["u"]})
