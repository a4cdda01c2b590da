"""One-off: draft data/<review>/references.csv rows from the reference lists of seeds 000 and 004.

Run once, then checked by hand; the CSVs (with provenance) are the data, this is not part of the build.
  python tools/extract_references.py /work/shared/seeds
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

INITIALS = r"(?:[A-Z][a-z]?\.(?:-|\s)?)+"
LINE = re.compile(r"^\s*(?:-\s*)?(\d+)\.\s+(.*\S)\s*$")


def parse(text: str) -> dict:
    text = re.sub(r"\s*\[+(?:CrossRef|PubMed|Google Scholar)\]+(?:\(#\))?\]?", "", text).strip()
    text = re.sub(r"<sup>(.*?)</sup>", r"\1", text)
    parts = text.split("; ")
    last = parts[-1]
    m = re.match(rf"^(et al\.|.+?, {INITIALS}|.+?, Group\.)\s*(.*)$", last)  # "SEPCELL Study, Group." (ref. 26)
    authors = "; ".join(parts[:-1] + [m.group(1).strip()])
    rest = m.group(2)
    m = re.match(r"^(.*?)\.?\s+\*([^*]+)\*\.?\s+(?:\*\*)?(\d{4})(?:\*\*)?,\s*\*?([^*,]+?)\*?,\s*(\S+?)\.?\s*$", rest)
    if not m:  # an entry without Markdown emphasis: "Title. J. Abbr. 2024, 79, 154446."
        m = re.match(r"^(.*?[a-z)])\.\s+((?:[A-Z][A-Za-z]*\.?\s)+?)(\d{4}),\s*(\d+),\s*(\S+?)\.?\s*$", rest)
    if not m:
        raise ValueError(f"cannot parse: {text}")
    title, journal, year, volume, pages = m.groups()
    return dict(authors=authors, title=title.strip(), journal=journal.strip(), year=year, volume=volume.strip(), pages=pages.strip())


def refs(path: Path, start_marker) -> dict[int, tuple[str, bool]]:
    """number → (entry text, numbered in the text). An entry whose number was lost in the conversion
    ("- Author, …") takes the next number; an indented line continues the entry before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(k for k, l in enumerate(lines) if l.strip() in start_marker)
    out, last = {}, 0
    for l in lines[i + 1:]:
        if l.startswith("Disclaimer"):
            break
        m = LINE.match(l)
        if m:
            last = int(m.group(1))
            out.setdefault(last, (m.group(2), True))
        elif re.match(r"^-\s+[A-Z]", l):
            last += 1
            out[last] = (l.lstrip("- ").strip(), False)
        elif l.startswith(" ") and l.strip() and last in out:
            out[last] = (out[last][0] + " " + l.strip(), out[last][1])
    return out


def main(seeds: Path) -> None:
    for review, seed, marker, studies in (("nerve", "000_87d2cd380479f984.txt", ("## References",), "studies"),
                                         ("aasc", "004_5ecdff063676c45c.txt", ("References",), "trials")):
        by_ref = {int(r["ref"]): r["study_id"] for r in csv.DictReader(open(f"data/{review}/{studies}.csv", encoding="utf-8"))}
        listed = refs(seeds / seed, marker)
        w = csv.writer(sys.stdout, lineterminator="\n")
        for n, sid in sorted(by_ref.items()):
            text, numbered = listed[n]
            p = parse(text)
            w.writerow([sid, sid, p["authors"], p["title"], p["journal"], p["year"], p["volume"], p["pages"], "",
                        seed, f"References, ref. {n}", "",
                        "" if numbered else f"the entry's number is lost in the text; it is the entry after ref. {n - 1}"])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
