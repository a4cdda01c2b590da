"""Issue 14 on the built site: References pages, study labels that link to them, PRISMA boxes that link.

The HTML checks read the session's built book; the click checks use the real browser, offline."""
from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import pytest

from site_support import browser, offline_context, serve


def csv_rows(root: Path, rel: str) -> list[dict]:
    with open(root / rel, encoding="utf-8") as f:
        return list(csv.DictReader(f))


REVIEWS = [("nerve", "data/nerve/studies.csv", "nerve-studies", "t-studies"),
           ("aasc", "data/aasc/trials.csv", "aasc-design", "t-aasc-table-1")]


def entry_text(page: str, entry_id: str) -> str:
    m = re.search(rf'id="{re.escape(entry_id)}".*?</(?:div|li)>', page, re.S)
    assert m, f"no entry {entry_id}"
    return unescape(re.sub(r"<[^>]+>", "", m.group(0)))


@pytest.mark.parametrize("review,studies_csv,section,table", REVIEWS)
def test_every_included_study_has_a_rendered_reference_with_authors_and_year(book, review, studies_csv, section, table):
    page = (book / f"_build/html/references/{review}.html").read_text(encoding="utf-8")
    refs = {r["study_id"]: r for r in csv_rows(book, f"data/{review}/references.csv") if r["study_id"]}
    studies = csv_rows(book, studies_csv)
    assert len(studies) == {"nerve": 13, "aasc": 22}[review]
    for s in studies:
        text = entry_text(page, f"ref-{review}-{refs[s['study_id']]['ref_id']}")
        assert s["first_author"].split()[0].split("-")[0] in text and s["year"] in text, (s["study_id"], text)


@pytest.mark.parametrize("review,studies_csv,section,table", REVIEWS)
def test_every_row_label_of_the_table_links_to_its_reference(book, review, studies_csv, section, table):
    page = (book / f"_build/html/chapters/{section}.html").read_text(encoding="utf-8")
    refs = {r["study_id"]: r["ref_id"] for r in csv_rows(book, f"data/{review}/references.csv") if r["study_id"]}
    body = re.search(rf'<table id="{table}".*?</table>', page, re.S).group(0)
    for s in csv_rows(book, studies_csv):
        label = f"{s['first_author']} {s['year']}"
        href = f"../references/{review}.html#ref-{review}-{refs[s['study_id']]}"
        assert f'<a href="{href}">{label}</a>' in unescape(body), label
    targets = (book / f"_build/html/references/{review}.html").read_text(encoding="utf-8")
    for href in set(re.findall(rf'href="\.\./references/{review}\.html#([^"]+)"', page)):
        assert f'id="{href}"' in targets, href


@pytest.mark.parametrize("review,studies_csv,section,table", REVIEWS)
def test_prisma_included_box_is_a_working_link_in_the_browser(book, review, studies_csv, section, table):
    blocked: list[str] = []
    with serve(book / "_build/html") as url, browser() as b:
        ctx = offline_context(b, blocked)
        page = ctx.new_page()
        try:
            page.goto(f"{url}/chapters/{review}-selection.html")
            box = page.locator('a[id="prisma:studies_included"]')
            assert box.count() == 1
            assert page.locator('g[id="prisma:records_screened"] > title').text_content().endswith("the review does not name these records")
            box.click()
            page.wait_for_url(f"**/chapters/{section}.html#{table}")
            assert page.locator(f"table#{table}").is_visible()
            # and a study label there leads to its reference entry
            page.locator(f"table#{table} a").first.click()
            page.wait_for_url(f"**/references/{review}.html#ref-{review}-*")
            anchor = page.url.split("#", 1)[1]
            assert page.locator(f'[id="{anchor}"]').is_visible()
        finally:
            ctx.close()
    assert not blocked
