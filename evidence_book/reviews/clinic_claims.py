"""A clinic's claims (seed 003) set beside what the book's own data report.

For each claim of `data/clinic/claims.csv` this module writes one neutral sentence computed from
the data the book extracted — the EV trial registry (seed 002), the adverse events of the AASC
trials (seed 004) or the rat nerve studies (seed 000) — and names the book section where that
evidence is shown. It never says whether a treatment works or is safe for anyone: it reports
what was registered, counted or measured, and where the sources are silent.

Functions take DataFrames and return DataFrames or strings (the chapter loads them with `load_table`).
"""
from __future__ import annotations

import re

import pandas as pd

from evidence_book.methods.votes import study_directions
from evidence_book.reviews.aasc_adverse_events import adverse_event_counts
from evidence_book.values import TRUE_WORDS

# The evidence topics a claim can be set beside. Which book section shows each topic is the
# chapter's parameter `topic_sections` (set in sections.yml), so this module names no page.
TOPICS = ("ev_registry", "aasc_trials_adverse_events", "nerve_preclinical", "none_in_book")
TOPIC_LABELS = {
    "ev_registry": "MSC extracellular-vesicle trial registry",
    "aasc_trials_adverse_events": "Adverse events in trials of donor adipose stem cells",
    "nerve_preclinical": "Rat studies of secretome for nerve injury",
    "none_in_book": "Not addressed by the book's sources",
}

# The diseases an indication claim names, each with the pattern that finds it in a registry
# indication (an editorial mapping, kept here so it can be read and changed in one place).
# Osteoarthritis is deliberately not matched by "arthritis": the claim is about rheumatic disease.
CLAIM_TERMS = {
    "clinic-c09": {"multiple sclerosis": r"multiple sclerosis", "Parkinson's disease": r"parkinson",
                   "Alzheimer's disease or dementia": r"alzheimer|dementia", "fibromyalgia": r"fibromyalgia"},
    "clinic-c10": {"rheumatoid or other inflammatory arthritis": r"(?<!osteo)arthritis|rheumat", "gout": r"\bgout",
                   "Sjögren's syndrome": r"sj[öo]gren", "lupus": r"lupus"},
    "clinic-c11": {"stroke": r"stroke|cerebrovascular", "spinal cord injury": r"spinal cord",
                   "traumatic brain injury": r"brain injury"},
    "clinic-c12": {"asthma": r"asthma", "COPD": r"copd|chronic obstructive",
                   "pulmonary fibrosis": r"pulmonary fibrosis|lung fibrosis"},
    "clinic-c13": {"liver cirrhosis": r"cirrhosis", "inflammatory bowel disease": r"crohn|colitis|inflammatory bowel",
                   "peptic ulcer": r"peptic"},
    "clinic-c14": {"psoriasis": r"psoriasis", "eczema": r"eczema|atopic dermatitis", "skin ulcers": r"ulcer|diabetic foot",
                   "burns": r"\bburn", "photo-ageing": r"ageing|aging|rejuvenation"},
    "clinic-c15": {"post-COVID conditions": r"long covid|post-covid|post covid"},
}

_NO_AE = re.compile(r"\bno (?:systemic or local )?adverse|caused no adverse|no adverse", re.IGNORECASE)
_AE = re.compile(r"adverse", re.IGNORECASE)


