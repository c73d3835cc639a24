"""Credentials of every kind: certificates, managed identity, federated (secretless) OBO."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msal
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CertificateCredential, ManagedIdentityCredential
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from mock_entra.testing import (
    API_CLIENT_ID,
    MANAGED_IDENTITY_CLIENT_ID,
    SEARCH_RESOURCE,
    TENANT_ID,
    RunningMock,
    Tokens,
    run_mock,
)
from tests.conftest import app_entry, decode, decode_header, write_tenant_file

MI_PRINCIPAL_ID = "40b9f693-6a00-4dc1-8513-6017d4f16669"
TOKEN_EXCHANGE_APP_ID = "fb60f99c-7a34-4190-8149-302f77469936"


def _certificate() -> tuple[str, str, str]:
    """(private key PEM, certificate PEM, SHA-1 thumbprint hex)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mcp-backend")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    der = cert.public_bytes(serialization.Encoding.DER)
    return (
        key_pem,
        cert.public_bytes(serialization.Encoding.PEM).decode(),
        hashlib.sha1(der).hexdigest(),
    )


@pytest.fixture(scope="module")
def cert_mock(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningMock, tuple[str, str, str]]]:
    """A mock whose backend app has a registered certificate."""
    material = _certificate()
    path = tmp_path_factory.mktemp("cert-tenant") / "tenant.yaml"

    def add_certificate(data: dict[str, Any]) -> None:
        app_entry(data, API_CLIENT_ID)["certificates"] = [{"pem": material[1]}]

    with run_mock(config=write_tenant_file(path, add_certificate)) as mock:
        yield mock, material


def _trust(monkeypatch: pytest.MonkeyPatch, mock: RunningMock) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(name, str(mock.ca_bundle))


