"""Group overage: past 200 groups a JWT carries ``_claim_names``/``_claim_sources``, and the
fake Graph answers the lookup an app then makes (``getMemberObjects``), with real MSAL.

access-token-claims-reference, "Groups overage claim": "If a user is a member of more
groups than the overage limit (150 for SAML tokens, 200 for JWT tokens ...), then Microsoft
Entra ID doesn't emit the groups claim in the token. Instead, it includes an overage claim".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backend.auth import JwksCache
from entra_kit.serve import serve_in_thread
from fake_downstream.mount import create_fakes
from mock_entra.testing import (
    API_CLIENT_ID,
    GRAPH_RESOURCE,
    WEB_CLIENT_ID,
    RunningMock,
    Tokens,
    run_mock,
)
from tests.conftest import app_entry, decode, write_tenant_file

MANY = 201  # one past the JWT limit
GROUP_READ = f"{GRAPH_RESOURCE}/GroupMember.Read.All"


def _many_groups(data: dict[str, Any]) -> None:
    contoso = data["tenants"][0]
    extra = [{"id": str(uuid.uuid4()), "name": f"Team {n}"} for n in range(MANY - 1)]
    contoso["groups"] += extra
    alice = next(u for u in contoso["users"] if u["upn"].startswith("alice@"))
    alice["groups"] += [g["name"] for g in extra]  # Engineering + 200 = 201
    app_entry(data, API_CLIENT_ID)["group_membership_claims"] = "SecurityGroup"
    graph = app_entry(data, "00000003-0000-0000-c000-000000000000")
    graph["scopes"].append({"value": "GroupMember.Read.All", "id": str(uuid.uuid4())})
    contoso["consent_grants"].append(
        {"client": WEB_CLIENT_ID, "resource": GRAPH_RESOURCE, "scopes": ["GroupMember.Read.All"]}
    )
    next(r for r in app_entry(data, WEB_CLIENT_ID)["required_resource_access"]
         if r["resource"] == GRAPH_RESOURCE)["scopes"].append("GroupMember.Read.All")  # fmt: skip


@pytest.fixture(scope="module")
def tenant_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tenant_file(tmp_path_factory.mktemp("overage") / "t.yaml", _many_groups)


@pytest.fixture(scope="module")
def mock(tenant_file: Path) -> Iterator[RunningMock]:
    with run_mock(tenant_file.parent / "state", config=tenant_file) as running:
        yield running


@pytest.fixture(scope="module")
def graph_url(mock: RunningMock, tenant_file: Path) -> Iterator[str]:
    """The fake Graph, reading the same tenant file (its groups) as the mock."""
    fakes = create_fakes(
        tenants=[mock.tenant_id], authority_host=mock.base_url,
        keys=JwksCache(mock.base_url, str(mock.ca_bundle)), leeway=60, directory_file=tenant_file,
    )  # fmt: skip
    with serve_in_thread(Starlette(routes=fakes.routes), name="fakes") as url:
        yield f"{url}/fake/graph/v1.0"


def test_past_200_groups_the_token_points_at_graph_and_graph_lists_them(
    mock: RunningMock, graph_url: str
) -> None:
    tokens = Tokens(mock)
    claims = decode(tokens.sign_in("alice")["access_token"])
    assert "groups" not in claims and claims["_claim_names"] == {"groups": "src1"}
    endpoint = claims["_claim_sources"]["src1"]["endpoint"]
    assert endpoint == (
        f"https://graph.windows.net/{mock.tenant_id}/users/{claims['oid']}/getMemberObjects"
    )
    bob = decode(tokens.sign_in("bob")["access_token"])
    assert isinstance(bob["groups"], list) and "_claim_names" not in bob, "under the limit"

    graph = tokens.sign_in("alice", scopes=[GROUP_READ])["access_token"]
    headers = {"Authorization": f"Bearer {graph}"}
    body = {"securityEnabledOnly": True}
    mine = httpx.post(f"{graph_url}/me/getMemberObjects", json=body, headers=headers)
    assert mine.status_code == 200, mine.text
    assert len(mine.json()["value"]) == MANY
    by_id = httpx.post(f"{graph_url}/users/{claims['oid']}/getMemberObjects", json=body,
                       headers=headers)  # fmt: skip
    assert by_id.json()["value"] == mine.json()["value"]


def test_the_lookup_needs_a_group_permission(mock: RunningMock, graph_url: str) -> None:
    token = Tokens(mock).sign_in("alice", scopes=[f"{GRAPH_RESOURCE}/User.Read"])["access_token"]
    answer = httpx.post(
        f"{graph_url}/me/getMemberObjects", json={}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 403, answer.text
