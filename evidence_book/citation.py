"""Citation metadata of every page: a Sphinx template (generated at build time, sections.yml
`generated:`) that puts the page title, the book title and the date of the data version into each
page's HTML head (Highwire `citation_*` tags, read by Zotero and Google Scholar).

The data version is the last commit that changed `data/`; outside a git checkout there is none and
the date tag is left out (never a build date: two builds of the same inputs give the same bytes).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from evidence_book.data.loader import book_root
from evidence_book.text import html_escape

TEMPLATE = "_templates/layout.html"


def data_version(root) -> dict:
    """{'commit': short id, 'date': 'YYYY-MM-DD'} of the last commit that changed data/, or {}."""
    try:
        r = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %cs", "--", "data"],
                           capture_output=True, text=True)
    except OSError:
        return {}
    parts = r.stdout.split() if r.returncode == 0 else []
    return {"commit": parts[0], "date": parts[1]} if len(parts) == 2 else {}


def layout(book_title: str, author: str, version: dict) -> str:
    e = html_escape
    tags = ['<meta name="citation_title" content="{{ title|striptags|e }}">',
            f'<meta name="citation_inbook_title" content="{e(book_title)}">',
            f'<meta name="citation_author" content="{e(author)}">']
    if version:
        tags += [f'<meta name="citation_publication_date" content="{e(version["date"].replace("-", "/"))}">',
                 f'<meta name="dc.date" content="{e(version["date"])}">',
                 f'<meta name="citation_technical_report_number" content="data version {e(version["commit"])}">']
    return ('{% extends "!layout.html" %}\n{% block extrahead %}\n{{ super() }}\n' + "\n".join(tags)
            + "\n{% endblock %}\n")


def site_files(root=None) -> dict[str, bytes]:
    root = book_root(root)
    cfg = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8")) or {}
    text = layout(str(cfg.get("title", "")), str(cfg.get("author", "")), data_version(root))
    return {TEMPLATE: text.encode("utf-8")}