@pytest.mark.parametrize(
    "credential_shape",
    ["thumbprint (RS256 + x5t)", "public certificate (PS256 + x5t#S256)"],
)
def test_msal_certificate_credential(
    cert_mock: tuple[RunningMock, tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
    credential_shape: str,
) -> None:
    mock, (key_pem, cert_pem, thumbprint) = cert_mock
    _trust(monkeypatch, mock)
    credential: dict[str, str] = {"private_key": key_pem, "thumbprint": thumbprint}
    if credential_shape.startswith("public"):
        credential = {"private_key": key_pem, "public_certificate": cert_pem}
    app = msal.ConfidentialClientApplication(
        API_CLIENT_ID, client_credential=credential, authority=mock.authority(),
        instance_discovery=False,
    )  # fmt: skip
    result = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert "access_token" in result, result
    assert decode(result["access_token"])["appidacr"] == "2"


def test_msal_certificate_credential_with_an_unregistered_key_is_refused(
    cert_mock: tuple[RunningMock, tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    mock, _ = cert_mock
    _trust(monkeypatch, mock)
    other_key, _, other_thumbprint = _certificate()
    app = msal.ConfidentialClientApplication(
        API_CLIENT_ID, client_credential={"private_key": other_key, "thumbprint": other_thumbprint},
        authority=mock.authority(), instance_discovery=False,
    )  # fmt: skip
    result = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert result.get("error") == "invalid_client"
    assert 700027 in result["error_codes"]


def test_azure_identity_certificate_credential_and_obo_with_a_certificate(
    cert_mock: tuple[RunningMock, tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    mock, (key_pem, cert_pem, thumbprint) = cert_mock
    _trust(monkeypatch, mock)
    pem_file = tmp_path / "backend.pem"
    pem_file.write_text(key_pem + cert_pem)
    credential = CertificateCredential(
        TENANT_ID, API_CLIENT_ID, certificate_path=str(pem_file),
        authority=mock.base_url, disable_instance_discovery=True,
    )  # fmt: skip
    assert (
        decode(credential.get_token("https://graph.microsoft.com/.default").token)["appidacr"]
        == "2"
    )
    user_token = Tokens(mock).sign_in("alice")["access_token"]
    app = msal.ConfidentialClientApplication(
        API_CLIENT_ID, client_credential={"private_key": key_pem, "thumbprint": thumbprint},
        authority=mock.authority(), instance_discovery=False,
    )  # fmt: skip
    result = app.acquire_token_on_behalf_of(user_token, [f"{SEARCH_RESOURCE}/.default"])
    claims = decode(result["access_token"])
    assert claims["aud"] == SEARCH_RESOURCE and claims["appidacr"] == "2"


def test_managed_identity_over_the_app_service_protocol(
    mock_entra: RunningMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{mock_entra.base_url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "mock-identity-header")
    credential = ManagedIdentityCredential(client_id=MANAGED_IDENTITY_CLIENT_ID)
    token = credential.get_token("api://AzureADTokenExchange/.default")
    claims = decode(token.token)
    assert claims["aud"] == TOKEN_EXCHANGE_APP_ID
    assert claims["iss"] == mock_entra.issuer_v2()
    assert claims["sub"] == claims["oid"] == MI_PRINCIPAL_ID
    assert claims["azp"] == MANAGED_IDENTITY_CLIENT_ID and claims["idtyp"] == "app"


def test_managed_identity_refuses_a_wrong_identity_header(
    mock_entra: RunningMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{mock_entra.base_url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "not-the-header")
    with pytest.raises(ClientAuthenticationError):
        ManagedIdentityCredential(client_id=MANAGED_IDENTITY_CLIENT_ID).get_token(
            "https://search.azure.com/.default"
        )


def test_managed_identity_over_imds(
    mock_entra: RunningMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", mock_entra.base_url)
    token = ManagedIdentityCredential(client_id=MANAGED_IDENTITY_CLIENT_ID).get_token(
        "https://search.azure.com/.default"
    )
    claims = decode(token.token)
    assert claims["aud"] == SEARCH_RESOURCE and claims["ver"] == "1.0"
    assert claims["appid"] == MANAGED_IDENTITY_CLIENT_ID


def test_the_seeds_secretless_obo_with_a_managed_identity_and_federated_credential(
    mock_entra: RunningMock, entra_tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed's production path, unchanged but for configuration."""
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{mock_entra.base_url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "mock-identity-header")
    identity = ManagedIdentityCredential(client_id=MANAGED_IDENTITY_CLIENT_ID)

    def assertion() -> str:
        return identity.get_token("api://AzureADTokenExchange/.default").token

    app = msal.ConfidentialClientApplication(
        API_CLIENT_ID, client_credential={"client_assertion": assertion},
        authority=mock_entra.authority(), instance_discovery=False,
    )  # fmt: skip
    user_token = entra_tokens.sign_in("bob")["access_token"]
    result = app.acquire_token_on_behalf_of(user_token, [f"{SEARCH_RESOURCE}/.default"])
    assert "access_token" in result, result
    claims = decode(result["access_token"])
    assert claims["upn"] == "bob@contoso.onmicrosoft.com" and claims["appid"] == API_CLIENT_ID
    assert "nonce" not in decode_header(result["access_token"])


def test_a_managed_identity_token_for_another_audience_is_not_a_federated_credential(
    mock_entra: RunningMock, entra_tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{mock_entra.base_url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "mock-identity-header")
    identity = ManagedIdentityCredential(client_id=MANAGED_IDENTITY_CLIENT_ID)
    wrong = identity.get_token("https://graph.microsoft.com/.default").token
    app = msal.ConfidentialClientApplication(
        API_CLIENT_ID, client_credential={"client_assertion": lambda: wrong},
        authority=mock_entra.authority(), instance_discovery=False,
    )  # fmt: skip
    result = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert result.get("error") == "invalid_client", result


def _hand_made_assertion(material: tuple[str, str, str], aud: Any) -> str:
    """A certificate client assertion (RS256 + x5t) built by hand, ``aud`` as given."""
    import base64
    import json
    import time
    import uuid

    from cryptography.hazmat.primitives.asymmetric import padding

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    key_pem, _, sha1_hex = material
    x5t = base64.urlsafe_b64encode(bytes.fromhex(sha1_hex)).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"iss": API_CLIENT_ID, "sub": API_CLIENT_ID, "aud": aud, "exp": now + 300,
              "nbf": now, "jti": str(uuid.uuid4())}  # fmt: skip
    signing_input = f"{part({'alg': 'RS256', 'typ': 'JWT', 'x5t': x5t})}.{part(claims)}"
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


@pytest.mark.parametrize(
    ("audiences", "status", "code"),
    [(["endpoint"], 200, None), (["elsewhere"], 401, 70002),
     (["endpoint", "issuer"], 401, 5002741)],
    ids=["naming it", "not naming it", "two values"],
)  # fmt: skip
def test_a_client_assertion_whose_aud_is_an_array(
    cert_mock: tuple[RunningMock, tuple[str, str, str]],
    audiences: list[str],
    status: int,
    code: int | None,
) -> None:
    """RFC 7519 §4.1.3 allows an array (was a 500); Entra takes one value (zitadel/oidc#887)."""
    mock, material = cert_mock
    values = {"endpoint": mock.token_endpoint(), "elsewhere": "https://elsewhere.example/token",
              "issuer": mock.issuer_v2()}  # fmt: skip
    aud = [values[a] for a in audiences]
    with mock.http() as http:
        answer = http.post(mock.token_endpoint(), data={
            "grant_type": "client_credentials", "client_id": API_CLIENT_ID,
            "scope": f"{SEARCH_RESOURCE}/.default",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": _hand_made_assertion(material, aud),
        })  # fmt: skip
    assert answer.status_code == status, answer.text
    if code is not None:
        assert answer.json()["error_codes"] == [code]


def test_a_client_assertion_of_another_type_is_unexpected(
    cert_mock: tuple[RunningMock, tuple[str, str, str]],
) -> None:
    """Entra: invalid_request AADSTS90011 "Unexpected client assertion type." (ADAL ruby#53)."""
    mock, material = cert_mock
    with mock.http() as http:
        answer = http.post(mock.token_endpoint(), data={
            "grant_type": "client_credentials", "client_id": API_CLIENT_ID,
            "scope": f"{SEARCH_RESOURCE}/.default",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
            "client_assertion": _hand_made_assertion(material, mock.token_endpoint()),
        })  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_request"
    assert answer.json()["error_codes"] == [90011]
    assert "Unexpected client assertion type" in answer.json()["error_description"]
