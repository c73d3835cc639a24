"""``mock-entra``: serve the mock, describe its tenants, mint a token for curl, mint a
validly signed bad token, run the security scenarios against your API, check an MCP
server's set-up against Entra's rules."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mock_entra.settings import MockSettings
from mock_entra.state_location import (
    StateNotFound,
    ca_bundle,
    find_state,
    recorded_while_serving,
    served,
)
from mock_entra.tenant import TenantFileError, load_directory
from mock_entra.tls import ensure_tls


def _settings(args: argparse.Namespace) -> MockSettings:
    overrides = {
        k: v
        for k, v in {
            "host": args.host,
            "port": args.port,
            "state_dir": args.state_dir,
            "config": args.config,
            "workers": getattr(args, "workers", None),
            "public_url": getattr(args, "public_url", None),
        }.items()
        if v is not None
    }
    return MockSettings(**overrides)


def _export(settings: MockSettings) -> None:
    """Hand the effective settings to worker processes through the environment."""
    for name, value in settings.model_dump().items():
        if value is not None:
            os.environ[f"MOCK_ENTRA_{name.upper()}"] = str(value)


def serve(args: argparse.Namespace) -> int:
    from mock_entra.serving import serve_app

    settings = _settings(args)
    directory = load_directory(settings.config)
    tls = ensure_tls(Path(settings.state_dir))
    if not settings.on_loopback:
        print(
            f"WARNING: mock-entra mints trusted tokens and is listening on {settings.host}, "
            "not loopback. Anyone who can reach it can sign in as any user.",
            file=sys.stderr,
        )
    # Create keys and the store once, before workers race to.
    from mock_entra.context import Context

    ctx = Context.create(settings, directory)
    for tenant in directory.tenants:
        ctx.ring(tenant.id).keys(ctx.now())
    ctx.store.close()  # the workers are forked: none may inherit this process's connection
    print(f"mock-entra: {settings.base_url}  (CA bundle: {tls.ca_cert})", flush=True)
    for tenant in directory.tenants:
        print(f"  authority: {settings.base_url}/{tenant.id}  ({tenant.domain})", flush=True)
    _export(settings)
    state = Path(settings.state_dir)
    with recorded_while_serving(settings.port, state, settings.base_url, settings.config):
        serve_app(settings, tls)
    return 0


def _read_state(settings: MockSettings) -> MockSettings:
    """The settings of the mock whose state a reading command uses (StateNotFound if none):
    never a new state, whose fresh CA and keys the running mock's clients would refuse."""
    explicit = Path(settings.state_dir) if "state_dir" in settings.model_fields_set else None
    state = find_state(explicit, settings.port)
    update: dict[str, object] = {"state_dir": state}
    record = served(state)
    if record is not None:  # describe the mock serving this state: its URL and tenants
        if not settings.config and record.get("config"):
            update["config"] = Path(record["config"])
        if not ({"port", "public_url"} & settings.model_fields_set):
            update["public_url"] = record["base_url"]
    return settings.model_copy(update=update)


def _table(rows: Sequence[tuple[str, ...]], indent: str = "  ") -> list[str]:
    """Rows as columns as wide as their longest cell (long app names stay aligned)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    return [indent + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip


def describe_command(args: argparse.Namespace) -> int:
    from mock_entra.client_setup import client_setup

    settings = _settings(args)
    load_directory(settings.config)  # a bad tenant file is the first thing to say
    settings = _read_state(settings)
    directory = load_directory(settings.config)
    ca = ca_bundle(Path(settings.state_dir))
    info = client_setup(settings, directory, str(ca.resolve()) if ca.is_file() else "")
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"base URL:  {info['base_url']}\nCA bundle: {info['ca_bundle'] or '-'}")
    print(f"state:     {Path(settings.state_dir).resolve()}")
    for t in info["tenants"]:
        print(f"\ntenant {t['domain']}  authority {t['authority']}")
        apps = [("app", a["name"], a["client_id"], "secret", a["secrets"][0] if a["secrets"] else "-")
                for a in t["applications"]]  # fmt: skip
        users = [("user", u["upn"], u["password"]) for u in t["users"]]
        print("\n".join(_table(apps) + _table([(k, n, "password", p) for k, n, p in users])))
    return 0


def token_command(args: argparse.Namespace) -> int:
    from mock_entra.mint import TokenSpecError, mint_for_cli

    settings = _settings(args)
    load_directory(settings.config)
    settings = _read_state(settings)
    try:
        token = mint_for_cli(settings, load_directory(settings.config), args)
    except TokenSpecError as exc:
        print(f"mock-entra token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def build_parser(*, tools: bool = True) -> argparse.ArgumentParser:
    """The command line; ``tools=False`` leaves out ``bad-token``, ``scenarios`` and
    ``check-mcp``.

    Those two need the scenario runner and the test client (httpx, the stack's
    targets): importing them was about half of ``serve``'s start before its first
    answer (``python -X importtime``; docs/PERFORMANCE.md), and ``serve`` needs none of it.
    """
    parser = argparse.ArgumentParser(prog="mock-entra", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=Path, help="tenant YAML (default: the shipped tenant)")
        p.add_argument("--host", help="bind address (default 127.0.0.1)")
        p.add_argument("--port", type=int, help="port (default 8443)")
        p.add_argument("--state-dir", type=Path, help="keys, CA and state (.state/mock-entra)")
        p.add_argument("--public-url", help="URL clients use, if not https://host:port")

    p = sub.add_parser("serve", help="serve the mock over HTTPS")
    common(p)
    p.add_argument("--workers", type=int, help="worker processes (state is shared)")
    p.set_defaults(func=serve)

    p = sub.add_parser("describe", help="the effective tenants, apps and users")
    common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=describe_command)

    p = sub.add_parser("token", help="print a token minted as the endpoints would")
    common(p)
    p.add_argument("--tenant", help="tenant id or domain (default: the first tenant)")
    p.add_argument("--user", help="UPN or short name; omit for an app-only token")
    p.add_argument("--app", required=True, help="client id of the calling app")
    p.add_argument("--resource", required=True, help="resource identifier URI or client id")
    p.add_argument("--scope", action="append", help="delegated scope (default: consented)")
    p.set_defaults(func=token_command)
    if tools:
        _add_tool_commands(sub)
    return parser


def _add_tool_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from mock_entra.scenarios.command import add_arguments
    from mock_entra.scenarios.command import main as scenarios_main
    from mock_entra.testing.bad_tokens_cli import add_bad_token_arguments, bad_token_command

    p = sub.add_parser(
        "bad-token", help="a validly signed token with one change, from a running mock"
    )
    add_bad_token_arguments(p)
    p.set_defaults(func=bad_token_command)

    p = sub.add_parser("scenarios", help="run the security catalog against your API")
    add_arguments(p)
    p.set_defaults(func=scenarios_main)

    from mock_entra.mcp_check import command as check_mcp

    p = sub.add_parser("check-mcp", help="will MCP clients connect to this MCP server on Entra?")
    check_mcp.add_arguments(p)
    p.set_defaults(func=check_mcp.main)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # ``serve`` (and its --help) is the same without the tool subcommands: skip their imports.
    args = build_parser(tools=argv[:1] != ["serve"]).parse_args(argv)
    try:
        result: int = args.func(args)
    except TenantFileError as exc:
        print(f"mock-entra: invalid tenant file: {exc}", file=sys.stderr)
        return 2
    except StateNotFound as exc:
        print(f"mock-entra {args.command}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # pydantic settings errors
        print(f"mock-entra: invalid setting: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
