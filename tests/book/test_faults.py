"""Fault injection: killed, concurrent and interrupted builds, a damaged `_build`, dying kernels.

Real builds of a toy book (tests/conftest.py) through the command line, in their own process
group. `EVIDENCE_BOOK_FAULT=<phase>` makes the build SIGKILL its whole process group at that
phase (the hook is in builder/lock.py; it does nothing unless the variable is set). After each
fault: the published site is the complete old one or the complete new one, no kernel or work
directory outlives the build, and the next build gives exactly the site of a cold build of the
same inputs in another folder. On the real book (the session's build, copied): Ctrl-C during
section execution and during Jupyter Book, and a reader polling the site during a rebuild.
Marked `faults` (slow): `pytest -m "not faults"` skips them.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import make_toy_book, write_notebook
from evidence_book import env as env_names
from evidence_book.builder.lock import FAULT
from site_support import edit_data, file_digests, tree_digest

pytestmark = pytest.mark.faults
PY = sys.executable


def cli(root: Path, *args, fault=None, timeout=240, interrupt_after=None) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT}
    env["MPLBACKEND"] = "Agg"
    if fault:
        env[FAULT] = fault
    p = subprocess.Popen([PY, "-m", "evidence_book", "build", "--root", str(root), *args], cwd=root, env=env,
                         start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if interrupt_after is not None:
            time.sleep(interrupt_after)
            os.killpg(p.pid, signal.SIGINT)
        out = p.communicate(timeout=timeout)[0]
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
    return p.returncode, out


def kernels_of(root: Path) -> list[int]:
    """Live processes whose environment names this book (kernels, workers, Sphinx)."""
    mark = f"{env_names.ROOT}={root}".encode()
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid():
            try:
                if mark in (d / "environ").read_bytes().split(b"\0"):
                    out.append(int(d.name))
            except OSError:
                pass
    return out


def assert_no_leftover_processes(root: Path, wait=15.0) -> None:
    deadline = time.monotonic() + wait
    while kernels_of(root) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not kernels_of(root), f"processes of the build outlived it: {kernels_of(root)}"


def assert_clean_after_build(root: Path) -> None:
    """The published version, and at most the one it replaced (kept for readers mid-request until
    the next publish); nothing else."""
    b = root / "_build"
    assert (b / "html").is_symlink() and not os.readlink(b / "html").startswith("/")
    live = os.readlink(b / "html").split("/")[-1]
    previous = json.loads((b / ".cache/site.json").read_text()).get("previous")
    versions = sorted(p.name for p in (b / "sites").iterdir())
    assert live in versions and set(versions) <= {live, previous}, (live, previous, versions)
    assert not (b / ".work").exists() or not any((b / ".work").iterdir())
    assert not list(b.glob(".html.*")) and not (b / "html.new").exists() and not (b / "html.old").exists()


def make_fault_toy(dest: Path) -> Path:
    root = make_toy_book(dest)
    write_notebook(root / "chapters" / "fail.ipynb", "fail = False\nexit_code = 0\nhang = 0",
                   ["import os, time\nif exit_code:\n    os._exit(exit_code)\ntime.sleep(hang)\n"
                    "if fail:\n    raise ValueError('asked to fail')\n"
                    f"open(os.path.join(os.environ[{env_names.FILES!r}], 'fine.txt'), 'w').write('fine')\n"
                    "print('fine')"], "# Maybe fail")
    (root / "_static").mkdir(exist_ok=True)
    (root / "_static" / "extra.css").write_text("/* an extra style */\n")
    return root


def change(root: Path) -> None:
    """One data edit read by one section: the 'new' inputs of the kill cases."""
    p = root / "data/nerve/studies.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[2] = "Zzedited"
    lines[1] = ",".join(cells)
    p.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """(built toy book, digest of its site, digest of a cold build of the changed inputs)."""
    root = make_fault_toy(tmp_path_factory.mktemp("toy") / "book")
    code, out = cli(root)
    assert code == 0, out
    new = make_fault_toy(tmp_path_factory.mktemp("toy-new") / "elsewhere")
    change(new)
    code, out = cli(new)
    assert code == 0, out
    return root, tree_digest(root / "_build/html"), tree_digest(new / "_build/html")


def copy(toy, tmp_path) -> Path:
    return Path(shutil.copytree(toy[0], tmp_path / "book", symlinks=True))


# --- SIGKILL of the whole build at each phase -------------------------------------------------------

PHASES = ["validate", "execute", "sphinx", "publish-copied", "publish-renamed", "publish-linked", "publish-swapped"]


@pytest.mark.parametrize("phase", PHASES)
def test_kill_at_each_phase_leaves_a_complete_site_and_recovers(toy, tmp_path, phase):
    root, old, new = copy(toy, tmp_path), toy[1], toy[2]
    change(root)
    code, out = cli(root, fault=phase)
    assert code == -signal.SIGKILL, f"the fault hook '{phase}' did not fire:\n{out}"
    assert_no_leftover_processes(root)
    html = root / "_build/html"
    assert (html / "index.html").exists()
    assert tree_digest(html) in (old, new), f"after a kill at {phase} the site is neither the old nor the new one"
    code, out = cli(root)
    assert code == 0, out
    assert "Traceback" not in out
    assert tree_digest(html) == new, "the build after a kill differs from a cold build of the same inputs"
    assert_clean_after_build(root)


# --- two builds at once, and a reader that must always see a site ------------------------------------

def test_two_concurrent_builds_serialise_and_the_site_never_disappears(toy, tmp_path):
    root = copy(toy, tmp_path)
    change(root)
    html, missing, stop = root / "_build/html", [], threading.Event()

    def poll():
        while not stop.is_set():
            if not (html / "index.html").exists():
                missing.append(time.monotonic())

    t = threading.Thread(target=poll)
    t.start()
    results = {}
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, cli(root, "--force"))) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stop.set()
    t.join()
    assert all(code == 0 for code, _ in results.values()), results
    assert any("waiting for another build" in out for _, out in results.values()), results
    assert not missing, f"_build/html/index.html was missing {len(missing)} times during the builds"
    assert tree_digest(html) == toy[2]
    assert_clean_after_build(root)


def test_no_wait_fails_fast_while_another_build_holds_the_lock(toy, tmp_path):
    root = copy(toy, tmp_path)
    change(root)
    fd = os.open(root / "_build/.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        t = time.monotonic()
        code, out = cli(root, "--no-wait")
    finally:
        os.close(fd)
    assert code == 1 and "another build" in out and "Traceback" not in out, out
    assert time.monotonic() - t < 30


# --- a damaged _build is checked, not trusted ----------------------------------------------------------

def _cache(root):
    return root / "_build/.cache"


DAMAGE = {
    "truncated-notebook": lambda r: (_cache(r) / "notebooks/nerve-count.ipynb").write_bytes(
        (_cache(r) / "notebooks/nerve-count.ipynb").read_bytes()[:100]),
    "index-list": lambda r: (_cache(r) / "index.json").write_text("[]"),
    "index-null": lambda r: (_cache(r) / "index.json").write_text("null"),
    "index-truncated": lambda r: (_cache(r) / "index.json").write_text((_cache(r) / "index.json").read_text()[:50]),
    "index-wrong-entry": lambda r: (_cache(r) / "index.json").write_text(json.dumps({"sections": {"nerve-count": [1]}})),
    "deleted-cached-file": lambda r: (_cache(r) / "files/maybe-fail/fine.txt").unlink(),
    "stamp-list": lambda r: (_cache(r) / "stamp.json").write_text("[]"),
    "site-manifest-garbage": lambda r: (_cache(r) / "site.json").write_text("{\"files\": 3}"),
    "deleted-published-page": lambda r: (r / "_build/html/chapters/aasc-count.html").unlink(),
    "edited-published-page": lambda r: (r / "_build/html/index.html").write_text("defaced"),
    "deleted-published-file": lambda r: (r / "_build/html/chapters/_files/maybe-fail/fine.txt").unlink(),
    "html-link-removed": lambda r: (r / "_build/html").unlink(),
    "stale-leftovers": lambda r: [(r / "_build/html.new").mkdir(), (r / "_build/sites/v1-1.partial").mkdir(),
                                  (r / "_build/.work/run-1").mkdir(parents=True)],
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_damaged_build_dir_is_repaired(toy, tmp_path, name):
    root = copy(toy, tmp_path)
    DAMAGE[name](root)
    code, out = cli(root)
    assert code == 0, out
    assert "Traceback" not in out and "Error" not in out.replace("BUILD FAILED", ""), out
    assert tree_digest(root / "_build/html") == toy[1], f"after '{name}' the site is not the clean build's"
    assert_clean_after_build(root)
    code, out = cli(root)
    assert code == 0 and "up to date" in out, out


def test_removed_source_file_disappears_from_the_site(toy, tmp_path):
    root = copy(toy, tmp_path)
    assert (root / "_build/html/_static/extra.css").exists()
    (root / "_static/extra.css").unlink()
    code, out = cli(root)
    assert code == 0, out
    assert not (root / "_build/html/_static/extra.css").exists()


# --- kernels that die or hang, and Ctrl-C -------------------------------------------------------------

def test_kernel_that_exits_fails_its_section_by_name(toy, tmp_path):
    root = copy(toy, tmp_path)
    t = time.monotonic()
    code, out = cli(root, "--set", "exit_code=3", timeout=120)
    assert code == 1, out
    assert "section 'maybe-fail'" in out and "the kernel died" in out and "cell" in out, out
    assert "Traceback" not in out
    assert time.monotonic() - t < 90
    assert tree_digest(root / "_build/html") == toy[1]
    assert_no_leftover_processes(root)


def test_hung_section_times_out_by_name(toy, tmp_path):
    root = copy(toy, tmp_path)
    text = (root / "sections.yml").read_text().replace("title: Fail}", "title: Fail, timeout: 4}")
    (root / "sections.yml").write_text(text)
    code, out = cli(root, "--set", "hang=600", timeout=120)
    assert code == 1, out
    assert "section 'maybe-fail'" in out and "timed out after 4 s" in out and "cell" in out, out
    assert tree_digest(root / "_build/html") == toy[1]
    assert_no_leftover_processes(root)


def test_ctrl_c_stops_promptly_with_one_line(toy, tmp_path):
    root = copy(toy, tmp_path)
    t = time.monotonic()
    code, out = cli(root, "--force", "--set", "hang=600", interrupt_after=6, timeout=60)
    assert code == 130, out
    assert time.monotonic() - t < 6 + 2, f"Ctrl-C took {time.monotonic() - t - 6:.1f} s (more than 2 s)"
    assert "Traceback" not in out and out.strip().splitlines()[-1].startswith("interrupted"), out
    assert tree_digest(root / "_build/html") == toy[1]
    assert_no_leftover_processes(root)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_build_dir_is_one_line(toy, tmp_path):
    root = copy(toy, tmp_path)
    change(root)
    os.chmod(root / "_build/.cache", 0o555)
    try:
        code, out = cli(root)
    finally:
        os.chmod(root / "_build/.cache", 0o755)
    assert code == 1 and "BUILD FAILED" in out and "Traceback" not in out, out
    assert tree_digest(root / "_build/html") == toy[1]


def test_tightened_schema_is_applied_again(toy, tmp_path):
    # validation is keyed on data/ and the package: a stricter schema rejects data validated before
    root = copy(toy, tmp_path)
    path = root / "evidence_book/data/schemas.py"
    text = path.read_text(encoding="utf-8")
    assert 'Col("n_animals", "int", min=0,' in text
    path.write_text(text.replace('Col("n_animals", "int", min=0,', 'Col("n_animals", "int", min=0, max=1,'), encoding="utf-8")
    code, out = cli(root)
    assert code == 1, out
    assert "data/nerve/studies.csv, row 1 (line 2), column 'n_animals': expected a value ≤ 1" in out, out
    assert tree_digest(root / "_build/html") == toy[1]


# --- the real book: Ctrl-C at each phase, and a reader during a rebuild ------------------------------

def _work_leftovers(root: Path) -> list[str]:
    """What an interrupted or finished build must not leave: partial versions, temporary links,
    section work files, the old html.new/html.old."""
    b = root / "_build"
    out = [p.name for p in (b / "sites").iterdir() if p.name.endswith(".partial")] if (b / "sites").is_dir() else []
    out += [p.name for p in b.glob(".html.*")] + [p.name for p in (b / "html.new", b / "html.old") if p.exists()]
    out += [f".work/{p.name}" for p in (b / ".work").iterdir()] if (b / ".work").is_dir() else []
    return out


def _tmp_dirs() -> set[str]:
    return {p.name for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("evidence-book-*")}


def _descendant_running(pid: int, word: str) -> bool:
    """Is a process of the build's process group running a command line containing `word`?"""
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if os.getpgid(int(d.name)) == pid and word.encode() in (d / "cmdline").read_bytes():
                    return True
            except (OSError, ProcessLookupError):
                pass
    return False


