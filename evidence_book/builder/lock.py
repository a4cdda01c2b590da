"""One build at a time per book: an exclusive `fcntl.flock` on `_build/.lock`.

The kernel drops the lock when its holder dies, even by SIGKILL, so a killed build never leaves a
stale lock. A second build waits (saying so once) or, with `wait=False`, fails at once. Also here:
the test-only fault hook (`EVIDENCE_BOOK_FAULT=<phase>` makes the build SIGKILL its own process
group at that phase; the fault-injection suite uses it to kill builds at exact steps).
"""
from __future__ import annotations

import fcntl
import os
import signal
from contextlib import contextmanager
from pathlib import Path

from evidence_book.builder.errors import BuildError

FAULT = "EVIDENCE_BOOK_FAULT"  # the test-only fault hook's variable


@contextmanager
def build_lock(build_dir: Path, say=print, wait: bool = True):
    build_dir = Path(build_dir)
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(build_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise BuildError(f"cannot create the build lock in {build_dir}: {e.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            if not wait:
                raise BuildError(f"another build (pid {holder}) is running in {build_dir.parent}; "
                                 "try again when it ends (or drop --no-wait to wait for it)") from None
            say(f"waiting for another build (pid {holder}) in {build_dir.parent} to finish …")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def fault_at(phase: str) -> bool:
    """Whether the fault-injection suite asked for a kill at `phase` (FAULT names it)."""
    return os.environ.get(FAULT) == phase


def fault(phase: str) -> None:
    """Test hook: SIGKILL this build's whole process group when FAULT names `phase`."""
    if fault_at(phase):
        os.killpg(os.getpgrp(), signal.SIGKILL)
