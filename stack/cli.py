"""Commands for the whole system: run it, check its settings, move it to a real tenant."""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start mock (mock profile), backend and frontend (default)")
    sub.add_parser("check", help="print the effective settings and what is wrong with them")
    export = sub.add_parser("export-entra", help="tenant YAML -> Azure CLI script + .env")
    export.add_argument("--config", type=Path, help="tenant YAML (default: the shipped one)")
    export.add_argument("--out", type=Path, default=Path("entra-setup"), help="output folder")
    export.add_argument("--tenant", help="tenant id or domain in the file (default: the first)")
    parity = sub.add_parser("parity", help="compare real-tenant tokens with the mock's")
    parity.add_argument("captured", type=Path, help="JSON: flow name -> token or claims")
    parity.add_argument("--strict", action="store_true", help="exit 1 on any difference")
    sub.add_parser("e2e-real", help="positive and negative flows against the entra profile")
    args = parser.parse_args(argv)

    if args.command in (None, "run"):
        from stack.run import main as run

        return run()
    if args.command == "check":
        from stack.check import main as check

        return check()
    if args.command == "export-entra":
        from stack.export_entra import main as export_entra

        return export_entra(args.config, args.out, args.tenant)
    if args.command == "parity":
        from stack.parity import main as parity_main

        return parity_main(args.captured, strict=args.strict)
    from stack.e2e_real import main as e2e

    return e2e()
