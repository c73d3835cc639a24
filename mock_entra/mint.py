"""Mint a token outside a flow (``mock-entra token``), through the grants' own claim code."""

from __future__ import annotations

import argparse

from mock_entra.claims import Subject, mint_access_token
from mock_entra.consent import consented_scopes
from mock_entra.context import Context
from mock_entra.settings import MockSettings
from mock_entra.tenant import Directory


class TokenSpecError(ValueError):
    """The command line names something the tenant does not have."""


def mint_for_cli(settings: MockSettings, directory: Directory, args: argparse.Namespace) -> str:
    ctx = Context.create(settings, directory)
    tenant = directory.tenant(args.tenant) if args.tenant else directory.tenants[0]
    if tenant is None:
        raise TokenSpecError(f"unknown tenant {args.tenant!r}")
    client = tenant.app(args.app)
    if client is None:
        raise TokenSpecError(f"unknown app {args.app!r} in {tenant.domain}")
    resource = tenant.resource_app(args.resource)
    if resource is None:
        raise TokenSpecError(f"unknown resource {args.resource!r} in {tenant.domain}")
    if args.user is None:
        roles = tuple(
            role
            for g in client.granted_app_roles
            if resource.answers_to(g.resource)
            for role in g.roles
        )
        subject = Subject(
            tenant, client.client_id, resource, roles=roles, requested_resource=args.resource
        )
    else:
        name = args.user if "@" in args.user else f"{args.user}@{tenant.domain}"
        user = tenant.user(name)
        if user is None:
            raise TokenSpecError(f"unknown user {args.user!r} in {tenant.domain}")
        scopes = args.scope or sorted(
            consented_scopes(ctx, tenant, client.client_id, resource, user)
        )
        unknown = [s for s in scopes if resource.scope(s) is None]
        if unknown:
            raise TokenSpecError(f"{resource.name} has no scope {unknown[0]!r}")
        subject = Subject(
            tenant,
            client.client_id,
            resource,
            user=user,
            scopes=tuple(scopes),
            requested_resource=args.resource,
        )
    token, _ = mint_access_token(ctx, subject)
    return token