def interrupt_real_build(root: Path, when: str, timeout=600) -> tuple[int, str, float]:
    """Start a CLI build of `root` in its own process group, send SIGINT to the group (as a terminal's
    Ctrl-C does) once `when` holds — 'execute': a section has finished and others run; 'sphinx':
    Jupyter Book is running — and return (exit code, output, seconds from SIGINT to exit)."""
    env = {k: v for k, v in os.environ.items() if k != FAULT}
    env["MPLBACKEND"] = "Agg"
    force = ["--force"] if when == "execute" else []  # every section runs: others run when one has finished
    p = subprocess.Popen([PY, "-m", "evidence_book", "build", "--root", str(root), *force], cwd=root, env=env,
                         start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(p.stdout.readline, "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and p.poll() is None:
            if when == "execute" and any(ln.strip().startswith("ran ") for ln in lines):
                break
            if when == "sphinx" and _descendant_running(p.pid, "jupyter-book"):
                time.sleep(1.0)  # well inside Sphinx's read phase
                break
            time.sleep(0.05)
        assert p.poll() is None, f"the build ended before the '{when}' phase:\n{''.join(lines)}"
        sent = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        p.wait(timeout=60)
        took = time.monotonic() - sent
        reader.join(10)
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
    return p.returncode, "".join(lines), took


@pytest.fixture
def real_copy(book, tmp_path):
    """A copy of the session's built real book, `_build` included."""
    return Path(shutil.copytree(book, tmp_path / "book", symlinks=True))


@pytest.mark.parametrize("when", ["execute", "sphinx"])
def test_ctrl_c_during_a_real_build_stops_within_2_s_and_keeps_the_site(real_copy, when):
    root = real_copy
    old, tmp_before = tree_digest(root / "_build/html"), _tmp_dirs()
    edit_data(root)  # new inputs: the interrupted build would have published a different site
    code, out, took = interrupt_real_build(root, when)
    assert code == 130, f"exit {code}:\n{out}"
    print(f"Ctrl-C during {when}: stopped in {took:.2f} s (load {os.getloadavg()[0]:.1f})")
    assert took <= 2.0, f"Ctrl-C during {when} took {took:.1f} s to stop the build"
    said = [ln for ln in out.splitlines() if "interrupt" in ln.lower()]
    assert said == ["interrupted; the previously published site in _build/html is unchanged."], out
    assert out.strip().splitlines()[-1] == said[0] and "Traceback" not in out and "Error" not in out, out
    assert tree_digest(root / "_build/html") == old, "the published site changed"
    assert_no_leftover_processes(root, wait=2.0)
    assert not _work_leftovers(root), _work_leftovers(root)
    assert not (_tmp_dirs() - tmp_before), "the interrupted build left temporary directories"
    code, out = cli(root)  # and the book builds again at once, with the new inputs
    assert code == 0 and "Traceback" not in out, out
    assert tree_digest(root / "_build/html") != old and not _work_leftovers(root)


def test_a_reader_of_the_real_site_never_sees_a_missing_or_partial_file_during_a_rebuild(real_copy):
    """A poller reads the site's pages through `_build/html` as fast as it can while the book is
    rebuilt with changed data: every read must find the file, and its bytes must be exactly those
    of the old site or of the new one (never missing, empty or half-written)."""
    root = real_copy
    html = root / "_build/html"
    old = file_digests(html)
    watched = sorted(k for k in old if k.endswith((".html", ".css", ".js", ".svg", ".png")))
    edit_data(root)
    seen: list[tuple[str, str | None]] = []
    stop = threading.Event()

    def poll():
        i = 0
        while not stop.is_set():
            rel = watched[i % len(watched)]
            i += 1
            try:
                seen.append((rel, hashlib.sha256((html / rel).read_bytes()).hexdigest()))
            except OSError:
                seen.append((rel, None))

    t = threading.Thread(target=poll)
    t.start()
    try:
        code, out = cli(root)
    finally:
        stop.set()
        t.join()
    assert code == 0, out
    new = file_digests(html)
    assert new != old, "the rebuild changed nothing: the test saw no swap"
    both = set(old) & set(new)
    missing = [rel for rel, h in seen if h is None and rel in both]
    wrong = [rel for rel, h in seen if h is not None and rel in both and h not in (old[rel], new[rel])]
    print(f"reader: {len(seen)} reads of {len(watched)} files during the rebuild")
    assert len(seen) > 1000, f"only {len(seen)} reads"
    assert not missing, f"{len(missing)} of {len(seen)} reads found no file, e.g. {missing[:5]}"
    assert not wrong, f"{len(wrong)} of {len(seen)} reads got bytes of neither site, e.g. {wrong[:5]}"
