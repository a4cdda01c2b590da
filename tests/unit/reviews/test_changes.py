"""Tests of evidence_book.reviews.changes (and reviews.headlines) on a git repository holding a copy of
the book's data, with commits made by the test. Expected numbers are counted from the CSV files."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from evidence_book.reviews import changes as ch
from evidence_book.reviews.headlines import snapshot

PARAMS = {"jbi_threshold": 9, "effect_measure": "RR", "method": "REML", "ci": "hksj"}
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "T",
       "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(root, *args, date="2026-01-01T00:00:00+00:00"):
    env = ENV | {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def commit(root, message, date):
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(root, "rev-parse", "--short", "HEAD")


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(path: Path, data: list[dict], columns=None) -> None:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=columns or list(data[0]), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(data)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """Real data; v1: the claims files without two of today's columns; v2: today's files; v3: one
    study's animals edited; v4: no data change; plus an uncommitted edit."""
    root = tmp_path_factory.mktemp("changes") / "book"
    shutil.copytree(REPO / "data", root / "data")
    git(root, "init", "-q")
    claims = root / "data/nerve/claims.csv"
    today = claims.read_text(encoding="utf-8")
    old_cols = [c for c in rows(claims)[0] if c not in ("root_claim_id", "cited_refs")]
    write(claims, rows(claims), old_cols)
    v = {"v1": commit(root, "old schema", "2026-01-01T00:00:00+00:00")}
    claims.write_text(today, encoding="utf-8")
    v["v2"] = commit(root, "today's claims columns", "2026-01-02T00:00:00+00:00")
    studies = rows(root / "data/nerve/studies.csv")
    v["animals_before"] = sum(int(r["n_animals"]) for r in studies if r["n_animals"])
    v["label"] = f"{studies[1]['first_author']} {studies[1]['year']}"
    v["old_n"] = studies[1]["n_animals"]
    studies[1]["n_animals"] = str(int(studies[1]["n_animals"]) + 7)
    write(root / "data/nerve/studies.csv", studies)
    v["v3"] = commit(root, "animals corrected", "2026-01-03T00:00:00+00:00")
    (root / "NOTES").write_text("no data\n")
    v["v4"] = commit(root, "no data", "2026-01-04T00:00:00+00:00")
    ev = rows(root / "data/ev/trials.csv")
    v["nct"] = ev[0]["nct_id"]
    write(root / "data/ev/trials.csv", ev[1:])  # uncommitted: one registered trial removed
    cache = tmp_path_factory.mktemp("cache")
    model = ch.changes(root, PARAMS, cache)
    return root, v, model, cache


def entry(model, commit):
    return next(e for e in model["versions"] if e["version"].get("commit") == commit)


def test_versions_newest_first_with_the_working_copy_on_top(repo):
    _, v, model, _ = repo
    assert model["history"] == "ok" and not model["shallow"]
    kinds = [(e["version"]["kind"], e["version"].get("commit"), e["data_change"]) for e in model["versions"]]
    assert kinds == [("working copy", None, True), ("commit", v["v4"], False), ("commit", v["v3"], True),
                     ("commit", v["v2"], True), ("commit", v["v1"], True)]


def test_an_edited_value_and_the_numbers_it_moves(repo):
    _, v, model, _ = repo
    e = entry(model, v["v3"])
    assert [(t["table"], t["n_edited"]) for t in e["tables"]] == [("data/nerve/studies.csv", 1)]
    edit = e["tables"][0]["edited"][0]
    assert edit["label"] == v["label"]
    assert edit["changes"] == [{"column": "n_animals", "old": v["old_n"], "new": str(int(v["old_n"]) + 7)}]
    n = {x["id"]: x for x in e["numbers"]}
    assert (n["nerve.n_animals"]["old_value"], n["nerve.n_animals"]["new_value"]) == (v["animals_before"], v["animals_before"] + 7)
    assert "nerve.n_studies" not in n  # unchanged numbers are not listed


def test_a_verdict_that_follows_an_edit_is_listed(repo):
    _, v, model, _ = repo
    changed = {c["claim_id"]: c for c in entry(model, v["v3"])["verdicts"]}
    total = [c for c in rows(REPO / "data/nerve/claims.csv") if c["rule"] == "sum" and c["column"] == "n_animals" and not c["filter"]]
    assert total and changed[total[0]["claim_id"]]["old"] == "holds"
    assert changed[total[0]["claim_id"]]["new"] == "does_not_hold"


def test_the_working_copy_removal(repo):
    _, v, model, _ = repo
    e = model["versions"][0]
    assert e["version"]["files"] == ["data/ev/trials.csv"]
    t = e["tables"][0]
    assert t["table"] == "data/ev/trials.csv" and [r["key"] for r in t["removed"]] == [{"nct_id": v["nct"]}]
    assert any(x["id"] == "ev.n_trials" and x["new_value"] == x["old_value"] - 1 for x in e["numbers"])


