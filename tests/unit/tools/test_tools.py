"""Tests of tools/: the second-pass extraction and the data checks run and can fail."""
from __future__ import annotations

import shutil
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import aasc_sanity_check  # noqa: E402
import claims_coverage  # noqa: E402
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


def test_claims_coverage_matches_by_id_as_well_as_by_words():
    import pandas as pd
    claims = pd.DataFrame({"quote": ["22 articles were retained", "nothing alike here at all"],
                           "second_pass_ids": ["", "s3"]})
    sentences = pd.DataFrame({"sentence_id": ["s1", "s2", "s3"],
                              "quote": ["After screening, 22 articles were retained, with 953 patients.",  # 4/4 words
                                        "Two reviewers extracted the data.",                               # no match
                                        "A sentence named by id."],
                              "kinds": ["count", "count;universal", "p_value"]})
    hit = claims_coverage.matched(sentences, claims)
    assert list(hit) == [True, False, True]
    assert claims_coverage.kinds_table(sentences, hit) == [("count", 2, 1), ("p_value", 1, 1), ("universal", 1, 0)]


def test_claims_extraction_coverage_block_is_current():
    """data/CLAIMS_EXTRACTION.md shows what tools/claims_coverage.py computes now (rerun it with --write);
    runs without the seed texts (CI), unlike the quote check below."""
    text = (REPO / "data/CLAIMS_EXTRACTION.md").read_text(encoding="utf-8")
    current = text[text.index(claims_coverage.START):text.index(claims_coverage.END) + len(claims_coverage.END)]
    assert current == claims_coverage.render(claims_coverage.coverage(REPO))


def test_claims_matching_rule_by_hand():
    import pandas as pd
    sentences = pd.DataFrame({"sentence_id": ["s1", "s2"], "kinds": ["count", "count;p_value"],
                              "quote": ["A total of 13 studies were included in this review.",
                                        "SFI improved ( $p < 0.01$ ) in <i>nine</i> studies"]})
    # 4 of the 4 words of the first quote are in s1; "14 animals died" shares none; the markup of s2 is ignored
    claims = pd.DataFrame({"quote": ["13 studies were included", "14 animals died", "SFI improved (p < 0.01) in nine"]})
    assert list(claims_coverage.matched(sentences, claims)) == [True, True]
    assert list(claims_coverage.matched(sentences, claims.iloc[[1]])) == [False, False]
    # 4 of 5 words (80%) is enough, 3 of 5 is not
    assert list(claims_coverage.matched(sentences.iloc[[0]], pd.DataFrame({"quote": ["13 studies were included yesterday"]}))) == [True]
    assert list(claims_coverage.matched(sentences.iloc[[0]], pd.DataFrame({"quote": ["13 studies were excluded yesterday"]}))) == [False]
    hit = claims_coverage.matched(sentences, claims.iloc[[0]])
    assert claims_coverage.kinds_table(sentences, hit) == [("count", 2, 1), ("p_value", 1, 0)]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not beside this checkout")
def test_claims_coverage_block_is_current_and_the_check_can_fail(tmp_path):
    assert claims_coverage.main(["--root", str(REPO)]) == 0
    root = tmp_path / "book"
    shutil.copytree(REPO / "data", root / "data")
    claims = root / "data/nerve/claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines()
    claims.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one row fewer: the block is stale
    assert claims_coverage.main(["--root", str(root)]) == 1
    assert claims_coverage.main(["--root", str(root), "--write"]) == 0
    assert claims_coverage.main(["--root", str(root)]) == 0
    claims.write_text(claims.read_text(encoding="utf-8").replace("met inclusion criteria", "met the criteria"),
                      encoding="utf-8")  # a quote no longer in the seed
    assert claims_coverage.quotes_not_in_seed("nerve", root) == ["nerve-c02"]
