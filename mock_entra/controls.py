"""The seam between the protocol code and the test controls.

The protocol code (grants, claims, discovery, the clock) never imports the admin
package: it receives the controls through this interface, which ``Context``
carries. ``NoControls`` is the default (a mock without an admin API, the
``mock-entra token`` command); ``mock_entra.admin.controls.AdminControls``
implements it with faults, runtime tenants and per-tenant clocks, and the app
factory wires it in. The model is navikt mock-oauth2-server's ``OAuth2TokenCallback``,
a parameter of every grant handler rather than a global the grants look up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from starlette.responses import Response

    from mock_entra.keys import SigningKey
    from mock_entra.tenant.model import Tenant

TokenKind = Literal["access", "id"]


@dataclass(frozen=True)
class UnsignedToken:
    """A token about to be signed: its claims, the key to sign with, and whom it is for.

    ``key=None`` signs nothing (an ``alg: none`` token, which only a fault asks for).
    """

    kind: TokenKind
    claims: dict[str, Any]
    key: SigningKey | None
    tenant_id: str
    client_id: str
    # Every name the user is known by (oid and lower-case UPN); empty for app-only tokens.
    user_keys: frozenset[str]


class Controls(Protocol):
    def clock_offset(self) -> float:
        """Seconds the current request's tenant clock is moved by (0 outside a request)."""

    def runtime_tenant(self, id_or_domain: str) -> Tenant | None:
        """A tenant created at run time, by id or domain (shipped ones are the directory's)."""

    def runtime_tenants(self) -> list[Tenant]:
        """Every runtime tenant, for lookups across tenants (federated issuers, identities)."""

    def before_signing(self, token: UnsignedToken) -> UnsignedToken:
        """The token hook: the claims and key to sign with after the controls had their say."""

    def jwks_override(self, document: dict[str, Any]) -> Response | None:
        """The answer to send instead of the tenant's JWKS ``document``, or None to send it."""


class NoControls:
    """Controls that change nothing: real time, shipped tenants, tokens as built."""

    def clock_offset(self) -> float:
        return 0.0

    def runtime_tenant(self, id_or_domain: str) -> Tenant | None:
        return None

    def runtime_tenants(self) -> list[Tenant]:
        return []

    def before_signing(self, token: UnsignedToken) -> UnsignedToken:
        return token

    def jwks_override(self, document: dict[str, Any]) -> Response | None:
        return None
