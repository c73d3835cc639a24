"""The middle tier's own credential for MSAL: secret, certificate or managed identity.

- certificate: MSAL signs a client assertion (PS256 + ``x5t#S256`` when the public
  certificate is given; RS256 + ``x5t`` for a legacy SHA-1 thumbprint).
  https://learn.microsoft.com/entra/identity-platform/certificate-credentials
- managed identity: the user-assigned identity's token for
  ``api://AzureADTokenExchange`` is the client assertion of the app, trusted through
  the app's federated identity credential (workload identity federation).
  https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from backend.settings import BackendSettings

TOKEN_EXCHANGE_SCOPE = "api://AzureADTokenExchange/.default"
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)


def _certificate_credential(settings: BackendSettings) -> dict[str, Any]:
    assert settings.obo_certificate_path is not None
    text = settings.obo_certificate_path.read_text(encoding="ascii")
    blocks = {m.group(1): m.group(0) for m in _PEM_BLOCK.finditer(text)}
    key = next((v for k, v in blocks.items() if k.endswith("PRIVATE KEY")), None)
    if key is None:
        raise ValueError(f"{settings.obo_certificate_path}: no private key in the PEM file")
    credential: dict[str, Any] = {"private_key": key}
    if settings.obo_certificate_thumbprint:
        credential["thumbprint"] = settings.obo_certificate_thumbprint
    elif "CERTIFICATE" in blocks:
        credential["public_certificate"] = blocks["CERTIFICATE"]
    else:
        raise ValueError(
            f"{settings.obo_certificate_path}: no certificate and no OBO_CERTIFICATE_THUMBPRINT"
        )
    return credential


def managed_identity_assertion(settings: BackendSettings) -> Callable[[], str]:
    """A callable MSAL calls for each assertion; azure-identity caches the MI token."""
    from azure.identity import ManagedIdentityCredential

    credential = ManagedIdentityCredential(client_id=settings.managed_identity_client_id)

    def assertion() -> str:
        return credential.get_token(TOKEN_EXCHANGE_SCOPE).token

    return assertion


def client_credential(settings: BackendSettings) -> str | dict[str, Any]:
    """MSAL's ``client_credential`` for ``settings.obo_credential``."""
    if settings.obo_credential == "secret":
        return settings.backend_client_secret
    if settings.obo_credential == "certificate":
        return _certificate_credential(settings)
    return {"client_assertion": managed_identity_assertion(settings)}
