"""The builder: manifest and parameter checks, cache invalidation, atomic publish (toy book)."""
from __future__ import annotations

import re

import pytest

from evidence_book.builder.builder import build
from evidence_book.builder.errors import BuildError
from evidence_book.builder.manifest import load_manifest
from evidence_book.builder.parameters import notebook_parameters, parse_override, resolve
from site_support import tree_digest


def run(root, **kw):
    lines = []
    code = build(root, say=lines.append, **kw)
    return code, "\n".join(lines)


def ran(log: str) -> set[str]:
    return set(re.findall(r"^\s+ran\s+(\S+)", log, flags=re.M))


# --- manifest and parameters (no kernel needed) ------------------------------------------

def test_notebook_parameters_are_read_with_types(toy_book):
    assert notebook_parameters(toy_book / "chapters/count.ipynb") == {"review": "nerve", "table": "studies", "limit": 5}


@pytest.mark.parametrize("manifest, message", [
    ("sections:\n  - {id: a, notebook: chapters/nope.ipynb}\n", "does not exist"),
    ("sections:\n  - {id: A b, notebook: chapters/fail.ipynb}\n", "lower-case slug"),
    ("sections:\n  - {id: a, notebook: chapters/fail.ipynb}\n  - {id: a, notebook: chapters/fail.ipynb}\n", "used twice"),
    ("sections:\n  - {id: a, notebook: chapters/fail.ipynb, colour: red}\n", "unknown key"),
    ("sections: 3\n", "non-empty list"),
])
def test_manifest_errors(toy_book, manifest, message):
    (toy_book / "sections.yml").write_text(manifest)
    with pytest.raises(BuildError, match=message):
        load_manifest(toy_book)


def test_unknown_parameter_in_manifest_fails_before_any_kernel(toy_book):
    text = (toy_book / "sections.yml").read_text().replace("table: studies}", "tabel: studies}")
    (toy_book / "sections.yml").write_text(text)
    code, log = run(toy_book)
    assert code == 1
    assert "section 'nerve-count': unknown parameter 'tabel'" in log
    assert not (toy_book / "_build" / ".cache" / "notebooks").exists()


@pytest.mark.parametrize("override, message", [
    ("limit=many", "parameter 'limit' must be int"),
    ("nerve-count.limit=1.5", "parameter 'limit' must be int"),
    ("colour=red", "'colour' is not declared by any section"),
    ("nowhere.limit=3", "no section 'nowhere'"),
    ("fail=maybe", "parameter 'fail' must be bool"),
    ("limit", "expected name=value"),
])
def test_bad_overrides_are_errors(toy_book, override, message):
    with pytest.raises(BuildError, match=re.escape(message)):
        resolve(load_manifest(toy_book), toy_book, [override])


def test_overrides_apply_to_every_declaring_section_or_one(toy_book):
    sections = load_manifest(toy_book)
    params = resolve(sections, toy_book, ["limit=7"])
    assert params["nerve-count"]["limit"] == params["aasc-count"]["limit"] == 7
    params = resolve(sections, toy_book, ["aasc-count.limit=9", "review=yes"])
    assert params["nerve-count"]["limit"] == 5 and params["aasc-count"]["limit"] == 9
    assert params["nerve-count"]["review"] == "yes"  # a str parameter keeps the text as typed
    assert parse_override("a.b=[1, 2]")[:3] == ("a", "b", [1, 2])


# --- execution, cache and publish ------------------------------------------------------------

def test_incremental_cache_reruns_exactly_the_readers(toy_book):
    code, log = run(toy_book)
    assert code == 0, log
    assert ran(log) == {"nerve-count", "aasc-count", "maybe-fail"}
    page = toy_book / "_build/html/chapters/nerve-count.html"
    assert page.exists()

    code, log = run(toy_book)
    assert code == 0 and "up to date" in log and not ran(log) and "jupyter-book" not in log

    # a CSV read by one section: only that section re-runs, and its page changes
    studies = toy_book / "data/nerve/studies.csv"
    text = studies.read_text(encoding="utf-8")
    first_author = text.splitlines()[1].split(",")[2]
    studies.write_text(text.replace(f",{first_author},", ",Zzedited,", 1), encoding="utf-8")
    before = page.read_bytes()
    code, log = run(toy_book)
    assert code == 0, log
    assert ran(log) == {"nerve-count"}
    assert "Zzedited" in page.read_text() and first_author not in page.read_text().split("Provenance")[0]
    assert page.read_bytes() != before

    # a parameter from the command line: only the sections declaring it for that target
    code, log = run(toy_book, overrides=["aasc-count.limit=6"])
    assert ran(log) == {"aasc-count"}

    # the notebook of one section
    nb = toy_book / "chapters/fail.ipynb"
    nb.write_text(nb.read_text().replace("print('fine')", "print('still fine')"))
    code, log = run(toy_book, overrides=["aasc-count.limit=6"])
    assert ran(log) == {"maybe-fail"}

    # package code: every section
    (toy_book / "evidence_book/methods/added_marker.py").write_text("X = 1\n")
    code, log = run(toy_book, overrides=["aasc-count.limit=6"])
    assert ran(log) == {"nerve-count", "aasc-count", "maybe-fail"}

    code, log = run(toy_book, overrides=["aasc-count.limit=6"], force=True)
    assert ran(log) == {"nerve-count", "aasc-count", "maybe-fail"}


def test_failing_section_keeps_the_published_site(toy_book):
    code, log = run(toy_book)
    assert code == 0, log
    html = toy_book / "_build/html"
    before = tree_digest(html)
    code, log = run(toy_book, overrides=["fail=true"])
    assert code == 1
    assert "section 'maybe-fail'" in log and "'fail': True" in log and "ValueError: asked to fail" in log
    assert "unchanged" in log
    assert tree_digest(html) == before


def test_invalid_data_fails_before_execution_and_keeps_site(toy_book):
    assert run(toy_book)[0] == 0
    html = toy_book / "_build/html"
    before = tree_digest(html)
    studies = toy_book / "data/nerve/studies.csv"
    text = studies.read_text(encoding="utf-8")
    studies.write_text(text.replace("\nchen2024,40,", "\nchen2024,forty,", 1), encoding="utf-8")
    code, log = run(toy_book)
    assert code == 1
    assert "data/nerve/studies.csv, row 1 (line 2), column 'ref': expected a whole number, got 'forty'" in log
    assert tree_digest(html) == before


def test_provenance_footer_and_hidden_parameters(toy_book):
    assert run(toy_book, overrides=["limit=3"])[0] == 0
    page = (toy_book / "_build/html/chapters/nerve-count.html").read_text()
    assert "Provenance of this page" in page
    assert "limit" in page and "data/nerve/studies.csv" in page
    assert 'limit = 3' not in page.split("Provenance of this page")[0]  # parameters cell hidden
    appendix = (toy_book / "_build/html/appendix/provenance.html").read_text()
    for sid in ("nerve-count", "aasc-count", "maybe-fail"):
        assert sid in appendix
