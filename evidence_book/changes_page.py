"""The "What changed" page and `changes.json`, generated at build time (sections.yml `generated:`)
from `reviews.changes` (the git history of data/ and the page models run on each version).

`appendix/changes.md` is the page (its title and what it is); it includes the generated
`appendix/changes.part.md`, written here: one section per version, newest first, in reader words
(study labels, field words, verdicts in words). `changes.json` (published beside the site, and
`_build/changes.json` through sections.yml `outputs:`) holds the same content with the data's
identifiers (keys, column names, coded verdicts).
"""
from __future__ import annotations

import json

from evidence_book.data.schemas import BY_NAME, STUDY_TABLES
from evidence_book.labels import REVIEW_WORDS, VERDICT_LABELS, column_word, word, words_in_text
from evidence_book.text import md_escape

PART = "appendix/changes.part.md"
JSON = "_extra/changes.json"  # the site root's changes.json
MAX_ROWS = 25  # rows listed per table and kind; changes.json lists them all
MAX_VALUE = 90  # characters of a value shown on the page
MAX_SUBJECT = 160  # characters of a commit's subject line shown
PARAMETER_WORDS = {"jbi_threshold": "quality threshold (JBI items of 13)", "effect_measure": "effect measure",
                   "method": "pooling method", "ci": "confidence interval method"}
STUDY_FIRST = {f"data/{rv}/{tb}.csv" for rv, tb in STUDY_TABLES.items()} | {"data/ev/trials.csv"}


def table_title(path: str) -> str:
    """'data/nerve/jbi.csv' → 'Rat studies: JBI critical-appraisal answers' (from the schema's doc)."""
    rv, name = path.removeprefix("data/").removesuffix(".csv").split("/", 1)
    t = BY_NAME.get((rv, name))
    doc = t.doc if t else name.replace("_", " ")
    for cut in (":", " (", ";", ", one row", " with how"):
        doc = doc.split(cut)[0]
    return f"{REVIEW_WORDS.get(rv, rv)}: {doc.rstrip('.,; ')}"


def _coded(path: str) -> set[str]:
    """Columns of a table whose values are codes of a vocabulary (shown as words)."""
    rv, name = path.removeprefix("data/").removesuffix(".csv").split("/", 1)
    t = BY_NAME.get((rv, name))
    return {c.name for c in t.columns if c.allowed} if t else set()


def _value(v, coded: bool = False) -> str:
    if v is None or v == "":
        return "(empty)"
    text = word(str(v).strip()) if coded else words_in_text(" ".join(str(v).split()))
    return md_escape(text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1].rstrip() + "…")


def _list(items: list[str], total: int) -> list[str]:
    out = [f"  - {x}" for x in items[:MAX_ROWS]]
    if total > min(len(items), MAX_ROWS):
        out.append(f"  - … and {total - min(len(items), MAX_ROWS)} more (all in changes.json)")
    return out


def _row_names(rows: list[dict], total: int) -> str:
    """Labels of added or removed rows; rows of one study in a table with several rows per study
    (answers, outcomes) are named once, with their number."""
    per_study = {}
    for r in rows:
        if r.get("study") and r["label"].startswith(r["study"] + ","):
            per_study[r["study"]] = per_study.get(r["study"], 0) + 1
    names, count = [], {}
    for r in rows:
        study = r.get("study")
        name = study if per_study.get(study, 0) > 1 else r["label"]
        if name not in count:
            names.append(name)
        count[name] = count.get(name, 0) + 1
    shown = [md_escape(n) + (f" ({count[n]} rows)" if count[n] > 1 else "") for n in names[:MAX_ROWS]]
    more = total - sum(count[n] for n in names[:MAX_ROWS])
    return "; ".join(shown) + (f"; and {more} more (all in changes.json)" if more > 0 else "")


