"""Shared fixtures: temporary copies of the book (never build in the working tree)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # figures are drawn, never shown

REPO = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns("_build", ".venv", ".git", "node_modules", "__pycache__", ".pytest_cache", "_files_local")


def copy_book(dest: Path) -> Path:
    shutil.copytree(REPO, dest, ignore=IGNORE)
    return dest


def write_notebook(path: Path, params_src: str, code: list[str], markdown: str = "# Page") -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nb.cells.append(nbformat.v4.new_markdown_cell(markdown))
    p = nbformat.v4.new_code_cell(params_src)
    p.metadata["tags"] = ["parameters"]
    nb.cells.append(p)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in code]
    for c in nb.cells:
        c.pop("id", None)
    nb.nbformat_minor = 4
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def make_toy_book(dest: Path) -> Path:
    """The real data, package and config, with two tiny sections reading different files."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("evidence_book", "data"):
        shutil.copytree(REPO / name, dest / name, ignore=IGNORE)
    for name in ("_config.yml", "requirements.txt", "intro.md"):
        shutil.copy(REPO / name, dest / name)
    write_notebook(dest / "chapters" / "count.ipynb", 'review = "nerve"\ntable = "studies"\nlimit = 5',
                   ["from evidence_book.data import load_table\ndf = load_table(review, table)\nprint(len(df), limit, df['first_author'].iloc[0])"],
                   "# Count rows")
    write_notebook(dest / "chapters" / "fail.ipynb", "fail = False",
                   ["if fail:\n    raise ValueError('asked to fail')\nprint('fine')"], "# Maybe fail")
    (dest / "sections.yml").write_text(
        "sections:\n"
        "  - {id: nerve-count, notebook: chapters/count.ipynb, title: Nerve, parameters: {review: nerve, table: studies}}\n"
        "  - {id: aasc-count, notebook: chapters/count.ipynb, title: AASC, parameters: {review: aasc, table: trials}}\n"
        "  - {id: maybe-fail, notebook: chapters/fail.ipynb, title: Fail}\n")
    (dest / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/nerve-count\n"
        "  - file: chapters/aasc-count\n  - file: chapters/maybe-fail\n  - file: appendix/provenance\n")
    return dest


@pytest.fixture
def toy_book(tmp_path) -> Path:
    return make_toy_book(tmp_path / "book")


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Path:
    """The real book, built once per test session in a temporary copy (shared by every suite)."""
    from site_support import built_book

    return built_book(tmp_path_factory)
