"""Risk-of-bias judgements of any tool (JBI, RoB 2, ROBINS-I): spelling, robvis layout, weighted shares.

robvis (McGuinness & Higgins 2021) takes a table with columns ``Study, D1 … Dn, Overall, Weight``.
`robvis_long` turns that wide layout (or an already long one) into one row per study × domain
with judgements in this book's spelling (`canonical_judgement`), so the figure routines take
either. `judgement_shares` gives the share of each judgement per domain, optionally weighted.
"""
from __future__ import annotations

import pandas as pd

from evidence_book.labels import ROB_SCALES

_ALIASES = {
    "low": "Low", "some concerns": "Some concerns", "some_concerns": "Some concerns", "high": "High",
    "moderate": "Moderate", "serious": "Serious", "critical": "Critical", "no information": "No information",
    "no_information": "No information", "ni": "No information", "yes": "yes", "y": "yes", "no": "no", "n": "no",
    "unclear": "unclear", "u": "unclear", "not applicable": "not_applicable", "not_applicable": "not_applicable",
    "na": "not_applicable", "n/a": "not_applicable",
}


def canonical_judgement(value, tool: str | None = None):
    """'some concerns' / 'Some_concerns' → 'Some concerns'; 'Yes' → 'yes'; NA stays NA.

    With ``tool`` given, a value outside that tool's scale (`labels.ROB_SCALES`) raises ValueError.
    """
    if value is None or pd.isna(value):
        return pd.NA
    key = str(value).strip().lower()
    out = _ALIASES.get(key)
    if out is None:
        raise ValueError(f"unknown risk-of-bias judgement {value!r}")
    if tool is not None and out not in ROB_SCALES[tool]:
        raise ValueError(f"{value!r} is not a {tool} judgement (scale: {', '.join(ROB_SCALES[tool])})")
    return out


def detect_tool(judgements) -> str:
    """The first tool in `ROB_SCALES` (JBI, RoB 2, ROBINS-I) whose scale holds every judgement."""
    present = {j for j in judgements if not pd.isna(j)}
    for tool in ("JBI", "RoB 2", "ROBINS-I"):
        if present <= set(ROB_SCALES[tool]):
            return tool
    raise ValueError(f"judgements {sorted(present)} fit no single tool's scale")


def robvis_long(df: pd.DataFrame, tool: str | None = None) -> tuple[pd.DataFrame, str]:
    """robvis input (wide: ``Study, D1…Dn, Overall[, Weight]``) → long ``study, domain, judgement, weight``.

    Returns (long table, tool). ``tool`` is detected from the judgements when not given. A long
    table (columns ``Study/study, Domain/domain, Judgement/judgement``) is accepted as it is.
    """
    cols = {c.lower(): c for c in df.columns}
    if "study" not in cols:
        raise ValueError("a robvis table needs a 'Study' column")
    if "domain" in cols and "judgement" in cols:
        long = pd.DataFrame({"study": df[cols["study"]].astype(str), "domain": df[cols["domain"]].astype(str),
                             "judgement": df[cols["judgement"]]})
        long["weight"] = pd.to_numeric(df[cols["weight"]], errors="coerce") if "weight" in cols else 1.0
    else:
        domains = [c for c in df.columns if c.lower() not in ("study", "weight")]
        if not domains:
            raise ValueError("a robvis table needs domain columns (D1 … Dn and/or Overall)")
        wt = pd.to_numeric(df[cols["weight"]], errors="coerce") if "weight" in cols else pd.Series(1.0, index=df.index)
        long = pd.DataFrame([{"study": str(s), "domain": str(d), "judgement": df.at[i, d], "weight": wt[i]}
                             for i, s in df[cols["study"]].items() for d in domains])
    long["judgement"] = long["judgement"].map(canonical_judgement).astype("object")
    tool = tool or detect_tool(long["judgement"])
    long["judgement"].map(lambda j: canonical_judgement(j, tool))  # raises on a value outside the scale
    return long, tool


def judgement_shares(long: pd.DataFrame, domain="domain", judgement="judgement", weight: str | None = None,
                     order=None) -> pd.DataFrame:
    """Percent of studies (or of the total weight, e.g. participants) with each judgement per domain.

    Rows: domains in first-seen order; columns: judgements in ``order`` (then any others); rows
    sum to 100. Missing judgements are left out of the denominator.
    """
    d = long[long[judgement].notna()]
    w = (pd.to_numeric(d[weight], errors="coerce").astype(float).fillna(0.0) if weight
         else pd.Series(1.0, index=d.index))
    table = w.groupby([d[domain], d[judgement]], sort=False).sum().unstack(fill_value=0.0)
    domains = list(dict.fromkeys(d[domain]))
    cols = [j for j in (order or []) if j in table.columns] + [j for j in table.columns if j not in (order or [])]
    table = table.reindex(index=domains, columns=cols, fill_value=0.0)
    return table.div(table.sum(axis=1), axis=0) * 100
