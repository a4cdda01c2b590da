"""Tests of evidence_book.reviews.clinic_claims."""
from __future__ import annotations

import csv
import re
import nbformat
import yaml
from evidence_book.reviews import aasc_adverse_events, clinic_claims
from evidence_book.data import load_table


from conftest import REPO  # noqa: E402


def rows(path: str) -> list[dict]:
    with open(REPO / path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def topic_sections() -> dict:
    """The chapter parameter that says which section shows each evidence topic (sections.yml)."""
    sections = yaml.safe_load((REPO / "sections.yml").read_text())["sections"]
    (s,) = [s for s in sections if s["id"] == "claims-vs-evidence"]
    return s["parameters"]["topic_sections"]


def test_every_claim_is_set_beside_evidence_with_a_valid_section():
    claims = load_table("clinic", "claims")
    table = clinic_claims.claims_table(
        claims, load_table("ev", "trials"), load_table("ev", "completed_results"),
        load_table("aasc", "adverse_events"), load_table("aasc", "trials"),
        load_table("nerve", "studies"), load_table("nerve", "outcomes"), topic_sections())
    assert set(topic_sections()) == set(clinic_claims.TOPICS) - {"none_in_book"}
    assert (table.loc[table["evidence_topic"] != "none_in_book", "section"] != "").all()
    assert list(table["claim_id"]) == list(claims["claim_id"])
    assert table["book_evidence"].str.len().gt(0).all()
    ids = {s["id"] for s in yaml.safe_load((REPO / "sections.yml").read_text())["sections"]}
    for sid in table["section"]:
        assert sid == "" or sid in ids
    # Neutral wording: no advice and no verdicts.
    text = " ".join(table["book_evidence"]).lower()
    for word in ("you should", "recommend", "proven", "effective treatment", "safe to"):
        assert word not in text
    # The AASC serious-adverse-event count in the claim sentence is the computed one.
    c28 = table.set_index("claim_id").at["clinic-c28", "book_evidence"]
    n = aasc_adverse_events.adverse_event_counts(load_table("aasc", "adverse_events"), load_table("aasc", "trials"))["n_serious_aasc"]
    assert f"{n} report serious adverse events" in c28
    # Post-COVID claim: the registry's long-COVID trials, counted independently.
    long_covid = [r["nct_id"] for r in rows("data/ev/trials.csv") if "long covid" in r["indication"].lower()]
    c15 = table.set_index("claim_id").at["clinic-c15", "book_evidence"]
    assert f"{len(long_covid)} trials for post-COVID" in c15 and all(n in c15 for n in long_covid)


def test_claims_page_links_point_to_sections():
    nb = nbformat.read(REPO / "chapters" / "claims_vs_evidence.ipynb", as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    links = set(re.findall(r"\]\(([a-z0-9-]+)\.ipynb\)", md))  # doc links: Sphinx resolves them to <id>.html
    ids = {s["id"] for s in yaml.safe_load((REPO / "sections.yml").read_text())["sections"]}
    assert links and links <= ids
    assert links == set(topic_sections().values())


def test_standardisation_summary_uses_the_data_rows():
    ctx = load_table("context", "facial_nerve_abstract")
    s = clinic_claims.standardisation_summary(ctx)
    assert "standardis" in s.lower() and "Standardisation argument" not in s
    assert clinic_claims.context_summary(ctx).startswith("Facial nerve palsy")
