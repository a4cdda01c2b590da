"""Run one section's notebook with papermill (explicit kernel, explicit cwd), in a worker process.

The kernel gets the environment of `evidence_book.env` (book root, reads file, files folder,
section id). A section's files are published under `chapters/_files/<section>/`, so every file of
the site is made by exactly one section.

Warm kernels: starting a kernel and importing pandas/matplotlib costs ~3 s, more than most
sections' own work. So each worker process keeps one kernel and runs its sections in it one after
another, passing it to papermill (which hands it to nbclient). Before each section the kernel's
namespace is reset (`%reset -f`), its working directory and environment set, and figures closed;
after a failure the kernel is replaced. `fresh=True` starts a new kernel per section instead.

Faults: a watchdog (SIGALRM each second, in the worker) ends a section whose kernel died
(os._exit, segfault, OOM kill) or that ran past its timeout, naming the cell it was running; the
kernel is then killed and replaced. A worker ignores Ctrl-C (the parent handles it) and, on
SIGTERM from the parent, kills its kernel before exiting, so no kernel outlives a build.
"""
from __future__ import annotations

import os
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from evidence_book.env import ROOT, section_env

KERNEL = "python3"
_KM = None  # this worker's warm kernel manager
_KC = None  # and its client (kept: see _warm_kernel)
_WATCH = {"deadline": None, "cell": None, "km": None, "abort": None}


class SectionAbort(Exception):
    """Raised by the watchdog inside papermill: the kernel died or the section ran too long."""


def worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def term(signum, frame):
        _drop_kernel()
        os._exit(1)

    signal.signal(signal.SIGTERM, term)


# Imported in a warm kernel before any section runs (`make watch`): the book's package, found by
# walking it (so its libraries: pandas, matplotlib, …), minus the builder and command lines.
_WARM_IMPORTS = """
import importlib as _il, pkgutil as _pu
import evidence_book as _eb
for _m in _pu.walk_packages(_eb.__path__, "evidence_book."):
    if not _m.name.startswith(("evidence_book.builder", "evidence_book.__main__")) and "cli" not in _m.name:
        try:
            _il.import_module(_m.name)
        except Exception:
            pass
del _il, _pu, _eb, _m
import gc as _gc
_gc.collect()
_gc.freeze()  # the libraries: no later collection (nor the first section's reset) scans them again
del _gc
"""


def warm_worker_init(root: str, log_path: str, ready_dir: str | None = None) -> None:
    """Initializer of the long-lived workers of `make watch`: as `worker_init`, then start this
    worker's kernel and import papermill here and the book's package in the kernel, so the first
    edit after the watcher starts pays no start-up. Never raises: on any problem the first section
    starts its kernel as usual."""
    worker_init()
    try:
        log = open(log_path, "a")
        os.dup2(log.fileno(), 2)  # the kernel inherits this: its chatter goes to the log
        import papermill  # noqa: F401

        env = {ROOT: str(root), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
               "PYTHONPATH": os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)}
        os.environ.update(env)
        _km, kc = _warm_kernel(env, str(Path(root) / "chapters"))
        _run_quietly(kc, _WARM_IMPORTS, 300)
    except Exception:
        _drop_kernel()
    if ready_dir:  # one file per warm worker: the watcher says when all are ready
        try:
            Path(ready_dir, str(os.getpid())).touch()
        except OSError:
            pass


def _kernel_dead(km) -> bool:
    """Plain and synchronous (km.is_alive() runs an event loop: not safe inside a signal handler)."""
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    return proc is not None and proc.poll() is not None


def _watchdog(signum, frame) -> None:
    w = _WATCH
    if w["deadline"] is None:
        return
    # Raised again every second until it leaves papermill (nbclient swallows some exceptions).
    if _kernel_dead(w["km"]):
        w["abort"] = "the kernel died (exited, crashed or was killed, e.g. out of memory)"
    elif time.monotonic() > w["deadline"]:
        w["abort"] = f"timed out after {w['timeout']} s (raise 'timeout' of the section in sections.yml)"
    if w["abort"]:
        raise SectionAbort(w["abort"])


def _cell_start(cell=None, cell_index=None, **_):
    first = (cell.get("source") or "").strip().splitlines() if cell is not None else []
    _WATCH["cell"] = f"cell {cell_index}" + (f" (`{first[0][:60]}`)" if first else "")




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
        "import gc as _gc\n"
        "_gc.freeze()  # what survived the reset (libraries): later collections skip it\n"
        "del _os, _sys, _gc\n"
    )


