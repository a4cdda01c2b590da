"""The "What changed" page on real builds: a scratch copy of the built book gets its own git history
(a base commit, a commit adding a study, one editing a value, one touching no data, then an edit
left uncommitted), is rebuilt, and the page and `_build/changes.json` must list each of them. Then
the edit is committed and the rebuilt page shows it as a commit. The session's book (a copy without
.git) must say that its history cannot be read."""
from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import time
from html import unescape
from pathlib import Path

import pytest

from site_support import built_book, copy_built, run_build
from test_living_review import PROV, append_rows
from visible_text import visible_text

NEW = {"study_id": "newstudy2026", "ref": "999", "first_author": "Newstudy", "year": "2026", "n_animals": "41",
       "species": "Wistar", "sex": "male", "weight_min_g": "200", "weight_max_g": "250", "cell_source": "adipose",
       "secretome_type": "exosomes", "injury_model": "sciatic_transection", "jbi_score_stated": "12", **PROV}


def git(root: Path, *args, date: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "--short", "HEAD")


def csv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def set_value(path: Path, key: str, key_value: str, column: str, value: str) -> str:
    """Set one cell; returns the old value."""
    rows = csv_rows(path)
    row = next(r for r in rows if r[key] == key_value)
    old, row[column] = row[column], value
    write_rows(path, rows)
    return old


def page_text(root: Path) -> str:
    return visible_text((root / "_build/html/appendix/changes.html").read_text(encoding="utf-8"))


def sections_of(text: str) -> dict[str, str]:
    """Visible text of the page cut at each version heading: {heading: text up to the next one}."""
    body = text.split("Edits not yet committed come first", 1)[1]  # after the table of contents
    parts = re.split(r"(Version [0-9a-f]{7,}, \d{4}-\d\d-\d\d(?: \(tag [^)]*\))?|Working copy, not committed) #", body)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """The built book in a scratch git repository with four commits and an uncommitted edit, rebuilt."""
    root = copy_built(built_book(tmp_path_factory), tmp_path_factory.mktemp("changes") / "book")
    git(root, "init", "-q")
    facts = {"base": commit(root, "Base version", "2026-01-01T10:00:00+00:00")}
    studies = csv_rows(root / "data/nerve/studies.csv")
    facts["n_studies"], facts["n_animals"] = len(studies), sum(int(r["n_animals"]) for r in studies if r["n_animals"])
    append_rows(root / "data/nerve/studies.csv", [NEW])
    append_rows(root / "data/nerve/references.csv", [{
        "ref_id": "newstudy2026", "study_id": "newstudy2026", "authors": "Newstudy, A.; Other, B.",
        "title": "A synthetic study added by a test", "journal": "Test J.", "year": "2026", **PROV}])
    append_rows(root / "data/nerve/jbi.csv", [
        {"study_id": "newstudy2026", "item": f"Q{q}", "answer": "yes" if q <= 12 else "no", **PROV} for q in range(1, 14)])
    append_rows(root / "data/nerve/outcomes.csv", [
        {"study_id": "newstudy2026", "domain": "functional", "measure": "SFI", "direction": "favours_control", **PROV}])
    facts["added"] = commit(root, "Add a study", "2026-01-02T10:00:00+00:00")
    first = studies[0]
    facts["edited_label"] = f"{first['first_author']} {first['year']}"
    facts["old_weight"] = set_value(root / "data/nerve/studies.csv", "study_id", first["study_id"], "weight_max_g", "999")
    facts["edited"] = commit(root, "Correct a weight", "2026-01-03T10:00:00+00:00")
    (root / "intro.md").write_text((root / "intro.md").read_text(encoding="utf-8") + "\nA sentence.\n", encoding="utf-8")
    facts["quiet"] = commit(root, "Wording only", "2026-01-04T10:00:00+00:00")
    trial = csv_rows(root / "data/ev/trials.csv")[0]
    facts["nct"], facts["old_participants"] = trial["nct_id"], trial["participants"]
    set_value(root / "data/ev/trials.csv", "nct_id", trial["nct_id"], "participants", str(int(trial["participants"]) + 5))
    t = time.perf_counter()
    code, log = run_build(root)
    facts["seconds"] = time.perf_counter() - t
    assert code == 0, log
    return root, facts, log


def test_the_page_lists_every_version_newest_first(scratch):
    root, f, _ = scratch
    heads = list(sections_of(page_text(root)))
    assert heads[0] == "Working copy, not committed"
    assert [h.split(",")[0] for h in heads[1:]] == [f"Version {f[k]}" for k in ("quiet", "edited", "added", "base")]
    assert heads[1].endswith("2026-01-04") and heads[4].endswith("2026-01-01")


