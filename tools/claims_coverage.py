"""Coverage of the claims files: which pass-2 sentences (data/second_pass/claims/) have a claim row.

A pass-2 sentence is *matched* when a claim row names it in `second_pass_ids` (`;`-separated sentence
ids), or when ≥ 80% of the distinct words of some claim quote occur in it (pass-1 quotes are often the
clause that carries the number; pass-2 rows are whole sentences). Prints the coverage table and the
counts per sentence kind; `--write` puts them into data/CLAIMS_EXTRACTION.md between the markers
`<!-- coverage:start -->` and `<!-- coverage:end -->`; `--unmatched REVIEW` lists the sentences without a row.

Run: ``python tools/claims_coverage.py [--write] [--unmatched aasc]``.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
REVIEWS = (("nerve", "000"), ("aasc", "004"))
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
THRESHOLD = 0.8


def words(text) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", str(text).lower()))


def matched(claims: pd.DataFrame, sentences: pd.DataFrame) -> pd.Series:
    """True per sentence that has a claim row (named in second_pass_ids, or by word overlap)."""
    named = set()
    if "second_pass_ids" in claims.columns:
        for v in claims["second_pass_ids"].dropna():
            named |= {x.strip() for x in str(v).split(";") if x.strip()}
    quotes = [q for q in (words(x) for x in claims["quote"]) if q]

    def one(sid, text) -> bool:
        if sid in named:
            return True
        sw = words(text)
        return any(len(q & sw) / len(q) >= THRESHOLD for q in quotes)

    return pd.Series([one(i, t) for i, t in zip(sentences["sentence_id"], sentences["quote"])], index=sentences.index)


def kind_counts(sentences: pd.DataFrame, hit: pd.Series) -> list[tuple[str, int, int]]:
    """(kind, all, matched), most frequent first; a sentence may have several kinds."""
    rows = {}
    for kinds, h in zip(sentences["kinds"].fillna(""), hit):
        for k in {k.strip() for k in kinds.split(";") if k.strip()}:
            a, m = rows.get(k, (0, 0))
            rows[k] = (a + 1, m + int(h))
    return sorted(((k, a, m) for k, (a, m) in rows.items()), key=lambda r: (-r[1], r[0]))


def load(review: str, root: Path = REPO):
    claims = pd.read_csv(root / f"data/{review}/claims.csv", dtype=str)
    sentences = pd.read_csv(root / f"data/second_pass/claims/{review}_sentences.csv", dtype=str)
    return claims, sentences


def report(root: Path = REPO) -> str:
    head = ["| review | pass-2 sentences | claim rows | pass-2 sentences matched | pass-2 sentences without a row |",
            "|---|---|---|---|---|"]
    kinds = []
    for review, seed in REVIEWS:
        claims, sentences = load(review, root)
        hit = matched(claims, sentences)
        head.append(f"| {review} ({seed}) | {len(sentences)} | {len(claims)} | {int(hit.sum())} | {int((~hit).sum())} |")
        kinds.append(f"- {review}: " + ", ".join(f"{k.replace('_', ' ')} {a}/{m}" for k, a, m in kind_counts(sentences, hit)) + ".")
    verdicts = ["", "Audit verdicts (`evidence_book.reviews.audit`):", ""]
    sys.path.insert(0, str(REPO))
    from evidence_book.reviews.audit import audit_review, summary

    for review, seed in REVIEWS:
        s = summary(audit_review(review, root=root))
        verdicts.append(f"- {review}: {s['total']} claims — {s['holds']} hold, {s['does_not_hold']} do not hold "
                        f"({s['independent_errors']} independent errors), {s['cannot_check']} cannot be checked.")
    return "\n".join(head + ["", "Pass-2 sentence kinds (a sentence may have several), all / matched:", ""] + kinds + verdicts)


def write(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{path}: markers {START} … {END} not found")
    pre, _, rest = text.partition(START)
    _, _, post = rest.partition(END)
    path.write_text(f"{pre}{START}\n{block}\n{END}{post}", encoding="utf-8")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = REPO
    if "--root" in argv:
        root = Path(argv[argv.index("--root") + 1])
    block = report(root)
    if "--unmatched" in argv:
        review = argv[argv.index("--unmatched") + 1]
        claims, sentences = load(review, root)
        for _, s in sentences[~matched(claims, sentences)].iterrows():
            print(f"{s['sentence_id']} | {s['location']} | {s['kinds']} | {s['quote']}")
        return 0
    if "--write" in argv:
        write(root / "data/CLAIMS_EXTRACTION.md", block)
    print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
