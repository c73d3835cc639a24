"""Hypothesis properties: PKCE round trip, and invariants of every token the mock issues."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entra_kit.jose import pkce_s256
from mock_entra import pkce
from mock_entra.claims import Subject, access_token_claims
from mock_entra.client_auth.credentials import ClientAcr
from mock_entra.context import Context
from mock_entra.testing import RunningMock

UNRESERVED = st.characters(codec="ascii", categories=("Lu", "Ll", "Nd"), include_characters="-._~")
verifiers = st.text(UNRESERVED, min_size=43, max_size=128)


@given(verifiers)
def test_an_s256_challenge_accepts_its_own_verifier(verifier: str) -> None:
    challenge = pkce_s256(verifier)
    assert pkce.valid_syntax(challenge)
    assert pkce.verifier_matches(challenge, "S256", verifier)


@given(verifiers, verifiers)
def test_an_s256_challenge_refuses_any_other_verifier(a: str, b: str) -> None:
    if a != b:
        assert not pkce.verifier_matches(pkce_s256(a), "S256", b)


@given(st.text(max_size=200))
def test_verifiers_outside_the_rfc_syntax_never_match(text: str) -> None:
    if not pkce.valid_syntax(text):
        assert not pkce.verifier_matches(pkce_s256("x" * 43), "S256", text)
        assert not pkce.verifier_matches(text, "plain", text)


def _subjects(ctx: Context) -> st.SearchStrategy[Subject]:
    tenant = ctx.directory.tenants[0]
    resources = [a for a in tenant.applications if a.scopes or a.app_roles]
    clients = tenant.applications

    @st.composite
    def build(draw: st.DrawFn) -> Subject:
        resource = draw(st.sampled_from(resources))
        user = draw(st.one_of(st.none(), st.sampled_from(tenant.users)))
        scopes = (
            tuple(draw(st.lists(st.sampled_from([s.value for s in resource.scopes]), unique=True)))
            if user is not None and resource.scopes else ()
        )  # fmt: skip
        roles = () if user else tuple(r.value for r in resource.app_roles)
        return Subject(
            tenant=tenant,
            client_id=draw(st.sampled_from(clients)).client_id,
            resource=resource,
            user=user,
            scopes=scopes,
            roles=roles,
            client_acr=draw(st.sampled_from(list(ClientAcr))),
        )

    return build()


def _check_invariants(ctx: Context, s: Subject, c: dict[str, Any], now: float) -> None:
    version = s.resource.requested_access_token_version
    assert c["ver"] == ("1.0" if version == 1 else "2.0")
    assert c["iss"] == ctx.issuer_for(s.tenant.id, version)
    assert c["tid"] == s.tenant.id
    assert c["iat"] <= now <= c["exp"] and c["nbf"] <= now
    assert uuid.UUID(c["oid"])
    assert ("appid" in c) == (version == 1) and ("azp" in c) == (version == 2)
    assert c["aud"] == (s.resource.client_id if version == 2 else s.resource.primary_resource_uri)
    # Entra: idtyp "app" in app-only tokens; in user tokens only as an optional claim the
    # API configures with include_user_token (optional-claims-reference), which none does here.
    assert c.get("idtyp") == (None if s.user else "app")
    if s.user is None:
        assert "scp" not in c and c["sub"] == c["oid"]
    else:
        assert c["oid"] == s.user.oid and c["sub"] != c["oid"]
        assert c.get("scp", "") == " ".join(s.scopes)
    assert len(c["uti"]) == 22


def test_every_issued_access_token_keeps_entras_invariants(mock_entra: RunningMock) -> None:
    ctx = mock_entra.ctx

    @settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_subjects(ctx), st.integers(min_value=301, max_value=86400))
    def check(subject: Subject, lifetime: int) -> None:
        now = ctx.now()
        _check_invariants(ctx, subject, access_token_claims(ctx, subject, now, lifetime), now)

    check()
