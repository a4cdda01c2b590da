"""`make bench`: our builder against plain Jupyter Book on the same chapters, same machine, same run.

Prints ratios (ours / peer), medians of REPEATS runs:
  cold full build (no _build)      vs  jupyter-book build with execute_notebooks: force
  cold full build                  vs  jupyter-book build with execute_notebooks: cache (cold)
  no-op rebuild                    vs  the peer's no-op rebuild (cache mode)
  one CSV edited                   →   which sections re-ran, time, whether the page changed
                                       (and whether the peer's cache noticed)
  one CSV cell edited, `make watch` →  seconds from the save to the rewritten page (median of
                                       WATCH_EDITS edits, warm watcher), and its ratio to a cold build
  peak memory (RSS of the whole process tree)
then the synthetic living review at N = 13, 1,000 and 10,000 studies: cold build time, CPU time of
the whole process tree and peak memory, each against the N = 13 build (target: N = 10,000 within
5× the N = 13 time); then 50 MB data files (`make validate`; target ≤ 10 s, refused or reported).

Timings are wall-clock on a shared machine: each line also gives the load average at its start,
and the CPU seconds of the process tree (kernels, Sphinx) that load does not inflate as much.
`--only synthetic,large` runs only those parts (parts: peer, synthetic, large).

The peer gets the same notebooks with each section's parameters injected by papermill
(`prepare_only`, nothing executed), the same _toc.yml and _config.yml, and executes them itself.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from copies import copy_repo, inflate, make_peer, peer_env  # bench/, beside this script
from measure import load_average, median, run

PY = sys.executable
JB = str(Path(PY).with_name("jupyter-book"))


WATCH_EDITS = 3
WATCH_SETTLE = 3  # seconds after the watcher says its kernels are warm


def watch_edit_to_page(book: Path, csv_rel: str, page_rel: str) -> tuple[list[float], str]:
    """Start `python -m evidence_book watch` on a built book, edit one cell of `csv_rel` WATCH_EDITS
    times, and time each save → the page under _build/watch/html showing the new text."""
    import csv
    import io
    import signal
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = book / "_build" / "watch-bench.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "w")
    proc = subprocess.Popen([PY, "-m", "evidence_book", "watch", "--port", str(port)], cwd=book, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    page = book / "_build" / "watch" / "html" / page_rel
    path = book / csv_rel
    original = path.read_bytes()
    times = []
    try:
        deadline = time.monotonic() + 600
        while not all(t in log.read_text() for t in ("ready for edits", "preview on")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"make watch did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        time.sleep(WATCH_SETTLE)
        for i in range(WATCH_EDITS):
            rows = list(csv.reader(io.StringIO(original.decode("utf-8"))))
            rows[1][rows[0].index("description")] += f" Watched edit {i} {time.time_ns()}."
            marker = rows[1][rows[0].index("description")].rsplit(" ", 1)[1]
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(rows)
            t0 = time.perf_counter()
            path.write_text(buf.getvalue(), encoding="utf-8")
            while marker not in (page.read_text(errors="replace") if page.is_file() else ""):
                if time.perf_counter() - t0 > 300:
                    raise SystemExit(f"the page did not change within 300 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.02)
            times.append(time.perf_counter() - t0)
            time.sleep(3)  # let the watcher finish (search index, notification) before the next edit
    finally:
        path.write_bytes(original)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        out.close()
    return times, log.read_text()


def ours_build(book: Path, *args):
    return run([PY, "-m", "evidence_book", "build", *args], cwd=book)


def watch_row(ours: Path, cold: float, report) -> None:
    load = load_average()
    times, _ = watch_edit_to_page(ours, "data/nerve/pio.csv", "chapters/nerve-protocol.html")
    # (the watcher is measured once it says its kernels are warm, as an analyst would start editing)
    m = median(times)
    report("one CSV cell edited, make watch: edit -> page", m, None,
           f"{m / cold:.2f}x the cold build ({cold:.1f} s); edits {', '.join(f'{t:.1f}' for t in times)} s; "
           f"target <= 3 s and <= 0.15x; load average {load} before, {load_average()} after")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", default="13,1000,10000")
    ap.add_argument("--only", default="peer,synthetic,large", help="parts to run (comma-separated)")
    ap.add_argument("--watch-only", action="store_true",
                    help="only the cold builds and the `make watch` edit-to-page row (no peer, no synthetic reviews)")
    a = ap.parse_args(argv)
    parts = set(a.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    ours = copy_repo(work / "ours")
    rows = []

    def report(label, mine, peer=None, note="", unit="s"):
        ratio = f"{mine / peer:6.2f}x" if peer else "      "
        line = (f"{label:<44} ours {mine:7.1f} {unit}" + (f"   peer {peer:7.1f} {unit}   ratio {ratio}" if peer else "")
                + (f"   {note}" if note else ""))
        rows.append(line)
        print(line, flush=True)

    if a.watch_only:
        cold = []
        for _ in range(a.repeats):
            shutil.rmtree(ours / "_build", ignore_errors=True)
            cold.append(ours_build(ours)[0])
        report("cold full build", median(cold), None, f"runs {', '.join(f'{t:.1f}' for t in cold)} s")
        watch_row(ours, median(cold), report)
        shutil.rmtree(work, ignore_errors=True)
        return 0

    try:
        if "peer" in parts:
            peer_part(a, ours, work, report)
        if "synthetic" in parts:
            synthetic_part(a, work, report)
        if "large" in parts:
            large_part(work, report)
    finally:  # a failed build ends the run (SystemExit): its copies go too
        shutil.rmtree(work, ignore_errors=True)
    print("\nSummary")
    print("\n".join(rows))
    return 0


def peer_part(a, ours, work, report) -> None:
    # --- cold builds ----------------------------------------------------------------------
    cold, cold_mem = [], []
    for _ in range(a.repeats):
        shutil.rmtree(ours / "_build", ignore_errors=True)
        dt, mem, _ = ours_build(ours)
        cold.append(dt)
        cold_mem.append(mem)
    peers = {}
    for mode in ("force", "cache"):
        times, mems = [], []
        for _ in range(a.repeats):
            peer = make_peer(ours, work / f"peer-{mode}", mode)
            dt, mem, _ = run([JB, "build", str(peer)], cwd=peer, env=peer_env(ours))
            times.append(dt)
            mems.append(mem)
        peers[mode] = (times, mems, peer)
    report("cold full build vs JB execute force", median(cold), median(peers["force"][0]))
    report("cold full build vs JB execute cache (cold)", median(cold), median(peers["cache"][0]))

    # --- no-op --------------------------------------------------------------------------
    noop = [ours_build(ours)[0] for _ in range(a.repeats)]
    peer_cache = peers["cache"][2]
    peer_noop = [run([JB, "build", str(peer_cache)], cwd=peer_cache, env=peer_env(ours))[0] for _ in range(a.repeats)]
    report("no-op rebuild vs JB no-op (cache)", median(noop), median(peer_noop))

    # --- one CSV edited -------------------------------------------------------------------
    csv = ours / "data/nerve/pio.csv"  # read by one section only (the protocol page)
    page = ours / "_build/html/chapters/nerve-protocol.html"
    peer_page = peer_cache / "_build/html/chapters/nerve-protocol.html"
    before, peer_before = page.read_bytes(), peer_page.read_bytes()
    import pandas as pd

    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    df.loc[0, "description"] = df.loc[0, "description"] + " Edited by the benchmark."
    df.to_csv(csv, index=False)
    dt, _, out = ours_build(ours)
    ran = [line.split()[1] for line in out.splitlines() if line.strip().startswith("ran ")]
    changed = page.read_bytes() != before and b"Edited by the benchmark" in page.read_bytes()
    pdt, _, _ = run([JB, "build", str(peer_cache)], cwd=peer_cache, env=peer_env(ours))
    peer_changed = peer_page.read_bytes() != peer_before
    report("one CSV edited (data/nerve/pio.csv)", dt, pdt,
           f"re-ran: {', '.join(ran) or 'none'}; our page changed: {changed}; peer page changed: {peer_changed}")
    report("peak memory of the process tree, cold build", median(cold_mem), median(peers["force"][1]), unit="MiB")
    watch_row(ours, median(cold), report)


def synthetic_part(a, work, report) -> None:
    """Cold builds of synthetic reviews; each against the first (smallest) size, wall and CPU."""
    from synthetic import write_synthetic_review  # bench/synthetic.py, beside this script

    sizes = [int(x) for x in a.sizes.split(",")]
    base = None
    for n in sizes:
        book = copy_repo(work / f"syn-{n}")
        write_synthetic_review(book, n)
        times, cpus, mems, loads = [], [], [], []
        for _ in range(max(1, a.repeats if n <= 100 else 1)):
            shutil.rmtree(book / "_build", ignore_errors=True)
            dt, mem, _ = ours_build(book)
            times.append(dt)
            cpus.append(run.last["cpu"])
            mems.append(mem)
            loads.append(run.last["load"])
        t, cpu = median(times), median(cpus)
        base = base or (t, cpu)
        target = f"; target ≤ 5x: {'met' if t <= 5 * base[0] else 'MISSED'}" if n == 10_000 else ""
        report(f"synthetic review N = {n:,} studies, cold build", t, None,
               f"{t / base[0]:.2f}x the N = {sizes[0]} build (CPU {cpu:.0f} s, {cpu / base[1]:.2f}x); "
               f"peak {int(median(mems))} MiB; {', '.join(loads)}{target}")
        shutil.rmtree(book, ignore_errors=True)


def large_part(work, report) -> None:
    """50 MB data files through `python -m evidence_book validate`: reported (duplicates) or refused
    (declared size) within 10 s, with the first line and the tally of the message."""
    for table, unique in (("jbi", False), ("outcomes", False), ("outcomes", True)):
        book = copy_repo(work / f"large-{table}-{unique}")
        path = inflate(book, table, 50, unique)
        dt, mem, out = run([PY, "-m", "evidence_book", "validate"], cwd=book, check=False)
        lines = out.strip().splitlines()
        tally = next((ln for ln in lines if ": … and" in ln), "")
        what = "unique rows" if unique else "rows repeated"
        report(f"validate a {path.stat().st_size / 1e6:.0f} MB {table}.csv ({what})", dt, None,
               f"exit {run.last['code']}; CPU {run.last['cpu']:.1f} s; peak {mem} MiB; {run.last['load']}; target ≤ 10 s: "
               f"{'met' if dt <= 10 else 'MISSED'}; says: {lines[0][:160] if lines else ''}"
               + (f" … {tally[:90]}" if tally else ""))
        shutil.rmtree(book, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
