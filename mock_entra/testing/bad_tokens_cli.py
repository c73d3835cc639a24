"""``mock-entra bad-token CHANGE``: a validly signed token with one change, from a running mock.

For curl and for tests in other languages: the token comes from the mock's token
endpoint through the real sign-in (:class:`~mock_entra.testing.bad_tokens.BadTokens`),
so it is signed with the tenant's published key and only ``CHANGE`` differs::

    mock-entra bad-token other-audience --audience https://search.azure.com
    mock-entra bad-token expired --seconds 600
    mock-entra bad-token with-claims --claim tid='"contoso"' --remove oid

The mock's URL and CA default to the ``mock-entra serve`` on 127.0.0.1:8443 (its state
found as for ``describe``); ``MOCK_ENTRA_ADMIN_TOKEN`` is sent to its admin API.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from entra_kit import shipped_tenant as shipped
from mock_entra.state_location import ca_bundle, find_state
from mock_entra.testing.admin_client import AdminAPIError, AdminClient
from mock_entra.testing.bad_tokens import BadTokenError, BadTokens
from mock_entra.testing.flows import ServedPlatform

Recipe = Callable[[BadTokens, argparse.Namespace], str]

RECIPES: dict[str, Recipe] = {
    "valid": lambda t, a: t.valid(),
    "other-audience": lambda t, a: t.other_audience(a.audience or shipped.SEARCH_RESOURCE),
    "without-scope": lambda t, a: t.without_scope(),
    "expired": lambda t, a: t.expired(a.seconds or 3600),
    "not-yet-valid": lambda t, a: t.not_yet_valid(a.seconds or 3600),
    "issued-in-the-future": lambda t, a: t.issued_in_the_future(a.seconds or 3600),
    "other-tenant": lambda t, a: t.other_tenant(),
    "wrong-issuer": lambda t, a: t.wrong_issuer(),
    "other-issuer-form": lambda t, a: t.other_issuer_form(),
    "without-claims": lambda t, a: t.without_claims(*a.remove),
    "with-claims": lambda t, a: t.changed(_claims(a.claim), a.remove),
    "app-only": lambda t, a: t.app_only(),
}


def _claims(pairs: list[str]) -> dict[str, object]:
    """``NAME=VALUE`` pairs; VALUE is JSON when it parses (``exp=0``), else a string."""
    out: dict[str, object] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            out[name] = json.loads(value)
        except ValueError:
            out[name] = value
    return out


def add_bad_token_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("change", choices=sorted(RECIPES), help="what differs from a good token")
    p.add_argument("--url", default="https://127.0.0.1:8443", help="the running mock")
    p.add_argument("--ca-bundle", type=Path, help="its CA (default: its state's tls/ca.pem)")
    p.add_argument("--state-dir", type=Path, help="the running mock's state (for its CA)")
    p.add_argument("--tenant", default=shipped.TENANT_ID)
    p.add_argument("--user", default="alice", help="short name of a shipped user, or a UPN")
    p.add_argument("--password")
    p.add_argument("--client-id", default=shipped.WEB_CLIENT_ID, help="the app signing in")
    p.add_argument("--client-secret", default=shipped.WEB_CLIENT_SECRET)
    p.add_argument("--redirect-uri", default=shipped.WEB_REDIRECT_URI)
    p.add_argument("--scope", default=shipped.API_SCOPE, help="your API's delegated scope")
    p.add_argument("--audience", help="other-audience: the aud to put in")
    p.add_argument("--seconds", type=int, help="expired / not-yet-valid: how far off")
    p.add_argument("--claim", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--remove", action="append", default=[], metavar="NAME")


def bad_token_command(args: argparse.Namespace) -> int:
    ca = args.ca_bundle or ca_bundle(find_state(args.state_dir, urlsplit(args.url).port or 443))
    platform = ServedPlatform(args.url, ca, args.tenant)
    admin = AdminClient(args.url, ca, os.environ.get("MOCK_ENTRA_ADMIN_TOKEN") or None)
    tokens = BadTokens(platform, admin, user=args.user, password=args.password,
                       scopes=[args.scope], client_id=args.client_id,
                       client_secret=args.client_secret, redirect_uri=args.redirect_uri)  # fmt: skip
    try:
        print(RECIPES[args.change](tokens, args))
    except (BadTokenError, AdminAPIError, OSError) as exc:
        print(f"mock-entra bad-token: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0
