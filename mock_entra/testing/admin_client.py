"""A client for the admin API over HTTPS, for tests (in-process mocks and served ones).

``RunningMock`` delegates to it; a test that starts ``mock-entra serve`` itself can use
it directly with the base URL and the CA bundle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from mock_entra.admin.access import ADMIN_HEADER


class AdminAPIError(RuntimeError):
    """The admin API refused a request; the message carries its answer."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class AdminClient:
    """The mock's ``/_admin`` API: faults, runtime tenants, keys, clocks, request log, reset."""

    def __init__(self, base_url: str, ca_bundle: Path | str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.ca_bundle = str(ca_bundle)
        # The header makes every request a non-simple one, as the mock requires of
        # state-changing admin requests (mock_entra.admin.access).
        self.headers = {ADMIN_HEADER: "1"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One admin request; the JSON answer (None for 204), AdminAPIError on refusal."""
        with httpx.Client(verify=self.ca_bundle, timeout=30, headers=self.headers) as client:
            response = client.request(method, f"{self.base_url}/_admin{path}", **kwargs)
        if response.status_code >= 400:
            raise AdminAPIError(
                f"{method} /_admin{path}: {response.status_code} {response.text}",
                response.status_code,
            )
        return None if response.status_code == 204 else response.json()

    def _gone_ok(self, method: str, path: str) -> None:
        """Clean-up call: 404 means it went already (ttl expired, or a reset)."""
        try:
            self.call(method, path)
        except AdminAPIError as exc:
            if exc.status != 404:
                raise

    # -- faults --------------------------------------------------------------------------
    def add_fault(self, **match_and_effect: Any) -> dict[str, Any]:
        fault: dict[str, Any] = self.call("POST", "/faults", json=match_and_effect)
        return fault

    def get_fault(self, fault_id: str) -> dict[str, Any]:
        fault: dict[str, Any] = self.call("GET", f"/faults/{fault_id}")
        return fault

    def delete_fault(self, fault_id: str) -> None:
        self.call("DELETE", f"/faults/{fault_id}")

    @contextmanager
    def fault(self, **match_and_effect: Any) -> Iterator[dict[str, Any]]:
        """A fault for the duration of the block (``with mock.fault(tenant=..., effect=...)``)."""
        fault = self.add_fault(**match_and_effect)
        try:
            yield fault
        finally:
            self._gone_ok("DELETE", f"/faults/{fault['id']}")

    # -- tenants, keys, clocks -----------------------------------------------------------
    @contextmanager
    def runtime_tenant(self, tenant: dict[str, Any]) -> Iterator[str]:
        """A tenant of the test's own (tenant-YAML schema) for the block; yields its id."""
        tenant_id = str(tenant["id"])
        self.call("PUT", f"/tenants/{tenant_id}", json=tenant)
        try:
            yield tenant_id
        finally:
            self._gone_ok("DELETE", f"/tenants/{tenant_id}")

    def rotate_keys(self, tenant: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.call("POST", f"/tenants/{tenant}/keys/rotate")
        return answer

    def publish_next_key(self, tenant: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.call("POST", f"/tenants/{tenant}/keys/publish-next")
        return answer

    def revoke_sign_in_sessions(self, tenant: str, user: str) -> dict[str, Any]:
        """Graph's ``revokeSignInSessions``: the user's refresh tokens and sessions end."""
        answer: dict[str, Any] = self.call(
            "POST", f"/tenants/{tenant}/users/{user}/revokeSignInSessions"
        )
        return answer

    def set_clock(self, tenant: str, offset_seconds: float) -> None:
        self.call("PUT", f"/tenants/{tenant}/clock", json={"offset_seconds": offset_seconds})

    @contextmanager
    def tenant_clock(self, tenant: str, offset_seconds: float) -> Iterator[None]:
        """Move one tenant's clock for the block (works for served, multi-worker mocks)."""
        self.set_clock(tenant, offset_seconds)
        try:
            yield
        finally:
            self.set_clock(tenant, 0)

    # -- log and reset -------------------------------------------------------------------
    def requests(
        self, tenant: str | None = None, client_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit}
        if tenant:
            params["tenant"] = tenant
        if client_id:
            params["client_id"] = client_id
        entries: list[dict[str, Any]] = self.call("GET", "/requests", params=params)["requests"]
        return entries

    def reset(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.call("POST", "/reset")
        return answer