def test_an_older_schema_is_read_with_its_missing_columns_empty_and_said_so(repo):
    _, v, model, _ = repo
    first = entry(model, v["v1"])
    assert first["first"] and {k: sorted(c) for k, c in first["conformed"].items()} == {"data/nerve/claims.csv": ["cited_refs", "root_claim_id"]}
    assert not any("audit" in n["what"] for n in first["not_computed"])  # the audit still ran
    second = entry(model, v["v2"])
    claims = next(t for t in second["tables"] if t["table"] == "data/nerve/claims.csv")
    assert claims["columns_added"] == ["root_claim_id", "cited_refs"]


def test_a_rebuild_without_a_new_commit_reads_the_cache_only(repo, monkeypatch):
    root, _, model, cache = repo
    monkeypatch.setattr(ch, "snapshot", lambda *a: pytest.fail("recomputed a cached version"))
    monkeypatch.setattr(ch, "diff_table", lambda *a: pytest.fail("recompared a cached pair"))
    assert ch.changes(root, PARAMS, cache) == model


def test_a_damaged_cache_entry_is_recomputed(repo):
    root, _, model, cache = repo
    files = sorted(cache.rglob("entries/*.json"))
    assert files
    files[0].write_text("[1, 2]")  # valid JSON, wrong shape
    files[-1].write_text("{trunc")
    assert ch.changes(root, PARAMS, cache) == model


def test_other_parameters_are_other_numbers(repo, monkeypatch):
    root, _, _, cache = repo
    calls = []

    def fake(root, parameters):
        calls.append(parameters)
        return {"valid": True, "problems": [], "numbers": [], "verdicts": {}, "not_computed": []}

    monkeypatch.setattr(ch, "snapshot", fake)
    strict = ch.changes(root, PARAMS | {"jbi_threshold": 13}, cache)
    assert strict["parameters"]["jbi_threshold"] == 13
    assert calls and all(c["jbi_threshold"] == 13 for c in calls)  # nothing reused from the other parameters


def test_an_unreadable_file_is_reported_not_raised(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(REPO / "data", root / "data")
    git(root, "init", "-q")
    commit(root, "good", "2026-01-01T00:00:00+00:00")
    (root / "data/nerve/studies.csv").write_bytes(b"\x00\x01 not csv")
    model = ch.changes(root, PARAMS, None)
    e = model["versions"][0]
    assert [t.get("unreadable_in") for t in e["tables"]] == ["newer"]
    assert not e["valid"] and any(n["what"] == "rat study counts" for n in e["not_computed"])


def test_no_git_checkout(tmp_path):
    (tmp_path / "data").mkdir()
    model = ch.changes(tmp_path, PARAMS, None)
    assert model["history"] == "not_a_checkout" and model["versions"] == []


def test_headline_numbers_equal_counts_of_the_files():
    s = snapshot(REPO, PARAMS)
    n = {x["id"]: x["value"] for x in s["numbers"]}
    studies = rows(REPO / "data/nerve/studies.csv")
    assert n["nerve.n_studies"] == len(studies)
    assert n["nerve.n_animals"] == sum(int(r["n_animals"]) for r in studies if r["n_animals"])
    assert n["aasc.n_trials"] == len(rows(REPO / "data/aasc/trials.csv"))
    assert n["ev.n_trials"] == len(rows(REPO / "data/ev/trials.csv"))
    assert s["valid"] and not s["not_computed"]
    claims = rows(REPO / "data/nerve/claims.csv")
    assert sum(n[f"audit.nerve.{k}"] for k in ("holds", "does_not_hold", "cannot_check")) == len(claims)
    yes = {r["study_id"]: 0 for r in studies}
    for r in rows(REPO / "data/nerve/jbi.csv"):
        yes[r["study_id"]] += r["answer"] == "yes"
    assert n["nerve.n_below_threshold"] == sum(v < 9 for v in yes.values())
    stated = {r["study_id"]: int(r["jbi_score_stated"]) for r in studies}
    assert n["nerve.n_score_mismatch"] == sum(yes[s] != stated[s] for s in stated)


def test_row_labels_use_study_labels_and_words():
    from evidence_book.data.schemas import BY_NAME

    labels = {"nerve": {"chen2024": "Chen 2024"}}
    jbi = BY_NAME[("nerve", "jbi")]
    assert ch.row_label(jbi, {"study_id": "chen2024", "item": "Q3"}, {"study_id": "chen2024", "item": "Q3"}, labels) == "Chen 2024, Q3"
    outcomes = BY_NAME[("nerve", "outcomes")]
    row = {"study_id": "chen2024", "domain": "in_vitro", "measure": "SFI", "direction": "favours_treatment"}
    assert ch.row_label(outcomes, row, {}, labels) == "Chen 2024, in vitro, SFI"
    prisma = BY_NAME[("nerve", "prisma")]
    assert ch.row_label(prisma, {"stage": "records_identified"}, {"stage": "records_identified"}, labels) == "records identified"
    refs = BY_NAME[("nerve", "references")]
    assert ch.row_label(refs, {"authors": "Nevado-Sánchez, E.; Other, A.", "year": "2025"}, {"ref_id": "x"}, labels) == "Nevado-Sánchez 2025"
