"""Running the sections that need it: a pool of worker processes (one warm kernel each).

Faults are turned into one named failure and a prompt end: a section that fails, whose kernel
dies or that exceeds its timeout stops the build (the other workers are stopped, their kernels
killed); a worker that dies itself (SIGKILL, OOM) fails the section it ran; Ctrl-C stops every
worker and kernel and re-raises for the command line to report in one line. Work files go to
`_build/.work/` (cleared at the next start, so a killed build leaves nothing in /tmp).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from evidence_book.builder.errors import BuildError
from evidence_book.builder.execute import Result, run_section, worker_init
from evidence_book.hashing import file_hash
from evidence_book.builder.lock import fault

GRACE = 60  # seconds past a section's own timeout before the parent stops its worker


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (each kills its kernel on SIGTERM); SIGKILL what does not go."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + 5
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def run_all(root, todo, params, keys, cache, jobs, say, fresh, workdir: Path, pool=None) -> None:
    """Run `todo` in parallel and store each result in the cache. `pool`: a pool that outlives this
    call (`make watch` keeps its workers' warm kernels between rebuilds); it is left running when
    every section succeeded, and stopped (unusable) after a failure or Ctrl-C."""
    if not todo:
        return
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=workdir)
    failure = None
    keep = pool is not None
    if pool is None:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init)
    clean = False
    try:
        futures = {pool.submit(run_section, s.id, s.notebook, params[s.id], str(root), tmp, fresh, s.timeout): s
                   for s in todo}
        pending, started = set(futures), {}
        while pending and not failure:
            done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for f in done:
                s = futures[f]
                try:
                    r = f.result()
                except BrokenProcessPool:
                    r = Result(s.id, False, 0.0, error="its worker process died (killed, or out of memory)")
                if not r.ok:
                    failure = failure or (s, r)
                    say(f"  FAILED {s.id:<28} {r.seconds:5.1f} s")
                    continue
                reads = {rel: file_hash(Path(root) / rel) for rel in r.reads}
                cache.store(s.id, keys[s.id], reads, r.notebook_bytes, r.files)
                say(f"  ran    {s.id:<28} {r.seconds:5.1f} s")
                fault("execute")
            now = time.monotonic()
            for f in pending:
                if f.running():
                    started.setdefault(f, now)
                    s = futures[f]
                    if now - started[f] > s.timeout + GRACE:
                        failure = (s, Result(s.id, False, now - started[f], error=f"no answer from its worker "
                                             f"after {s.timeout + GRACE} s (timeout {s.timeout} s)"))
        clean = not failure
    finally:
        if clean:
            if not keep:
                pool.shutdown(wait=True)
        else:
            _stop(pool)  # a failure, Ctrl-C or any error: stop the rest now
        shutil.rmtree(tmp, ignore_errors=True)
    if failure:
        s, r = failure
        raise BuildError(f"section '{s.id}' ({s.notebook}) with parameters {params[s.id]!r} failed at {r.error}")