def _table_lines(d: dict, first: bool) -> list[str]:
    title = md_escape(table_title(d["table"]))
    if "unreadable" in d:
        which = "this version" if d["unreadable_in"] == "newer" else "the version before"
        return [f"- **{title}**: cannot be compared, the file of {which} cannot be read ({_value(d['unreadable'])})."]
    n = d["n_rows"]
    if first:
        return [f"- **{title}**: {n['new']} rows."]
    if d["created"]:
        head = f"- **{title}**: new file, {n['new']} rows."
    elif d["deleted"]:
        head = f"- **{title}**: file removed ({n['old']} rows)."
    else:
        head = f"- **{title}** ({n['old']} → {n['new']} rows)"
        if d["matched_by"] == "order":
            head += ", rows matched by their order (the table has no key)"
        head += ":"
    lines = [head]
    if d["columns_added"]:
        lines.append("  - Columns added: " + ", ".join(md_escape(column_word(c)) for c in d["columns_added"]) + ".")
    if d["columns_removed"]:
        lines.append("  - Columns removed: " + ", ".join(md_escape(column_word(c)) for c in d["columns_removed"]) + ".")
    if d["created"] or d["deleted"]:
        return lines
    for kind, word_ in (("added", "Added"), ("removed", "Removed")):
        if d[f"n_{kind}"]:
            lines.append(f"  - {word_} ({d[f'n_{kind}']}): " + _row_names(d[kind], d[f"n_{kind}"]) + ".")
    if d["n_edited"]:
        lines.append(f"  - Edited ({d['n_edited']}):")
        coded = _coded(d["table"])
        edits = [f"**{md_escape(r['label'])}**: " + "; ".join(
            f"{md_escape(column_word(c['column']))} {_value(c['old'], c['column'] in coded)} → "
            f"{_value(c['new'], c['column'] in coded)}" for c in r["changes"]) for r in d["edited"]]
        lines += ["  " + x for x in _list(edits, d["n_edited"])]
    return lines


def _numbers_table(rows: list[dict]) -> list[str]:
    out = ["| number | before | after |", "|---|---|---|"]
    for r in rows:
        out.append(f"| {md_escape(r['label'])} | {md_escape(r['old'] if r['old'] is not None else '—')} "
                   f"| {md_escape(r['new'] if r['new'] is not None else '—')} |")
    return out


def _verdicts_table(rows: list[dict]) -> list[str]:
    out = ["| claim | the review says | before | after |", "|---|---|---|---|"]
    for r in rows:
        def v(verdict, recomputed):
            word = VERDICT_LABELS.get(verdict, verdict)
            return f"{word} (data: {recomputed})" if recomputed else word
        out.append(f"| {md_escape(r['claim_id'])} | {_value(r['quote'])} | {md_escape(v(r['old'], r['old_recomputed']))} "
                   f"| {md_escape(v(r['new'], r['new_recomputed']))} |")
    return out


def _heading(v: dict) -> str:
    if v["kind"] == "working copy":
        return "## Working copy, not committed"
    tags = f" (tag {', '.join(v['tags'])})" if v["tags"] else ""
    return f"## Version {md_escape(v['commit'])}, {md_escape(v['date'])}{md_escape(tags)}"


