"""Command line: `python -m evidence_book build [--force] [--set name=value ...]`, `validate`, `meta FILE.csv`."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evidence_book", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate data, execute changed sections, publish _build/html")
    b.add_argument("--root", default=".", help="book root (default: current directory)")
    b.add_argument("--force", action="store_true", help="re-execute every section")
    b.add_argument("--set", action="append", default=[], metavar="[SECTION.]NAME=VALUE",
                   help="override a parameter for this build (all sections declaring NAME, or one)")
    b.add_argument("--fresh-kernels", action="store_true", help="a new kernel per section (default: one warm kernel per worker)")
    b.add_argument("--jobs", type=int, default=None, help="parallel sections (default: one per core)")
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

        return build(args.root, force=args.force, overrides=overrides, jobs=args.jobs, fresh_kernels=args.fresh_kernels)
    if args.command == "validate":
        from evidence_book.data.loader import DataError, validate_all

        try:
            n = validate_all(args.root)
        except DataError as e:
            print(f"data: {e}", file=sys.stderr)
            return 1
        print(f"data valid ({n} files)")
        return 0
    return 2
