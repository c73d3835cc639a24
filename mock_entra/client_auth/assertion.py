"""Client assertions: ``private_key_jwt`` with a certificate, and federated credentials.

- a certificate assertion is RS256 + ``x5t`` or PS256 + ``x5t#S256``, iss = sub =
  the client id, aud = the token endpoint, short-lived, its ``jti`` good once;
- a federated assertion (workload identity federation) is a token of an issuer this
  mock serves (its own tenants), matching one of the app's federated credentials.
https://learn.microsoft.com/entra/identity-platform/certificate-credentials
https://learn.microsoft.com/entra/workload-id/workload-identity-federation
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from entra_kit.jose import b64url_decode, b64url_encode
from mock_entra.client_auth.credentials import CLOCK_LEEWAY, Attempt, ClientAcr, ClientAssertion
from mock_entra.errors import InvalidClient
from mock_entra.records.assertions import AssertionId

MAX_ASSERTION_LIFETIME = 24 * 3600  # seconds a certificate assertion may be valid for


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


def _check_certificate_claims(attempt: Attempt, claims: dict[str, Any]) -> None:
    """Lifetime (700024), iss = sub = client id (700021), aud = the token endpoint (70002)."""
    # A federated token's lifetime is its issuer's business; a certificate assertion is
    # made for one request, so a long-lived one is suspicious.
    iat = claims.get("nbf", claims.get("iat"))
    if isinstance(iat, (int, float)) and float(claims["exp"]) - iat > MAX_ASSERTION_LIFETIME:
        raise InvalidClient(700024, "Client assertion lifetime is too long.")
    client_id = attempt.app.client_id
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise InvalidClient(
            700021, "Client assertion application identifier doesn't match 'client_id' parameter."
        )
    endpoint = attempt.token_endpoint
    audiences = {endpoint, endpoint.replace("/oauth2/v2.0/token", "/oauth2/token")}
    aud = claims.get("aud")
    # RFC 7519 §4.1.3 allows one string or an array. Entra takes one value: an array of
    # two answers AADSTS5002741 "Number of audience values in the provided client
    # credential exceed maximum allowed. 2 audience values provided, maximum allowed is 1"
    # (captured: zitadel/oidc#887, 2026). A one-value array is taken (unverified).
    named = aud if isinstance(aud, list) else [aud]
    if len(named) > 1:
        raise InvalidClient(
            5002741,
            "Number of audience values in the provided client credential exceed maximum "
            f"allowed. {len(named)} audience values provided, maximum allowed is 1.",
        )
    if not any(isinstance(a, str) and a in audiences for a in named):
        raise InvalidClient(
            70002,
            "Error validating credentials. The provided value for the input parameter 'client_assertion' is not valid: "
            f"audience '{str(aud)[:100]}' is not the token endpoint.",
        )


def _check_jti(attempt: Attempt, claims: dict[str, Any]) -> None:
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        return
    ctx, client_id = attempt.ctx, attempt.app.client_id
    if AssertionId.seen(ctx.store, client_id, jti, ctx.now()):
        raise InvalidClient(
            70002, "Error validating credentials. The client assertion was already used (jti)."
        )
    expires = float(claims.get("exp", ctx.now())) + CLOCK_LEEWAY
    AssertionId.remember(ctx.store, client_id, jti, expires)


def certificate_assertion(attempt: Attempt) -> ClientAcr:
    """``private_key_jwt``: signed by a certificate registered for the app (700027 if none)."""
    assertion = attempt.assertion
    assert assertion is not None  # the method is only chosen with an assertion
    header, claims = assertion.header, assertion.claims
    _check_certificate_claims(attempt, claims)
    # Clients differ in padding and alphabet (MSAL pads): compare the digests themselves.
    thumbprint_s256, thumbprint = _digest(header.get("x5t#S256")), _digest(header.get("x5t"))
    for registered in attempt.app.certificates:
        cert, sha1, sha256 = _cert(registered.pem)
        if thumbprint_s256 == _digest(sha256) or thumbprint == _digest(sha1):
            alg = str(header.get("alg"))
            if not _verify_rsa(
                cert.public_key(), alg, assertion.signing_input, assertion.signature
            ):
                break
            _check_jti(attempt, claims)
            return ClientAcr.CERTIFICATE
    raise InvalidClient(
        700027,
        "Client assertion failed signature validation. The key was not found or the "
        "signature does not verify against any certificate registered for the app.",
    )


def _signed_by_its_issuer(attempt: Attempt, assertion: ClientAssertion) -> bool:
    """A federated assertion must come from an issuer this mock serves (its own tenants)."""
    ctx, header = attempt.ctx, assertion.header
    issuer = str(assertion.claims.get("iss"))
    tenant = next(
        (t for t in ctx.all_tenants() if issuer in (ctx.issuer_v2(t.id), ctx.issuer_v1(t.id))),
        None,
    )
    key = ctx.ring(tenant.id).find(str(header.get("kid")), ctx.now()) if tenant else None
    return (
        key is not None
        and header.get("alg") == "RS256"
        and _verify_rsa(key.verify_key, "RS256", assertion.signing_input, assertion.signature)
    )


def federated_assertion(attempt: Attempt) -> ClientAcr:
    """A federated credential's assertion: an audience it names (700211), its issuer's key (700027)."""
    assertion, credential = attempt.assertion, attempt.federated_credential
    assert assertion is not None and credential is not None  # chosen only when both exist
    ctx, audiences = attempt.ctx, credential.audiences
    aud = assertion.claims.get("aud")
    named = [tenant.resource_app(a) for a in audiences for tenant in ctx.all_tenants()]
    if aud not in audiences and not any(app and app.answers_to(str(aud)) for app in named):
        raise InvalidClient(
            700211,
            f"No matching federated identity record found for presented assertion "
            f"audience '{str(aud)[:100]}'.",
        )
    if not _signed_by_its_issuer(attempt, assertion):
        raise InvalidClient(
            700027,
            "Client assertion failed signature validation: the federated issuer's keys "
            "do not verify it.",
        )
    return ClientAcr.CERTIFICATE
