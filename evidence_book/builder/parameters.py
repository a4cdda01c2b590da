"""Parameters: what a notebook declares, what the manifest and the command line give, and checks.

papermill only warns about an unknown parameter and passes any type; here both are errors raised
before any kernel starts. A notebook declares its parameters in the cell tagged `parameters` as
plain assignments of literals (`jbi_threshold = 9`); the default's type is the parameter's type.
A number may declare its range in a trailing comment, `jbi_threshold = 9  # range: 0..13`
(bounds inclusive, either may be left open: `range: 1..`); every value, from sections.yml or
`--set`, is checked against it before anything runs.
"""
from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

import yaml

from evidence_book.builder.errors import BuildError
from evidence_book.builder.manifest import Section

_TYPES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict", type(None): "none"}


_RANGE = re.compile(r"range:\s*(-?[0-9.eE+-]*?)\s*\.\.\s*(-?[0-9.eE+-]*)\s*(?:\(|$|[;,])")


def parameters_cell(nb_path: Path) -> str:
    try:
        nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise BuildError(f"{nb_path}: not a notebook (not UTF-8 text)") from None
    except ValueError as e:
        raise BuildError(f"{nb_path}: not a notebook (invalid JSON at line {e.lineno}, column {e.colno}: {e.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise BuildError(f"{nb_path}: not a notebook (no list of cells)")
    cells = [c for c in nb["cells"] if isinstance(c, dict) and "parameters" in (c.get("metadata") or {}).get("tags", [])]
    if len(cells) != 1:
        raise BuildError(f"{nb_path}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    src = cells[0].get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def notebook_ranges(nb_path: Path) -> dict:
    """Name → (low, high) of every parameter with a `# range: low..high` comment (None = open)."""
    src = parameters_cell(nb_path)
    comments = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string
    except (tokenize.TokenError, SyntaxError):
        return {}
    out = {}
    for node in ast.parse(src).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        text = comments.get(node.end_lineno, "")
        m = _RANGE.search(text.rstrip() + " ")  # a space so a bare `range: 0..13` ends the match
        if m is None:
            continue
        try:
            lo, hi = (float(x) if x else None for x in m.groups())
        except ValueError:
            raise BuildError(f"{nb_path}: parameter '{target.id}': cannot read {text.strip()!r} "
                             "(write e.g. '# range: 0..13')") from None
        out[target.id] = (lo, hi)
    return out


def check_range(section: str, name: str, value, bounds, where: str) -> None:
    if bounds is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    lo, hi = bounds
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        show = lambda b: "" if b is None else f"{b:g}"  # noqa: E731
        raise BuildError(f"{where}: section '{section}': parameter '{name}' = {value!r} is out of its range "
                         f"{show(lo)}..{show(hi)} (declared in its notebook's parameters cell)")


def notebook_parameters(nb_path: Path) -> dict:
    """Name → default value of every parameter the notebook declares."""
    src = parameters_cell(nb_path)
    try:
        tree = ast.parse(src)
    except SyntaxError as e:
        raise BuildError(f"{nb_path}: the parameters cell is not valid Python: {e}") from None
    params = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        else:
            raise BuildError(f"{nb_path}: the parameters cell may only assign literals, line {node.lineno}")
        try:
            params[name] = ast.literal_eval(value)
        except ValueError:
            raise BuildError(f"{nb_path}: parameter '{name}' default is not a literal (line {node.lineno})") from None
    return params


def type_name(value) -> str:
    return _TYPES.get(type(value), type(value).__name__)


def check_value(section: str, name: str, value, default) -> None:
    want, got = type_name(default), type_name(value)
    if want == got or want == "none" or (want == "float" and got == "int"):
        return
    raise BuildError(
        f"section '{section}': parameter '{name}' must be {want} (default {default!r}), got {got} {value!r}"
    )


def resolve(sections: list[Section], root: Path, overrides: list[str] = ()) -> dict[str, dict]:
    """Final parameters of every section: notebook defaults ← manifest ← command line, all checked."""
    declared = {s.id: notebook_parameters(Path(root) / s.notebook) for s in sections}
    ranges = {s.id: notebook_ranges(Path(root) / s.notebook) for s in sections}
    final = {}
    for s in sections:
        for name, value in s.parameters.items():
            if name not in declared[s.id]:
                raise BuildError(
                    f"sections.yml: section '{s.id}': unknown parameter '{name}' "
                    f"({s.notebook} declares: {', '.join(sorted(declared[s.id])) or 'none'})"
                )
            check_value(s.id, name, value, declared[s.id][name])
            check_range(s.id, name, value, ranges[s.id].get(name), "sections.yml")
        final[s.id] = {**declared[s.id], **s.parameters}
    for item in overrides:
        target, name, value, raw = parse_override(item)
        hits = [s for s in sections if (target is None or s.id == target) and name in declared[s.id]]
        if target is not None and target not in declared:
            raise BuildError(f"--set {item}: no section '{target}' (sections: {', '.join(declared)})")
        if not hits:
            where = f"section '{target}'" if target else "any section"
            raise BuildError(f"--set {item}: parameter '{name}' is not declared by {where}")
        for s in hits:
            # A str parameter takes the text as typed (YAML would turn `yes` into True).
            v = raw if isinstance(declared[s.id][name], str) else value
            check_value(s.id, name, v, declared[s.id][name])
            check_range(s.id, name, v, ranges[s.id].get(name), f"--set {item}")
            final[s.id][name] = v
    return final


def parse_override(item: str):
    """`section.name=value` or `name=value` (all sections declaring `name`); value parsed as YAML."""
    if "=" not in item:
        raise BuildError(f"--set {item}: expected name=value or section.name=value")
    key, raw = item.split("=", 1)
    target, _, name = key.strip().rpartition(".")
    if not name.isidentifier():
        raise BuildError(f"--set {item}: '{name}' is not a parameter name")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return (target or None), name, value, raw
