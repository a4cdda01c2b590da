"""How `make bench` measures a command: wall time, the CPU seconds and peak memory (RSS) of its whole
process tree (kernels, Sphinx; sampled from /proc), and the load average at its start."""
from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from pathlib import Path


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc)."""
    children = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(p.name))
            except (OSError, IndexError, ValueError):
                pass
    out, stack = [], [pid]
    while stack:
        q = stack.pop()
        out.append(q)
        stack += children.get(q, [])
    return out


def tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants (from /proc)."""
    total = 0
    for q in process_tree(pid):
        try:
            for line in Path(f"/proc/{q}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def tree_cpu(pid: int, seen: dict) -> None:
    """Record the CPU seconds (user + system) so far of a process and its descendants in `seen`
    (pid → seconds; a process that ends between two samples keeps its last reading)."""
    tick = os.sysconf("SC_CLK_TCK")
    for q in process_tree(pid):
        try:
            f = Path(f"/proc/{q}/stat").read_text().rsplit(")", 1)[1].split()
            seen[q] = (int(f[11]) + int(f[12])) / tick  # utime, stime
        except (OSError, IndexError, ValueError):
            pass


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def median(xs):
    return statistics.median(xs)


def load() -> str:
    return "load " + load_average()


def run(cmd, cwd, env=None, check=True) -> tuple[float, int, str]:
    """(seconds, peak tree RSS in MiB, output) of a command; `run.last` holds its CPU seconds,
    exit code and the load average at its start."""
    start_load = load()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    peak, cpu = [0], {}

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            tree_cpu(proc.pid, cpu)
            time.sleep(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out = proc.communicate()[0]
    dt = time.perf_counter() - t0  # before joining the sampler, which may be asleep
    th.join()
    run.last = {"cpu": sum(cpu.values()), "code": proc.returncode, "load": start_load}
    if check and proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{out[-3000:]}")
    return dt, peak[0] // 1024, out
