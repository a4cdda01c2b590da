"""Command line: `python -m evidence_book build [--force] [--set name=value ...]`, `watch`, `pdf`, `validate`,
`meta FILE.csv`.

Whatever goes wrong, the user gets one line, never a traceback: BuildErrors are messages already;
anything else is written in full to `_build/error.log` (or a temp file when _build is unwritable)
and reported as one line naming that log; Ctrl-C stops the build at once (exit 130).
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path


def _unexpected(root: str, e: BaseException) -> int:
    text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    log = Path(root) / "_build" / "error.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(text)
    except OSError:
        import tempfile

        fd, name = tempfile.mkstemp(prefix="evidence-book-error-", suffix=".log")
        with open(fd, "w") as f:
            f.write(text)
        log = Path(name)
    msg = " ".join(str(e).split())[:200]
    print(f"BUILD FAILED: unexpected {type(e).__name__}: {msg} (full log: {log}); "
          "the previously published site in _build/html is unchanged.", file=sys.stderr)
    return 1


def main(argv=None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("interrupted; the previously published site in _build/html is unchanged.", file=sys.stderr)
        return 130


def _main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evidence_book", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate data, execute changed sections, publish _build/html")
    b.add_argument("--root", default=".", help="book root (default: current directory)")
    b.add_argument("--force", action="store_true", help="re-execute every section")
    b.add_argument("--set", action="append", default=[], metavar="[SECTION.]NAME=VALUE",
                   help="override a parameter for this build (all sections declaring NAME, or one)")
    b.add_argument("--fresh-kernels", action="store_true", help="a new kernel per section (default: one warm kernel per worker)")
    b.add_argument("--jobs", type=int, default=None, help="parallel sections (default: one per core)")
    b.add_argument("--no-wait", action="store_true", help="fail at once if another build of this book is running")
    w = sub.add_parser("watch", help="rebuild the pages an edit affects and reload them in the browser (a local preview)")
    w.add_argument("--root", default=".")
    w.add_argument("--set", action="append", default=[], metavar="[SECTION.]NAME=VALUE")
    w.add_argument("--jobs", type=int, default=None, help="workers with a warm kernel each (default: one per core)")
    w.add_argument("--host", default="127.0.0.1")
    w.add_argument("--port", type=int, default=8000)
    d = sub.add_parser("pdf", help="build the site, print it to _build/book.pdf and link it from the home page")
    d.add_argument("--root", default=".")
    d.add_argument("--set", action="append", default=[], metavar="[SECTION.]NAME=VALUE")
    v = sub.add_parser("validate", help="validate data/ and report every problem")
    v.add_argument("--root", default=".")
    from evidence_book import meta_cli

    meta_cli.add_parser(sub)
    args = ap.parse_args(argv)
    if args.command == "meta":
        return meta_cli.main(args)
    if args.command == "build":
        overrides = [item for chunk in args.set for item in chunk.split()]
        if not args.force:  # the no-op path imports nothing heavy (see build/stamp.py)
            import time

            from evidence_book.builder import stamp

            t0 = time.perf_counter()
            if stamp.up_to_date(args.root, overrides):
                print(f"up to date (inputs unchanged since the last published build) {time.perf_counter() - t0:.2f} s")
                return 0
        from evidence_book.builder.builder import build

        try:
            return build(args.root, force=args.force, overrides=overrides, jobs=args.jobs,
                         fresh_kernels=args.fresh_kernels, wait=not args.no_wait)
        except Exception as e:  # a bug or an input we did not foresee: one line + the log
            return _unexpected(args.root, e)
    if args.command == "watch":
        from evidence_book.builder.watch import watch

        overrides = [item for chunk in args.set for item in chunk.split()]
        try:
            return watch(args.root, overrides, args.jobs, args.host, args.port, say=lambda m: print(m, flush=True))
        except Exception as e:
            return _unexpected(args.root, e)
    if args.command == "pdf":
        from evidence_book.builder.pdf import make_pdf

        try:
            return make_pdf(args.root, [item for chunk in args.set for item in chunk.split()])
        except Exception as e:
            return _unexpected(args.root, e)
    if args.command == "validate":
        from evidence_book.data import DataError, validate_all

        try:
            n = validate_all(args.root)
        except DataError as e:
            print(f"data: {e}", file=sys.stderr)
            return 1
        except Exception as e:
            return _unexpected(args.root, e)
        print(f"data valid ({n} files)")
        return 0
    return 2
