"""Coverage of the claims files against the independent second pass (issue 12), computed.

Pass 1 is `data/<review>/claims.csv` (the audit's rows); pass 2 is the inventory of checkable sentences
in `data/second_pass/claims/<review>_sentences.csv`, made without seeing pass 1. A pass-2 sentence is
*matched* when a claim row names it (`second_pass_ids`) or when at least 80% of the distinct words of some pass-1 quote occur in it (pass-1 quotes are
often the clause that carries the number, pass-2 rows whole sentences). Words are compared after the
seed's markup (``<i>``, ``$…$``, LaTeX commands) is removed. Also: every pass-1 quote must occur in its
seed (same normalisation), so a quote cannot drift from the text it audits.

Run: ``python tools/claims_coverage.py [--write]``. Without ``--write`` it prints the table and exits 1
when `data/CLAIMS_EXTRACTION.md` does not hold the computed one (or a quote is not in its seed); with
``--write`` it replaces the block between the coverage markers. Hand-written (no library matches
claim inventories); small on purpose.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
REVIEWS = {"nerve": "nerve (000)", "aasc": "aasc (004)"}
THRESHOLD = 0.8
START, END = "<!-- coverage:start (tools/claims_coverage.py --write) -->", "<!-- coverage:end -->"


def plain(text) -> str:
    """Seed or quote text without markup, lower case, words separated by single spaces."""
    t = str(text)
    t = re.sub(r"</?[A-Za-z][^<>]*>", " ", t)
    t = t.replace("\\mu", "μ").replace("\\pm", "±").replace("\\%", "%")
    t = re.sub(r"\\(?:text|mathrm|math)\s*\{([^}]*)\}", r"\1", t)
    t = re.sub(r"\\[A-Za-z]+", " ", t)
    t = t.replace("²", "2").replace("^", "")
    return " ".join(re.findall(r"[0-9a-zà-ÿμ]+", t.lower()))


def words(text) -> set[str]:
    return set(plain(text).split())


def matched(sentences: pd.DataFrame, claims: pd.DataFrame) -> pd.Series:
    """Per pass-2 sentence: is it named by a claim row (`second_pass_ids`, `;`-separated sentence ids)
    or matched by some pass-1 quote (≥ 80% of the quote's words in it)?"""
    named = set()
    for v in claims.get("second_pass_ids", pd.Series(dtype=str)).dropna():
        named |= {x.strip() for x in str(v).split(";") if x.strip()}
    quotes = [w for w in (words(q) for q in claims["quote"]) if w]
    by_words = sentences["quote"].map(lambda s: any(len(q & words(s)) >= THRESHOLD * len(q) for q in quotes))
    ids = sentences["sentence_id"] if "sentence_id" in sentences.columns else pd.Series("", index=sentences.index)
    return by_words | ids.isin(named)


def _inside(quote, sentence) -> bool:
    q = words(quote)
    return bool(q) and len(q & words(sentence)) >= THRESHOLD * len(q)


def kinds_table(sentences: pd.DataFrame, hit: pd.Series) -> list[tuple[str, int, int]]:
    """(kind, sentences of that kind, of which matched), most frequent first."""
    rows = {}
    for ks, h in zip(sentences["kinds"].fillna(""), hit):
        for k in filter(None, (x.strip() for x in str(ks).split(";"))):
            a, m = rows.get(k, (0, 0))
            rows[k] = (a + 1, m + int(h))
    return sorted(((k, a, m) for k, (a, m) in rows.items()), key=lambda r: (-r[1], r[0]))


def coverage(root: Path = ROOT) -> dict:
    out = {}
    for review in REVIEWS:
        s = pd.read_csv(root / f"data/second_pass/claims/{review}_sentences.csv", dtype=str, keep_default_na=False)
        c = pd.read_csv(root / f"data/{review}/claims.csv", dtype=str, keep_default_na=False)
        hit = matched(s, c)
        out[review] = {"sentences": len(s), "claims": len(c), "matched": int(hit.sum()),
                       "unmatched": list(s.loc[~hit, "sentence_id"]), "kinds": kinds_table(s, hit),
                       "rows_in_pass2": int(c["quote"].map(lambda q: any(_inside(q, t) for t in s["quote"])).sum())}
    return out


def quotes_not_in_seed(review: str, root: Path = ROOT, seeds: Path = SEEDS) -> list[str]:
    """Claim ids whose quote does not occur in the review's seed (markup removed on both sides)."""
    c = pd.read_csv(root / f"data/{review}/claims.csv", dtype=str, keep_default_na=False)
    texts = {}
    bad = []
    for _, r in c.iterrows():
        if r["source"] not in texts:
            texts[r["source"]] = plain((seeds / r["source"]).read_text(encoding="utf-8")).replace(" ", "")
        if plain(r["quote"]).replace(" ", "") not in texts[r["source"]]:  # "μm" vs "μ m": spacing is markup
            bad.append(r["claim_id"])
    return bad


def render(cov: dict) -> str:
    lines = [START, "",
             "| review | pass-2 sentences | pass-1 claim rows | pass-2 sentences matched | pass-2 sentences without a row "
             "| pass-1 rows in a pass-2 sentence |",
             "|---|---|---|---|---|---|"]
    for review, label in REVIEWS.items():
        v = cov[review]
        lines.append(f"| {label} | {v['sentences']} | {v['claims']} | {v['matched']} | {v['sentences'] - v['matched']} "
                     f"| {v['rows_in_pass2']} |")
    lines += ["", "Pass-2 sentence kinds (a sentence may have several), all / matched:", ""]
    for review in REVIEWS:
        kinds = ", ".join(f"{k.replace('_', ' ')} {a}/{m}" for k, a, m in cov[review]["kinds"])
        lines.append(f"- {review}: {kinds}.")
    for review in REVIEWS:
        un = cov[review]["unmatched"]
        listed = ", ".join(un) if len(un) <= 40 else f"{len(un)} (listed by `python tools/claims_coverage.py --list`)"
        lines.append(f"- {review} sentences without a row: {listed if un else 'none'}.")
    lines += ["", END]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="replace the coverage block of data/CLAIMS_EXTRACTION.md")
    ap.add_argument("--list", action="store_true", help="print the ids of the pass-2 sentences without a row")
    ap.add_argument("--root", default=str(ROOT))
    args = ap.parse_args(argv)
    root = Path(args.root)
    cov = coverage(root)
    if args.list:
        for review in REVIEWS:
            print(f"{review}: {' '.join(cov[review]['unmatched']) or 'none'}")
        return 0
    block = render(cov)
    doc_path = root / "data/CLAIMS_EXTRACTION.md"
    doc = doc_path.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        print(f"{doc_path}: no coverage markers", file=sys.stderr)
        return 1
    current = doc[doc.index(START):doc.index(END) + len(END)]
    if args.write:
        doc_path.write_text(doc.replace(current, block), encoding="utf-8")
    print(block)
    status = 0
    if SEEDS.is_dir():
        for review in REVIEWS:
            bad = quotes_not_in_seed(review, root)
            if bad:
                print(f"{review}: quotes not in the seed: {', '.join(bad)}", file=sys.stderr)
                status = 1
    if not args.write and current != block:
        print(f"{doc_path}: the coverage block differs from the computed one (run with --write)", file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
