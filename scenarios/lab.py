"""The lab's in-process target: the mock over real HTTPS and the backend over real HTTP in
this process's threads, and the Flask frontend as a test client (``make test``).

It lives with the lab, not in the installable runner (:mod:`mock_entra.scenarios`),
because it starts the lab's own backend and frontend.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from entra_kit.trust import trusting
from mock_entra.scenarios.stack import BackendHandle, RunningStack, Stack


class InProcessStack(Stack):
    """Mock over real HTTPS and the backend over real HTTP, in this process's threads."""

    kind = "inprocess"

    def __init__(self) -> None:
        from backend.testing import backend_settings_for, run_backend
        from mock_entra.testing import run_mock

        self._exit = ExitStack()
        self._tmp = Path(tempfile.mkdtemp(prefix="scenarios-"))
        self.mock = self._exit.enter_context(run_mock(self._tmp / "mock"))
        self.mock_url = self.mock.base_url
        self.ca_bundle = str(self.mock.ca_bundle)
        self.tenant_id = self.mock.tenant_id
        self._trust()
        self._settings_for = backend_settings_for
        self._run_backend = run_backend
        running = self._exit.enter_context(run_backend(backend_settings_for(self.mock)))
        self.backend = BackendHandle(running.base_url, running.state)

    def _trust(self) -> None:
        # requests (inside MSAL) reads these and they win over MSAL's verify= (LIBRARY-FACTS).
        if self.ca_bundle:
            self._exit.enter_context(trusting(self.ca_bundle))

    def trusted_key(self, tenant: str) -> tuple[str, rsa.RSAPrivateKey]:
        ctx = self.mock.ctx
        key = ctx.ring(ctx.tenant(tenant).id).signing_key(ctx.now())
        return key.kid, key.private_key

    @contextmanager
    def own_backend(self, values: dict[str, Any]) -> Iterator[BackendHandle]:
        with self._run_backend(self._settings_for(self.mock, **values)) as running:
            yield BackendHandle(running.base_url, running.state)

    def frontend_app(self, values: dict[str, Any]) -> Any:
        from frontend.app import create_app
        from frontend.settings import FrontendSettings

        settings: dict[str, Any] = {
            "entra_authority_host": self.mock_url,
            "entra_tenant_id": self.tenant_id,
            "entra_ca_bundle": self.ca_bundle,
            "frontend_session_dir": Path(tempfile.mkdtemp(dir=self._tmp, prefix="sessions-")),
            "frontend_secret_key": "scenario-secret-key",
            "backend_url": self.backend.base_url,
            **values,
        }
        return create_app(FrontendSettings(_env_file=None, **settings))  # type: ignore[call-arg]

    def close(self) -> None:
        self._exit.close()


def make_stack(target: str) -> Stack:
    if target == "inprocess":
        return InProcessStack()
    if target in ("running", "entra"):
        return RunningStack()
    raise ValueError(f"unknown target {target!r}: inprocess, running or entra")


_stack: Stack | None = None


def shared_stack() -> Stack:
    """The worker's stack (``SCENARIOS_TARGET``, in-process by default), started once."""
    global _stack
    if _stack is None:
        _stack = make_stack(os.environ.get("SCENARIOS_TARGET", "inprocess"))
    return _stack


def close_stack() -> None:
    global _stack
    if _stack is not None:
        _stack.close()
        _stack = None
