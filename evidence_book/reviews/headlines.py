"""The headline numbers of one version of the data, computed by the page models the chapters use,
and the audit's verdict on every claim: what the "What changed" page compares between versions.

`snapshot(root, parameters)` reads `root/data` through the one loader (any folder laid out like
the book: the working tree, or an older version of data/ written to a temporary folder). Each
group of numbers is computed on its own; a group whose tables cannot be read or computed at that
version is listed under ``not_computed`` with the reason, and the others are still given. The
parameters are those of the build's sections (``jbi_threshold``, ``effect_measure``, ``method``,
``ci``): the numbers are the ones the pages show.
"""
from __future__ import annotations

import math

from evidence_book.data import DataError, load_table, validate_all
import pandas as pd

from evidence_book.labels import format_p, word

AUDITED = ("nerve", "aasc")
REVIEW_WORDS = {"nerve": "rat studies", "aasc": "trials"}
VERDICT_PLURAL = {"holds": "hold", "does_not_hold": "do not hold", "cannot_check": "cannot be checked"}
MEASURE_WORDS = {"RR": "risk ratio", "OR": "odds ratio", "RD": "risk difference"}


def _n(id_, label, value, group) -> dict:
    return {"id": id_, "label": label, "value": value, "text": f"{value}", "group": group}


def _nerve_counts(load, p) -> list[dict]:
    from evidence_book.reviews import nerve

    c = nerve.descriptive_counts(load("nerve", "studies"), load("nerve", "outcomes"))
    g = "Secretomes for severed nerves"
    return [_n("nerve.n_studies", "Rat studies included", c["n_studies"], g),
            _n("nerve.n_animals", "Rats in the included studies", c["n_animals"], g),
            _n("nerve.n_outcome_rows", "Outcome rows", c["n_outcome_rows"], g),
            _n("nerve.n_measures", "Distinct outcome measures", c["n_measures"], g)]


def _nerve_quality(load, p) -> list[dict]:
    from evidence_book.methods import quality
    from evidence_book.reviews import nerve

    t = int(p["jbi_threshold"])
    scores = quality.jbi_scores(load("nerve", "jbi"), load("nerve", "studies"))
    below = len(quality.below_threshold(scores, t))  # as the quality page counts them
    mismatch = len(nerve.score_mismatches(scores))
    g = "Secretomes for severed nerves"
    return [_n("nerve.n_below_threshold", f"Studies below the quality threshold ({t}/13, counted score)", below, g),
            _n("nerve.n_score_mismatch", "Studies whose stated JBI score differs from their answers", mismatch, g)]


def _nerve_votes(load, p) -> list[dict]:
    from evidence_book.reviews import nerve

    t = int(p["jbi_threshold"])
    s = nerve.synthesis(load("nerve", "outcomes"), load("nerve", "studies"), load("nerve", "jbi"), t, None)
    g = "Secretomes for severed nerves"
    out = [_n("nerve.n_synthesised", f"Studies in the synthesis (counted score ≥ {t}/13)", len(s["included"]), g)]
    for _, r in s["by_domain"].iterrows():
        fav, withdir = int(r["n_favours_treatment"]), int(r["n_with_direction"])
        pv = r["sign_test_p"]
        text = f"{fav} of {withdir} favour the secretome" + (f" (sign test p {format_p(pv)})" if pv == pv else "")
        out.append({"id": f"nerve.votes.{r['domain']}", "label": f"Vote count: {word(r['domain']).lower()}",
                    "value": {"favour": fav, "with_direction": withdir, "p": None if pv != pv else float(pv)},
                    "text": text, "group": g})
    return out


def _aasc_design(load, p) -> list[dict]:
    from evidence_book.reviews import aasc_design

    c = aasc_design.design_counts(load("aasc", "trials"))
    g = "Adipose stem cell trials"
    return [_n("aasc.n_trials", "Trials included", c["n_trials"], g),
            _n("aasc.n_rct", "Randomised controlled trials", c["n_rct"], g),
            _n("aasc.n_high_rob", "Trials at high risk of bias (as reported)", c["n_high"], g)]


def _fmt(x: float) -> str:
    return "not estimable" if x is None or not math.isfinite(float(x)) else f"{float(x):.2f}"