def safety_statement(finding) -> str:
    """'none reported', 'adverse effects reported' or 'not described' for a result's finding text."""
    text = str(finding)
    if _NO_AE.search(text):
        return "none reported"
    if _AE.search(text):
        return "adverse effects reported"
    return "not described"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def registry_matches(claim_id: str, ev_trials: pd.DataFrame, ev_results: pd.DataFrame) -> pd.DataFrame:
    """For each disease an indication claim names: registered trials and reported results that match.

    Columns ``term, n_trials, trials`` ("NCT… (status)" list), ``n_results``, ``results``
    (indications of §3.1 results).
    """
    rows = []
    for term, pattern in CLAIM_TERMS.get(claim_id, {}).items():
        rx = re.compile(pattern, re.IGNORECASE)
        hit = ev_trials[ev_trials["indication"].astype(str).str.contains(rx)]
        res = ev_results[ev_results["indication"].astype(str).str.contains(rx)]
        rows.append({"term": term, "n_trials": len(hit),
                     "trials": ", ".join(f"{n} ({s})" for n, s in zip(hit["nct_id"], hit["status"])),
                     "n_results": len(res), "results": "; ".join(res["indication"].astype(str))})
    return pd.DataFrame(rows, columns=["term", "n_trials", "trials", "n_results", "results"])


def _indication_sentence(claim_id, ev_trials, ev_results) -> str:
    m = registry_matches(claim_id, ev_trials, ev_results)
    n_all = ev_trials["nct_id"].nunique()
    found = m[m["n_trials"] > 0]
    absent = m[(m["n_trials"] == 0) & (m["n_results"] == 0)]
    parts = []
    if len(found):
        parts.append("Of the " + f"{n_all} registered MSC-EV trials, " + "; ".join(
            f"{_plural(int(r.n_trials), 'trial')} for {r.term}: {r.trials}" for r in found.itertuples()) + ".")
    else:
        parts.append(f"None of the {n_all} registered MSC-EV trials names any of these conditions.")
    with_results = m[m["n_results"] > 0]
    if len(with_results):
        parts.append("The registry review reports results in people for " + "; ".join(
            f"{r.term} ({_plural(int(r.n_results), 'report')})" for r in with_results.itertuples()) + ".")
    if len(absent) and len(found):
        parts.append("No registered trial or reported result for: " + ", ".join(absent["term"]) + ".")
    parts.append("A registered trial shows that a use is being studied, not that it works.")
    return " ".join(parts)


def _ev_safety_sentence(ev_results) -> str:
    s = ev_results["finding"].map(safety_statement)
    n = len(s)
    n_none, n_ae, n_nd = int((s == "none reported").sum()), int((s == "adverse effects reported").sum()), \
        int((s == "not described").sum())
    which = ev_results.loc[s == "adverse effects reported", "indication"].astype(str)
    return (f"The registry review summarises {_plural(n, 'report')} of MSC-EV use in people: "
            f"{n_none} state that no adverse effects were seen, {n_ae} {'reports' if n_ae == 1 else 'report'} "
            f"adverse effects in some participants" + (f" ({'; '.join(which)})" if len(which) else "") +
            f", and {n_nd} do not describe safety. Most are small pilot studies or case reports, "
            "which cannot show that adverse reactions are excluded.")


def _aasc_safety_sentence(ae_counts: dict) -> str:
    return (f"Of the {ae_counts['n_trials']} trials of donor (allogeneic) adipose stem cells, "
            f"{ae_counts['n_any_aasc']} report at least one adverse event among treated patients and "
            f"{ae_counts['n_serious_aasc']} report serious adverse events in the treated group "
            f"({ae_counts['n_serious_unattributed']} of these say the events were not attributed to the cells); "
            f"{ae_counts['n_not_reported']} give no adverse-event information. These trials used cells, "
            "not secretome, so they speak to donor-derived products only indirectly.")


def _nerve_sentence(nerve_studies, nerve_outcomes) -> str:
    n_studies = int(nerve_studies["study_id"].nunique())
    d = study_directions(nerve_outcomes, by=None)
    n_dir = len(d)
    n_fav = int((d["direction"] == "favours_treatment").sum())
    return (f"The book's rat review includes {n_studies} studies of secretome after peripheral nerve injury; "
            f"taking all outcome measures of a study together, {n_fav} of {n_dir} studies point in favour of "
            "the secretome-treated animals. These are animal experiments: they do not show the same effect in people.")


