"""Tests of tools/: the second-pass extraction and the data checks run and can fail."""
from __future__ import annotations

import shutil
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import aasc_sanity_check  # noqa: E402
import second_pass_check  # noqa: E402
import second_pass_extract  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not beside this checkout")
def test_second_pass_extraction_reproduces_the_committed_files(tmp_path):
    assert second_pass_extract.main(["--seeds", str(SEEDS), "--out", str(tmp_path)]) == 0
    committed = sorted(p.relative_to(REPO / "data/second_pass") for p in (REPO / "data/second_pass").rglob("*.csv"))
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.csv"))
    assert made and set(made) <= set(committed)
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (REPO / "data/second_pass" / rel).read_bytes(), rel


def test_second_pass_check_passes_and_fails(tmp_path):
    assert second_pass_check.main([str(REPO / "data/second_pass")]) == 0
    broken = shutil.copytree(REPO / "data/second_pass", tmp_path / "sp")
    jbi = broken / "nerve/jbi.csv"
    jbi.write_text("\n".join(jbi.read_text().splitlines()[:-1]) + "\n")  # one answer fewer
    assert second_pass_check.main([str(broken)]) == 1


def test_aasc_sanity_check_passes_and_fails(tmp_path):
    assert aasc_sanity_check.main([str(REPO / "data/aasc")]) == 0
    broken = shutil.copytree(REPO / "data/aasc", tmp_path / "aasc")
    lines = (broken / "trials.csv").read_text().splitlines()
    (broken / "trials.csv").write_text("\n".join(lines + [lines[1]]) + "\n")  # a duplicate trial
    assert aasc_sanity_check.main([str(broken)]) == 1


def test_claims_coverage_matches_by_id_and_by_words_and_writes_its_block(tmp_path):
    import pandas as pd
    import claims_coverage as cov
    claims = pd.DataFrame({"quote": ["22 articles were retained", "nothing alike here at all"],
                           "second_pass_ids": ["", "s3"]})
    sentences = pd.DataFrame({"sentence_id": ["s1", "s2", "s3"],
                              "quote": ["After screening, 22 articles were retained, with 953 patients.",  # 4/4 words
                                        "Two reviewers extracted the data.",                               # no match
                                        "A sentence named by id."],
                              "kinds": ["count", "count;universal", "p_value"]})
    hit = cov.matched(claims, sentences)
    assert list(hit) == [True, False, True]
    assert cov.kind_counts(sentences, hit) == [("count", 2, 1), ("p_value", 1, 1), ("universal", 1, 0)]
    md = tmp_path / "X.md"
    md.write_text(f"intro\n{cov.START}\nold\n{cov.END}\ntail\n")
    cov.write(md, "new block")
    assert md.read_text() == f"intro\n{cov.START}\nnew block\n{cov.END}\ntail\n"


def test_claims_extraction_coverage_block_is_current():
    """data/CLAIMS_EXTRACTION.md shows what tools/claims_coverage.py computes now (rerun it with --write)."""
    import claims_coverage as cov
    text = (REPO / "data/CLAIMS_EXTRACTION.md").read_text(encoding="utf-8")
    block = text.split(cov.START)[1].split(cov.END)[0].strip()
    assert block == cov.report(REPO).strip()
