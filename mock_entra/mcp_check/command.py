"""``mock-entra check-mcp URL``: will MCP clients connect to this server on Entra? For anyone's server.

It reads what the server tells a client without a token (its 401, its RFC 9728
metadata), holds it against the app registrations of the tenant it trusts (the
shipped tenant, or ``--config``: your own tenant file, e.g. one exported from a real
tenant), sends the sign-ins stock MCP clients would send to the mock serving that
tenant in process, and prints one line per behaviour, "works on Entra" or "fails on
Entra with AADSTSnnnn", with what was sent and the fix: text to paste into a bug report.
Exit status: 0 when nothing the server's owner can fix fails, 1 otherwise, 2 when the
server or its metadata cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from entra_kit.trust import tls_context
from mock_entra.app import create_app
from mock_entra.mcp_check.clients import no_resource_client, python_sdk, spec_client
from mock_entra.mcp_check.graph_apps import directory_of, read_graph_apps
from mock_entra.mcp_check.metadata import (
    authority_verdict,
    entra_metadata_verdicts,
    resource_verdict,
    scopes_verdict,
)
from mock_entra.mcp_check.report import render
from mock_entra.mcp_check.server import ServerFacts, ServerUnreachable, read_server
from mock_entra.mcp_check.verdicts import Registration, Verdict, sign_in, silent_refresh
from mock_entra.settings import MockSettings
from mock_entra.tenant import Directory, Tenant, load_directory


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the MCP endpoint, e.g. https://mcp.contoso.com/mcp")
    parser.add_argument("--config", type=Path, help="tenant file (default: the shipped tenant)")
    parser.add_argument("--app-registration", type=Path, help="instead of --config: a real "
                        "tenant's app registrations as Graph JSON (az ad app show / list)")  # fmt: skip
    parser.add_argument("--tenant", help="tenant id or domain (default: the metadata's)")
    parser.add_argument("--client-id", help="the pre-registered MCP client to sign in as "
                        "(default: the tenant's first public client)")  # fmt: skip
    parser.add_argument("--redirect-uri", help="its redirect URI (default: its first)")
    parser.add_argument("--ca-bundle", help="CA of the server's certificate (default: system)")


@contextmanager
def _mock(directory: Directory) -> Iterator[TestClient]:
    """The mock serving ``directory``, in process, for the sign-in requests.

    Its state (keys, the request log its background writer flushes) lives in one
    reused directory: nothing of it matters after the check, and it is not deleted
    under that writer.
    """
    state = Path(tempfile.gettempdir()) / f"mock-entra-check-{os.getuid()}"
    state.mkdir(mode=0o700, exist_ok=True)
    settings = MockSettings(state_dir=state, tls=False, log_requests=False)
    app = create_app(settings, directory)
    with TestClient(app, base_url="http://mock-entra", follow_redirects=False) as client:
        yield client


def _tenant(directory: Directory, facts: ServerFacts, chosen: str | None) -> Tenant | None:
    if chosen:
        return directory.tenant(chosen)
    for server in facts.authorization_servers:
        segments = [s for s in server.split("/") if s]
        found = directory.tenant(segments[2]) if len(segments) > 2 else None
        if found is not None:
            return found
    return directory.tenants[0] if directory.tenants else None


def _registration(tenant: Tenant, args: argparse.Namespace) -> Registration | None:
    candidates = [a for a in tenant.applications if a.redirect_uris and not a.foreign]
    client = (
        tenant.app(args.client_id.lower())
        if args.client_id
        else next((a for a in candidates if a.public_client), next(iter(candidates), None))
    )
    if client is None or not (args.redirect_uri or client.redirect_uris):
        return None
    return Registration(tenant, client, args.redirect_uri or client.redirect_uris[0], None)


def judge(
    facts: ServerFacts, directory: Directory, tenant: Tenant, reg: Registration
) -> list[Verdict]:
    """Every behaviour's verdict, in the order a client meets them."""
    verdicts = [resource_verdict(facts), authority_verdict(facts, tenant)]
    if facts.authorization_server is None:  # clients go to Entra themselves
        scopes, api = scopes_verdict(facts, tenant)
        verdicts.append(scopes)
        reg = Registration(reg.tenant, reg.client, reg.redirect_uri, api)
        sdk = python_sdk(facts)
        requests = [r for r in (sdk, spec_client(facts), no_resource_client(facts)) if r]
        with _mock(directory) as mock:
            verdicts += [sign_in(mock, reg, r) for r in requests]
        verdicts.append(silent_refresh(reg, requests[0]))
    return verdicts + entra_metadata_verdicts(facts)


def _directory(args: argparse.Namespace, facts: ServerFacts) -> tuple[Directory, str]:
    """The tenant the server trusts, and where it came from (for the report)."""
    if args.app_registration is None:
        return load_directory(args.config), str(args.config or "the shipped tenant file")
    named = [s for server in facts.authorization_servers for s in server.split("/") if s][2:3]
    tenant_id = args.tenant or next(iter(named), None)
    apps = read_graph_apps(args.app_registration)
    return directory_of(apps, tenant_id), f"{args.app_registration} (Graph app registrations)"


def main(args: argparse.Namespace) -> int:
    try:
        with httpx.Client(verify=tls_context(args.ca_bundle), timeout=15) as http:
            facts = read_server(args.url, http)
    except ServerUnreachable as exc:
        print(f"mock-entra check-mcp: cannot read {exc}", file=sys.stderr)
        return 2
    directory, source = _directory(args, facts)
    tenant = _tenant(directory, facts, args.tenant)
    reg = _registration(tenant, args) if tenant else None
    if tenant is None or reg is None:
        print("mock-entra check-mcp: no such tenant, or no client with a redirect URI to sign "
              "in as (--tenant, --client-id, --redirect-uri)", file=sys.stderr)  # fmt: skip
        return 2
    verdicts = judge(facts, directory, tenant, reg)
    print(render(facts, reg, verdicts, source))
    return 1 if any(not v.works and v.server_side for v in verdicts) else 0
