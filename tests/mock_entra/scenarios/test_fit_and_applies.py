"""A target's own words for refusals (fit) and which rows a target runs (applies)."""

from __future__ import annotations

import pytest

from mock_entra.scenarios.applies import CAPABILITIES, missing, needs
from mock_entra.scenarios.expect import Expect
from mock_entra.scenarios.fit import fitted
from mock_entra.scenarios.schema import CATALOG, load_scenario

LAB_401 = Expect.model_validate({
    "status": 401,
    "www_authenticate": {"error": "invalid_token", "params": {"resource_metadata": "https://x/prm"}},
})  # fmt: skip


def _fit(expect: Expect, **target: object) -> Expect:
    values = {"invalid_token": 401, "insufficient_scope": 403, "accepts": 200,
              "www_authenticate": "rfc6750", "mcp": False, **target}  # fmt: skip
    return fitted(expect, **values)  # type: ignore[arg-type]


def test_an_mcp_server_owes_the_whole_challenge() -> None:
    assert _fit(LAB_401, mcp=True) == LAB_401


def test_a_plain_api_keeps_the_bearer_error_but_not_the_mcp_metadata() -> None:
    fitted_ = _fit(LAB_401)
    assert fitted_.status == 401 and fitted_.www_authenticate is not None
    assert fitted_.www_authenticate.error == "invalid_token"
    assert fitted_.www_authenticate.params == {}


def test_statuses_become_the_targets_and_nothing_is_added() -> None:
    forbidden = Expect.model_validate({"status": [200, 403]})
    assert _fit(forbidden, insufficient_scope=401, accepts=[200, 204]).status == [200, 204, 401]
    assert _fit(LAB_401, invalid_token=403).status == 403
    bare = Expect.model_validate({"status": 401})
    assert _fit(bare).www_authenticate is None


@pytest.mark.parametrize(("style", "error"), [("bearer", None), ("none", "gone")])
def test_a_target_that_promises_less_is_checked_for_less(style: str, error: str | None) -> None:
    challenge = _fit(LAB_401, www_authenticate=style).www_authenticate
    if error == "gone":
        assert challenge is None
    else:
        assert challenge is not None and challenge.error is None and challenge.scheme == "Bearer"


def _row(name: str) -> object:
    return load_scenario(next(CATALOG.rglob(f"{name}.yaml")))


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("D1-no-token", []),
        ("D13-expired", []),
        ("D3-protected-resource-metadata", ["mcp"]),
        ("D25-jwks-down", ["own_tenant"]),
        ("D21-client-app-not-allow-listed", ["backend_settings"]),
        ("D18-second-tenant-refused", ["tenant_keys"]),
        ("D16-v1-iss-with-v2-ver", ["v1_tokens"]),
        ("A1-redirect-uri-attacker-host", ["platform_only"]),
        ("C2-no-login-started", ["platform_only", "lab_frontend"]),
        ("D20-app-only-token-never-reaches-obo", ["own_tenant", "mcp", "lab_tools"]),
    ],
)
def test_a_row_needs_what_it_does(name: str, wanted: list[str]) -> None:
    assert needs(_row(name)) == wanted


def test_the_reason_names_the_first_missing_need() -> None:
    assert missing(_row("D1-no-token"), frozenset()) is None
    assert missing(_row("A2-unknown-client"), frozenset()) == (
        "does not call the API: it tests the identity platform (authorize)"
    )
    assert missing(_row("A2-unknown-client"), frozenset(CAPABILITIES)) is None
