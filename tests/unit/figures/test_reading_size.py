"""Every figure kind is drawn for the page: as wide as the block it is shown in (the text column or the
full width, `display.figure_layout`), nothing sticking out past that width, and no text under
`style.MIN_FONT_PT`; so, scaled to fill its block, its smallest text reads at least that size.

The figures are drawn from the book's own data (through the page models, as the chapters draw
them) and from long-label cases, so a figure kind that only fits small inputs fails here."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from matplotlib.text import Text

from evidence_book.data import load_table
from evidence_book.display import figure_layout, save_figure
from evidence_book.figures import bars, effect_direction, forest, prisma, traffic_light
from evidence_book.figures.style import FULL_WIDTH_IN, MIN_FONT_PT, TEXT_WIDTH_IN
from evidence_book.labels import study_labels
from evidence_book.methods import quality
from evidence_book.reviews import aasc_design, aasc_effects, nerve


def text_sizes(fig) -> list[float]:
    return [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def saved_width_in(fig, folder) -> float:
    """The width of the SVG as the book saves it (`display.save_figure`), in inches."""
    svg, _ = save_figure(fig, "probe")
    text = (folder / "_files_local" / svg).read_text(encoding="utf-8")
    return float(re.search(r'<svg[^>]*\bwidth="([0-9.]+)pt"', text).group(1)) / 72


def long_labels(n: int) -> list[str]:
    return [f"Mrozikiewicz-Rakowska {2000 + i}: complete healing of the ulcer (end of study)" for i in range(n)]


def nerve_figures():
    t = nerve.load()
    studies, outcomes = t["studies"], t["outcomes"]
    labels = study_labels(studies)
    labelled = studies.assign(label=studies["study_id"].map(labels))
    result = nerve.synthesis(outcomes, studies, t["jbi"], 9, None)
    jbi = t["jbi"].assign(label=t["jbi"]["study_id"].map(labels))
    yield "animals per study", lambda: bars.plot_per_study(labelled, "label", "n_animals", "Animals per study", "Rats")[0]
    yield "species", lambda: bars.plot_counts(studies["species"].fillna("not reported"), "Species", "Studies")
    yield "weights", lambda: bars.plot_ranges(labelled, "label", "weight_min_g", "weight_max_g", "Body weight", "Weight (g)")
    yield "source by type", lambda: bars.plot_crosstab(studies.fillna({"cell_source": "nr", "secretome_type": "nr"}),
                                               "cell_source", "secretome_type", "Cell source × secretome type")
    yield "evidence map", lambda: bars.plot_evidence_map(outcomes.assign(label=outcomes["study_id"].map(labels)), "label",
                                                 "measure", domain="domain")[0]
    yield "histogram", lambda: bars.plot_histogram(studies["n_animals"], "Animals per study", "Rats")
    yield "traffic light", lambda: traffic_light.plot_traffic_light(jbi, study="label", item="item", judgement="answer",
                                                            item_order=[f"Q{k}" for k in range(1, 14)], tool="JBI")[0]
    yield "traffic light with questions", lambda: traffic_light.plot_traffic_light(
        jbi, study="label", tool="JBI", item_legend={f"Q{k}": "Was the question answered in a long sentence, as the "
                                                      "checklist words it, with a clause or two more?" for k in range(1, 14)})[0]
    yield "jbi summary", lambda: traffic_light.plot_judgement_summary(jbi, tool="JBI")
    yield "effect direction", lambda: effect_direction.plot_effect_direction(result["directions"], study="label")[0]
    flow = load_table("nerve", "prisma")
    yield "prisma", lambda: prisma.plot_prisma(flow, "PRISMA 2020 flow diagram (nerve review)")
    scores = quality.jbi_scores(t["jbi"], studies)
    yield "score distribution", lambda: bars.plot_counts(scores["score_counted"].astype("string") + "/13", "Scores", "Studies")


def aasc_figures():
    trials = load_table("aasc", "trials")
    rows = aasc_effects.forest_data(load_table("aasc", "outcomes_binary"), trials, "RR")
    pooled = aasc_effects.pooled_estimates(rows, "REML", "RR", "hksj")
    yield "forest", lambda: forest.plot_forest(rows, xlim=(0.02, 50.0), rob_columns=["risk_of_bias"], rob_headers=["Overall"],
                                       rob_tool="as reported", rob_note="RoB 2 or ROBINS-I; no domain judgements given",
                                       title="RR for every comparison with counts in both groups")
    fam = pooled["family"].iloc[0]
    yield "pooled forest", lambda: forest.plot_forest(aasc_effects.family_forest(rows, fam, "REML", "RR", "hksj"), weight="weight",
                                              pooled=pooled.iloc[[0]], xlim=(0.02, 50.0), rob_columns=["risk_of_bias"],
                                              rob_headers=["Overall"], rob_tool="as reported", title=f"Pooled: {fam}")
    j = aasc_design.rob_judgements(trials, "indication_group")
    yield "overall risk of bias", lambda: traffic_light.plot_overall_judgement(j, study="study", judgement="judgement",
                                                                       group="group", tool="as reported",
                                                                       column_label="Overall (as reported)")[0]
    yield "risk of bias summary", lambda: traffic_light.plot_judgement_summary(j, item="tool", judgement="judgement",
                                                                       tool="as reported")


def stress_figures():
    n = 14
    frame = pd.DataFrame({"label": long_labels(n), "estimate": [1.2] * n, "ci_low": [0.5] * n, "ci_high": [3.0] * n,
                          "weight": [100 / n] * n, "D1": ["Low"] * n, "D2": ["High"] * n, "Overall": ["High"] * n})
    yield "forest, long labels, three domains", lambda: forest.plot_forest(frame, weight="weight",
                                                                   rob_columns=["D1", "D2", "Overall"], rob_tool="RoB 2")
    yield "counts, long labels", lambda: bars.plot_counts(pd.Series(long_labels(6)), "Long", "n")
    g = pd.DataFrame({"ind": long_labels(4), "x": [3, 4, 5, 6], "y": [1, None, 2, 3]})
    yield "grouped bars, long labels", lambda: bars.plot_grouped_bars(g, "ind", ["x", "y"], "t", "n", ["all", "treated"])
    many = pd.DataFrame({"study": [f"Study {i}" for i in range(12) for _ in range(40)],
                         "measure": [f"measure number {m}" for _ in range(12) for m in range(40)],
                         "domain": [f"domain {m // 8}" for _ in range(12) for m in range(40)]})
    yield "evidence map, 40 measures", lambda: bars.plot_evidence_map(many, "study", "measure", domain="domain")[0]
    dirs = pd.DataFrame({"study_id": [f"Study {i}" for i in range(5) for _ in range(12)],
                         "domain": [f"domain number {d}" for _ in range(5) for d in range(12)],
                         "direction": "favours_treatment", "n_animals": 20})
    yield "effect direction, 12 domains", lambda: effect_direction.plot_effect_direction(dirs)[0]


CASES = [*nerve_figures(), *aasc_figures(), *stress_figures()]  # (name, draw)


@pytest.mark.parametrize("name,draw", CASES, ids=[c[0] for c in CASES])
def test_figure_text_reads_at_least_9_pt_where_it_is_shown(name, draw, tmp_path, monkeypatch):
    fig = draw()
    monkeypatch.chdir(tmp_path)  # save_figure writes under ./_files_local
    sizes = text_sizes(fig)
    assert sizes and min(sizes) >= MIN_FONT_PT, f"{name}: text drawn at {min(sizes)} pt"
    block = FULL_WIDTH_IN if "full-width" in figure_layout(fig) else TEXT_WIDTH_IN
    assert fig.get_figwidth() <= block + 0.01, f"{name}: drawn {fig.get_figwidth():.2f} in wide for a {block:.2f} in block"
    saved = saved_width_in(fig, tmp_path)
    assert saved <= block + 0.005, f"{name}: something sticks out: saved {saved:.2f} in for a {block:.2f} in block"
    shown = min(sizes) * block / saved  # the image is scaled to fill its block
    assert shown >= MIN_FONT_PT, f"{name}: smallest text shown at {shown:.1f} pt"


def test_figures_are_drawn_at_the_width_of_their_block():
    widths = {round(draw().get_figwidth(), 2) for name, draw in CASES if name != "prisma"}
    assert widths <= {round(TEXT_WIDTH_IN, 2), round(FULL_WIDTH_IN, 2)}, widths
