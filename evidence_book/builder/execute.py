"""Run one section's notebook with papermill (explicit kernel, explicit cwd), in a worker process.

The kernel gets the environment of `evidence_book.env` (book root, reads file, files folder,
section id). A section's files are published under `chapters/_files/<section>/`, so every file of
the site is made by exactly one section.

Warm kernels: starting a kernel and importing pandas/matplotlib costs ~3 s, more than most
sections' own work. So each worker process keeps one kernel and runs its sections in it one after
another, passing it to papermill (which hands it to nbclient). Before each section the kernel's
namespace is reset (`%reset -f`), its working directory and environment set, and figures closed;
after a failure the kernel is replaced. `fresh=True` starts a new kernel per section instead.
"""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from evidence_book.env import section_env

KERNEL = "python3"
_KM = None  # this worker's warm kernel manager


@dataclass
class Result:
    section_id: str
    ok: bool
    seconds: float
    notebook_bytes: bytes = b""
    reads: tuple = ()
    files: dict = field(default_factory=dict)  # name → bytes written by the section
    error: str = ""


def _prelude(env: dict, cwd: str) -> str:
    return (
        "get_ipython().run_line_magic('reset', '-f')\n"
        "import os as _os, sys as _sys\n"
        f"_os.environ.update({env!r})\n"
        f"_os.chdir({cwd!r})\n"
        "if 'matplotlib.pyplot' in _sys.modules:\n"
        "    _sys.modules['matplotlib.pyplot'].close('all')\n"
        "del _os, _sys\n"
    )


def _warm_kernel(env: dict, cwd: str):
    """This worker's kernel, started on first use (or after a failure), reset for a new section."""
    global _KM
    from jupyter_client.manager import KernelManager

    if _KM is None or not _KM.is_alive():
        _KM = KernelManager(kernel_name=KERNEL)
        _KM.start_kernel(cwd=cwd, env={**os.environ, **env})
    kc = _KM.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(_prelude(env, cwd), timeout=60, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()
    return _KM


def _drop_kernel() -> None:
    global _KM
    if _KM is not None:
        try:
            _KM.shutdown_kernel(now=True)
        except Exception:
            pass
    _KM = None


def run_section(section_id: str, notebook: str, parameters: dict, root: str, workdir: str, fresh: bool = False) -> Result:
    import papermill as pm  # imported in the worker: the no-op build path never pays for it

    t0 = time.perf_counter()
    out_dir = Path(tempfile.mkdtemp(prefix=f"{section_id}-", dir=workdir))
    out = out_dir / f"{section_id}.ipynb"
    reads_file = out_dir / "reads.txt"
    reads_file.touch()
    files_dir = out_dir / "files"
    files_dir.mkdir()
    cwd = str(Path(root) / "chapters")
    env = {
        **section_env(root, reads_file, files_dir, section_id),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # The kernel imports the package of the book being built (a temp copy in tests, too).
        "PYTHONPATH": os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p),
    }
    os.environ.update(env)
    # Kernels chatter on stderr (e.g. ipykernel's TCP notice); keep it out of the progress lines.
    log = open(out_dir / "kernel.log", "w")
    os.dup2(log.fileno(), 2)
    try:
        km = None if fresh else _warm_kernel(env, cwd)
        pm.execute_notebook(
            str(Path(root) / notebook), str(out), parameters=parameters, kernel_name=KERNEL, cwd=cwd,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False, km=km,
        )
    except pm.PapermillExecutionError as e:
        _drop_kernel()
        return Result(section_id, False, time.perf_counter() - t0, error=f"cell {e.exec_count}: {e.ename}: {e.evalue}")
    except Exception as e:  # kernel died, notebook unreadable, …: still one clear line
        _drop_kernel()
        return Result(section_id, False, time.perf_counter() - t0, error=f"{type(e).__name__}: {e}")
    reads = tuple(sorted({line.strip() for line in reads_file.read_text().splitlines() if line.strip()}))
    files = {p.relative_to(files_dir).as_posix(): p.read_bytes() for p in sorted(files_dir.rglob("*")) if p.is_file()}
    return Result(section_id, True, time.perf_counter() - t0, out.read_bytes(), reads, files)
