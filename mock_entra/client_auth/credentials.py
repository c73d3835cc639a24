"""What a token request presents to authenticate its client, read once.

https://datatracker.ietf.org/doc/html/rfc6749#section-2.3 (client password, Basic)
https://datatracker.ietf.org/doc/html/rfc7521#section-4.2 (client assertions)
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any
from urllib.parse import unquote_plus

from entra_kit.jose import b64url_decode, peek_jwt
from mock_entra.context import Context
from mock_entra.errors import InvalidClient, InvalidRequest
from mock_entra.tenant.application import Application, FederatedCredential
from mock_entra.tenant.model import Tenant

JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# A client assertion of another type: Entra answers invalid_request AADSTS90011
# "Unexpected client assertion type." (captured in AzureAD/azure-activedirectory-library-for-ruby#53).
AADSTS_BAD_ASSERTION_TYPE = 90011
CLOCK_LEEWAY = 300


class ClientAcr(StrEnum):
    """How the client authenticated, as ``appidacr`` (v1) and ``azpacr`` (v2) say it.

    https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
    """

    PUBLIC = "0"
    SECRET = "1"
    CERTIFICATE = "2"  # a certificate or a federated credential (managed identities too)


@dataclass(frozen=True)
class AuthenticatedClient:
    app: Application
    acr: ClientAcr
    method: str  # the name of the method that authenticated it (``client_secret_post``, ...)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client id, secret) of an ``Authorization: Basic`` header, form-decoded (RFC 6749 §2.3.1).

    None without such a header; ``ValueError`` when it is not valid base64 of UTF-8 text.
    """
    if not header or not header.lower().startswith("basic "):
        return None
    raw = base64.b64decode(header[6:].strip(), validate=True).decode()
    client_id, _, secret = raw.partition(":")
    return unquote_plus(client_id), unquote_plus(secret)


@dataclass(frozen=True)
class ClientAssertion:
    """A compact JWS client assertion, read but not yet verified."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @classmethod
    def parse(cls, assertion: str) -> ClientAssertion:
        try:
            header, claims = peek_jwt(assertion)
            head, body, sig = assertion.split(".")
            signature = b64url_decode(sig)
        except ValueError as exc:
            raise InvalidClient(50027, "JWT token is invalid or malformed.") from exc
        return cls(header, claims, f"{head}.{body}".encode(), signature)


def check_times(ctx: Context, claims: dict[str, Any]) -> None:
    """AADSTS700024: ``exp`` (and ``nbf``, else ``iat``) within five minutes of skew."""
    now = ctx.now()
    exp, nbf = claims.get("exp"), claims.get("nbf", claims.get("iat"))
    if not isinstance(exp, (int, float)):
        raise InvalidClient(700024, "Client assertion is not within its valid time range: no exp.")
    if exp + CLOCK_LEEWAY < now or (isinstance(nbf, (int, float)) and nbf - CLOCK_LEEWAY > now):
        raise InvalidClient(
            700024,
            f"Client assertion is not within its valid time range. Current time: "
            f"{ctx.now_dt().isoformat()}.",
        )


def expand_issuer(ctx: Context, tenant: Tenant, issuer: str) -> str:
    """A federated credential's issuer with ``{issuer_v2}``/``{issuer_v1}`` filled in."""
    return issuer.replace("{issuer_v2}", ctx.issuer_v2(tenant.id)).replace(
        "{issuer_v1}", ctx.issuer_v1(tenant.id)
    )


@dataclass
class Attempt:
    """One token request's client authentication: the app it names and what it presents."""

    ctx: Context
    tenant: Tenant
    app: Application
    params: Mapping[str, str]
    basic: tuple[str, str] | None
    token_endpoint: str
    allow_public: bool

    @cached_property
    def assertion(self) -> ClientAssertion | None:
        """The ``client_assertion``, well-formed and current; None when none was sent."""
        raw = self.params.get("client_assertion")
        if not raw:
            return None
        if self.params.get("client_assertion_type") != JWT_BEARER_ASSERTION:
            raise InvalidRequest(
                AADSTS_BAD_ASSERTION_TYPE,
                "Unexpected client assertion type.",
            )
        assertion = ClientAssertion.parse(raw)
        check_times(self.ctx, assertion.claims)
        return assertion

    @cached_property
    def federated_credential(self) -> FederatedCredential | None:
        """The app's federated credential whose issuer and subject the assertion names."""
        if self.assertion is None:
            return None
        claims = self.assertion.claims
        return next(
            (
                f
                for f in self.app.federated_credentials
                if expand_issuer(self.ctx, self.tenant, f.issuer) == claims.get("iss")
                and f.subject == claims.get("sub")
            ),
            None,
        )
