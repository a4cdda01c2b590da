"""The rat studies' summary of findings with certainty (this book's judgements, not the review's).

Per outcome domain of the vote count: studies, rats, the direction of effect, the data signals per
GRADE domain (`methods.certainty.vote_signals`) beside the judgement recorded in
``data/nerve/certainty.csv``, and the resulting certainty (`methods.certainty.rate`).
"""
from __future__ import annotations

import pandas as pd

from evidence_book.labels import CERTAINTY_DOMAIN_LABELS, certainty_for_readers, format_p, word
from evidence_book.methods import quality
from evidence_book.methods.certainty import DOMAINS, vote_signals


def summary_of_findings(by_domain: pd.DataFrame, directions: pd.DataFrame, studies: pd.DataFrame,
                        jbi: pd.DataFrame, certainty: pd.DataFrame, threshold: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(findings, reasons) for the outcome domains of ``by_domain`` (`votes.vote_count` with
    ``by="domain"``; the one-vote-per-study "overall" row is left out, as it is no outcome).

    findings: one row per outcome domain: ``Outcome domain, Studies, Rats, Direction of effect,
    Certainty (this book), Rated down for``. reasons: one row per outcome domain and GRADE domain:
    the signal computed from the data beside the recorded judgement and its reason. ``directions``
    are the per-study directions behind the count (to find each domain's studies). A domain without
    judgements in ``certainty`` is "not yet rated".
    """
    scores = quality.jbi_scores(jbi, studies).set_index("study_id")
    animals = studies.set_index("study_id")["n_animals"]
    rows, why = [], []
    for _, v in by_domain[by_domain["domain"] != "overall"].iterrows():
        ids = directions.loc[directions["domain"] == v["domain"], "study_id"].unique()
        sc = scores.loc[ids]
        n_animals = int(animals.loc[ids].sum())
        sig = vote_signals(v, n_animals, n_short=int((sc["n_no"] + sc["n_unclear"] > 0).sum()),
                           n_below=int((sc["score_counted"] < threshold).sum()), threshold=threshold, subjects="rats")
        row = {"Outcome domain": word(v["domain"]), "Studies": int(v["n_studies"]), "Rats": n_animals,
               "Direction of effect": (f"{int(v['n_favours_treatment'])} of {int(v['n_studies'])} favour the secretome, "
                                       f"{int(v['n_favours_control'])} favour control" + _sign_test(v["sign_test_p"]))}
        j = certainty[certainty["outcome"].astype(str) == v["domain"]]
        row["Certainty (this book)"], row["Rated down for"] = certainty_for_readers(j)
        rows.append(row)
        for d in DOMAINS:
            jd = j[j["domain"] == d]
            why.append({"Outcome domain": row["Outcome domain"], "GRADE domain": CERTAINTY_DOMAIN_LABELS[d],
                        "Signal from the data": sig[d],
                        "Rated down": f"−{int(jd['downgrade'].iloc[0])}" if len(jd) else "not yet rated",
                        "Reason (this book)": jd["reason"].iloc[0] if len(jd) else ""})
    return pd.DataFrame(rows), pd.DataFrame(why)


def _sign_test(p) -> str:
    text = format_p(p)
    return "" if not text else f" (sign test p {text})" if text.startswith("<") else f" (sign test p = {text})"


def unrated_outcomes(by_domain: pd.DataFrame, certainty: pd.DataFrame) -> list[str]:
    """Domains of the vote count with no recorded judgement (the page says so)."""
    domains = [d for d in by_domain["domain"] if d != "overall"]
    return [d for d in domains if d not in set(certainty["outcome"].astype(str))]
