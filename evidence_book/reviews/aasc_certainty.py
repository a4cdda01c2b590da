"""The AASC trials review, summary of findings with certainty (this book's judgements, not the review's).

Per pooled outcome: studies, participants, the pooled effect, the data signals per GRADE domain
(`methods.certainty.signals`) beside the recorded judgement (``data/aasc/certainty.csv``), and the
resulting certainty (`methods.certainty.rate`).
"""
from __future__ import annotations

import pandas as pd

from evidence_book.labels import CERTAINTY_DOMAIN_LABELS, certainty_for_readers
from evidence_book.methods.certainty import DOMAINS, signals
from evidence_book.reviews.aasc_effects import COUNTS, pooling_sets
from evidence_book.methods.pooling import pool_2x2

# The summary's per-domain columns: a sentence each (signal → judgement: reason), read row by row,
# so the page shows them as row details rather than as five wide columns.
DOMAIN_COLUMNS = [CERTAINTY_DOMAIN_LABELS[d] for d in DOMAINS]


def summary_of_findings(forest: pd.DataFrame, certainty: pd.DataFrame, method: str = "REML", measure: str = "RR",
                        ci: str | None = None, digits: int = 2) -> pd.DataFrame:
    """One row per pooled outcome: ``Outcome, Trials, Participants, Effect, Certainty (this book),
    Rated down for``, and one column per GRADE domain with "signal → judgement (reason)".

    An outcome pooled on the page but without judgements in ``certainty`` gets "not yet rated".
    """
    sets = pooling_sets(forest)
    rows = []
    for fam, g in sets.groupby("family", sort=False):
        s, _ = pool_2x2(g, measure, method, ci, "label", COUNTS)
        sig = signals(s, list(g["risk_of_bias"]), null_value=0.0 if measure == "RD" else 1.0)
        j = certainty[certainty["outcome"].astype(str) == fam]
        row = {"Outcome": fam, "Trials": int(s["k"]),
               "Participants": int(g[list(COUNTS[1::2])].astype(int).to_numpy().sum()),
               "Effect": f"{measure} {s['estimate']:.{digits}f} ({s['ci_low']:.{digits}f} to {s['ci_high']:.{digits}f})"}
        row["Certainty (this book)"], row["Rated down for"] = certainty_for_readers(j)
        for d in DOMAINS:
            jd = j[j["domain"] == d]
            judged = (f" → −{int(jd['downgrade'].iloc[0])}: {jd['reason'].iloc[0]}" if len(jd) else "")
            row[CERTAINTY_DOMAIN_LABELS[d]] = sig[d] + judged
        rows.append(row)
    return pd.DataFrame(rows)
