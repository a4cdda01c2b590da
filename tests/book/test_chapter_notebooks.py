"""Tests of the chapter notebooks (committed clean, each executes)."""
from __future__ import annotations

import re
import nbformat
import pytest


from conftest import REPO  # noqa: E402
from evidence_book import env  # noqa: E402


SECTIONS = [
    ("aasc_design.ipynb", {"group_by": "indication_group"}),
    ("aasc_indications.ipynb", {"order_by": "table"}),
    ("aasc_effects.ipynb", {"effect_measure": "OR", "method": "pm"}),
    ("ev_registry.ipynb", {"group_by": "country"}),
    ("claims_vs_evidence.ipynb", {"show_unaddressed": False}),
]


def test_notebooks_are_committed_without_outputs():
    for name, _ in SECTIONS:
        nb = nbformat.read(REPO / "chapters" / name, as_version=4)
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
        assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
        for c in nb.cells:
            if c.cell_type == "code":
                assert not c.outputs and c.execution_count is None


@pytest.mark.parametrize("name,params", [(n, {}) for n, _ in SECTIONS] + SECTIONS,
                         ids=[f"{n}-default" for n, _ in SECTIONS] + [f"{n}-{next(iter(p))}" for n, p in SECTIONS])
def test_section_executes(name, params, tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.setenv(env.ROOT, str(REPO))
    monkeypatch.setenv(env.FILES, str(tmp_path / "files"))
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.delenv(env.SECTION, raising=False)
    monkeypatch.delenv(env.READS, raising=False)
    out = tmp_path / name
    pm.execute_notebook(str(REPO / "chapters" / name), str(out), parameters=params, kernel_name="python3",
                        cwd=str(REPO / "chapters"), progress_bar=False, log_output=False)
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    stderr = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, stderr
    for md in (c.source for c in nb.cells if c.cell_type == "markdown"):
        for glued in re.findall(r"\{glue:text\}`([^`]+)`", md):
            assert any(glued in str(o.get("metadata", {})) for c in nb.cells if c.cell_type == "code"
                       for o in c.outputs), f"{name}: {glued} is never glued"
