"""The admin API cannot be driven from a web page: no simple cross-site requests, no foreign
Origins, and its docs and schema behind the same checks as the API itself (issue 17)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mock_entra.app import create_app
from mock_entra.settings import MockSettings
from mock_entra.testing import TENANT_ID, RunningMock, run_mock

ADMIN = {"X-Mock-Entra-Admin": "1"}


def _asgi_client(tmp_path: Path, client_host: str, **settings: object) -> httpx.AsyncClient:
    app = create_app(MockSettings(state_dir=tmp_path, **settings))
    transport = httpx.ASGITransport(app=app, client=(client_host, 50000))
    return httpx.AsyncClient(transport=transport, base_url="https://127.0.0.1:8443")


@pytest.fixture
def private_mock(tmp_path: Path) -> RunningMock:
    with run_mock(tmp_path) as mock:
        yield mock  # type: ignore[misc]


def _fault_count(mock: RunningMock) -> int:
    return len(mock.admin.call("GET", "/faults")["faults"])


@pytest.mark.parametrize(
    ("content_type", "body"),
    [(None, None), ("text/plain", "{}"), ("application/x-www-form-urlencoded", "a=b")],
    ids=["no body", "text/plain", "a form"],
)
def test_a_simple_cross_site_reset_changes_nothing(
    private_mock: RunningMock, content_type: str | None, body: str | None
) -> None:
    """What a page can make a browser send without a preflight is refused (CSRF)."""
    private_mock.admin.add_fault(tenant=TENANT_ID, effect="html")
    headers = {"Content-Type": content_type} if content_type else {}
    with private_mock.http() as http:
        answer = http.post("/_admin/reset", headers=headers, content=body)
        rotate = http.post(f"/_admin/tenants/{TENANT_ID}/keys/rotate", headers=headers)
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden", answer.text
    assert rotate.status_code == 403
    assert _fault_count(private_mock) == 1, "the refused reset removed nothing"


def test_a_reset_with_the_admin_header_or_a_json_body_goes_through(
    private_mock: RunningMock,
) -> None:
    with private_mock.http() as http:
        private_mock.admin.add_fault(tenant=TENANT_ID, effect="html")
        assert http.post("/_admin/reset", headers=ADMIN).status_code == 200
        private_mock.admin.add_fault(tenant=TENANT_ID, effect="html")
        assert http.post("/_admin/reset", json={}).status_code == 200
    assert _fault_count(private_mock) == 0


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://127.0.0.1:1"], ids=str)
def test_a_foreign_origin_is_refused_even_with_the_admin_header(
    private_mock: RunningMock, origin: str
) -> None:
    private_mock.admin.add_fault(tenant=TENANT_ID, effect="html")
    with private_mock.http() as http:
        reset = http.post("/_admin/reset", headers={**ADMIN, "Origin": origin})
        listed = http.get("/_admin/faults", headers={"Origin": origin})
    assert reset.status_code == 403 and "origin" in reset.json()["error_description"]
    assert listed.status_code == 403
    assert _fault_count(private_mock) == 1


@pytest.mark.parametrize(
    "host", ["rebound.example", "abc123.ngrok-free.app", "127.0.0.1.nip.io", ""], ids=repr
)
def test_without_a_token_a_request_addressed_by_another_name_is_refused(
    private_mock: RunningMock, host: str
) -> None:
    """DNS rebinding: a page whose name now resolves to 127.0.0.1 is same-origin with the
    mock, so a GET carries no Origin; only the Host it addresses gives it away (a tunnel's
    public name too). Protocol endpoints answer any name, as Entra's do."""
    private_mock.admin.add_fault(tenant=TENANT_ID, effect="html")
    port = private_mock.base_url.rsplit(":", 1)[1]
    named = {"Host": f"{host}:{port}" if host else ""}
    with private_mock.http() as http:
        log = http.get("/_admin/requests", headers=named)
        reset = http.post("/_admin/reset", headers={**ADMIN, **named})
        keys = http.get(f"/{TENANT_ID}/discovery/v2.0/keys", headers=named)
    assert log.status_code == 403 and log.json()["error"] == "forbidden", log.text
    assert "MOCK_ENTRA_ADMIN_TOKEN" in log.json()["error_description"]
    assert reset.status_code == 403
    assert _fault_count(private_mock) == 1, "the refused reset removed nothing"
    assert keys.status_code == 200


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST.", "[::1]", "127.0.0.2"])
def test_every_loopback_name_addresses_the_admin_api(private_mock: RunningMock, name: str) -> None:
    port = private_mock.base_url.rsplit(":", 1)[1]
    with private_mock.http() as http:
        answer = http.get("/_admin/faults", headers={"Host": f"{name}:{port}"})
    assert answer.status_code == 200, answer.text


def test_with_the_admin_token_any_name_may_address_it(tmp_path: Path) -> None:
    """A tunnel or a container name works once the caller presents the configured token."""
    with run_mock(tmp_path, admin_token="s3cret-admin") as mock, mock.http() as http:
        tunnel = {"Host": "abc123.ngrok-free.app"}
        refused = http.get("/_admin/faults", headers=tunnel)
        let_in = http.get(
            "/_admin/faults", headers={**tunnel, "Authorization": "Bearer s3cret-admin"}
        )
    assert refused.status_code == 403
    assert let_in.status_code == 200, let_in.text


def test_the_mocks_own_origin_is_let_in(private_mock: RunningMock) -> None:
    """The docs page's "Try it out" sends the mock's own origin (by any loopback name)."""
    port = private_mock.base_url.rsplit(":", 1)[1]
    with private_mock.http() as http:
        for origin in (private_mock.base_url, f"https://localhost:{port}"):
            answer = http.post("/_admin/reset", headers={**ADMIN, "Origin": origin})
            assert answer.status_code == 200, (origin, answer.text)


@pytest.mark.parametrize(
    ("client_host", "token", "presented", "status"),
    [
        ("127.0.0.1", "", None, 200),
        ("10.1.2.3", "", None, 403),
        ("127.0.0.1", "s3cret-admin", None, 403),
        ("10.1.2.3", "s3cret-admin", "s3cret-admin", 200),
    ],
    ids=[
        "loopback, no token configured",
        "remote, no token configured",
        "loopback without the configured token",
        "remote with the configured token",
    ],
)
@pytest.mark.parametrize("path", ["/_admin/docs", "/openapi.json"])
async def test_the_docs_and_schema_pass_the_admin_checks(
    tmp_path: Path, path: str, client_host: str, token: str, presented: str | None, status: int
) -> None:
    headers = {"Authorization": f"Bearer {presented}"} if presented else {}
    async with _asgi_client(tmp_path, client_host, admin_token=token) as client:
        answer = await client.get(path, headers=headers)
    assert answer.status_code == status, answer.text


def test_the_testing_client_presents_the_configured_token(tmp_path: Path) -> None:
    with run_mock(tmp_path, admin_token="s3cret-admin") as mock:
        assert mock.admin.call("GET", "/faults") == {"faults": []}
        with mock.http() as http:
            assert http.get("/_admin/faults").status_code == 403
