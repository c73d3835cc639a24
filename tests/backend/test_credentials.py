"""The OBO exchanger with a certificate credential, against a mock that knows the cert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from backend.testing import backend_settings_for, run_backend
from mock_entra.testing import API_CLIENT_ID, Tokens
from tests.backend.conftest import call
from tests.conftest import write_tenant_file


def _certificate() -> tuple[str, str, str]:
    """Private key PEM, certificate PEM, SHA-1 thumbprint (hex)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mcp-backend")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return key_pem, cert_pem, cert.fingerprint(hashes.SHA1()).hex()


@pytest.mark.parametrize("style", ["x5t#S256 (PS256)", "sha1 thumbprint (RS256)"])
async def test_obo_with_certificate_credential(
    second_mock: Callable[..., Any], tmp_path: Path, style: str
) -> None:
    key_pem, cert_pem, sha1 = _certificate()

    def register(data: dict[str, Any]) -> None:
        for app in data["tenants"][0]["applications"]:
            if app["client_id"] == API_CLIENT_ID:
                app["secrets"] = []
                app["certificates"] = [{"pem": cert_pem}]

    pem_file = tmp_path / "backend.pem"
    pem_file.write_text(key_pem + cert_pem)
    overrides: dict[str, Any] = {"obo_credential": "certificate", "obo_certificate_path": pem_file}
    if style.startswith("sha1"):
        overrides["obo_certificate_thumbprint"] = sha1
    config = write_tenant_file(tmp_path / "tenant.yaml", register)
    with (
        second_mock(config=config) as mock,
        run_backend(backend_settings_for(mock, **overrides)) as running,
    ):
        token = Tokens(mock).sign_in("alice")["access_token"]
        result = await call(running.mcp_url, token, "get_azure_ai_search_token")
    assert result["claims"]["aud"] == "https://search.azure.com"
    assert result["claims"]["appid"] == API_CLIENT_ID
