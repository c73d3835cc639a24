"""Validly signed bad tokens: a real sign-in through the mock, with one chosen change.

A security test should fail for the claim it names. A forged or re-encoded token is
refused for its signature whatever else is wrong with it, and a real Microsoft Graph
token is refused for its signature too (Graph's header nonce:
:func:`entra_kit.jose.graph_signed_form`), so "refuses another audience" tested with
one passes for the wrong reason. These tokens come from the mock's token endpoint,
through MSAL, signed with the tenant's published key: only the named change differs.

How: a ``claims`` fault of the admin API (``POST /_admin/faults``), scoped to the
tenant, the client and the user, used once, sets or removes claims of the next access
token the mock issues to them; the sign-in that follows gets it. Times (expired, not
yet valid) are claims too, so nothing moves the tenant's clock for other tests.
https://learn.microsoft.com/en-us/entra/identity-platform/claims-validation
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from entra_kit import shipped_tenant as shipped
from entra_kit.jose import peek_claims
from mock_entra.testing.admin_client import AdminClient
from mock_entra.testing.flows import IdentityPlatform, Tokens, user_credentials

# A fault that outlives its sign-in must not catch a later one (the runner deletes it too).
FAULT_TTL_SECONDS = 120.0


class BadTokenError(RuntimeError):
    """The mock did not issue the token (its error is in the message, never a token)."""


def claims_fault(
    tenant: str,
    client_id: str,
    user: str | None = None,
    *,
    set_claims: dict[str, Any] | None = None,
    remove_claims: Sequence[str] = (),
) -> dict[str, Any]:
    """The admin API fault that changes the next access token issued to ``client_id``
    (for ``user``, a UPN, when given) in ``tenant``; spent by one token request."""
    body: dict[str, Any] = {
        "effect": "claims",
        "token": "access",
        "tenant": tenant,
        "client_id": client_id,
        "endpoint": "token",
        "times": 1,
        "ttl_seconds": FAULT_TTL_SECONDS,
        "set_claims": dict(set_claims or {}),
        "remove_claims": list(remove_claims),
    }
    if user is not None:
        body["user"] = user
    return body


class BadTokens:
    """Access tokens for one client and user, each validly signed with one change.

    ``mock`` is any :class:`~mock_entra.testing.flows.IdentityPlatform` (a
    ``RunningMock`` or a served mock), ``admin`` its admin API. The defaults are the
    shipped tenant's web app signing alice in for the shipped API's scope; give your
    own client and scope for your own app registrations.
    """

    def __init__(
        self,
        mock: IdentityPlatform,
        admin: AdminClient,
        *,
        user: str = "alice",
        password: str | None = None,
        scopes: Sequence[str] = (shipped.API_SCOPE,),
        client_id: str = shipped.WEB_CLIENT_ID,
        client_secret: str = shipped.WEB_CLIENT_SECRET,
        redirect_uri: str = shipped.WEB_REDIRECT_URI,
        tenant: str | None = None,
    ) -> None:
        self.tokens = Tokens(mock)
        self.admin = admin
        self.tenant = tenant or mock.tenant_id
        self.user, self.password, self.scopes = user, password, list(scopes)
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri = redirect_uri

    @contextmanager
    def _changed(
        self, client_id: str, user: str | None, set_claims: dict[str, Any], remove: Sequence[str]
    ) -> Iterator[None]:
        body = claims_fault(
            self.tenant, client_id, user, set_claims=set_claims, remove_claims=remove
        )
        with self.admin.fault(**body):
            yield

    def _sign_in(self) -> str:
        result = self.tokens.sign_in(
            self.user,
            self.scopes,
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            tenant=self.tenant,
            password=self.password,
        )
        return _access_token(result)

    def valid(self) -> str:
        """The control: the same sign-in with no change (your API must accept it)."""
        return self._sign_in()

    def changed(
        self, set_claims: dict[str, Any] | None = None, remove_claims: Sequence[str] = ()
    ) -> str:
        """A token with ``set_claims`` set and ``remove_claims`` removed, signed by the tenant."""
        upn, _ = user_credentials(self.user, self.password)
        with self._changed(self.client_id, upn, dict(set_claims or {}), remove_claims):
            return self._sign_in()

    # -- one recipe per check a resource server must make ------------------------------
    def other_audience(self, audience: str = shipped.SEARCH_RESOURCE) -> str:
        """``aud`` names another resource (default Azure AI Search): refuse it for its audience."""
        return self.changed({"aud": audience})

    def without_scope(self, scp: str = "User.Read") -> str:
        """``scp`` without your scope (``scp`` replaced): 403 insufficient_scope (RFC 6750 §3.1)."""
        return self.changed({"scp": scp})

    def expired(self, seconds_ago: int = 3600) -> str:
        """``exp`` ``seconds_ago`` in the past (issued an hour before that)."""
        exp = int(time.time()) - seconds_ago
        return self.changed({"exp": exp, "iat": exp - 3600, "nbf": exp - 3600})

    def not_yet_valid(self, seconds_ahead: int = 3600) -> str:
        """``nbf`` ``seconds_ahead`` in the future (RFC 7519 §4.1.5)."""
        return self.changed({"nbf": int(time.time()) + seconds_ahead})

    def issued_in_the_future(self, seconds_ahead: int = 3600) -> str:
        """``iat`` ``seconds_ahead`` in the future."""
        return self.changed({"iat": int(time.time()) + seconds_ahead})

    def other_tenant(self, tenant_id: str = shipped.OTHER_TENANT_ID) -> str:
        """``tid`` and ``iss`` of another tenant, signed with your tenant's key: refuse it for
        its issuer and tenant (in Entra every tenant's tokens share the signing keys)."""
        claims = peek_claims(self._sign_in())
        issuer = str(claims.get("iss", "")).replace(str(claims.get("tid")), tenant_id)
        return self.changed({"tid": tenant_id, "iss": issuer})

    def wrong_issuer(self, issuer: str = "https://sts.windows.net/common/") -> str:
        """``iss`` that is not your tenant's (default the ``common`` placeholder)."""
        return self.changed({"iss": issuer})

    def other_issuer_form(self) -> str:
        """The v2 issuer on a v1 token or the v1 issuer on a v2 token: ``iss`` must match ``ver``."""
        claims = peek_claims(self._sign_in())
        v1 = f"https://sts.windows.net/{self.tenant}/"
        v2 = f"{self.tokens.mock.authority(self.tenant)}/v2.0"
        return self.changed({"iss": v2 if claims.get("ver") == "1.0" else v1})

    def without_claims(self, *names: str) -> str:
        """The claims ``names`` removed (``exp``, ``oid``, ``tid``, ``scp`` ...)."""
        return self.changed(remove_claims=names)

    def app_only(
        self,
        client_id: str = shipped.DAEMON_CLIENT_ID,
        client_secret: str = shipped.DAEMON_CLIENT_SECRET,
        scope: str | None = None,
    ) -> str:
        """A real app-only token (client credentials: ``roles``, no ``scp``, ``idtyp`` app)
        for the resource of the first scope; a user API must not take it as a user."""
        resource = self.scopes[0].rsplit("/", 1)[0]
        result = self.tokens.app_token(
            client_id, client_secret, scope or f"{resource}/.default", self.tenant
        )
        return _access_token(result)


def _access_token(result: dict[str, Any]) -> str:
    token = result.get("access_token")
    if not isinstance(token, str):
        codes = result.get("error_codes")
        raise BadTokenError(f"no token: {result.get('error')} {codes}: "
                            f"{str(result.get('error_description', ''))[:200]}")  # fmt: skip
    return token
