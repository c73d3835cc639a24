"""Client authentication at the token endpoint.

- ``client_secret_post`` / ``client_secret_basic`` against the app's secrets;
- ``private_key_jwt`` with a certificate (RS256 + ``x5t`` or PS256 + ``x5t#S256``);
- a federated assertion (workload identity federation) matching a federated credential.
https://learn.microsoft.com/entra/identity-platform/certificate-credentials
https://learn.microsoft.com/entra/workload-id/workload-identity-federation
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from entra_kit.jose import b64url_decode, b64url_encode, peek_jwt
from mock_entra.context import Context
from mock_entra.errors import InvalidClient, InvalidRequest, UnauthorizedClient
from mock_entra.tenant.model import Application, Tenant

JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
AADSTS_BAD_ASSERTION_TYPE = 700023
MAX_ASSERTION_LIFETIME = 24 * 3600  # seconds a certificate assertion may be valid for
_CLOCK_LEEWAY = 300


@dataclass(frozen=True)
class AuthenticatedClient:
    app: Application
    acr: str  # "0" public, "1" secret, "2" certificate / federated


def _unknown_client(tenant: Tenant, client_id: str) -> UnauthorizedClient:
    return UnauthorizedClient(
        700016,
        f"Application with identifier '{client_id[:64]}' was not found in the directory "
        f"'{tenant.display_name or tenant.domain}'. This can happen if the application has not "
        "been installed by the administrator of the tenant or consented to by any user in the "
        "tenant. You may have sent your authentication request to the wrong tenant.",
    )


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidClient(7000215, "Invalid client secret provided.") from exc
    client_id, _, secret = raw.partition(":")
    return unquote_plus(client_id), unquote_plus(secret)


def authenticate(
    ctx: Context,
    tenant: Tenant,
    params: Mapping[str, str],
    authorization: str | None,
    *,
    token_endpoint: str,
    allow_public: bool,
) -> AuthenticatedClient:
    basic = _basic(authorization)
    client_id = params.get("client_id") or (basic[0] if basic else "")
    if not client_id:
        raise InvalidRequest(
            900144, "The request body must contain the following parameter: 'client_id'."
        )
    app = tenant.app(client_id)
    if app is None:
        raise _unknown_client(tenant, client_id)

    secret = params.get("client_secret") or (basic[1] if basic else None)
    assertion = params.get("client_assertion")
    if secret is not None:
        return AuthenticatedClient(app, _check_secret(ctx, app, secret))
    if assertion:
        if params.get("client_assertion_type") != JWT_BEARER_ASSERTION:
            raise InvalidRequest(
                AADSTS_BAD_ASSERTION_TYPE,
                f"client_assertion_type must be '{JWT_BEARER_ASSERTION}'.",
            )
        return AuthenticatedClient(
            app, _check_assertion(ctx, tenant, app, assertion, token_endpoint)
        )
    if allow_public and app.public_client:
        return AuthenticatedClient(app, "0")
    raise InvalidClient(
        7000218,
        "The request body must contain the following parameter: 'client_assertion' "
        "or 'client_secret'.",
    )


def _check_secret(ctx: Context, app: Application, secret: str) -> str:
    now = ctx.now_dt()
    for registered in app.secrets:
        if hmac.compare_digest(registered.value.encode(), secret.encode()):
            if registered.expired(now):
                raise InvalidClient(
                    7000222,
                    f"The provided client secret keys for app '{app.client_id}' are "
                    "expired. Visit the Azure portal to create new keys for your app.",
                )
            return "1"
    raise InvalidClient(
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request "
        "is the client secret value, not the client secret ID, for a secret added to app "
        f"'{app.client_id}'.",
    )


@lru_cache(maxsize=128)
def _cert(pem: str) -> tuple[x509.Certificate, str, str]:
    cert = x509.load_pem_x509_certificate(pem.encode())
    der = cert.public_bytes(serialization.Encoding.DER)
    sha1 = b64url_encode(hashlib.sha1(der, usedforsecurity=False).digest())
    return cert, sha1, b64url_encode(hashlib.sha256(der).digest())


def _digest(thumbprint: object) -> bytes | None:
    if not isinstance(thumbprint, str) or not thumbprint:
        return None
    try:
        return b64url_decode(thumbprint.rstrip("=").replace("+", "-").replace("/", "_"))
    except ValueError:
        return None


def _verify_rsa(public_key: Any, alg: str, signing_input: bytes, signature: bytes) -> bool:
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        if alg == "RS256":
            public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "PS256":
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
            public_key.verify(signature, signing_input, pss, hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _parse(assertion: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    try:
        header, claims = peek_jwt(assertion)
        head, body, sig = assertion.split(".")
        signature = b64url_decode(sig)
    except ValueError as exc:
        raise InvalidClient(50027, "JWT token is invalid or malformed.") from exc
    return header, claims, f"{head}.{body}".encode(), signature


def _check_times(ctx: Context, claims: dict[str, Any]) -> None:
    now = ctx.now()
    exp, nbf = claims.get("exp"), claims.get("nbf", claims.get("iat"))
    if not isinstance(exp, (int, float)):
        raise InvalidClient(700024, "Client assertion is not within its valid time range: no exp.")
    if exp + _CLOCK_LEEWAY < now or (isinstance(nbf, (int, float)) and nbf - _CLOCK_LEEWAY > now):
        raise InvalidClient(
            700024,
            f"Client assertion is not within its valid time range. Current time: "
            f"{ctx.now_dt().isoformat()}.",
        )


def _check_assertion(
    ctx: Context, tenant: Tenant, app: Application, assertion: str, token_endpoint: str
) -> str:
    header, claims, signing_input, signature = _parse(assertion)
    _check_times(ctx, claims)
    federated = [
        f
        for f in app.federated_credentials
        if _expand(ctx, tenant, f.issuer) == claims.get("iss") and f.subject == claims.get("sub")
    ]
    if federated:
        return _check_federated(
            ctx, app, header, claims, signing_input, signature, federated[0].audiences
        )

    # A federated token's lifetime is its issuer's business; a certificate assertion is
    # made for one request, so a long-lived one is suspicious.
    iat = claims.get("nbf", claims.get("iat"))
    if isinstance(iat, (int, float)) and float(claims["exp"]) - iat > MAX_ASSERTION_LIFETIME:
        raise InvalidClient(700024, "Client assertion lifetime is too long.")
    if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
        raise InvalidClient(
            700021, "Client assertion application identifier doesn't match 'client_id' parameter."
        )
    audiences = {token_endpoint, token_endpoint.replace("/oauth2/v2.0/token", "/oauth2/token")}
    aud = claims.get("aud")
    if aud not in audiences and not (isinstance(aud, list) and audiences & set(aud)):
        raise InvalidClient(
            70002,
            "Error validating credentials. The provided value for the input parameter 'client_assertion' is not valid: "
            f"audience '{str(aud)[:100]}' is not the token endpoint.",
        )
    # Clients differ in padding and alphabet (MSAL pads): compare the digests themselves.
    thumbprint_s256, thumbprint = _digest(header.get("x5t#S256")), _digest(header.get("x5t"))
    for registered in app.certificates:
        cert, sha1, sha256 = _cert(registered.pem)
        if thumbprint_s256 == _digest(sha256) or thumbprint == _digest(sha1):
            if not _verify_rsa(cert.public_key(), str(header.get("alg")), signing_input, signature):
                break
            _check_jti(ctx, app, claims)
            return "2"
    raise InvalidClient(
        700027,
        "Client assertion failed signature validation. The key was not found or the "
        "signature does not verify against any certificate registered for the app.",
    )


def _check_jti(ctx: Context, app: Application, claims: dict[str, Any]) -> None:
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        return
    key = f"{app.client_id}|{jti}"
    if ctx.store.get("jti", key, ctx.now()) is not None:
        raise InvalidClient(
            70002, "Error validating credentials. The client assertion was already used (jti)."
        )
    ctx.store.put("jti", key, {}, float(claims.get("exp", ctx.now())) + _CLOCK_LEEWAY)


def _expand(ctx: Context, tenant: Tenant, issuer: str) -> str:
    return issuer.replace("{issuer_v2}", ctx.issuer_v2(tenant.id)).replace(
        "{issuer_v1}", ctx.issuer_v1(tenant.id)
    )


def _check_federated(
    ctx: Context,
    app: Application,
    header: dict[str, Any],
    claims: dict[str, Any],
    signing_input: bytes,
    signature: bytes,
    audiences: list[str],
) -> str:
    """Federated assertions must come from an issuer this mock serves (its own tenants)."""
    aud = claims.get("aud")
    named = [tenant.resource_app(a) for a in audiences for tenant in ctx.all_tenants()]
    if aud not in audiences and not any(app and app.answers_to(str(aud)) for app in named):
        raise InvalidClient(
            700211,
            f"No matching federated identity record found for presented assertion "
            f"audience '{str(aud)[:100]}'.",
        )
    issuer = str(claims.get("iss"))
    tenant = next(
        (t for t in ctx.all_tenants() if issuer in (ctx.issuer_v2(t.id), ctx.issuer_v1(t.id))),
        None,
    )
    key = ctx.ring(tenant.id).find(str(header.get("kid")), ctx.now()) if tenant else None
    if (
        key is None
        or header.get("alg") != "RS256"
        or not _verify_rsa(key.jwk.get_op_key("verify"), "RS256", signing_input, signature)
    ):
        raise InvalidClient(
            700027,
            "Client assertion failed signature validation: the federated issuer's keys "
            "do not verify it.",
        )
    return "2"
