"""A synthetic living review: N plausible rat studies in the book's data layout (for benchmarks).

`write_synthetic_review(root, n_studies, seed)` replaces `data/nerve/studies.csv`, `jbi.csv` and
`outcomes.csv` under `root` with N generated studies (ids `syn0001`…), and gives each its row in
`references.csv` (the references of the real included studies are dropped, the others kept), drawn
with a seeded numpy Generator from the vocabularies of the real extraction, so the same (N, seed)
always gives the same bytes. `comparisons.csv` (rows about the real studies) keeps its header only;
everything else in `data/` is left as it is. Every generated row says `source = synthetic` so it can
never be mistaken for extracted data.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SPECIES = ["Sprague-Dawley", "Wistar", "Lewis"]
SEX = ["male", "female", "both", ""]
SOURCES = ["adipose", "bone_marrow", "umbilical_cord", "olfactory_mucosa", "gingiva", "dental_pulp"]
TYPES = ["conditioned_medium", "extracellular_vesicles", "exosomes", "secretome_unspecified"]
MODELS = ["sciatic_transection", "sciatic_gap", "sciatic_crush", "facial_nerve_transection"]
MEASURES = {  # domain → measures
    "functional": ["SFI", "gait analysis", "TGT"], "electrophysiological": ["NCV", "CMAP amplitude", "CMAP latency"],
    "histological": ["axon diameter", "myelin thickness", "axon count", "fibre density", "g-ratio"],
    "muscle": ["muscle weight", "muscle fibre area"], "sensory": ["WRL", "plantar test"],
    "in_vitro": ["neurite outgrowth", "cell viability"], "molecular": ["neurotrophic factors"],
}
DIRECTIONS = ["favours_treatment", "no_difference", "favours_control", "unclear"]
SAMPLE_ONLY = ["comparisons"]  # further per-study tables not generated (emptied, so no row names a real study)
PROV = {"source": "synthetic", "location": "bench/synthetic.py", "quote": "", "note": "generated, not extracted"}


def generate(n_studies: int, seed: int = 2026) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = [f"syn{i:04d}" for i in range(1, n_studies + 1)]
    w_lo = rng.integers(150, 260, n_studies)
    studies = pd.DataFrame({
        "study_id": ids, "ref": np.arange(1, n_studies + 1), "first_author": [f"Synth{i}" for i in range(1, n_studies + 1)],
        "year": rng.integers(2014, 2026, n_studies), "n_animals": rng.integers(12, 100, n_studies),
        "species": rng.choice(SPECIES, n_studies, p=[0.7, 0.25, 0.05]), "sex": rng.choice(SEX, n_studies),
        "weight_min_g": w_lo, "weight_max_g": w_lo + rng.integers(0, 80, n_studies),
        "age_text": "", "cell_source": rng.choice(SOURCES, n_studies), "secretome_type": rng.choice(TYPES, n_studies),
        "injury_model": rng.choice(MODELS, n_studies), "jbi_score_stated": 0, **PROV,
    })
    answers = rng.choice(["yes", "no", "unclear"], size=(n_studies, 13), p=[0.8, 0.1, 0.1])
    jbi = pd.DataFrame({"study_id": np.repeat(ids, 13), "item": [f"Q{k}" for k in range(1, 14)] * n_studies,
                        "answer": answers.ravel(), **PROV})
    studies["jbi_score_stated"] = (answers == "yes").sum(axis=1)
    rows = []
    domains = list(MEASURES)
    for sid in ids:
        for domain in rng.choice(domains, size=rng.integers(2, 5), replace=False):
            for measure in rng.choice(MEASURES[domain], size=rng.integers(1, len(MEASURES[domain]) + 1), replace=False):
                rows.append({"study_id": sid, "domain": domain, "measure": measure,
                             "direction": rng.choice(DIRECTIONS, p=[0.7, 0.15, 0.05, 0.1]), "p_text": "", **PROV})
    refs = pd.DataFrame({"ref_id": ids, "study_id": ids, "authors": [f"Synth{i}, A.; et al." for i in range(1, n_studies + 1)],
                         "title": [f"A synthetic study {i}" for i in range(1, n_studies + 1)], "journal": "Synthetic J.",
                         "year": studies["year"], **PROV})
    return {"studies": studies, "jbi": jbi, "outcomes": pd.DataFrame(rows), "references": refs}


def write_synthetic_review(root, n_studies: int, seed: int = 2026) -> dict[str, Path]:
    from evidence_book.data.schemas import BY_NAME

    out = {}
    frames = generate(n_studies, seed)
    for name, df in frames.items():
        for col in BY_NAME[("nerve", name)].columns:  # every contract column, empty if not generated
            if col.name not in df.columns:
                df[col.name] = ""
        path = Path(root) / "data" / "nerve" / f"{name}.csv"
        if name == "references" and path.exists():  # keep the review-level references (no study_id)
            kept = pd.read_csv(path, dtype=str, keep_default_na=False)
            df = pd.concat([kept[kept["study_id"] == ""], df.astype(str)], ignore_index=True)[kept.columns]
        df.to_csv(path, index=False, lineterminator="\n")
        out[name] = path
    for name in SAMPLE_ONLY:  # rows about the real studies, which the synthetic ones replace: header only
        path = Path(root) / "data" / "nerve" / f"{name}.csv"
        if path.exists():
            pd.DataFrame(columns=[c.name for c in BY_NAME[("nerve", name)].columns]).to_csv(path, index=False, lineterminator="\n")
            out[name] = path
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root", help="book root whose data/nerve/ is replaced (use a copy!)")
    ap.add_argument("-n", "--studies", type=int, required=True)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args(argv)
    for name, path in write_synthetic_review(a.root, a.studies, a.seed).items():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
