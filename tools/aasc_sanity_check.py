"""Sanity report of data/aasc/: totals beside what the review prints, per-indication sums beside
Table 2, PRISMA arithmetic, and hard checks (provenance columns, ids, events ≤ group size).

It prints the comparisons for an extractor to read (differences from the review are expected:
they are what the audit reports) and fails only on a hard check.
Run: ``python tools/aasc_sanity_check.py [DIR]``; exits 1 with the failed check's message.
"""
import sys
from pathlib import Path

import pandas as pd

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "aasc"
SOURCE = "004_5ecdff063676c45c.txt"


def report(d) -> list[str]:
    """Lines of the report; raises AssertionError naming the first failed hard check."""
    t = pd.read_csv(f"{d}/trials.csv")
    ind = pd.read_csv(f"{d}/indications.csv")
    out = [f"trials: {len(t)} | unique ids: {t.study_id.is_unique}",
           f"sum n_patients: {t.n_patients.sum()} | sum n_aasc: {t.n_aasc.sum()}",
           f"risk_of_bias: {t.risk_of_bias.value_counts().to_dict()}",
           f"rob_tool: {t.rob_tool.value_counts().to_dict()}"]
    assert t.study_id.is_unique, "trials.csv: duplicate study_id"
    ids = set(t.study_id)
    for f in ["outcomes_binary", "adverse_events"]:
        x = pd.read_csv(f"{d}/{f}.csv")
        bad = set(x.study_id) - ids
        assert not bad, f"{f}.csv: unknown study_id {sorted(bad)}"
        out.append(f"{f} rows {len(x)} | trials without rows: {sorted(ids - set(x.study_id)) or 'none'}")
    for f in ["trials", "indications", "outcomes_binary", "adverse_events", "prisma", "claims"]:
        x = pd.read_csv(f"{d}/{f}.csv", dtype=str, keep_default_na=False)
        assert {"source", "location", "quote", "note"} <= set(x.columns), f"{f}.csv: a provenance column is missing"
        assert (x.source == SOURCE).all(), f"{f}.csv: a row names a source other than {SOURCE}"
    assert set(t.indication_group) <= set(ind.indication), "trials.csv: an indication_group not in indications.csv"
    g = t.groupby("indication_group").agg(n_aasc=("n_aasc", "sum"))
    pub = ind[ind.row_type == "indication"].set_index("indication")
    for name, row in pub.iterrows():
        out.append(f"{name}: AASC-treated {int(row.n_aasc)} in Table 2, {int(g.n_aasc.get(name, 0))} summed from trials")
    o = pd.read_csv(f"{d}/outcomes_binary.csv")
    for c1, c2 in [("events_aasc", "n_aasc"), ("events_control", "n_control")]:
        bad = o[o[c1] > o[c2]]
        assert bad.empty, f"outcomes_binary.csv: {c1} > {c2} in rows {list(bad.index + 1)}"
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        for line in report(argv[0] if argv else DEFAULT):
            print(line)
    except AssertionError as e:
        print(f"aasc data: {e}", file=sys.stderr)
        return 1
    print("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
