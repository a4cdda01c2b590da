"""References: the BibTeX files the book's References pages are built from, and links to their entries.

`data/<review>/references.csv` is the data; at build time it becomes `references/<review>.bib`
(pybtex writes it), which sphinxcontrib-bibtex renders on the page `references/<review>.md`
(a `{bibliography}` directive). Each entry's HTML id is `bibtex_cite_id` of `_config.yml`,
"ref-{key}", with key "<review>-<ref_id>", so a table on a chapter page can link a study label to
its entry (`study_urls`).
"""
from __future__ import annotations

import pandas as pd

from evidence_book.data.loader import book_root, load_table
from evidence_book.data.schemas import REFERENCE_REVIEWS

PAGE = "references/{review}"  # the References page of a review (docname, no suffix)
ID = "ref-{key}"  # = bibtex_cite_id in _config.yml


def bib_key(review: str, ref_id: str) -> str:
    return f"{review}-{ref_id}"


def anchor(review: str, ref_id: str) -> str:
    """The HTML id sphinxcontrib-bibtex gives the entry (docutils make_id of bibtex_cite_id)."""
    from docutils.nodes import make_id

    return make_id(ID.format(key=bib_key(review, ref_id)))


def url(review: str, ref_id: str, from_dir: str = "chapters") -> str:
    """Link to the entry from a page in `from_dir` (chapter pages live in chapters/)."""
    up = "../" * len([p for p in from_dir.split("/") if p])
    return f"{up}{PAGE.format(review=review)}.html#{anchor(review, ref_id)}"


def study_urls(studies: pd.DataFrame, refs: pd.DataFrame, review: str, from_dir: str = "chapters") -> pd.Series:
    """Per row of `studies` (with study_id), the link to its reference entry (NA when it has none)."""
    by_study = refs.dropna(subset=["study_id"]).drop_duplicates("study_id").set_index("study_id")["ref_id"]
    return studies["study_id"].map(lambda s: url(review, by_study[s], from_dir) if s in by_study.index else pd.NA)


def _persons(authors: str):
    from pybtex.database import Person

    out = []
    for a in (x.strip() for x in str(authors).split(";")):
        if a:
            out.append(Person("others") if a.rstrip(".").lower() == "et al" else Person(a))
    return out


def bibliography(refs: pd.DataFrame, review: str):
    """pybtex BibliographyData of a references table, entries in file order."""
    from pybtex.database import BibliographyData, Entry

    data = BibliographyData()
    for _, r in refs.iterrows():
        fields = {"title": "{" + str(r["title"]) + "}", "year": str(int(r["year"]))}
        for col, field in (("journal", "journal"), ("volume", "volume"), ("pages", "pages"), ("doi", "doi")):
            if pd.notna(r.get(col)) and str(r[col]).strip():
                fields[field] = str(r[col]).strip()
        data.add_entry(bib_key(review, r["ref_id"]), Entry("article", fields=fields, persons={"author": _persons(r["authors"])}))
    return data


def bibtex(refs: pd.DataFrame, review: str) -> str:
    return bibliography(refs, review).to_string("bibtex")


def site_files(root=None) -> dict[str, bytes]:
    """`references/<review>.bib` for every review with references (a generated file of the site)."""
    root = book_root(root)
    return {f"{PAGE.format(review=rv)}.bib": bibtex(load_table(rv, "references", root), rv).encode("utf-8")
            for rv in REFERENCE_REVIEWS if (root / "data" / rv / "references.csv").exists()}
