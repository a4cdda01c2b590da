"""`python -m evidence_book meta FILE.csv --measure RR --method REML [--ci hksj]`: pool 2×2 counts, print JSON.

The CSV needs columns ``study, events_treated, n_treated, events_control, n_control``. Bad input
(missing columns, empty, non-integer, negative counts, events > n, n = 0) is reported as
"FILE, row N, column C: problem" (row 1 is the header, so the first data row is row 2) on
stderr with exit code 1. The numbers come from `methods.pooling.pool_2x2`, which the pages use.
"""
from __future__ import annotations

import csv
import json
import math
import sys


REQUIRED = ("study", "events_treated", "n_treated", "events_control", "n_control")


class InputError(ValueError):
    """A problem in the analyst's CSV, already phrased for them."""


def read_counts(path: str):
    """Read and check the CSV; raise InputError naming file, row and column of the first problems."""
    import pandas as pd  # here, not at the top: `build`'s no-op path imports this module for its arguments

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            raw = list(reader)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"{path}, row 1 (header): missing column(s) {', '.join(missing)}; "
                         f"need {', '.join(REQUIRED)}")
    problems, rows = [], []
    for i, rec in enumerate(raw, start=2):
        rec = {(k or "").strip(): (v or "").strip() for k, v in rec.items()}
        out = {"study": rec["study"] or f"row {i}"}
        if not rec["study"]:
            problems.append(f"{path}, row {i}, column study: empty study name")
        for col in REQUIRED[1:]:
            text = rec[col]
            try:
                val = float(text)
                if not val.is_integer():
                    raise ValueError
            except ValueError:
                problems.append(f"{path}, row {i}, column {col}: {text!r} is not a whole number")
                out[col] = math.nan
                continue
            if val < 0:
                problems.append(f"{path}, row {i}, column {col}: negative count {text}")
            out[col] = val
        for ev, n in (("events_treated", "n_treated"), ("events_control", "n_control")):
            e_, n_ = out.get(ev), out.get(n)
            if e_ == e_ and n_ == n_ and e_ is not None and n_ is not None:
                if n_ == 0:
                    problems.append(f"{path}, row {i}, column {n}: group size is 0")
                elif e_ > n_:
                    problems.append(f"{path}, row {i}, column {ev}: {int(e_)} events > {n} {int(n_)}")
        rows.append(out)
    if not rows:
        problems.append(f"{path}: no data rows")
    if problems:
        raise InputError("\n".join(problems))
    return pd.DataFrame(rows, columns=list(REQUIRED))


def _num(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else float(f"{float(x):.7g}")


def run(path: str, measure: str, method: str, ci: str | None) -> dict:
    """The JSON-ready result for one CSV (raises InputError or ValueError)."""
    from evidence_book.methods.pooling import pool_2x2

    df = read_counts(path)
    summary, studies = pool_2x2(df, measure=measure, method=method, ci=ci)
    out = {key: summary[key] for key in ("k", "measure", "method", "ci_method")}
    for key in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "i2", "q", "q_p"):
        out[key] = _num(summary[key])
    out["q_df"] = summary["q_df"]
    out["pi_distribution"] = (f"t with {summary['pi_df']} df (k - 2)" if summary["pi_df"] else None)
    out["i2_from"] = "Q"
    out["studies"] = [{"study": r.study, "estimate": _num(r.estimate), "ci_low": _num(r.ci_low),
                       "ci_high": _num(r.ci_high), "weight": _num(r.weight), **({"note": r.note} if r.note else {})}
                      for r in studies.itertuples(index=False)]
    return out


def main(args) -> int:
    """Entry point for the `meta` subcommand (args from argparse)."""
    try:
        result = run(args.file, args.measure, args.method, args.ci)
    except InputError as e:
        print(f"meta: {e}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"meta: {args.file}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def add_parser(sub) -> None:
    """Register the `meta` subcommand on an argparse subparsers object."""
    m = sub.add_parser("meta", help="pool 2x2 counts from a CSV and print the result as JSON")
    m.add_argument("file", help="CSV with study, events_treated, n_treated, events_control, n_control")
    m.add_argument("--measure", type=str.upper, choices=["RR", "OR", "RD"], default="RR")
    m.add_argument("--method", type=str.upper, choices=["REML", "DL", "PM", "FE", "MH"], default="REML")
    m.add_argument("--ci", type=str.lower, choices=["wald", "hksj"], default=None,
                   help="default: hksj for REML/DL/PM, wald for FE/MH")
