"""Which identifier URIs (Application ID URIs) an app registration may have, as Entra decides.

Two rules, both applied when a URI is added to an app (the tenant file is that moment):

- **Verified domains** (since October 2021, every tenant): an ``https://`` URI must be on
  a verified domain of the tenant or a subdomain of one; ``<tenant>.onmicrosoft.com`` is
  always verified. The portal's refusal reads "Values of identifierUris property must use
  a verified domain of the organization or its subdomain".
  https://learn.microsoft.com/entra/identity-platform/reference-breaking-changes#appid-uri-in-single-tenant-applications-will-require-use-of-default-scheme-or-verified-domains
- **Secure patterns** (the default app management policy, enabled in tenants from June
  2025): only ``api://<appId>``, ``api://<tenantId>/<appId>``, ``api://<tenantId>/<string>``,
  ``api://<string>/<appId>``, ``api://<verified domain or a subdomain>/<string>``,
  ``https://<initial domain>/<string>``, ``https://<verified domain>/<string>``,
  ``https://<subdomain>.<verified domain>[/<string>]``; never a trailing slash; unique
  in the tenant.
  https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions and the
  app manifest reference (``identifierUris``).

What is not verified here: Entra lets an administrator disable the secure-pattern policy
or exempt an app (and, per the restrictions page, v2-token apps escape it): the tenant's
``identifier_uri_policy: verified_domains_only`` stands for that, keeping only the
verified-domain rule for ``https``. Whether Entra accepts a port in an ``https``
identifier URI is not documented; the mock accepts one (the lab's ``https://localhost:8000/mcp``).
Only ``api`` and ``https`` schemes are accepted (``http`` is in no supported pattern).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from entra_kit.ids import is_guid
from entra_kit.microsoft_apps import FIRST_PARTY_APPS

IdentifierUriPolicy = Literal["secure_patterns", "verified_domains_only"]

# Microsoft's first-party apps (the same app id in every tenant): a tenant file lists
# their service principals, whose identifier URIs are Microsoft's, not the tenant's.
MICROSOFT_APP_IDS = frozenset(FIRST_PARTY_APPS)


@dataclass(frozen=True)
class Registration:
    """What the rules need to know of the app and its tenant."""

    app_id: str
    tenant_id: str
    domains: tuple[str, ...]  # verified domains, the initial one included, lower case
    policy: IdentifierUriPolicy = "secure_patterns"


def _on_verified_domain(host: str, domains: Iterable[str]) -> tuple[bool, bool]:
    """(on a verified domain, exactly that domain rather than a subdomain of it)."""
    host = host.lower()
    for domain in domains:
        if host == domain:
            return True, True
        if host.endswith("." + domain):
            return True, False
    return False, False


def _api_problem(rest: str, reg: Registration) -> str | None:
    """``api://...``: a GUID must be the app's or the tenant's; a name must be a verified domain."""
    first, _, path = rest.partition("/")
    if not first:
        return "has nothing after api://"
    if reg.policy == "verified_domains_only":
        return None
    same = first.lower()
    if same == reg.app_id:
        return None
    if same == reg.tenant_id:
        return None if path else "needs /<appId> or /<string> after the tenant id"
    if is_guid(first, any_case=True):
        return "names a GUID that is neither this app's id nor the tenant's id"
    if path.lower() == reg.app_id:
        return None  # api://<string>/<appId>
    verified, _ = _on_verified_domain(first, reg.domains)
    if verified and path:
        return None
    return (
        "must be api://<appId>, api://<tenantId>/<...>, api://<string>/<appId> or "
        "api://<verified domain>/<string>"
    )


def _https_problem(uri: str, reg: Registration) -> str | None:
    parts = urlsplit(uri)
    if parts.query or parts.fragment:
        return "must not have a query or a fragment"
    host = parts.hostname or ""
    verified, exact = _on_verified_domain(host, reg.domains)
    if not verified:
        return (
            f"host {host!r} is not a verified domain of the tenant (verified_domains: "
            f"{', '.join(reg.domains)})"
        )
    if reg.policy == "secure_patterns" and exact and parts.path in ("", "/"):
        return "needs a path (https://<verified domain>/<string>) or a subdomain"
    return None


def identifier_uri_problem(uri: str, reg: Registration) -> str | None:
    """Why Entra would refuse ``uri`` on this app, or None when it accepts it."""
    if uri.endswith("/"):
        return "must not end with a slash"
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return "is not an absolute URI"
    if scheme == "api":
        return _api_problem(rest, reg)
    if scheme == "https":
        return _https_problem(uri, reg)
    return f"scheme {scheme!r} is not accepted (api:// or https:// on a verified domain)"


@dataclass(frozen=True)
class RegisteredUris:
    """An app registration's id and identifier URIs (this tenant's own apps only)."""

    app_id: str
    uris: tuple[str, ...]


def first_refusal(
    apps: Sequence[RegisteredUris],
    tenant_id: str,
    domains: tuple[str, ...],
    policy: IdentifierUriPolicy,
) -> tuple[int, int, str] | None:
    """(app index, URI index, why) of the first URI Entra refuses; also unique in the tenant.

    The app index counts ``apps`` as given: pass every application (an app whose URIs are
    not this tenant's with none), so that it is the tenant file's index.
    """
    seen: set[str] = set()
    for index, app in enumerate(apps):
        reg = Registration(app.app_id, tenant_id, domains, policy)
        for n, uri in enumerate(app.uris):
            problem = identifier_uri_problem(uri, reg)
            if problem is None and uri in seen:
                problem = "is already another app's identifier URI in this tenant"
            if problem:
                return index, n, f"{uri!r} {problem}"
            seen.add(uri)
    return None
