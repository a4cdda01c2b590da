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
