"""The companion chapters (AASC trials, EV registry, clinic claims): their numbers and their pages.

Numbers are checked against calculations written here from the CSV files (csv module / plain
pandas, not the package's analysis code); every chapter notebook is executed with its defaults
and with one non-default parameter.
"""
from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest
import yaml

from evidence_book.analysis import aasc, claims_evidence, registry
from evidence_book.data import load_table

REPO = Path(__file__).resolve().parents[1]


def rows(path: str) -> list[dict]:
    with open(REPO / path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ----------------------------------------------------------------------------- AASC design

def test_design_counts_match_the_loader():
    trials = load_table("aasc", "trials")
    c = aasc.design_counts(trials)
    assert c["n_trials"] == len(trials) == len(rows("data/aasc/trials.csv"))
    for col in ("randomized", "blinded", "controlled"):
        assert c[f"n_{col}"] == int(trials[col].eq(True).sum())
        assert c[f"n_not_{col}"] == int(trials[col].eq(False).sum())
        assert c[f"n_{col}_missing"] == int(trials[col].isna().sum())
        assert c[f"n_{col}"] + c[f"n_not_{col}"] + c[f"n_{col}_missing"] == len(trials)
    both = [r for r in trials.itertuples() if r.randomized == True and r.controlled == True]  # noqa: E712
    assert c["n_rct"] == len(both)
    assert c["n_rct_blinded"] == sum(1 for r in both if r.blinded == True)  # noqa: E712
    assert c["n_low"] + c["n_moderate"] + c["n_high"] == len(trials)
    assert c["n_rob2"] == int((trials["rob_tool"] == "RoB 2").sum())
    # The tool follows Table 1's Randomized column, as the extraction notes say.
    assert (trials.loc[trials["randomized"].eq(True), "rob_tool"] == "RoB 2").all()


def test_design_table_and_rob_judgements_cover_every_trial():
    trials = load_table("aasc", "trials")
    t = aasc.design_table(trials)
    assert (t[["Yes", "No", "Not reported"]].sum(axis=1) == len(trials)).all()
    j = aasc.rob_judgements(trials)
    assert len(j) == len(trials) and set(j["tool"]) == {"RoB 2", "ROBINS-I"}
    assert list(dict.fromkeys(j["tool"])) == ["RoB 2", "ROBINS-I"]  # grouped by tool
    s = aasc.rob_summary(trials)
    assert s["n_trials"].sum() == len(trials)


# ----------------------------------------------------------------------------- Table 2

def test_recomputed_indications_match_an_independent_groupby():
    studies, patients, treated = defaultdict(int), defaultdict(int), defaultdict(int)
    for r in rows("data/aasc/trials.csv"):
        g = r["indication_group"]
        studies[g] += 1
        patients[g] += int(r["n_patients"])
        treated[g] += int(r["n_aasc"])
    comp = aasc.compare_indications(load_table("aasc", "trials"), load_table("aasc", "indications"))
    body = comp[comp["indication"] != "Total"].set_index("indication")
    assert set(body.index) == set(studies)
    for g in studies:
        assert body.at[g, "n_studies_recomputed"] == studies[g]
        assert body.at[g, "n_patients_recomputed"] == patients[g]
        assert body.at[g, "n_aasc_recomputed"] == treated[g]
    total = comp[comp["indication"] == "Total"].iloc[0]
    assert total["n_patients_recomputed"] == sum(patients.values())
    assert total["n_aasc_recomputed"] == sum(treated.values())


def test_published_table2_differences_are_flagged():
    published = {r["indication"]: r for r in rows("data/aasc/indications.csv")}
    comp = aasc.compare_indications(load_table("aasc", "trials"), load_table("aasc", "indications")).set_index("indication")
    for ind, r in comp.iterrows():
        pub = published[ind]
        assert r["n_aasc_published"] == int(pub["n_aasc"])
        expect = any(int(pub[c]) != int(r[f"{c}_recomputed"]) for c in ("n_studies", "n_patients", "n_aasc"))
        assert bool(r["differs"]) is expect
    # Known from the extraction notes: skin 103 vs 100, glandular 102 vs 98, total 535 vs 528.
    assert list(comp.index[comp["differs"].astype(bool)]) == ["Skin lesions", "Glandular dysfunctions", "Total"]
    sentences = aasc.difference_sentences(comp.reset_index(), load_table("aasc", "trials"))
    assert len(sentences) == 3
    assert any("103" in s and "100" in s for s in sentences)


# ----------------------------------------------------------------------------- effects

def test_forest_row_matches_a_hand_calculation():
    """Panés 2016, combined remission: 53/107 with cells vs 36/105 with placebo."""
    outcomes, trials = load_table("aasc", "outcomes_binary"), load_table("aasc", "trials")
    z = 1.959963984540054
    a, n1, c, n2 = 53, 107, 36, 105
    rr = (a / n1) / (c / n2)
    se_rr = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    orr = (a * (n2 - c)) / ((n1 - a) * c)
    se_or = math.sqrt(1 / a + 1 / (n1 - a) + 1 / c + 1 / (n2 - c))
    rd = a / n1 - c / n2
    se_rd = math.sqrt((a / n1) * (1 - a / n1) / n1 + (c / n2) * (1 - c / n2) / n2)
    expected = {"RR": (rr, rr * math.exp(-z * se_rr), rr * math.exp(z * se_rr)),
                "OR": (orr, orr * math.exp(-z * se_or), orr * math.exp(z * se_or)),
                "RD": (rd, rd - z * se_rd, rd + z * se_rd)}
    for measure, (est, lo, hi) in expected.items():
        f = aasc.forest_data(outcomes, trials, measure)
        row = f[(f["study_id"] == "panes2016")].iloc[0]
        assert (row["events_aasc"], row["n_aasc"], row["events_control"], row["n_control"]) == (a, n1, c, n2)
        assert row["estimate"] == pytest.approx(est, rel=1e-9)
        assert row["ci_low"] == pytest.approx(lo, rel=1e-6)
        assert row["ci_high"] == pytest.approx(hi, rel=1e-6)


def test_forest_has_every_complete_2x2_and_nothing_else():
    complete = [r for r in rows("data/aasc/outcomes_binary.csv")
                if all(r[k].strip() for k in ("events_aasc", "n_aasc", "events_control", "n_control"))]
    f = aasc.forest_data(load_table("aasc", "outcomes_binary"), load_table("aasc", "trials"), "RR")
    assert len(f) == len(complete)
    assert list(f["study_id"]) == [r["study_id"] for r in complete]


@pytest.mark.parametrize("method", ["dl", "pm"])
def test_pooled_wound_healing_matches_two_study_formula(method):
    """With k = 2 both estimators give τ² = max(0, ((y1 − y2)² − v1 − v2) / 2)."""
    f = aasc.forest_data(load_table("aasc", "outcomes_binary"), load_table("aasc", "trials"), "RR")
    p = aasc.pooled_estimates(f, method, "RR")
    assert list(p["family"]) == ["complete wound healing"] and int(p["k"].iloc[0]) == 2

    def logrr(a, n1, c, n2):
        return math.log((a / n1) / (c / n2)), 1 / a - 1 / n1 + 1 / c - 1 / n2
    (y1, v1), (y2, v2) = logrr(18, 22, 9, 17), logrr(7, 23, 1, 23)  # Moon 12 weeks; Mrozikiewicz-Rakowska
    tau2 = max(0.0, ((y1 - y2) ** 2 - v1 - v2) / 2)
    w1, w2 = 1 / (v1 + tau2), 1 / (v2 + tau2)
    mu = (w1 * y1 + w2 * y2) / (w1 + w2)
    assert p["tau2"].iloc[0] == pytest.approx(tau2, rel=1e-4)
    assert p["estimate"].iloc[0] == pytest.approx(math.exp(mu), rel=1e-4)


def test_adverse_event_counts():
    ae, trials = load_table("aasc", "adverse_events"), load_table("aasc", "trials")
    c = aasc.adverse_event_counts(ae, trials)
    not_reported = {r["study_id"] for r in rows("data/aasc/adverse_events.csv") if r["event"] == "not reported"}
    assert c["n_not_reported"] == len(not_reported)
    assert c["n_reported"] + c["n_not_reported"] == len(rows("data/aasc/trials.csv"))
    serious = {r["study_id"] for r in rows("data/aasc/adverse_events.csv")
               if re.search(r"serious|SAE", r["event"], re.I) and r["n_events_aasc"] and float(r["n_events_aasc"]) > 0}
    assert set(c["serious_trials"]) == serious and c["n_serious_aasc"] == len(serious)
    assert len(aasc.adverse_events_table(ae, trials)) == len(ae)


# ----------------------------------------------------------------------------- registry

def test_registry_totals_match_the_loader():
    trials = load_table("ev", "trials")
    t = registry.totals(trials)
    assert t["n_trials"] == len(trials) == len(rows("data/ev/trials.csv"))
    assert t["participants"] == int(trials["participants"].sum())
    assert t["participants"] == sum(int(r["participants"]) for r in rows("data/ev/trials.csv"))
    for col in registry.FIGURE_COLUMNS:
        by = registry.count_by(trials, col)
        assert by["n_trials"].sum() == len(trials)
        assert int(by["participants"].sum()) == t["participants"]
    status = registry.count_by(trials, "status").set_index("value")["n_trials"]
    assert status.to_dict() == trials["status"].value_counts().to_dict()


def test_msc_vs_ev_counts():
    m = load_table("ev", "msc_vs_ev")
    c = registry.msc_vs_ev_counts(m)
    assert c == {"MSC_advantage": 3, "MSC_limitation": 5, "EV_advantage": 6, "EV_limitation": 4}
    assert len(registry.msc_vs_ev_table(m)) == len(m)


# ----------------------------------------------------------------------------- claims

def test_every_claim_is_set_beside_evidence_with_a_valid_section():
    claims = load_table("clinic", "claims")
    table = claims_evidence.claims_table(
        claims, load_table("ev", "trials"), load_table("ev", "completed_results"),
        load_table("aasc", "adverse_events"), load_table("aasc", "trials"),
        load_table("nerve", "studies"), load_table("nerve", "outcomes"))
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
    n = aasc.adverse_event_counts(load_table("aasc", "adverse_events"), load_table("aasc", "trials"))["n_serious_aasc"]
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
    assert links == {sid for sid, _, _ in claims_evidence.TOPIC_SECTIONS.values() if sid}


def test_standardisation_summary_uses_the_data_rows():
    ctx = load_table("context", "facial_nerve_abstract")
    s = claims_evidence.standardisation_summary(ctx)
    assert "standardis" in s.lower() and "Standardisation argument" not in s
    assert claims_evidence.context_summary(ctx).startswith("Facial nerve palsy")


# ----------------------------------------------------------------------------- notebooks

SECTIONS = [
    ("aasc_design.ipynb", {"group_by": "indication_group"}),
    ("aasc_indications.ipynb", {"order_by": "table"}),
    ("aasc_effects.ipynb", {"effect_measure": "OR", "method": "pm"}),
    ("ev_registry.ipynb", {"group_by": "country"}),
    ("claims_vs_evidence.ipynb", {"show_unaddressed": False}),
]


def test_notebooks_are_committed_without_outputs():
    for name, _ in SECTIONS:
        nb = nbformat.read(REPO / "chapters" / name, as_version=4)
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
        assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
        for c in nb.cells:
            if c.cell_type == "code":
                assert not c.outputs and c.execution_count is None


@pytest.mark.parametrize("name,params", [(n, {}) for n, _ in SECTIONS] + SECTIONS,
                         ids=[f"{n}-default" for n, _ in SECTIONS] + [f"{n}-{next(iter(p))}" for n, p in SECTIONS])
def test_section_executes(name, params, tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.setenv("EVIDENCE_BOOK_ROOT", str(REPO))
    monkeypatch.setenv("EVIDENCE_BOOK_FILES", str(tmp_path / "files"))
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.delenv("EVIDENCE_BOOK_SECTION", raising=False)
    monkeypatch.delenv("EVIDENCE_BOOK_READS", raising=False)
    out = tmp_path / name
    pm.execute_notebook(str(REPO / "chapters" / name), str(out), parameters=params, kernel_name="python3",
                        cwd=str(REPO / "chapters"), progress_bar=False, log_output=False)
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    stderr = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, stderr
    for md in (c.source for c in nb.cells if c.cell_type == "markdown"):
        for glued in re.findall(r"\{glue:text\}`([^`]+)`", md):
            assert any(glued in str(o.get("metadata", {})) for c in nb.cells if c.cell_type == "code"
                       for o in c.outputs), f"{name}: {glued} is never glued"
