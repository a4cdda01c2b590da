"""Visible text of a built page, and the data identifiers a reader must never see in it."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from evidence_book.data.schemas import TABLES

# Outside what a reader reads: scripts, styles, the search index, and the provenance note (which
# names data files and parameters on purpose, for analysts).
_HIDDEN_TAGS = {"script", "style", "noscript", "template"}


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "source", "col", "wbr"):
            return
        cls = (dict(attrs).get("class") or "").split()
        hidden = tag in _HIDDEN_TAGS or "provenance" in cls or (self.stack and self.stack[-1][1])
        self.stack.append((tag, bool(hidden)))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.text.append(data)


def visible_text(html: str) -> str:
    v = _Visible()
    v.feed(html)
    return " ".join(" ".join(v.text).split())


def identifiers() -> set[str]:
    """Coded values of the schemas' vocabularies and computed-column names, as written in the data."""
    found = {"does_not_hold", "cannot_check", "not_checkable", "favours_treatment", "favours_control",
             "no_difference", "n_included_stated", "n_excluded_counted", "secretome_unspecified",
             "conditioned_medium", "extracellular_vesicles"}
    for t in TABLES:
        for c in t.columns:
            found |= {a for a in (c.allowed or ()) if "_" in a}
    return found


def identifiers_in(text: str) -> list[str]:
    ids = identifiers()
    return sorted({w for w in re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text) if w in ids})
