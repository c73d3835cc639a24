"""Property: any single mutation of a valid token's aud, iss, tid, exp, nbf, scp, alg, kid
or signature is rejected (scp: 403 insufficient_scope; everything else: 401).

Claim mutations are re-signed with the tenant's real key, so only the mutated claim
is wrong; header and signature mutations keep the original signature.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.testing import RunningBackend
from entra_kit.jose import b64url_decode, b64url_encode, json_segment, peek_jwt
from mock_entra.testing import API_APP_ID_URI, API_CLIENT_ID, TENANT_ID
from tests.backend.conftest import probe

LEEWAY = 60


def _with_header(token: str, **edits: Any) -> str:
    header, _ = peek_jwt(token)
    _, payload, signature = token.split(".")
    head = json_segment({**header, **edits})
    return f"{head}.{payload}.{signature}"


def _flip(token: str, position: int, bit: int) -> str:
    head, payload, signature = token.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[position % len(raw)] ^= 1 << bit
    return f"{head}.{payload}.{b64url_encode(bytes(raw))}"


def _not_in(*values: str) -> st.SearchStrategy[str]:
    return st.text(min_size=0, max_size=60).filter(lambda v: v not in values)


guids = st.uuids().map(str).filter(lambda g: g != TENANT_ID)
mutations = st.one_of(
    st.tuples(st.just("aud"), _not_in(API_APP_ID_URI, API_CLIENT_ID)),
    st.tuples(st.just("iss"), _not_in(f"https://sts.windows.net/{TENANT_ID}/")),
    st.tuples(st.just("tid"), st.one_of(guids, st.text(max_size=40))),
    st.tuples(st.just("exp"), st.integers(min_value=0, max_value=LEEWAY + 3600)),  # seconds ago
    st.tuples(st.just("nbf"), st.integers(min_value=LEEWAY + 5, max_value=10**8)),  # ahead
    st.tuples(
        st.just("scp"),
        st.lists(st.sampled_from(["User.Read", "openid", "x", "ACCESS_AS_USER", "access"])).map(
            " ".join
        ),
    ),
    st.tuples(st.just("alg"), _not_in("RS256")),
    st.tuples(st.just("kid"), st.text(min_size=1, max_size=60)),
    st.tuples(st.just("signature"), st.tuples(st.integers(0, 255), st.integers(0, 7))),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutation=mutations)
def test_any_single_mutation_is_rejected(
    backend: RunningBackend, alice: str, resign: Callable[..., str], mutation: tuple[str, Any]
) -> None:
    field, value = mutation
    now = int(time.time())
    if field == "exp":
        token = resign(alice, exp=now - LEEWAY - 1 - value)
    elif field == "nbf":
        token = resign(alice, nbf=now + value)
    elif field in ("aud", "iss", "tid", "scp"):
        token = resign(alice, **{field: value})
    elif field == "alg":
        token = _with_header(alice, alg=value)
    elif field == "kid":
        header, _ = peek_jwt(alice)
        token = _with_header(alice, kid=value if value != header["kid"] else value + "x")
    else:
        token = _flip(alice, *value)
    response = probe(backend.mcp_url, token)
    expected = 403 if field == "scp" else 401
    assert response.status_code == expected, (field, value, response.text)


def test_the_unmutated_token_is_accepted(
    backend: RunningBackend, alice: str, resign: Callable[..., str]
) -> None:
    """Guards the property: the re-signing itself does not break tokens."""
    assert probe(backend.mcp_url, resign(alice)).status_code == 200
