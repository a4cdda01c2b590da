"""Chapter-level results for the primary review (seed 000): what the nerve sections show.

Each function combines the loader's tables with the generic analyses (describe, quality, votes,
effects) into the table or numbers one section displays, so the notebooks stay views.
"""
from __future__ import annotations

import re

import pandas as pd

from evidence_book.data import load_table
from evidence_book.labels import for_readers, format_p, study_label, study_labels, word
from evidence_book.methods import describe, effects, quality, votes


def key(text: str) -> str:
    """A glue-safe name: lower case, runs of other characters as '_' (e.g. 'measure_axon_diameter')."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def load(review: str = "nerve") -> dict[str, pd.DataFrame]:
    """The tables of the nerve review that the chapters use."""
    return {name: load_table(review, name) for name in ("studies", "jbi", "outcomes")}


def studies_table(studies: pd.DataFrame) -> pd.DataFrame:
    """Table 2 of the review, one row per study, for readers."""
    weight = [
        "" if pd.isna(lo) else (f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}")
        for lo, hi in zip(studies["weight_min_g"], studies["weight_max_g"])
    ]
    out = pd.DataFrame({
        "study": study_label(studies),
        "ref": studies["ref"], "animals": studies["n_animals"], "species": studies["species"],
        "sex": studies["sex"], "weight (g)": weight, "age": studies["age_text"],
        "cell source": studies["cell_source"].str.replace("_", " "),
        "secretome": studies["secretome_type"].str.replace("_", " "),
        "injury model": studies["injury_model"].str.replace("_", " "),
    })
    out["JBI (stated)"] = studies["jbi_score_stated"]
    return out.fillna("not reported")


def findings_table(studies: pd.DataFrame) -> pd.DataFrame:
    """The long text columns of Table 2 (instruments and findings), one row per study."""
    out = pd.DataFrame({"study": study_label(studies)})
    for extra, label in (("outcomes_text", "outcome measures (as reported)"), ("findings_text", "main findings (as reported)")):
        if extra in studies.columns:
            out[label] = studies[extra]
    return out.fillna("not reported")


def descriptive_counts(studies: pd.DataFrame, outcomes: pd.DataFrame) -> dict:
    """The numbers of the review's §3.1, recomputed: totals, species split, ranges, instruments."""
    t = describe.totals(studies)
    species = describe.count_by(studies, "species")
    w_lo, w_hi, w_n = describe.range_of(studies, "weight_min_g", "weight_max_g")
    out = {**t, "weight_min": w_lo, "weight_max": w_hi, "n_weight_reported": w_n,
           "n_species": int(species["value"].notna().sum())}
    a_lo = a_hi = None
    a_n = 0
    if {"age_min_weeks", "age_max_weeks"} <= set(studies.columns):
        a = studies[["age_min_weeks", "age_max_weeks"]].apply(pd.to_numeric, errors="coerce")
        a_lo, a_hi, a_n = describe.range_of(a, "age_min_weeks", "age_max_weeks")
    # Always present (the prose glues them): "not reported" where no study gives an age in weeks.
    out.update(age_min="not reported" if a_lo is None else a_lo, age_max="not reported" if a_hi is None else a_hi,
               n_age_reported=a_n)
    for _, r in species.dropna(subset=["value"]).iterrows():
        out[key(f"species_{r['value']}")] = int(r["n_studies"])
    for _, r in describe.count_by(studies, "sex").iterrows():
        out[f"sex_{'not_reported' if pd.isna(r['value']) else r['value']}"] = int(r["n_studies"])
    # Studies per measure across domains (a measure may sit in two domains, e.g. apoptosis).
    per_measure = outcomes.groupby("measure")["study_id"].nunique()
    for measure, n in per_measure.items():
        out[key(f"measure_{measure}")] = int(n)
    out["n_measures"] = int(len(per_measure))
    out["n_outcome_rows"] = len(outcomes)
    return out


