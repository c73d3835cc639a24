"""Hypothesis: random mutations of valid tokens are always refused (backend and fake
downstream), and random malformed requests to every mock endpoint get a clean OAuth
error, never a 5xx (RFC 6749 §5.2; OWASP ASVS 5 V9.1 token integrity).

Example counts stay modest: the whole ``make test`` must stay well under 10 minutes.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backend.testing import MCP_HEADERS
from entra_kit import shipped_tenant as shipped
from entra_kit.jose import b64url_decode, b64url_encode
from mock_entra.scenarios.mcp import INITIALIZE
from mock_entra.scenarios.stack import Stack
from mock_entra.testing import Tokens
from scenarios.lab import shared_stack

FEW = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
)


@pytest.fixture(scope="module")
def stack() -> Stack:
    return shared_stack()


@pytest.fixture(scope="module")
def tokens(stack: Stack) -> dict[str, str]:
    tokens = Tokens(stack)
    user = tokens.sign_in("alice", [shipped.API_SCOPE], tenant=stack.tenant_id)
    search = tokens.obo(user["access_token"], f"{shipped.SEARCH_RESOURCE}/.default",
                        shipped.API_CLIENT_ID, shipped.API_CLIENT_SECRET, stack.tenant_id)  # fmt: skip
    return {"api": user["access_token"], "search": search["access_token"]}


@st.composite
def mutation(draw: st.DrawFn, token: str) -> str:
    """One change of the signed bytes: a claim, a header field, signature bytes, or encoding."""
    head, payload, sig = token.split(".")
    kind = draw(st.sampled_from(["claim", "header", "signature", "encoding"]))
    if kind in ("claim", "header"):
        part = json.loads(b64url_decode(payload if kind == "claim" else head))
        key = draw(st.sampled_from([*part, "x-extra"]))
        part[key] = draw(json_values)
        encoded = b64url_encode(json.dumps(part, separators=(",", ":")).encode())
        return f"{head}.{encoded}.{sig}" if kind == "claim" else f"{encoded}.{payload}.{sig}"
    if kind == "signature":
        raw = bytearray(b64url_decode(sig))
        index = draw(st.integers(0, len(raw) - 1))
        raw[index] ^= draw(st.integers(1, 255))
        return f"{head}.{payload}.{b64url_encode(bytes(raw))}"
    # Not the last character: its low bits are padding, so a change there can decode to
    # the same signature bytes (non-canonical base64), which is not a forgery.
    index = draw(st.integers(0, len(token) - 2))
    char = draw(st.sampled_from(list("!*$%=+/ .A-_")))
    return token[:index] + char + token[index + 1 :]


def _accepted_by_backend(stack: Stack, token: str) -> int:
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=20) as client:
        return client.post(stack.backend.mcp_url, json=INITIALIZE, headers=headers).status_code


@FEW
@given(data=st.data())
def test_mutated_user_tokens_are_refused_by_the_backend(
    stack: Stack, tokens: dict[str, str], data: st.DataObject
) -> None:
    forged = data.draw(mutation(tokens["api"]))
    assume(forged != tokens["api"])
    assert _accepted_by_backend(stack, forged) in (401, 403)


@FEW
@given(data=st.data())
def test_mutated_search_tokens_are_refused_by_the_fake_downstream(
    stack: Stack, tokens: dict[str, str], data: st.DataObject
) -> None:
    forged = data.draw(mutation(tokens["search"]))
    assume(forged != tokens["search"])
    url = (
        f"{stack.backend.base_url}/fake/search/indexes/documents/docs/search?api-version=2024-07-01"
    )
    with httpx.Client(timeout=20) as client:
        answer = client.post(
            url, json={"search": "*"}, headers={"Authorization": f"Bearer {forged}"}
        )
    assert answer.status_code in (401, 403)


ENDPOINTS = [
    ("POST", "/{t}/oauth2/v2.0/token"),
    ("POST", "/{t}/oauth2/token"),
    ("GET", "/{t}/oauth2/v2.0/authorize"),
    ("POST", "/{t}/oauth2/v2.0/authorize"),
    ("GET", "/{t}/oauth2/v2.0/logout"),
    ("GET", "/{t}/v2.0/.well-known/openid-configuration"),
    ("GET", "/{t}/discovery/v2.0/keys"),
    ("GET", "/msi/token"),
    ("GET", "/metadata/identity/oauth2/token"),
    ("POST", "/{t}/oauth2/v2.0/devicecode"),
    ("GET", "/devicelogin"),
    ("POST", "/devicelogin"),
    ("POST", "/{t}/deviceauth"),
    ("GET", "/graph/oidc/userinfo"),
    ("POST", "/graph/oidc/userinfo"),
]
names = st.sampled_from([
    "grant_type", "client_id", "client_secret", "code", "redirect_uri", "scope", "assertion",
    "refresh_token", "code_verifier", "response_type", "prompt", "claims", "resource", "state",
    "requested_token_use", "client_assertion", "client_assertion_type", "api-version", "x",
    "otc", "request_id", "decision", "access_token",
])  # fmt: skip
values = st.one_of(
    st.sampled_from(["authorization_code", "client_credentials", "refresh_token", "code",
                     "urn:ietf:params:oauth:grant-type:jwt-bearer", shipped.WEB_CLIENT_ID, "{}", "%"]),
    st.text(max_size=60),
)  # fmt: skip


# What the controls peek at in an Authorization header (UserInfo's Graph token names the
# tenant, app and user a fault is scoped by): nothing, garbage, or an unsigned JWT.
_UNSIGNED = ".".join(
    b64url_encode(json.dumps(part).encode())
    for part in ({"alg": "none"}, {"tid": shipped.TENANT_ID, "appid": "x", "oid": "y" * 300})
)
authorizations = st.one_of(
    st.none(),
    st.sampled_from([f"Bearer {_UNSIGNED}.", "Bearer", "Basic Og==", "Bearer a.b.c"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz.-_ =", max_size=60).map(
        lambda text: f"Bearer {text}".strip()  # a header value cannot end in a space
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    authorization=authorizations,
    params=st.dictionaries(names, values, max_size=6),
    tenant=st.sampled_from(
        ["{tid}", "contoso.onmicrosoft.com", "common", "nowhere.example", "x" * 70]
    ),
)
def test_malformed_requests_to_every_endpoint_never_get_a_5xx(
    stack: Stack,
    endpoint: tuple[str, str],
    authorization: str | None,
    params: dict[str, str],
    tenant: str,
) -> None:
    method, path = endpoint
    url = path.format(t=tenant.format(tid=stack.tenant_id))
    headers = {"Authorization": authorization} if authorization else {}
    with stack.http() as client:
        if method == "POST":
            answer = client.post(url, data=params, headers=headers)
        else:
            answer = client.get(url, params=params, headers=headers)
    assert answer.status_code < 500, (url, answer.status_code, answer.text[:200])
    if answer.status_code >= 400 and "json" in answer.headers.get("content-type", ""):
        body: Any = answer.json()
        assert "error" in body, body
