"""The seed-000 chapters on the real book: glued numbers equal independent counts of the CSV files,
and the quality knob (jbi_threshold) changes the quality listing and the synthesis."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path


from site_support import copy_built, run_build



def rows(root: Path, path: str) -> list[dict]:
    with open(root / path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def glued(root: Path, section: str) -> dict[str, str]:
    """name → text of every value a section glued (from its executed notebook)."""
    nb = json.loads((root / "_build/.stage/chapters" / f"{section}.ipynb").read_text())
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            book = o.get("metadata", {}).get("scrapbook", {})
            if book.get("name"):
                text = o["data"].get(book.get("mime_prefix", "") + "text/plain", "")
                out[book["name"]] = text.strip("'\"")
    return out


def counted_scores(root: Path) -> dict[str, int]:
    c = Counter(r["study_id"] for r in rows(root, "data/nerve/jbi.csv") if r["answer"] == "yes")
    return {r["study_id"]: c.get(r["study_id"], 0) for r in rows(root, "data/nerve/studies.csv")}


def test_studies_prose_numbers_equal_the_data(book):
    g = glued(book, "nerve-studies")
    studies = rows(book, "data/nerve/studies.csv")
    assert int(g["n_studies"]) == len(studies)
    assert int(g["n_animals"]) == sum(int(r["n_animals"]) for r in studies)
    species = Counter(r["species"] for r in studies)
    assert int(g["species_sprague_dawley"]) == species["Sprague-Dawley"]
    assert int(g["species_wistar"]) == species["Wistar"]
    weights = [float(r[c]) for r in studies for c in ("weight_min_g", "weight_max_g") if r[c]]
    assert float(g["weight_min"]) == min(weights) and float(g["weight_max"]) == max(weights)
    sfi = {r["study_id"] for r in rows(book, "data/nerve/outcomes.csv") if r["measure"] == "SFI"}
    assert int(g["measure_sfi"]) == len(sfi)


def test_quality_prose_equals_counts_from_the_answers(book):
    g = glued(book, "nerve-quality")
    scores = counted_scores(book)
    stated = {r["study_id"]: int(r["jbi_score_stated"]) for r in rows(book, "data/nerve/studies.csv")}
    assert int(g["n_mismatch"]) == sum(scores[s] != stated[s] for s in scores)
    assert int(g["n_below"]) == sum(v < 9 for v in scores.values())
    assert int(g["min_counted"]) == min(scores.values())


def test_every_section_page_is_free_of_errors(book):
    for nb in (book / "_build/.stage/chapters").glob("*.ipynb"):
        data = json.loads(nb.read_text())
        assert not [o for c in data["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"], nb.name


def test_stricter_threshold_changes_quality_listing_and_synthesis(book, tmp_path):
    root = copy_built(book, tmp_path / "book")
    code, log = run_build(root, overrides=["jbi_threshold=10"])
    assert code == 0, log
    scores = counted_scores(root)
    n_below = sum(v < 10 for v in scores.values())
    assert n_below > 0  # the knob must bite on this data for the test to mean anything
    assert {"nerve-quality", "nerve-synthesis", "nerve-summary"} <= {l.split()[1] for l in log.splitlines() if l.strip().startswith("ran ")}
    assert int(glued(root, "nerve-quality")["n_below"]) == n_below
    g = glued(root, "nerve-synthesis")
    assert int(g["n_excluded"]) == n_below and int(g["n_included"]) == len(scores) - n_below
    page = (root / "_build/html/chapters/nerve-quality.html").read_text()
    assert "Studies below 10/13" in page


def test_no_page_shows_a_data_identifier(book):
    """Readers see words ("in vitro", "does not hold"), never the data's codes; the data dictionary is
    the one page about the codes themselves, and the provenance note names files for analysts."""
    from site_support import toc_pages
    from visible_text import identifiers_in, visible_text

    shown = {}
    for page in toc_pages(book):
        if page.endswith("data-dictionary.html"):
            continue
        ids = identifiers_in(visible_text((book / "_build/html" / page).read_text(encoding="utf-8")))
        if ids:
            shown[page] = ids
    assert not shown, f"identifiers visible to readers: {shown}"


def test_the_identifier_scan_sees_visible_text_and_skips_provenance():
    from visible_text import identifiers_in, visible_text

    html = ('<p>Domain in_vitro</p><script>var x="does_not_hold"</script>'
            '<div class="admonition provenance"><p>data/nerve/outcomes.csv favours_control</p></div>')
    assert identifiers_in(visible_text(html)) == ["in_vitro"]