def claims_table(claims: pd.DataFrame, ev_trials: pd.DataFrame, ev_results: pd.DataFrame,
                 ae: pd.DataFrame, aasc_trials: pd.DataFrame, nerve_studies: pd.DataFrame,
                 nerve_outcomes: pd.DataFrame, topic_sections: dict | None = None) -> pd.DataFrame:
    """Every clinic claim beside a sentence computed from the book's data, and the section to read.

    Columns ``claim_id, category, claim, topic`` (readable), ``evidence_topic`` (as in the data),
    ``checkable``, ``book_evidence``, ``section`` (section id from ``topic_sections``, '' if none)
    and ``page`` (link relative to a chapter page).
    """
    ae_counts = adverse_event_counts(ae, aasc_trials)
    cached = {
        "ev_safety": _ev_safety_sentence(ev_results),
        "aasc": _aasc_safety_sentence(ae_counts),
        "nerve": _nerve_sentence(nerve_studies, nerve_outcomes),
    }
    rows = []
    for r in claims.itertuples(index=False):
        topic = str(getattr(r, "evidence_topic", "none_in_book") or "none_in_book")
        checkable = str(getattr(r, "checkable", "")).strip().lower() in TRUE_WORDS
        if topic == "ev_registry" and r.claim_id in CLAIM_TERMS:
            text = _indication_sentence(r.claim_id, ev_trials, ev_results)
        elif topic == "ev_registry":
            text = cached["ev_safety"]
        elif topic == "aasc_trials_adverse_events":
            text = cached["aasc"]
        elif topic == "nerve_preclinical" and checkable:
            text = cached["nerve"]
        elif topic == "nerve_preclinical":
            text = ("The rat studies report whether secretome-treated animals did better than controls; "
                    "none compares secretome with transplanted cells, so this claim cannot be checked here.")
        else:
            text = "The book's sources do not address this claim."
        sid = (topic_sections or {}).get(topic, "")
        page = f"{sid}.html" if sid else ""
        rows.append({"claim_id": r.claim_id, "category": r.category, "claim": r.claim,
                     "topic": TOPIC_LABELS.get(topic, topic), "evidence_topic": topic, "checkable": checkable,
                     "book_evidence": text, "section": sid, "page": page})
    return pd.DataFrame(rows)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The claims table with readable column names, for the page."""
    return pd.DataFrame({
        "Claim": table["claim_id"].str.replace("clinic-", "", regex=False),
        "Category": table["category"], "What the clinic's page says": table["claim"],
        "What the book's sources report": table["book_evidence"],
        "Book section": table["section"].replace("", "—"),
    })


def topic_counts(table: pd.DataFrame) -> dict:
    """``n_claims, n_checkable`` and ``n_<evidence_topic>`` for each topic."""
    out = {"n_claims": len(table), "n_checkable": int(table["checkable"].sum())}
    for topic in TOPICS:
        out[f"n_{topic}"] = int((table["evidence_topic"] == topic).sum())
    return out


def _standardisation_rows(context: pd.DataFrame) -> pd.Series:
    """The rows from the first 'Standardisation argument …' point to the end (seed 001: fn-p05 to fn-p07)."""
    starts = context["point"].astype(str).str.startswith("Standardisation argument").to_numpy()
    if not starts.any():
        return pd.Series(True, index=context.index)
    first = int(starts.argmax())
    return pd.Series([i >= first for i in range(len(context))], index=context.index)


def standardisation_summary(context: pd.DataFrame) -> str:
    """Seed 001's standardisation argument (rows whose point starts 'Standardisation argument'), joined."""
    pts = context[_standardisation_rows(context)]
    texts = [re.sub(r"^Standardisation argument \([^)]*\):\s*", "", str(p)) for p in pts["point"]]
    return " ".join(t[:1].upper() + t[1:] for t in texts)


def context_summary(context: pd.DataFrame) -> str:
    """Seed 001's argument before the standardisation point (problem, current treatment, MSC promise)."""
    pts = context[~_standardisation_rows(context)]
    return " ".join(str(p) for p in pts["point"])
