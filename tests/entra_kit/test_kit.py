"""The shared primitives: base64url, JWT peeks, GUIDs, issuers, settings lines, trust, serving."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
import requests
from pydantic import BaseModel, Field

from entra_kit import ids, issuers
from entra_kit.jose import (
    MalformedJwt,
    b64url_decode,
    b64url_encode,
    json_segment,
    peek_claims,
    peek_jwt,
    pkce_s256,
)
from entra_kit.serve import serve_in_thread
from entra_kit.settings import SettingsError, load_settings
from entra_kit.trust import TRUST_VARIABLES, TrustingSession, trusting


def test_base64url_round_trips_without_padding() -> None:
    for data in (b"", b"a", b"ab", b"abc", bytes(range(256))):
        text = b64url_encode(data)
        assert "=" not in text and "+" not in text and "/" not in text
        assert b64url_decode(text) == data
    with pytest.raises(ValueError):
        b64url_decode("a")  # one leftover character is never base64


def test_pkce_s256_is_rfc7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_peek_reads_header_and_claims_and_refuses_what_is_not_a_jws() -> None:
    token = f"{json_segment({'alg': 'RS256'})}.{json_segment({'aud': 'a'})}.c2ln"
    assert peek_jwt(token) == ({"alg": "RS256"}, {"aud": "a"})
    assert peek_claims(token) == {"aud": "a"}
    for bad in ("a.b", "!!!.e30.x", f"{json_segment({})}.WzFd.x", "a.b.c.d"):
        with pytest.raises(MalformedJwt):
            peek_jwt(bad)
        assert peek_claims(bad) == {}
    assert peek_claims(None) == {} and peek_claims("") == {}


def test_guids_as_entra_writes_them() -> None:
    guid = "b63e68de-d8de-4919-b8c7-175cc63619fc"
    assert ids.is_guid(guid) and not ids.is_guid(guid.upper())
    assert ids.is_guid(guid.upper(), any_case=True)
    assert not ids.is_guid("contoso.onmicrosoft.com") and not ids.is_guid(None)
    assert ids.as_guid(guid.upper()) == guid and ids.as_guid("nope") is None


def test_issuer_templates() -> None:
    tid = "b63e68de-d8de-4919-b8c7-175cc63619fc"
    assert issuers.issuer_v1(tid) == f"https://sts.windows.net/{tid}/"
    assert issuers.issuer_v2("https://login.microsoftonline.com/", tid) == (
        f"https://login.microsoftonline.com/{tid}/v2.0"
    )


class _Settings(BaseModel):
    port: int = Field(default=1, le=65535)


def test_a_bad_setting_stops_with_one_line_naming_it() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings("demo", _Settings, port=70000)
    assert str(caught.value).startswith("demo settings: PORT: ")
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, SystemExit), "uncaught, it ends a command without a traceback"


def test_trusting_sets_and_restores_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with trusting(ca):
        assert all(os.environ[name] == str(ca.resolve()) for name in TRUST_VARIABLES)
    assert os.environ["REQUESTS_CA_BUNDLE"] == "/etc/ssl/certs/ca-certificates.crt"
    assert "SSL_CERT_FILE" not in os.environ


def test_trusting_session_verifies_against_its_bundle_whatever_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "elsewhere.pem"))
    sent: dict[str, object] = {}

    def fake_request(self: requests.Session, method: str, url: str, **kwargs: object) -> str:
        sent.update(kwargs)
        return "answer"

    monkeypatch.setattr(requests.Session, "request", fake_request)
    assert TrustingSession("/the/ca.pem", timeout=3).get("https://idp.example") == "answer"
    assert sent["verify"] == "/the/ca.pem" and sent["timeout"] == 3


async def _hello(scope: dict[str, object], receive: object, send: object) -> None:
    assert scope["type"] in ("http", "lifespan")
    if scope["type"] == "lifespan":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"hello"})  # type: ignore[operator]


def test_serve_in_thread_answers_on_loopback_until_the_block_ends() -> None:
    with serve_in_thread(_hello, name="hello", lifespan="off") as url:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url).text == "hello"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)
