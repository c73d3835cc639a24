"""Discovery as Entra publishes it: key for key, no extras, every advertised endpoint answers.

``data/entra-v2-openid-configuration.json`` is Entra's v2 document as served at
https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration
(captured by panva/wellknown, ``issuers/entra-common``; MCP-ENTRA.md lists its keys).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_entra.app import create_app
from mock_entra.grants.registry import GRANTS
from mock_entra.settings import MockSettings
from mock_entra.testing import TENANT_ID, RunningMock, Tokens
from tests.conftest import decode

ENTRA_V2 = json.loads(
    (Path(__file__).parent / "data" / "entra-v2-openid-configuration.json").read_text()
)
# Values that are the same in every tenant's document.
CONSTANT = (
    "token_endpoint_auth_methods_supported", "response_modes_supported",
    "subject_types_supported", "id_token_signing_alg_values_supported",
    "response_types_supported", "scopes_supported", "request_uri_parameter_supported",
    "http_logout_supported", "frontchannel_logout_supported", "claims_supported",
    "cloud_instance_name", "cloud_graph_host_name", "msgraph_host", "rbac_url",
)  # fmt: skip


def _document(tmp_path: Path, path: str, **settings: Any) -> dict[str, Any]:
    app = create_app(MockSettings(state_dir=tmp_path, tls=False, **settings))
    with TestClient(app) as client:
        document: dict[str, Any] = client.get(f"/{TENANT_ID}{path}").json()
    return document


def test_the_v2_document_has_entras_keys_and_no_others(tmp_path: Path) -> None:
    mine = _document(tmp_path, "/v2.0/.well-known/openid-configuration")
    assert set(mine) == set(ENTRA_V2)
    assert {k: mine[k] for k in CONSTANT} == {k: ENTRA_V2[k] for k in CONSTANT}


@pytest.mark.parametrize("path", ["/v2.0/.well-known/openid-configuration",
                                  "/.well-known/openid-configuration"])  # fmt: skip
def test_neither_document_advertises_pkce_methods_or_grant_types(tmp_path: Path, path: str) -> None:
    """Entra publishes neither: a strict 2025-11-25 MCP client stops here, against Entra too."""
    mine = _document(tmp_path, path)
    assert not {"code_challenge_methods_supported", "grant_types_supported"} & set(mine)


def test_the_extras_are_there_only_when_asked_for(tmp_path: Path) -> None:
    mine = _document(tmp_path, "/v2.0/.well-known/openid-configuration", discovery_extras=True)
    assert mine["code_challenge_methods_supported"] == ["S256"]
    assert mine["grant_types_supported"] == [g.grant_type for g in GRANTS]


def test_every_endpoint_either_document_names_answers(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        documents = [
            http.get(f"/{TENANT_ID}{p}").json()
            for p in ("/v2.0/.well-known/openid-configuration", "/.well-known/openid-configuration")
        ]
        urls = {
            v
            for d in documents
            for k, v in d.items()
            if k.endswith(("_endpoint", "_uri", "_iframe"))
        }
        assert all(u.startswith(mock_entra.base_url) for u in urls), urls
        for url in sorted(urls):
            answer = http.get(url)
            assert answer.status_code != 404, url
            assert answer.status_code < 500, url


def test_userinfo_answers_for_a_graph_token_with_the_id_tokens_sub(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    # UserInfo has email only for a token whose scopes include ``email`` (the userinfo doc).
    result = entra_tokens.sign_in("alice", scopes=["User.Read", "email"])
    with mock_entra.http() as http:
        userinfo = http.get(
            "/graph/oidc/userinfo", headers={"Authorization": f"Bearer {result['access_token']}"}
        )
        refused = http.get("/graph/oidc/userinfo")
        api = entra_tokens.sign_in("alice")["access_token"]
        wrong = http.get("/graph/oidc/userinfo", headers={"Authorization": f"Bearer {api}"})
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == decode(result["id_token"])["sub"]
    assert userinfo.json()["email"] == "alice@contoso.onmicrosoft.com"
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "InvalidAuthenticationToken"