def _aasc_effects(load, p) -> list[dict]:
    from evidence_book.reviews import aasc_effects

    measure, method, ci = p["effect_measure"], p["method"], p["ci"]
    forest = aasc_effects.forest_data(load("aasc", "outcomes_binary"), load("aasc", "trials"), measure)
    pooled = aasc_effects.pooled_estimates(forest, method, measure, ci)
    g = "Adipose stem cell trials"
    out = [_n("aasc.n_comparisons", "Comparisons with counts in both groups", len(forest), g),
           _n("aasc.n_pooled", "Outcomes pooled (two or more trials)", len(pooled), g)]
    for _, r in pooled.iterrows():
        text = f"{_fmt(r['estimate'])} (95% CI {_fmt(r['ci_low'])} to {_fmt(r['ci_high'])}), {int(r['k'])} trials"
        out.append({"id": f"aasc.pooled.{r['family']}", "group": g,
                    "label": f"Pooled {MEASURE_WORDS.get(measure, measure)} ({method}): {r['family']}",
                    "value": {"estimate": float(r["estimate"]), "ci_low": float(r["ci_low"]),
                              "ci_high": float(r["ci_high"]), "k": int(r["k"])}, "text": text})
    return out


def _aasc_adverse(load, p) -> list[dict]:
    from evidence_book.reviews import aasc_adverse_events

    c = aasc_adverse_events.adverse_event_counts(load("aasc", "adverse_events"), load("aasc", "trials"))
    g = "Adipose stem cell trials"
    return [_n("aasc.n_ae_reported", "Trials reporting adverse events", c["n_reported"], g),
            _n("aasc.n_serious_aasc", "Trials with serious adverse events in the cell-treated group", c["n_serious_aasc"], g)]


def _ev(load, p) -> list[dict]:
    from evidence_book.reviews import ev_registry

    t = ev_registry.totals(load("ev", "trials"))
    g = "Registered extracellular vesicle trials"
    return [_n("ev.n_trials", "Registered trials", t["n_trials"], g),
            _n("ev.participants", "Participants listed in the registry", t["participants"], g)]


GROUPS = {  # name → (what it computes, parameters it needs)
    "rat study counts": (_nerve_counts, ()),
    "rat study quality": (_nerve_quality, ("jbi_threshold",)),
    "rat study vote counts": (_nerve_votes, ("jbi_threshold",)),
    "trial design": (_aasc_design, ()),
    "trial effects": (_aasc_effects, ("effect_measure", "method", "ci")),
    "trial adverse events": (_aasc_adverse, ()),
    "trial registry": (_ev, ()),
}


def _reason(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text and isinstance(e, DataError) else f"{type(e).__name__}: {text[0] if text else ''}".rstrip(": ")


def snapshot(root, parameters: dict) -> dict:
    """``{"valid", "problems" (first lines of the validation errors), "numbers" (list of {id, label,
    value, text, group}), "verdicts" ({review: {claim_id: {verdict, quote, claimed, recomputed}}}),
    "audit_counts" ({review: {verdict: n}}), "not_computed" ([{what, reason}])}`` of `root/data`."""
    out = {"valid": True, "problems": [], "numbers": [], "verdicts": {}, "not_computed": []}
    try:
        validate_all(root)
    except DataError as e:
        out["valid"] = False
        out["problems"] = str(e).splitlines()[:3]

    def load(review, name):
        return load_table(review, name, root=root, validate=False)

    for name, (fn, needs) in GROUPS.items():
        missing = [k for k in needs if k not in parameters]
        if missing:
            out["not_computed"].append({"what": name, "reason": f"no parameter {', '.join(missing)} in this build"})
            continue
        try:
            out["numbers"] += fn(load, parameters)
        except Exception as e:  # an older version the page models cannot read: say so, go on
            out["not_computed"].append({"what": name, "reason": _reason(e)})
    for review in AUDITED:
        try:
            verdicts, counts = _audit(review, root)
        except Exception as e:
            out["not_computed"].append({"what": f"audit of the {review} review's claims", "reason": _reason(e)})
            continue
        out["verdicts"][review] = verdicts
        g = "Audit of the reviews' numbers"
        for v, n in counts.items():
            out["numbers"].append(_n(f"audit.{review}.{v}", f"Claims of the {REVIEW_WORDS[review]} review that "
                                     f"{VERDICT_PLURAL[v]}", n, g))
    return out


def _audit(review: str, root) -> tuple[dict, dict]:
    from evidence_book.reviews.audit import audit_review, summary

    a = audit_review(review, root=root, validate=False)
    s = summary(a)
    verdicts = {str(r["claim_id"]): {"verdict": str(r["verdict"]), "quote": str(r["quote"]),
                                     "claimed": _text(r["claimed_value"]), "recomputed": _text(r["recomputed_value"])}
                for _, r in a.iterrows()}
    return verdicts, {v: s[v] for v in ("holds", "does_not_hold", "cannot_check")}


def _text(v) -> str:
    return "" if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)) else str(v)
