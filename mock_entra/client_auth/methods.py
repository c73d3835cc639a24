"""Client authentication at the token endpoint: a table of named methods, tried in order.

The first method the request used authenticates it (authlib's
``ClientAuthentication`` in ``rfc6749/authenticate_client.py`` is the model): a
secret in the body, then in a Basic header, then a client assertion (a federated
credential's, else a certificate's), and last no credential at all, which only a
public client may use on the grants that allow it.

A public client presents no credential at all: one that sends a secret or an
assertion is refused with ``invalid_client`` AADSTS700025, as Entra answers
(reference-error-codes: InvalidClientPublicClientWithCredential; captured in
MicrosoftDocs/azure-docs#96567, harishkrupo/oauth2ms#19). A confidential client that
sends none gets AADSTS7000218 (captured in Azure/azure-sdk-for-go#22386).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mock_entra.client_auth.assertion import certificate_assertion, federated_assertion
from mock_entra.client_auth.client_secret import basic_secret, posted_secret
from mock_entra.client_auth.credentials import (
    Attempt,
    AuthenticatedClient,
    ClientAcr,
    basic_credentials,
)
from mock_entra.context import Context
from mock_entra.errors import InvalidClient, missing_parameter, unknown_client
from mock_entra.tenant.model import Tenant


@dataclass(frozen=True)
class AuthMethod:
    """One way a client proves who it is: ``used`` tells whether the request took it."""

    name: str
    used: Callable[[Attempt], bool]
    verify: Callable[[Attempt], ClientAcr]


def _public(attempt: Attempt) -> ClientAcr:
    return ClientAcr.PUBLIC


METHODS: tuple[AuthMethod, ...] = (
    AuthMethod("client_secret_post", lambda a: bool(a.params.get("client_secret")), posted_secret),
    AuthMethod("client_secret_basic", lambda a: a.basic is not None, basic_secret),
    AuthMethod(
        "federated_credential", lambda a: a.federated_credential is not None, federated_assertion
    ),
    AuthMethod("private_key_jwt", lambda a: a.assertion is not None, certificate_assertion),
    AuthMethod("none", lambda a: a.allow_public and a.app.public_client, _public),
)


def _presents_credential(params: Mapping[str, str]) -> bool:
    return bool(params.get("client_secret") or params.get("client_assertion"))


def public_client_with_credential() -> InvalidClient:
    """AADSTS700025 (InvalidClientPublicClientWithCredential)."""
    return InvalidClient(
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    )


def authenticate(
    ctx: Context,
    tenant: Tenant,
    params: Mapping[str, str],
    authorization: str | None,
    *,
    token_endpoint: str,
    allow_public: bool,
) -> AuthenticatedClient:
    """The app the request names, authenticated by the first method it used."""
    try:
        basic = basic_credentials(authorization)
    except ValueError as exc:
        raise InvalidClient(7000215, "Invalid client secret provided.") from exc
    client_id = params.get("client_id") or (basic[0] if basic else "")
    if not client_id:
        raise missing_parameter("client_id")
    app = tenant.app(client_id)
    if app is None:
        raise unknown_client(client_id, tenant.display_name or tenant.domain)
    if app.public_client and (basic or _presents_credential(params)):
        raise public_client_with_credential()
    attempt = Attempt(ctx, tenant, app, params, basic, token_endpoint, allow_public)
    for method in METHODS:
        if method.used(attempt):
            return AuthenticatedClient(app, method.verify(attempt), method.name)
    raise InvalidClient(
        7000218,
        "The request body must contain the following parameter: 'client_assertion' "
        "or 'client_secret'.",
    )
