"""Escaping data values for the places they are shown: Markdown (captions, prose) and HTML.

Values come from CSV files that analysts edit; none may turn into markup, a glue role or a Sphinx
directive. Every value shown through Markdown passes through `md_escape`.
"""
from __future__ import annotations

import html
import re

# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it is the safe choice.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:@=\"'])")


def md_escape(value) -> str:
    """Text that renders literally in (MyST/CommonMark) Markdown, on one line."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def html_escape(value) -> str:
    return html.escape(str(value), quote=True)
