"""Target descriptions: what they must say, what they default to, and one line when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mock_entra.scenarios.target import TargetFileError, load_target
from mock_entra.testing import API_SCOPE, TENANT_ID, WEB_CLIENT_ID

OTHER = "0e4f5b50-3c9f-4d21-9d0e-8b3c4c3a1f00"


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "target.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_target_on_the_shipped_tenant_needs_only_its_url_and_registration(tmp_path: Path) -> None:
    app = {
        "client_id": "fe5f360b-4f1f-4029-b90b-f832bcb0412c",
        "token_version": 1,
        "tenant": TENANT_ID,
    }
    target = load_target(_write(tmp_path, {"base_url": "http://127.0.0.1:9", "app": app,
                                           "mock": {"ca_bundle": "tls/ca.pem"}}))  # fmt: skip
    apps = target.apps()
    assert apps.api_scope == API_SCOPE and apps.web_client_id == WEB_CLIENT_ID
    assert apps.daemon_client_id is not None and apps.api_secret is None
    assert target.requests[0].label == "GET /" and target.mcp is None
    assert target.mock.ca_bundle == (tmp_path / "tls" / "ca.pem").resolve()


def test_an_own_tenant_must_name_the_client_that_signs_users_in(tmp_path: Path) -> None:
    app = {"client_id": "c", "token_version": 2, "tenant": OTHER}
    path = _write(tmp_path, {"base_url": "http://x", "app": app, "mcp": True})
    with pytest.raises(TargetFileError) as caught:
        load_target(path)
    assert (
        str(caught.value)
        == f"{path}: <root>: client: needed (the app that signs users in for your API)"
    )


def test_mcp_true_is_the_default_mcp_endpoint(tmp_path: Path) -> None:
    app = {"client_id": "c", "token_version": 2, "tenant": OTHER, "app_id_uri": "api://my"}
    client = {"client_id": "w", "client_secret": "s", "redirect_uri": "http://localhost/cb"}
    target = load_target(_write(tmp_path, {"base_url": "http://x", "app": app, "client": client,
                                           "mcp": True}))  # fmt: skip
    assert target.mcp is not None and target.mcp.path == "/mcp"
    assert target.apps().api_scope == "api://my/access_as_user"
    assert target.apps().daemon_client_id is None


def test_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(TargetFileError, match=r"missing\.yaml: cannot read"):
        load_target(path)
