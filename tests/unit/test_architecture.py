"""The layout rules of ARCHITECTURE.md (issue 11's "Done when"), checked on the source with `ast`.

Each rule reads the code's syntax tree, so a comment or docstring that mentions `open(` or a section
id does not count, and a real call or string does. Every failure names the file (and line).
"""
from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from conftest import REPO

MAX_LINES = 350


def python_files(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (REPO / f).rglob("*.py") if "__pycache__" not in p.parts)


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --- (a) module size ---------------------------------------------------------------------------------

def oversized(files) -> list[str]:
    out = []
    for p in files:
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            out.append(f"{rel(p)}: {n} lines, more than {MAX_LINES} (split it by job)")
    return out


def test_no_module_is_over_350_lines():
    problems = oversized(python_files("evidence_book", "tools", "bench"))
    assert not problems, "\n".join(problems)


# --- (b) no Python under data/ ------------------------------------------------------------------------

PYTHON_SUFFIXES = {".py", ".pyw", ".pyi", ".pyx", ".pyc", ".ipynb"}


def python_under(folder: Path) -> list[str]:
    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        with p.open("rb") as f:
            first = f.readline(200)
        if p.suffix in PYTHON_SUFFIXES or (first.startswith(b"#!") and b"python" in first):
            out.append(f"{rel(p)}: Python under data/ (scripts go to tools/ or the package, with a test)")
    return out


def test_no_python_under_data():
    problems = python_under(REPO / "data")
    assert not problems, "\n".join(problems)


# --- imports, resolved to the module that defines each imported name ----------------------------------

def module_name(path: Path) -> str:
    parts = list((path.relative_to(REPO) if path.is_relative_to(REPO) else Path(path.name)).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def defining_module(module: str, name: str) -> str | None:
    """Where `from module import name` gets `name` from: the submodule it is, or the module that
    defines the function or class (`evidence_book.data.load_table` → `evidence_book.data.loader`)."""
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    if isinstance(obj, type(importlib)):
        return obj.__name__
    return getattr(obj, "__module__", None)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every module an import in `path` names or reaches through a package."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    out = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            out.append((node.lineno, module))
            for a in node.names:
                out.append((node.lineno, f"{module}.{a.name}"))
                where = defining_module(module, a.name) if module.startswith("evidence_book") else None
                if where:
                    out.append((node.lineno, where))
    return out


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def forbidden_imports(files, never: list[str], rule: str) -> list[str]:
    out = []
    for p in files:
        hits: dict[int, str] = {}  # line → the first forbidden module it imports (or reaches)
        for line, module in imports(p):
            if line not in hits and any(within(module, n) for n in never):
                hits[line] = module
        out += [f"{rel(p)}, line {line}: imports {module} ({rule})" for line, module in sorted(hits.items())]
    return out


# --- (c) no file I/O in general methods ---------------------------------------------------------------

FILE_CALLS = {"open", "Path", "read_csv", "to_csv", "read_text", "write_text", "read_bytes", "write_bytes",
              "read_excel", "to_excel", "read_json", "to_json", "read_parquet", "to_parquet", "read_table",
              "savefig", "save_csv", "load_table", "validate_all"}
FILE_MODULES = ["os", "pathlib", "shutil", "glob", "tempfile", "io", "subprocess", "pickle", "sqlite3",
                "evidence_book.data.loader", "evidence_book.data.raw", "evidence_book.data.versions",
                "evidence_book.display"]


def file_io(files) -> list[str]:
    out = forbidden_imports(files, FILE_MODULES, "file I/O in a general method")
    for p in files:
        for node in ast.walk(tree(p)):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                if name in FILE_CALLS:
                    out.append(f"{rel(p)}, line {node.lineno}: calls {name}() (file I/O in a general method)")
            elif isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name) \
                    and node.value.id == "os":
                out.append(f"{rel(p)}, line {node.lineno}: uses os.path (file I/O in a general method)")
    return out


def test_general_methods_do_no_file_io():
    problems = file_io(python_files("evidence_book/methods"))
    assert not problems, "\n".join(problems)


# --- (d) the builder knows sections, not reviews, pages or section ids --------------------------------

@cache
def book_names() -> dict[str, str]:
    """Every section id, notebook (page) name and review name of the book → what it is."""
    manifest = yaml.safe_load((REPO / "sections.yml").read_text(encoding="utf-8"))
    from evidence_book.data.schemas import TABLES

    names = {p.stem: "notebook" for p in (REPO / "chapters").glob("*.ipynb")}
    names |= {t.review: "review" for t in TABLES}
    for s in manifest["sections"]:
        names[s["id"]] = "section id"
        names[Path(s["notebook"]).stem] = "notebook"
        if "review" in (s.get("parameters") or {}):
            names[s["parameters"]["review"]] = "review"
    return names


