"""Checks of the second-pass extraction (data/second_pass/): every file parses, every nerve study
has its 13 JBI answers, ids are unique, vocabularies are the schema's.

Run: ``python tools/second_pass_check.py [DIR]``; exits 1 with the failed check's message.
"""
import glob
import sys
from pathlib import Path

import pandas as pd

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "second_pass"


def check(base) -> list[str]:
    """One line per file (rows, columns); raises AssertionError naming the first failed check."""
    base = str(base)
    report = []
    for p in sorted(glob.glob(f"{base}/**/*.csv", recursive=True)):
        df = pd.read_csv(p, encoding="utf-8")
        report.append(f"{p[len(base) + 1:]:28s} rows={len(df):4d} cols={list(df.columns)}")
    s = pd.read_csv(f"{base}/nerve/studies.csv")
    j = pd.read_csv(f"{base}/nerve/jbi.csv")
    cnt = j.groupby("study_id").item.nunique()
    assert set(cnt.index) == set(s.study_id), "nerve/jbi.csv and nerve/studies.csv name different studies"
    assert (cnt == 13).all() and len(j) == 13 * len(s), "a nerve study does not have exactly 13 JBI answers"
    assert set(j.answer) <= {"yes", "no", "unclear", "not_applicable"}, "nerve/jbi.csv: an answer outside the vocabulary"
    a = pd.read_csv(f"{base}/aasc/trials.csv")
    assert a.study_id.is_unique, "aasc/trials.csv: duplicate study_id"
    assert set(a.risk_of_bias) <= {"Low", "Moderate", "High"}, "aasc/trials.csv: a risk of bias outside the vocabulary"
    ev = pd.read_csv(f"{base}/ev/trials.csv")
    assert ev.nct_id.is_unique, "ev/trials.csv: duplicate nct_id"
    return report


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        for line in check(argv[0] if argv else DEFAULT):
            print(line)
    except AssertionError as e:
        print(f"second pass: {e}", file=sys.stderr)
        return 1
    print("OK: every nerve study has 13 JBI rows; all files parse")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