def _version_lines(e: dict) -> list[str]:
    v = e["version"]
    lines = [_heading(v), ""]
    if v["kind"] == "working copy":
        n = len(v["files"])
        lines += [f"Edits to {n} file{'s' if n != 1 else ''} under data/ that are not committed yet, compared with the "
                  "last commit.", ""]
    else:
        subject = words_in_text(v["subject"])
        subject = subject if len(subject) <= MAX_SUBJECT else subject[: MAX_SUBJECT - 1].rstrip() + "…"
        lines += [f"*{md_escape(subject)}*", ""]
    if e["data_change"] is None:
        return lines + ["What this version changed is not known here: the commit before it is not in this checkout "
                        "(a shallow clone).", ""]
    if not e["data_change"]:
        more = v.get("commits", [])[1:]
        tail = (f" Nor in the {len(more)} commit{'s' if len(more) != 1 else ''} before it "
                f"({', '.join(md_escape(c['commit']) for c in more)}).") if more else ""
        return lines + ["No data change." + tail, ""]
    first = e["first"]
    if first:
        lines += ["The first version of the data: every table below starts here.", ""]
    if not e["valid"]:
        lines += [f"These data do not pass today's checks (first problem: {_value(e['problems'][0] if e['problems'] else '')});"
                  " the numbers below are those the pages can still compute from them.", ""]
    if e["conformed"]:
        cols = sorted({column_word(c) for cs in e["conformed"].values() for c in cs})
        lines += ["Read under today's schema: columns this version did not have yet were read as empty ("
                  + ", ".join(md_escape(c) for c in cols) + ").", ""]
    tables = sorted(e["tables"], key=lambda d: (d["table"] not in STUDY_FIRST, d["table"]))
    if tables:
        lines += ["### Studies, trials and other rows" if not first else "### Tables", ""]
        for d in tables:
            lines += _table_lines(d, first)
        lines.append("")
    if e["other_files"]:
        n = len(e["other_files"])
        lines += [f"{'No table changed; ' if not tables else ''}{n} other file{'s' if n != 1 else ''} under data/ "
                  f"changed (notes or the second extraction pass; listed in changes.json).", ""]
    if e["verdicts"]:
        lines += ["### Audit verdicts that changed", ""] + _verdicts_table(e["verdicts"]) + [""]
    if e["numbers"]:
        lines += ["### Headline numbers" + (" (at this version)" if first else " that changed"), ""]
        lines += _numbers_table(e["numbers"]) + [""]
    elif tables and not first:
        lines += ["No headline number changed.", ""]
    if e["not_computed"]:
        lines += ["Not computed at this version: " + "; ".join(
            f"{md_escape(n['what'])} ({_value(n['reason'])})" for n in e["not_computed"]) + ".", ""]
    return lines


def markdown(model: dict) -> str:
    """The generated part of the page (included by appendix/changes.md)."""
    lines = []
    if model["history"] in ("no_git", "not_a_checkout"):
        return ("This copy of the book is not a git checkout (for example a release archive or a copied folder), "
                f"so the history of its data cannot be read here and no versions are listed ({md_escape(model['reason'])}).\n")
    if model["parameters"]:
        lines += ["Numbers are computed with this build's parameters: " + "; ".join(
            f"{PARAMETER_WORDS.get(k, column_word(k).lower())} {md_escape(v)}" for k, v in model["parameters"].items())
            + ". The same content, machine-readable: <a href=\"../changes.json\">changes.json</a>.", ""]
    if model["shallow"]:
        lines += ["This checkout holds only part of the history (a shallow clone): older versions are not listed.", ""]
    if model["history"] == "no_commits":
        lines += ["Nothing has been committed yet.", ""]
    for e in model["versions"]:
        lines += _version_lines(e)
    if not model["versions"]:
        lines += ["No version of the data yet.", ""]
    return "\n".join(lines)


def flat_parameters(parameters: dict | None) -> dict:
    """{name: value} from the build's {section id: {name: value}}; the first section naming a
    parameter gives its value."""
    out = {}
    for params in (parameters or {}).values():
        for k, v in params.items():
            out.setdefault(k, v)
    return out


def site_files(root=None, cache_dir=None, parameters=None) -> dict[str, bytes]:
    from evidence_book.data.loader import book_root
    from evidence_book.reviews.changes import changes
    from evidence_book.reviews.headlines import GROUPS

    root = book_root(root)
    wanted = {k for _, needs in GROUPS.values() for k in needs}
    params = {k: v for k, v in flat_parameters(parameters).items() if k in wanted}
    model = changes(root, params, cache_dir)
    return {PART: markdown(model).encode("utf-8"),
            JSON: (json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")}
