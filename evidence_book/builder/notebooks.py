"""Post-processing of an executed notebook before it is cached and published.

- refuse a notebook that carries an error output (never publish one);
- strip what differs between runs (papermill timestamps/durations, absolute paths) so two builds
  from the same inputs give the same bytes;
- hide the `parameters` and `injected-parameters` cells and the code of every cell (readers see
  outputs; the parameters are shown in the provenance footer instead);
- append the provenance footer (added at staging time, not cached: it names the git commit).
"""
from __future__ import annotations

import json

from evidence_book.builder.errors import BuildError
from evidence_book.text import md_escape

HIDDEN = {"parameters", "injected-parameters"}


def _tags(cell) -> list:
    return cell.setdefault("metadata", {}).setdefault("tags", [])


def clean(nb_bytes: bytes, section_id: str) -> bytes:
    nb = json.loads(nb_bytes)
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise BuildError(f"section '{section_id}': cell {i} has an error output: "
                                 f"{out.get('ename')}: {out.get('evalue')}")
        meta = cell.setdefault("metadata", {})
        meta.pop("papermill", None)
        meta.pop("execution", None)
        cell.pop("id", None)
        if cell.get("cell_type") != "code":
            continue
        cell["execution_count"] = None  # warm kernels count on across sections
        tags = _tags(cell)
        if HIDDEN & set(tags):
            if "remove-cell" not in tags:
                tags.append("remove-cell")
        elif "remove-input" not in tags and "show-input" not in tags:
            tags.append("remove-input")
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("execution", None)
            if "execution_count" in out:
                out["execution_count"] = None
    pm = nb.get("metadata", {}).get("papermill", {})
    nb["metadata"]["papermill"] = {"parameters": pm.get("parameters", {})}
    nb["nbformat_minor"] = max(nb.get("nbformat_minor", 4), 4)
    return dumps(nb)


def dumps(nb) -> bytes:
    return (json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def add_footer(nb_bytes: bytes, footer_markdown: str) -> bytes:
    nb = json.loads(nb_bytes)
    nb["cells"].append({"cell_type": "markdown", "metadata": {"tags": ["provenance"]},
                        "source": footer_markdown})
    return dumps(nb)


def footer(section, parameters: dict, data_hash: str, reads: list, commit: dict) -> str:
    params = ", ".join(f"`{k}` = {md_escape(repr(v))}" for k, v in sorted(parameters.items())) or "none"
    files = ", ".join(md_escape(r) for r in reads) or "none"
    return (
        "```{admonition} Provenance of this page\n:class: provenance\n\n"
        f"- **Section** {md_escape(section.id)}, made by running {md_escape(section.notebook)} with papermill\n"
        f"- **Parameters** {params}\n"
        f"- **Data read** {files}\n"
        f"- **Data hash** {data_hash[:16]}\n"
        f"- **Source** commit {md_escape(commit['commit'])} of {md_escape(commit['date'])}\n"
        "```\n"
    )
