"""The world a scenario's steps act on: its tenant, its backend and frontend, the names
it saved, the attacker's site, and every change to undo when it ends.

Isolation (ARCHITECTURE: "faults are scoped, no global switch"): a scenario with a
tenant of its own gets a runtime tenant under a fresh id, and every fault, clock
move and key rotation is scoped to it; a backend with scenario settings is started
for the scenario only. Closing the world removes all of it, pass or fail.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from entra_kit import shipped_tenant as shipped
from entra_kit.issuers import issuer_v1, issuer_v2
from mock_entra.scenarios.apps import Apps
from mock_entra.scenarios.attacker import AttackerSite, attacker_key
from mock_entra.scenarios.stack import BackendHandle, Stack, Unsupported
from mock_entra.scenarios.values import Values

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class TenantKeys:
    """What token mutations sign with (:class:`mock_entra.scenarios.mutations.KeySource`)."""

    stack: Stack
    tenant: str

    def trusted_key(self, tenant: str | None = None) -> tuple[str, rsa.RSAPrivateKey]:
        return self.stack.trusted_key(tenant or self.tenant)

    def attacker_key(self) -> rsa.RSAPrivateKey:
        return attacker_key()

    def jwks(self) -> dict[str, Any]:
        with self.stack.http() as client:
            answer: dict[str, Any] = client.get(f"/{self.tenant}/discovery/v2.0/keys").json()
        return answer


class World:
    """One scenario's state; a context manager that undoes its changes on exit."""

    def __init__(self, stack: Stack, label: str, frontend: dict[str, Any] | None = None) -> None:
        self.stack = stack
        self.label = label
        self.tenant = stack.tenant_id
        self.backend: BackendHandle = stack.backend
        self.owns_tenant = False
        self.values = Values(self._names())
        self._frontend_settings = dict(frontend or {})
        self._undo = ExitStack()
        self._clock = 0.0
        self._frontend: Any = None
        self._browsers: dict[str, Any] = {}
        self._last_browser = "browser"
        self._attacker: AttackerSite | None = None
        self.answers: list[str] = []

    def __enter__(self) -> World:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._attacker is not None:
            self._attacker.close()
        self._undo.close()

    # -- set-up -----------------------------------------------------------------------
    def set_up(self, tenant: dict[str, Any] | None, backend: dict[str, Any] | None) -> None:
        """A runtime tenant of its own (``tenant``: its body) and a backend of its own
        (when its settings differ, or the tenant is new); then the scenario's names."""
        if tenant is not None:
            self._own_tenant(tenant)
        if backend is not None or self.owns_tenant:
            values = {"entra_tenant_id": self.tenant, **(backend or {})}
            self.backend = self._undo.enter_context(self.stack.own_backend(values))
        self.values = Values(self._names())

    def _own_tenant(self, body: dict[str, Any]) -> None:
        tid = str(uuid.uuid4())
        body = {**body, "id": tid, "domain": f"scn-{tid[:8]}.onmicrosoft.com"}
        self.stack.admin("PUT", f"/tenants/{tid}", json={**body, "display_name": self.label})
        self._undo.callback(self._quietly, "DELETE", f"/tenants/{tid}")
        self.tenant, self.owns_tenant = tid, True

    def _quietly(self, method: str, path: str) -> None:
        # Already gone (used up, expired): nothing to undo.
        with contextlib.suppress(RuntimeError, Unsupported):
            self.stack.admin(method, path)

    def _names(self) -> dict[str, Any]:
        """The fixed ``${...}`` names: the target's URLs and its apps."""
        mock = self.stack.mock_url
        return {
            "tenant": self.tenant, "other_tenant": shipped.OTHER_TENANT_ID, "mock": mock,
            "authority": f"{mock}/{self.tenant}", "issuer_v1": issuer_v1(self.tenant),
            "issuer_v2": issuer_v2(mock, self.tenant), **self.stack.apps.names(),
            "backend": self.backend.base_url, "mcp_url": self.backend.mcp_url,
            "prm_url": self.backend.prm_url,
        }  # fmt: skip

    # -- the scenario's tenant --------------------------------------------------------
    def add_fault(self, spec: dict[str, Any]) -> None:
        """A fault (admin API) scoped to the scenario's own tenant, removed at the end."""
        if not self.owns_tenant:
            raise ValueError("faults need setup.tenant (scoped to the scenario's own tenant)")
        body = {**self.values.resolve(spec), "tenant": self.tenant}
        created = self.stack.admin("POST", "/faults", json=body).json()
        self._undo.callback(self._quietly, "DELETE", f"/faults/{created['id']}")

    @contextmanager
    def token_fault(self, body: dict[str, Any]) -> Iterator[None]:
        """A token fault (``claims_fault``) for one request, on whatever tenant it names: it
        is scoped to one client and user and used once, so it touches no other test."""
        created = self.stack.admin("POST", "/faults", json=body).json()
        try:
            yield
        finally:
            self._quietly("DELETE", f"/faults/{created['id']}")

    def move_clock(self, seconds: float) -> None:
        if not self.owns_tenant:
            raise ValueError("clock moves need setup.tenant (the clock is per tenant)")
        self._clock += seconds
        self.stack.admin(
            "PUT", f"/tenants/{self.tenant}/clock", json={"offset_seconds": self._clock}
        )

    @property
    def apps(self) -> Apps:
        """The registrations this target's scenarios act with."""
        return self.stack.apps

    def keys(self) -> TenantKeys:
        return TenantKeys(self.stack, self.tenant)

    # -- the frontend -----------------------------------------------------------------
    def browser(self, name: str) -> Any:
        """A Flask test client of the scenario's frontend: one per browser name."""
        if self._frontend is None:
            values = {"entra_tenant_id": self.tenant, "backend_url": self.backend.base_url}
            self._frontend = self.stack.frontend_app({**values, **self._frontend_settings})
        if name not in self._browsers:
            self._browsers[name] = self._frontend.test_client()
        self._last_browser = name  # ``signed_in`` checks the browser the step used
        return self._browsers[name]

    def csrf(self, client: Any) -> str:
        """The session's CSRF token, read from a page as a browser would."""
        page = client.get("/chat").get_data(as_text=True)
        found = _CSRF.search(page)
        return found.group(1) if found else ""

    def signed_in(self) -> bool:
        client = self.browser(self._last_browser)
        with client.session_transaction() as session:
            return bool(session.get("_logged_in_user"))

    # -- side channels ----------------------------------------------------------------
    def attacker(self) -> AttackerSite:
        """The attacker's listener (``${attacker}``), started on first use."""
        if self._attacker is None:
            self._attacker = AttackerSite()
            self.values.save("attacker", self._attacker.url)
        return self._attacker

    def attacker_hits(self) -> int:
        return len(self._attacker.hits) if self._attacker else 0

    def _state(self) -> Any:
        if self.backend.state is None:
            raise Unsupported("this check reads the backend's internals (in-process target only)")
        return self.backend.state

    def jwks_fetches(self) -> int:
        return self.stack.jwks_fetches(self.backend, self.tenant)

    def answered(self, status: int | None, challenge: str | None) -> None:
        """Keep what the API answered (the report shows each row's last answer)."""
        self.answers.append(f"{status}" + (f" WWW-Authenticate: {challenge}" if challenge else ""))

    def downstream_received(self, service: str) -> list[str]:
        return list(self._state().fakes[service].received)

    def idp_requests(self, endpoint: str, grant_type: str | None, since: float) -> int:
        """Requests the platform logged for the scenario's tenant since ``since``."""
        log = self.stack.admin("GET", "/requests", params={"tenant": self.tenant, "limit": 1000})
        return sum(
            1 for entry in log.json()["requests"]
            if entry["endpoint"] == endpoint and entry["time"] >= since
            and (grant_type is None or entry["grant_type"] == grant_type)
        )  # fmt: skip
