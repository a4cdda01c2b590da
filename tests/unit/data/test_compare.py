"""The double-extraction comparison: toy frames with known answers, and the real two passes."""
from __future__ import annotations


import pandas as pd

from evidence_book.data.compare import FILES, compare_frames, compare_passes, equal, main

from conftest import REPO  # noqa: E402


def toy():
    first = pd.DataFrame({
        "study_id": ["raofi2021", "chen2024", "fu2019"],
        "ref": ["46", "40", "41"],
        "n_animals": ["24", "30", "95"],
        "species": ["Wistar", "Sprague-Dawley", "Wistar"],
        "randomized": ["true", "false", ""],
        "note": ["first pass only", "", ""],
    })
    second = pd.DataFrame({
        "study_id": ["raoofi2021", "chen2024", "gartner2014"],
        "ref": [46, 40, 52],
        "n_animals": ["24.0", "31", "30"],         # 24 == 24.0; 30 vs 31 is a real disagreement
        "species": [" wistar ", "Sprague-Dawley", "Wistar"],  # case/whitespace only
        "randomized": ["True", "FALSE", "true"],
    })
    return first, second


def test_known_disagreement_is_found():
    res = compare_frames(*toy(), key="study_id", name="toy", match_by_ref=True)
    d = res.disagreements
    hit = d[(d.key == "chen2024") & (d.column == "n_animals")]
    assert len(hit) == 1 and hit.iloc[0]["first"] == "30" and hit.iloc[0]["second"] == "31"


def test_trivially_equal_values_not_flagged():
    res = compare_frames(*toy(), key="study_id", name="toy", match_by_ref=True)
    d = res.disagreements
    assert not ((d.key == "raofi2021") & d.column.isin(["n_animals", "species", "randomized"])).any()
    assert not ((d.key == "chen2024") & d.column.isin(["species", "randomized"])).any()
    assert "note" not in set(d.column)  # only columns present in both passes are compared
    assert equal("1", 1.0) and equal(" true", True) and equal("", None) and equal(float("nan"), "")
    assert equal("Wistar", "WISTAR", "species") and not equal("Raofi", "raofi", "first_author")
    assert equal("dose- escalation", "dose-escalation") and equal("[14–17]", "14-17", "references_text")
    assert not equal("1/2", "1")


def test_rows_matched_by_ref_not_slug():
    res = compare_frames(*toy(), key="study_id", name="toy", match_by_ref=True)
    d = res.disagreements
    # raofi2021 / raoofi2021 share ref 46: matched, and the spelling shows up as a study_id disagreement
    slug = d[(d.key == "raofi2021") & (d.column == "study_id")]
    assert len(slug) == 1 and slug.iloc[0]["second"] == "raoofi2021"
    only = set(zip(res.only_in_one.key, res.only_in_one.present_in))
    assert only == {("fu2019", "first"), ("gartner2014", "second")}
    a = res.agreement.iloc[0]
    # 2 matched rows x 4 shared columns (study_id, n_animals, species, randomized)
    assert a.cells_compared == 8 and a.cells_agreeing == 6
    # without ref matching the slugs do not match
    res2 = compare_frames(*toy(), key="study_id", name="toy")
    assert "raofi2021" in set(res2.only_in_one.key) and "raoofi2021" in set(res2.only_in_one.key)


def test_real_data_agreement():
    res = compare_passes(REPO)
    files = set(res.agreement.file) - {"overall"}
    assert files == set(FILES)
    assert (res.agreement.cells_compared > 0).all()
    overall = res.agreement.set_index("file").loc["overall"]
    assert overall.cells_compared == res.agreement[res.agreement.file != "overall"].cells_compared.sum()
    assert res.overall_rate >= 0.9
    assert abs(overall.rate - res.overall_rate) < 1e-12
    # every disagreement refers to a compared file and column
    assert set(res.disagreements.file) <= files
    # the number of disagreements is consistent with the per-file agreement counts
    n_dis = (res.agreement.cells_compared - res.agreement.cells_agreeing)[res.agreement.file != "overall"].sum()
    assert n_dis == len(res.disagreements)


def test_cli_runs(capsys):
    assert main(["--root", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "Disagreements" in out