def quality_table(scores: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Stated vs counted JBI score per study, and whether it reaches the threshold."""
    out = pd.DataFrame({"Study": study_label(scores)})
    out["Stated score"] = scores["jbi_score_stated"]
    out["Counted score (yes items)"] = scores["score_counted"]
    out["Stated ≠ counted"] = (scores["difference"].fillna(0) != 0).map({True: "differs", False: ""})
    out["No"], out["Unclear"], out["Not applicable"] = scores["n_no"], scores["n_unclear"], scores["n_na"]
    out[f"Meets {threshold}/13 (counted)"] = (scores["score_counted"] >= threshold).map({True: "yes", False: "no"})
    return out


def below_table(below: pd.DataFrame) -> pd.DataFrame:
    """Studies under the quality threshold, for readers."""
    return pd.DataFrame({"Study": study_label(below), "Counted score": below["score_counted"],
                         "Stated score": below["jbi_score_stated"]})


def threshold_table(scores: pd.DataFrame) -> pd.DataFrame:
    """How many studies each threshold keeps, by stated and by counted score, with reader headers."""
    return for_readers(quality.threshold_sensitivity(scores))


def eligible_study_ids(jbi: pd.DataFrame, studies: pd.DataFrame, threshold: int) -> list[str]:
    """Studies whose counted JBI score reaches `threshold` (the synthesis's quality knob)."""
    scores = quality.jbi_scores(jbi, studies)
    return scores.loc[scores["score_counted"] >= threshold, "study_id"].tolist()


def synthesis(outcomes: pd.DataFrame, studies: pd.DataFrame, jbi: pd.DataFrame, threshold: int,
              subgroup: str | None) -> dict:
    """Directions per study × domain, vote counts (overall and by subgroup) for eligible studies."""
    if subgroup and subgroup not in studies.columns:
        raise ValueError(f"subgroup '{subgroup}' is not a column of data/nerve/studies.csv "
                         f"(try secretome_type, cell_source, species, sex, injury_model)")
    keep = eligible_study_ids(jbi, studies, threshold)
    excluded = sorted(set(studies["study_id"]) - set(keep))
    dirs = votes.study_directions(outcomes[outcomes["study_id"].isin(keep)], by="domain")
    attrs = studies[["study_id", "n_animals", "first_author", "year"] + ([subgroup] if subgroup else [])]
    dirs = dirs.merge(attrs, on="study_id", how="left")
    dirs["label"] = study_label(dirs)
    by_domain = votes.vote_count(dirs, by="domain", overall=True)
    by_subgroup = votes.vote_count(dirs, by="domain", subgroup=subgroup, overall=True) if subgroup else None
    if subgroup is not None:
        by_subgroup[subgroup] = by_subgroup[subgroup].astype("object").where(by_subgroup[subgroup].notna(), "not reported")
    return {"directions": dirs, "by_domain": by_domain, "by_subgroup": by_subgroup,
            "included": keep, "excluded": excluded}


def vote_table(votes_df: pd.DataFrame) -> pd.DataFrame:
    """Vote counts for readers: the proportion favouring treatment with its Wilson 95% CI, and the
    sign test's p, as text."""
    out = votes_df.copy()

    def pct(x):
        return "" if pd.isna(x) else f"{100 * x:.0f}%"

    # the proportion and its interval read as one statistic (and keep the table within the page)
    out["favouring treatment (95% CI)"] = [
        pct(x) if pd.isna(lo) else f"{pct(x)} ({100 * lo:.0f}–{100 * hi:.0f}%)"
        for x, lo, hi in zip(out["proportion_favouring"], out["ci_low"], out["ci_high"])]
    out["sign test p"] = [format_p(p) for p in out["sign_test_p"]]
    # "with a direction" (the sign test's n) is favour treatment + favour control, both shown; the
    # download (the section's `data=`) keeps it
    out = out.drop(columns=["proportion_favouring", "ci_low", "ci_high", "sign_test_p", "n_with_direction"],
                   errors="ignore")
    coded = [c for c in votes_df.columns if not pd.api.types.is_numeric_dtype(votes_df[c])]
    return for_readers(out, coded=coded)


# The review's headline statements per domain (claim ids in data/nerve/claims.csv).
DOMAIN_CLAIMS = {"functional": "nerve-c05", "electrophysiological": "nerve-c07", "histological": "nerve-c09"}


def summary_of_findings(by_domain: pd.DataFrame, audit: pd.DataFrame) -> pd.DataFrame:
    """Per domain: the review's statement (if any) and its audit verdict beside the vote count."""
    claims = audit.set_index("claim_id")
    rows = []
    for _, r in by_domain.iterrows():
        cid = DOMAIN_CLAIMS.get(r["domain"])
        claim = claims.loc[cid] if cid in claims.index else None
        p = r["sign_test_p"]
        rows.append({
            "domain": word(r["domain"]),
            "the review says": claim["quote"] if claim is not None else "",
            "audit": "" if claim is None else f"{word(claim['verdict'])} (claimed {claim['claimed_value']}, data {claim['recomputed_value']})",
            "studies": r["n_studies"],
            "favour secretome": r["n_favours_treatment"],
            "favour control": r["n_favours_control"],
            "no difference / unclear": int(r["n_no_difference"]) + int(r["n_unclear"]),
            "sign test p": format_p(p),
        })
    return pd.DataFrame(rows)


def score_mismatches(scores: pd.DataFrame) -> pd.DataFrame:
    """Studies whose printed JBI score differs from the count of their own 'yes' answers."""
    return scores[scores["difference"].fillna(0) != 0].reset_index(drop=True)


def score_mismatch_sentences(mismatch: pd.DataFrame) -> list[str]:
    """One sentence per study of `score_mismatches`: the score the review prints, the one its answers give."""
    return [f"{label}: the review prints {stated}/13, its answers count {counted}/13."
            for label, stated, counted in zip(study_label(mismatch), mismatch["jbi_score_stated"], mismatch["score_counted"])]


def overall_vote(by_domain: pd.DataFrame) -> dict:
    """The one-vote-per-study row of a vote count, as numbers for the prose."""
    r = by_domain[by_domain["domain"] == "overall"].iloc[0]
    return {"overall_favour": int(r["n_favours_treatment"]), "overall_with_direction": int(r["n_with_direction"]),
            "overall_p": format_p(r["sign_test_p"], 4)}


def group_means(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Rows quoting group means, with Hedges' g where computable and the reason where not."""
    cont = effects.continuous_effects(outcomes)
    cols = ["study_id", "measure", "mean_treatment", "sd_treatment", "n_treatment", "mean_control", "sd_control",
            "n_control", "unit", "g", "computable", "reason"]
    return cont.loc[cont["mean_treatment"].notna(), cols].reset_index(drop=True)


def mean_sd(mean, sd) -> str:
    """'657 (224)': a group mean with its SD in brackets, as trial tables print them; '(—)' where
    the SD is not reported; '' without a mean. Numbers keep the precision the source gives."""
    if mean is None or pd.isna(mean):
        return ""
    return f"{mean:g} ({'—' if sd is None or pd.isna(sd) else format(sd, 'g')})"


def group_means_table(means: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """`group_means` for readers: the study's label, each group's mean (SD) in one column, headers
    in words, g rounded."""
    out = means.drop(columns="computable").copy()
    out["study_id"] = out["study_id"].map(study_labels(studies))
    out["g"] = out["g"].round(2)
    for arm in ("treatment", "control"):
        out[f"mean_{arm}"] = [mean_sd(m, s) for m, s in zip(out[f"mean_{arm}"], out[f"sd_{arm}"])]
    out = out.drop(columns=["sd_treatment", "sd_control"])
    return for_readers(out)


def measures_per_study(outcomes: pd.DataFrame) -> pd.Series:
    """One entry per (study, measure): the input of 'studies reporting each measure'."""
    return outcomes.drop_duplicates(["study_id", "measure"])["measure"]


def weight_midpoints(studies: pd.DataFrame) -> pd.Series:
    """Middle of each study's body-weight range (NA where no weight is reported)."""
    return studies[["weight_min_g", "weight_max_g"]].astype("Float64").mean(axis=1)


def protocol_counts(searches: pd.DataFrame, criteria: pd.DataFrame) -> dict:
    """Databases searched and inclusion/exclusion criteria, for the protocol page's prose."""
    kinds = criteria["kind"].value_counts()
    return {"n_databases": len(searches), "n_inclusion": int(kinds.get("inclusion", 0)),
            "n_exclusion": int(kinds.get("exclusion", 0))}
