"""References: every included study and trial has one, the .bib carries authors and year, links resolve by id."""
from __future__ import annotations

import pandas as pd
import pytest

from evidence_book.data import load_table
from evidence_book.data.loader import cross_file
from evidence_book.data.references import anchor, bibliography, site_files, study_urls, url
from evidence_book.data.schemas import STUDY_TABLES


@pytest.mark.parametrize("review,table", sorted(STUDY_TABLES.items()))
def test_every_included_study_has_a_reference_with_its_first_author_and_year(review, table):
    studies, refs = load_table(review, table), load_table(review, "references")
    by_study = refs.dropna(subset=["study_id"]).set_index("study_id")
    assert set(studies["study_id"]) == set(by_study.index)
    for _, s in studies.iterrows():
        r = by_study.loc[s["study_id"]]
        assert r["authors"].split(",")[0].replace(" ", "").lower() == s["first_author"].replace(" ", "").lower()
        assert int(r["year"]) == int(s["year"])


def test_reference_counts_are_the_reviews_included_studies_plus_sources():
    assert load_table("nerve", "references")["study_id"].notna().sum() == 13
    assert load_table("aasc", "references")["study_id"].notna().sum() == 22


def test_dois_only_where_the_sources_print_them():
    dois = {rv: set(load_table(rv, "references")["doi"].dropna()) for rv in ("nerve", "aasc", "ev")}
    assert dois == {"nerve": {"10.3390/cells14070492", "10.1155/2023/8427200"}, "aasc": {"10.3390/ijms26136376"},
                    "ev": {"10.6016/ZdravVestn.3627"}}


def test_bib_has_every_entry_with_authors_and_year():
    data = bibliography(load_table("aasc", "references"), "aasc")
    e = data.entries["aasc-panes2016"]
    assert e.fields["year"] == "2016" and str(e.persons["author"][0]) == "Panés, J."
    assert e.fields["title"].startswith("{")  # case kept by the styles
    files = site_files()
    assert set(files) == {"references/nerve.bib", "references/aasc.bib", "references/ev.bib"}
    assert files["references/nerve.bib"].decode().count("@article{") == len(load_table("nerve", "references"))


def test_et_al_becomes_others():
    refs = pd.DataFrame({"ref_id": ["x2020"], "authors": ["Xu, A.; et al."], "title": ["T"], "year": [2020]})
    e = bibliography(refs, "nerve").entries["nerve-x2020"]
    assert [str(p) for p in e.persons["author"]] == ["Xu, A.", "others"]


def test_urls_point_at_the_bibtex_entry_ids():
    assert anchor("nerve", "chen2024") == "ref-nerve-chen2024"
    assert url("nerve", "chen2024") == "../references/nerve.html#ref-nerve-chen2024"
    studies = pd.DataFrame({"study_id": ["a2020", "b2021"]})
    refs = pd.DataFrame({"ref_id": ["a2020", "src"], "study_id": ["a2020", pd.NA]})
    got = study_urls(studies, refs, "aasc").tolist()
    assert got[0] == "../references/aasc.html#ref-aasc-a2020" and pd.isna(got[1])


def test_a_study_without_a_reference_is_a_validation_error():
    studies = load_table("aasc", "trials")
    refs = load_table("aasc", "references")
    errors = cross_file({("aasc", "trials"): studies, ("aasc", "references"): refs[refs["study_id"] != "panes2016"]})
    row = int(studies.index[studies["study_id"] == "panes2016"][0]) + 1
    assert [e for e in errors if "has no reference" in e] == [
        f"data/aasc/trials.csv, row {row} (line {row + 1}), column 'study_id': study 'panes2016' has no reference "
        "(add a row with this study_id to data/aasc/references.csv)"]
