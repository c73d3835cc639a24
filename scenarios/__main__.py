"""``python -m scenarios report [--target inprocess|running|entra] [--out DIR]``: the catalog
against the lab (in-process, ``make run``, or the entra profile), with the matrix."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mock_entra.scenarios.report import run_all, terminal, write
from mock_entra.scenarios.schema import load_catalog
from scenarios.lab import make_stack

ROOT = Path(__file__).resolve().parent.parent


def entra_configured(env: dict[str, str]) -> str | None:
    """Why the entra target cannot run here, or None when real credentials are configured."""
    host = env.get("ENTRA_AUTHORITY_HOST", "")
    if "login.microsoftonline.com" not in host:
        return "ENTRA_AUTHORITY_HOST is not a real Entra authority"
    missing = [
        v for v in ("ENTRA_TENANT_ID", "FRONTEND_CLIENT_SECRET", "BACKEND_URL") if not env.get(v)
    ]
    return f"missing {', '.join(missing)}" if missing else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenarios")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="run the catalog against the lab and write the matrix")
    report.add_argument("--target", choices=("inprocess", "running", "entra"), default="inprocess")
    report.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "scenarios")
    args = parser.parse_args(argv)
    if args.target == "entra":
        why = entra_configured(dict(os.environ))
        if why:
            print(f"entra target: no real Entra credentials configured ({why}); nothing run.")
            return 0
    stack = make_stack(args.target)
    try:
        down = stack.unreachable()
        if down:
            print(f"{args.target} target: {down}; start the stack (make run) first.")
            return 1
        rows = run_all(stack, load_catalog(), args.target)
    finally:
        stack.close()
    write(rows, args.out, args.target)
    print(terminal(rows))
    print(f"written: {args.out}/matrix.md, matrix.html, junit.xml, results.jsonl")
    return 1 if any(r.outcome == "failed" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