def test_a_commit_adding_a_study_lists_it_and_the_counts_old_to_new(scratch):
    root, f, _ = scratch
    text = sections_of(page_text(root))[f"Version {f['added']}, 2026-01-02"]
    assert "Added (1): Newstudy 2026" in text
    assert f"Rat studies included {f['n_studies']} {f['n_studies'] + 1}" in text
    assert f"Rats in the included studies {f['n_animals']} {f['n_animals'] + 41}" in text
    data = json.loads((root / "_build/changes.json").read_text(encoding="utf-8"))
    entry = next(v for v in data["versions"] if v["version"].get("commit") == f["added"])
    studies = next(t for t in entry["tables"] if t["table"] == "data/nerve/studies.csv")
    assert [r["key"] for r in studies["added"]] == [{"study_id": "newstudy2026"}]  # the JSON keeps the id
    n = {x["id"]: x for x in entry["numbers"]}
    assert (n["nerve.n_studies"]["old_value"], n["nerve.n_studies"]["new_value"]) == (f["n_studies"], f["n_studies"] + 1)
    jbi = next(t for t in entry["tables"] if t["table"] == "data/nerve/jbi.csv")
    assert jbi["n_added"] == 13 and not jbi["edited"] and not jbi["removed"]


def test_a_commit_editing_one_value_lists_that_field_old_to_new(scratch):
    root, f, _ = scratch
    text = sections_of(page_text(root))[f"Version {f['edited']}, 2026-01-03"]
    assert f"{f['edited_label']} : Maximum weight (g) {f['old_weight']} → 999" in text
    data = json.loads((root / "_build/changes.json").read_text(encoding="utf-8"))
    entry = next(v for v in data["versions"] if v["version"].get("commit") == f["edited"])
    assert [(t["table"], t["n_added"], t["n_removed"], t["n_edited"]) for t in entry["tables"]] == \
        [("data/nerve/studies.csv", 0, 0, 1)]
    assert entry["tables"][0]["edited"][0]["changes"] == [{"column": "weight_max_g", "old": f["old_weight"], "new": "999"}]


def test_a_commit_touching_no_data_says_so(scratch):
    root, f, _ = scratch
    assert "No data change." in sections_of(page_text(root))[f"Version {f['quiet']}, 2026-01-04"]


def test_uncommitted_edits_come_first_as_the_working_copy(scratch):
    root, f, _ = scratch
    text = sections_of(page_text(root))["Working copy, not committed"]
    assert f"{f['nct']} : Participants {f['old_participants']} → {int(f['old_participants']) + 5}" in text


def test_the_first_version_counts_its_tables(scratch):
    root, f, _ = scratch
    text = sections_of(page_text(root))[f"Version {f['base']}, 2026-01-01"]
    assert "The first version of the data" in text
    assert f"Rat studies: Included rat studies : {f['n_studies']} rows." in text


def test_the_provenance_appendix_links_to_the_page(scratch):
    root, _, _ = scratch
    page = (root / "_build/html/appendix/provenance.html").read_text(encoding="utf-8")
    assert 'href="changes.html"' in page
    assert (root / "_build/html/changes.json").read_bytes() == (root / "_build/changes.json").read_bytes()


def test_a_new_commit_rebuilds_the_page(scratch, tmp_path):
    root, f, _ = scratch
    root2 = copy_built(root, tmp_path / "book")
    sha = commit(root2, "Commit the registry edit", "2026-01-05T10:00:00+00:00")
    t = time.perf_counter()
    code, log = run_build(root2)
    seconds = time.perf_counter() - t
    assert code == 0, log
    assert "nothing to run" not in log or "jupyter-book build" in log
    heads = list(sections_of(page_text(root2)))
    assert heads[0] == f"Version {sha}, 2026-01-05" and "Working copy, not committed" not in heads
    assert f"{f['nct']} : Participants" in sections_of(page_text(root2))[heads[0]]
    print(f"\nscratch build with 4 commits and an edit: {f['seconds']:.1f} s; rebuild after one more commit: {seconds:.1f} s")


def test_a_copy_without_git_says_its_history_cannot_be_read(book):
    text = visible_text((book / "_build/html/appendix/changes.html").read_text(encoding="utf-8"))
    assert "not a git checkout" in text
    assert json.loads((book / "_build/changes.json").read_text(encoding="utf-8"))["history"] == "not_a_checkout"
