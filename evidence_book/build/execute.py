"""Run one section's notebook with papermill (explicit kernel, explicit cwd), in a worker process.

The kernel inherits two environment variables: EVIDENCE_BOOK_ROOT (where `data/` is) and
EVIDENCE_BOOK_READS (a file the loader appends every data file it opens to), and
EVIDENCE_BOOK_FILES (where the section writes its figures and downloads; published under
`chapters/_files/<section>/`, so every file of the site is made by exactly one section).
"""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

KERNEL = "python3"


@dataclass
class Result:
    section_id: str
    ok: bool
    seconds: float
    notebook_bytes: bytes = b""
    reads: tuple = ()
    files: dict = None  # name → bytes written by the section (figures, CSV downloads)
    error: str = ""


def run_section(section_id: str, notebook: str, parameters: dict, root: str, workdir: str) -> Result:
    import papermill as pm  # imported in the worker: the no-op build path never pays for it

    t0 = time.perf_counter()
    out_dir = Path(tempfile.mkdtemp(prefix=f"{section_id}-", dir=workdir))
    out = out_dir / f"{section_id}.ipynb"
    reads_file = out_dir / "reads.txt"
    reads_file.touch()
    os.environ["EVIDENCE_BOOK_ROOT"] = str(root)
    os.environ["EVIDENCE_BOOK_READS"] = str(reads_file)
    os.environ["EVIDENCE_BOOK_SECTION"] = section_id
    files_dir = out_dir / "files"
    files_dir.mkdir()
    os.environ["EVIDENCE_BOOK_FILES"] = str(files_dir)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # The kernel imports the package of the book being built (a temp copy in tests, too).
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    # Kernels chatter on stderr (e.g. ipykernel's TCP notice); keep it out of the progress lines.
    log = open(out_dir / "kernel.log", "w")
    os.dup2(log.fileno(), 2)
    try:
        pm.execute_notebook(
            str(Path(root) / notebook),
            str(out),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(Path(root) / "chapters"),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except pm.PapermillExecutionError as e:
        return Result(section_id, False, time.perf_counter() - t0,
                      error=f"cell {e.exec_count}: {e.ename}: {e.evalue}")
    except Exception as e:  # kernel died, notebook unreadable, …: still one clear line
        return Result(section_id, False, time.perf_counter() - t0, error=f"{type(e).__name__}: {e}")
    reads = tuple(sorted({line.strip() for line in reads_file.read_text().splitlines() if line.strip()}))
    files = {p.relative_to(files_dir).as_posix(): p.read_bytes() for p in sorted(files_dir.rglob("*")) if p.is_file()}
    return Result(section_id, True, time.perf_counter() - t0, out.read_bytes(), reads, files)