def docstrings(t: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(t):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def book_names_in(files) -> list[str]:
    names = book_names()  # a name is a whole word: letters, digits, _ and - join ('html-page-context' is no 'context')
    patterns = {n: re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(n)}(?![A-Za-z0-9_-])") for n in names}
    out = []
    for p in files:
        t = tree(p)
        skip = docstrings(t)
        for node in ast.walk(t):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                for n, pattern in patterns.items():
                    if pattern.search(node.value):
                        out.append(f"{rel(p)}, line {node.lineno}: the string {node.value[:60]!r} names the "
                                   f"{names[n]} {n!r} (the builder knows sections, not reviews or pages)")
    return out


def test_the_names_come_from_the_book():
    names = book_names()
    assert {"nerve", "aasc"} <= {n for n, what in names.items() if what == "review"}
    assert "nerve-audit" in names and names["selection"] == "notebook"


def test_builder_code_names_no_section_page_or_review():
    problems = book_names_in(python_files("evidence_book/builder"))
    assert not problems, "\n".join(problems)


# --- (e) import layering (ARCHITECTURE.md's "never" column) -------------------------------------------

LAYERS = {  # folder: (modules it never imports, why)
    "evidence_book/methods": (["evidence_book.reviews", "evidence_book.figures", "evidence_book.builder",
                               "evidence_book.data.loader", "evidence_book.data.raw"],
                              "general methods know no review, draw nothing and read no files"),
    "evidence_book/figures": (["evidence_book.reviews", "evidence_book.builder", "evidence_book.data.loader",
                               "evidence_book.data.raw"], "figures only draw what they are given"),
    "evidence_book/data": (["evidence_book.methods", "evidence_book.reviews", "evidence_book.figures",
                            "evidence_book.builder"], "data is read and checked below the analysis"),
    "evidence_book/reviews": (["evidence_book.figures", "evidence_book.builder", "matplotlib", "seaborn"],
                              "page models compute, they neither plot nor build"),
    "evidence_book/builder": (["evidence_book.reviews"], "the builder knows sections, not reviews"),
}


@pytest.mark.parametrize("folder", sorted(LAYERS))
def test_import_layering(folder):
    never, why = LAYERS[folder]
    problems = forbidden_imports(python_files(folder), never, why)
    assert not problems, "\n".join(problems)


# --- the checks themselves find what they look for, and only that ------------------------------------

def write(tmp_path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_the_checks_see_code_not_comments_or_docstrings(tmp_path):
    quiet = write(tmp_path, "quiet.py", '"""Never open( a file; read_csv is the loader\'s, and nerve-audit a section."""\n'
                                        "# open('x'); Path('y'); os.path.join\nx = 1\n")
    assert file_io([quiet]) == [] and book_names_in([quiet]) == []
    loud = write(tmp_path, "loud.py", "import os\nfrom evidence_book.data import load_table\n"
                                      "def f(df):\n    df.to_csv('t.csv')\n    return os.path.join('a', 'nerve-audit')\n")
    found = "\n".join(file_io([loud]))
    for what in ("line 1: imports os", "line 2: imports evidence_book.data.loader", "line 4: calls to_csv()",
                 "line 5: uses os.path"):
        assert what in found
    assert [m.split(":")[0] for m in book_names_in([loud])] == [f"{loud}, line 5"]
    assert book_names_in([write(tmp_path, "sphinx.py", "EVENT = 'html-page-context'\n")]) == []


def test_the_size_and_data_checks_name_the_file(tmp_path):
    big = write(tmp_path, "big.py", "x = 1\n" * (MAX_LINES + 1))
    assert oversized([big, write(tmp_path, "small.py", "x = 1\n" * MAX_LINES)]) == [
        f"{big}: {MAX_LINES + 1} lines, more than {MAX_LINES} (split it by job)"]
    write(tmp_path, "data/r/table.csv", "a\n1\n")
    write(tmp_path, "data/r/script", "#!/usr/bin/env python3\n")
    write(tmp_path, "data/r/check.py", "")
    assert [m.split(":")[0] for m in python_under(tmp_path / "data")] == [
        str(tmp_path / "data/r/check.py"), str(tmp_path / "data/r/script")]
