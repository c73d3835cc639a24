"""Grants and client-authentication methods declare themselves; the endpoint only looks up."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_entra.client_auth.methods import METHODS
from mock_entra.context import Context
from mock_entra.controls import NoControls
from mock_entra.errors import OAuthError
from mock_entra.grants.registry import GRANTS, grant_for
from mock_entra.grants.request import token_parameters
from mock_entra.settings import MockSettings
from mock_entra.tenant import load_directory


def test_only_the_code_refresh_and_device_code_grants_take_public_clients() -> None:
    public = {g.grant_type for g in GRANTS if g.public_clients}
    assert public == {
        "authorization_code",
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:device_code",
    }


@pytest.mark.parametrize(
    ("grant_type", "aadsts"), [(None, 900144), ("", 900144), ("password", 70003)]
)
def test_a_missing_or_unknown_grant_type_is_refused(grant_type: str | None, aadsts: int) -> None:
    with pytest.raises(OAuthError) as caught:
        grant_for(grant_type)
    assert caught.value.aadsts == aadsts


def test_the_client_authentication_methods_are_tried_in_entras_order() -> None:
    assert [m.name for m in METHODS] == [
        "client_secret_post",
        "client_secret_basic",
        "federated_credential",
        "private_key_jwt",
        "none",
    ]


def test_the_v1_resource_becomes_its_default_scope_unless_a_scope_is_sent() -> None:
    assert token_parameters({"resource": "api://x/"}, v1=True)["scope"] == "api://x/.default"
    assert token_parameters({"resource": "api://x", "scope": "s"}, v1=True)["scope"] == "s"
    assert "scope" not in token_parameters({"resource": "api://x"}, v1=False)


def test_without_controls_time_is_the_clock_and_tenants_are_the_shipped_ones(
    tmp_path: Path,
) -> None:
    ctx = Context.create(MockSettings(state_dir=tmp_path), load_directory(), clock=lambda: 42.0)
    assert isinstance(ctx.controls, NoControls)
    assert ctx.now() == 42.0
    assert ctx.all_tenants() == ctx.directory.tenants
    with pytest.raises(OAuthError) as caught:
        ctx.tenant("11111111-2222-4333-8444-555555555555")
    assert caught.value.aadsts == 90002
