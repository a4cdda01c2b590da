"""Compare the two independent data extractions cell by cell.

The first pass is the book's data (`data/<review>/*.csv`); the second pass was made independently,
without seeing the first (`data/second_pass/<review>/*.csv`). For every file present in both passes
this module matches rows by key, compares every column present in both, and reports

* the disagreements: one row per differing cell (file, key, column, first, second);
* the agreement per file: cells compared, cells agreeing, rate (and an overall row);
* the rows present in only one pass.

Hand-written because no maintained library does keyed, cell-by-cell comparison with these
normalisations: `pandas.DataFrame.compare` requires identically labelled frames (same index and
columns, same row order) and compares raw values, so rows must first be aligned by key and cells
normalised anyway — which is what this module does (about a hundred lines of pandas).

Normalisation (trivially equal values are not reported):

* empty / NaN / None are all "missing" and equal to each other;
* whitespace is stripped and collapsed, and a line-break hyphen ("dose- escalation") is joined;
* numbers compare numerically (1 == 1.0 == "1.00");
* booleans compare case-insensitively (true == True == TRUE);
* categorical columns (see CATEGORICAL) compare case-insensitively;
* reference lists compare without brackets and with en dashes read as hyphens ("[14–17]" == "14-17").

Row matching:

* nerve/studies and aasc/trials: by `ref` (the reference number in the review) when both passes
  have it, so that differently spelled slugs (raofi2021 / raoofi2021) still match; else by study_id;
* nerve/jbi: (study_id, item), the second pass's study_id translated to the first pass's through
  the ref match of nerve/studies;
* prisma: stage (a few stage names that the passes spell differently for the same quantity are
  mapped, see STAGE_ALIASES);
* ev/trials: nct_id;
* aasc/indications: the normalised indication label (the second pass names the Table 2 columns
  after the printed headers; they are mapped to the first pass's names, see COLUMN_ALIASES).

Run: ``python -m evidence_book.data.compare`` (from the book root; ``--csv DIR`` also writes the
three tables as CSV).
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

FILES = ("nerve/studies", "nerve/jbi", "nerve/prisma", "aasc/trials", "aasc/indications",
         "aasc/prisma", "ev/trials")

CATEGORICAL = {"species", "sex", "answer", "item", "status", "country", "phase", "risk_of_bias",
               "overall_risk", "randomized", "blinded", "controlled", "indication", "stage"}

# second-pass column name -> first-pass column name
COLUMN_ALIASES = {
    "aasc/indications": {
        "subject_of_study": "indication",
        "number_of_studies": "n_studies",
        "number_of_patients_in_study": "n_patients",
        "patients_who_received_aascs": "n_aasc",
        "patients_who_received_a_benefit_from_aascs": "n_benefit",
        "patients_who_received_a_benefit_from_aascs_pct": "pct_benefit",
        "patients_who_did_not_benefit_from_aascs": "n_no_benefit",
        "patients_who_did_not_benefit_from_aascs_pct": "pct_no_benefit",
        "predominant_design_randomization": "predominant_design_text",
        "overall_risk_assessment": "overall_risk",
        "references": "references_text",
    },
}

# second-pass stage name -> first-pass stage name (same quantity, same seed sentence)
STAGE_ALIASES = {
    "nerve/prisma": {"studies_selected_full_text": "studies_selected_s3"},
    "aasc/prisma": {"records_excluded_wrong_study_design": "records_excluded_wrong_design"},
}

REFERENCE_COLUMNS = {"references_text", "references"}


# ------------------------------------------------------------------ normalisation
def _missing(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def normalise(value, column: str = "", categorical: bool | None = None):
    """A canonical form of a cell: None, a float, a bool, or a cleaned string."""
    if _missing(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    s = re.sub(r"\s+", " ", str(value)).strip()
    s = re.sub(r"(\w)- (\w)", r"\1-\2", s)
    if column in REFERENCE_COLUMNS:
        s = s.strip("[]").replace("–", "-").replace("—", "-").replace(" ", "")
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    try:
        return float(s)
    except ValueError:
        pass
    if categorical is None:
        categorical = column in CATEGORICAL
    return s.casefold() if categorical else s


def equal(a, b, column: str = "") -> bool:
    x, y = normalise(a, column), normalise(b, column)
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=0, abs_tol=1e-9)
    return x == y


def indication_label(v) -> str:
    s = normalise(v, "indication", categorical=True)
    return "" if s is None else str(s).replace("’", "'")


# ------------------------------------------------------------------ comparison
@dataclass
class Comparison:
    disagreements: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "key", "column", "first", "second"]))
    agreement: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "cells_compared", "cells_agreeing", "rate"]))
    only_in_one: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "key", "present_in"]))

    @property
    def overall_rate(self) -> float:
        a = self.agreement[self.agreement.file != "overall"]
        n = a.cells_compared.sum()
        return float(a.cells_agreeing.sum() / n) if n else float("nan")


def _keyed(df: pd.DataFrame, key_fn, label: str) -> dict:
    out = {}
    for _, row in df.iterrows():
        k = key_fn(row)
        if k in out:
            raise ValueError(f"{label}: duplicate key {k!r}")
        out[k] = row
    return out


def compare_frames(first: pd.DataFrame, second: pd.DataFrame, key, name: str = "table",
                   match_by_ref: bool = False, key_map_second=None, exclude=()) -> Comparison:
    """Compare two passes of one table.

    key: a column name, a tuple of column names, or a function row -> key.
    match_by_ref: match rows by `ref` when both frames have it (the key column is then compared
        like any other column, so a slug spelled differently shows up as a disagreement).
    key_map_second: function applied to the second pass's key (e.g. slug translation).
    exclude: columns never compared.
    """
    cols_key = (key,) if isinstance(key, str) else (tuple(key) if isinstance(key, (tuple, list)) else ())
    by_ref = match_by_ref and "ref" in first.columns and "ref" in second.columns
    if by_ref:
        def kf1(r):
            return int(float(r["ref"]))
        kf2 = kf1
        skip = {"ref"} | set(exclude)  # the slug column is compared like any other
    else:
        if callable(key):
            kf1 = key
        else:
            def kf1(r):
                vals = tuple(str(normalise(r[c], c)) for c in cols_key)
                return vals[0] if len(vals) == 1 else vals
        kf2 = (lambda r: key_map_second(kf1(r))) if key_map_second else kf1
        skip = set(cols_key) | set(exclude)
    a = _keyed(first, kf1, f"{name} (first pass)")
    b = _keyed(second, kf2, f"{name} (second pass)")
    columns = [c for c in first.columns if c in second.columns and c not in skip]

    def label(k, row):
        if by_ref and cols_key and cols_key[0] in row.index:
            return str(row[cols_key[0]])
        return "/".join(map(str, k)) if isinstance(k, tuple) else str(k)

    dis, only = [], []
    n_cmp = n_ok = 0
    for k, ra in a.items():
        if k not in b:
            only.append((name, label(k, ra), "first"))
            continue
        rb = b[k]
        for c in columns:
            n_cmp += 1
            if equal(ra[c], rb[c], c):
                n_ok += 1
            else:
                dis.append((name, label(k, ra), c, _show(ra[c]), _show(rb[c])))
    for k, rb in b.items():
        if k not in a:
            only.append((name, label(k, rb), "second"))
    res = Comparison()
    res.disagreements = pd.DataFrame(dis, columns=["file", "key", "column", "first", "second"])
    res.agreement = pd.DataFrame([(name, n_cmp, n_ok, n_ok / n_cmp if n_cmp else float("nan"))],
                                 columns=["file", "cells_compared", "cells_agreeing", "rate"])
    res.only_in_one = pd.DataFrame(only, columns=["file", "key", "present_in"])
    return res


def _show(v) -> str:
    return "" if _missing(v) else str(v)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _ref_slug_map(first: pd.DataFrame, second: pd.DataFrame) -> dict:
    """second-pass study_id -> first-pass study_id, through the shared `ref`."""
    f = {int(float(r)): s for r, s in zip(first.ref, first.study_id)}
    return {s: f.get(int(float(r)), s) for r, s in zip(second.ref, second.study_id)}


def compare_passes(root=None) -> Comparison:
    """Compare data/<review>/ (first pass) with data/second_pass/<review>/ for every file in both."""
    from evidence_book.data.loader import book_root
    root = book_root(root)
    parts = []
    slug_maps = {}
    for rel in FILES:
        p1, p2 = root / "data" / f"{rel}.csv", root / "data" / "second_pass" / f"{rel}.csv"
        if not (p1.exists() and p2.exists()):
            continue
        first, second = _read(p1), _read(p2)
        second = second.rename(columns=COLUMN_ALIASES.get(rel, {}))
        review, table = rel.split("/")
        if table in ("studies", "trials") and review != "ev":
            slug_maps[review] = _ref_slug_map(first, second)
            parts.append(compare_frames(first, second, "study_id", rel, match_by_ref=True))
        elif rel == "nerve/jbi":
            m = slug_maps.get("nerve", {})
            second = second.assign(study_id=second.study_id.map(lambda s: m.get(s, s)))
            parts.append(compare_frames(first, second, ("study_id", "item"), rel))
        elif table == "prisma":
            aliases = STAGE_ALIASES.get(rel, {})
            second = second.assign(stage=second.stage.map(lambda s: aliases.get(s, s)))
            parts.append(compare_frames(first, second, "stage", rel))
        elif rel == "ev/trials":
            parts.append(compare_frames(first, second, "nct_id", rel))
        elif rel == "aasc/indications":
            parts.append(compare_frames(first, second, lambda r: indication_label(r["indication"]), rel,
                                        exclude=("indication",)))
    res = Comparison()
    res.disagreements = pd.concat([p.disagreements for p in parts], ignore_index=True)
    agg = pd.concat([p.agreement for p in parts], ignore_index=True)
    n, ok = agg.cells_compared.sum(), agg.cells_agreeing.sum()
    res.agreement = pd.concat([agg, pd.DataFrame([("overall", n, ok, ok / n if n else float("nan"))],
                                                 columns=agg.columns)], ignore_index=True)
    res.only_in_one = pd.concat([p.only_in_one for p in parts], ignore_index=True)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evidence_book.data.compare", description=__doc__.split("\n")[0])
    ap.add_argument("--root", help="book root (default: found from the current directory)")
    ap.add_argument("--csv", help="also write disagreements.csv, agreement.csv, only_in_one.csv here")
    args = ap.parse_args(argv)
    res = compare_passes(args.root)
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 70, "display.width", 200):
        print("Agreement per file (cells compared over columns present in both passes):")
        ag = res.agreement.copy()
        ag["rate"] = ag.rate.map(lambda r: f"{r:.4f}")
        print(ag.to_string(index=False))
        print(f"\nDisagreements ({len(res.disagreements)}):")
        print(res.disagreements.to_string(index=False) if len(res.disagreements) else "  none")
        print(f"\nRows present in only one pass ({len(res.only_in_one)}):")
        print(res.only_in_one.to_string(index=False) if len(res.only_in_one) else "  none")
    if args.csv:
        out = Path(args.csv)
        out.mkdir(parents=True, exist_ok=True)
        res.disagreements.to_csv(out / "disagreements.csv", index=False)
        res.agreement.to_csv(out / "agreement.csv", index=False)
        res.only_in_one.to_csv(out / "only_in_one.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