def _run_quietly(kc, code: str, timeout: float) -> None:
    """Run `code` in the kernel and wait for its reply on the shell channel (reliable, unlike
    iopub right after connecting, so no `wait_for_ready` and its 0.2 s iopub flush is needed)."""
    import queue

    msg_id = kc.execute(code, silent=True, store_history=False)
    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = kc.get_shell_msg(timeout=max(0.05, deadline - time.monotonic()))
        except queue.Empty:
            raise RuntimeError(f"the kernel did not answer within {timeout:.0f} s") from None
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue')}")


def _warm_kernel(env: dict, cwd: str):
    """This worker's kernel and its client, started on first use (or after a failure), reset for a
    new section. The client is kept too and handed to papermill (nbclient then skips its own client
    start and `wait_for_ready`: ~0.4 s per section)."""
    global _KM, _KC
    from jupyter_client.manager import KernelManager

    if _KM is None or not _KM.is_alive():
        _drop_kernel()
        _KM = KernelManager(kernel_name=KERNEL)
        _KM.start_kernel(cwd=cwd, env={**os.environ, **env})
        _KC = _KM.blocking_client()
        _KC.start_channels()
        _KC.wait_for_ready(timeout=60)
    _run_quietly(_KC, _prelude(env, cwd), 60)
    return _KM, _KC


def _use_warm_clients() -> None:
    """Let papermill's notebook client take the warm kernel's client (`warm_kc=`) instead of
    starting its own and waiting for the kernel to be ready (~0.2 s per section). papermill has no
    parameter for it: its engine builds `papermill.engines.PapermillNotebookClient` with the extra
    keyword arguments it was given, so that name is bound, in this worker only, to a subclass."""
    import papermill.engines as engines
    from papermill.clientwrap import PapermillNotebookClient

    if getattr(engines.PapermillNotebookClient, "takes_warm_kc", False):
        return

    class WarmClient(PapermillNotebookClient):
        takes_warm_kc = True

        def __init__(self, nb_man, warm_kc=None, **kw):
            super().__init__(nb_man, **kw)
            self._warm_kc = warm_kc

        def execute(self, **kwargs):
            self.kc = self._warm_kc  # None: nbclient starts a client as usual
            return super().execute(**kwargs)

    engines.PapermillNotebookClient = WarmClient


def _drop_kernel() -> None:
    global _KM, _KC
    if _KC is not None:
        try:
            _KC.stop_channels()
        except Exception:
            pass
    if _KM is not None:
        try:
            _KM.shutdown_kernel(now=True)
        except Exception:
            pass
    _KM = _KC = None


def run_section(section_id: str, notebook: str, parameters: dict, root: str, workdir: str, fresh: bool = False,
                timeout: int = 600) -> Result:
    import papermill as pm  # imported in the worker: the no-op build path never pays for it

    _use_warm_clients()

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
    _WATCH.update(deadline=time.monotonic() + timeout, timeout=timeout, cell=None, km=None, abort=None)
    signal.signal(signal.SIGALRM, _watchdog)
    signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)
    try:
        km, kc = (None, None) if fresh else _warm_kernel(env, cwd)
        _WATCH["km"] = km
        pm.execute_notebook(
            str(Path(root) / notebook), str(out), parameters=parameters, kernel_name=KERNEL, cwd=cwd,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False, km=km, warm_kc=kc,
            on_cell_start=_cell_start,
        )
    except pm.PapermillExecutionError as e:
        _WATCH["deadline"] = None
        _drop_kernel()
        return Result(section_id, False, time.perf_counter() - t0, error=f"cell {e.exec_count}: {e.ename}: {e.evalue}")
    except BaseException as e:  # kernel died or hung, notebook unreadable, …: still one clear line
        _WATCH["deadline"] = None
        _drop_kernel()
        where = f"{_WATCH['cell']}: " if _WATCH["cell"] else ""
        what = _WATCH["abort"] or f"{type(e).__name__}: {' '.join(str(e).split())[:300]}"
        if "DeadKernel" in type(e).__name__:
            what = "the kernel died (exited, crashed or was killed, e.g. out of memory)"
        return Result(section_id, False, time.perf_counter() - t0, error=where + what)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _WATCH["deadline"] = None
    reads = tuple(sorted({line.strip() for line in reads_file.read_text().splitlines() if line.strip()}))
    files = {p.relative_to(files_dir).as_posix(): p.read_bytes() for p in sorted(files_dir.rglob("*")) if p.is_file()}
    return Result(section_id, True, time.perf_counter() - t0, out.read_bytes(), reads, files)
