"""The request log: what each protocol request asked and how it was answered.

Parameters are kept by an allow-list: everything not known to be harmless (codes,
tokens, secrets, assertions, passwords, verifiers, hints that carry tokens) is
replaced by its length before it is stored, so no credential ever reaches the store.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Mapping
from typing import Any

from mock_entra.admin.request_scope import RequestScope
from mock_entra.store.engine import Store

REQUEST = "request"
RETENTION = 3600.0
# Entries past their hour are deleted by the writer thread this often (readers never
# see them anyway: the store returns live entries only).
TRIM_INTERVAL = 30.0
# Other workers' entries reach a reader within about this long.
FLUSH_INTERVAL = 0.05
_MAX_VALUE = 512

# Public by nature: identifiers, URIs, scopes and protocol switches.
SAFE_PARAMS = frozenset(
    {
        "api-version",
        "claims",
        "client_assertion_type",
        "client_id",
        "client_info",
        "code_challenge",
        "code_challenge_method",
        "decision",
        "domain_hint",
        "grant_type",
        "login_hint",
        "max_age",
        "mi_res_id",
        "msi_res_id",
        "nonce",
        "object_id",
        "post_logout_redirect_uri",
        "principal_id",
        "prompt",
        "redirect_uri",
        "requested_token_use",
        "resource",
        "response_mode",
        "response_type",
        "scope",
        "state",
        "username",
    }
)


def redact(params: Mapping[str, str]) -> dict[str, str]:
    """Parameters safe to keep; anything else only by length."""
    return {
        key[:64]: value[:_MAX_VALUE] if key in SAFE_PARAMS else f"<redacted {len(value)} chars>"
        for key, value in params.items()
    }


def auth_scheme(authorization: str | None) -> str | None:
    """Only the scheme of an Authorization header ("Basic", "Bearer") is worth a log line."""
    if not authorization:
        return None
    return authorization.split(" ", 1)[0][:16]


class Journal:
    """Request log entries in the shared store, newest first, for one hour."""

    def __init__(self, store: Store, clock: Any) -> None:
        self.store = store
        self.clock = clock
        self._counter = itertools.count()
        # Entries are written in batches by a background thread: one SQLite transaction
        # per batch instead of one per request keeps the log off the hot path and the
        # workers from queueing behind each other's write lock.
        self._pending: list[tuple[str, dict[str, Any], float]] = []
        self._lock = threading.Lock()
        # Held from taking a batch until it is written: a reader's flush then waits for a
        # batch the background thread has taken but not yet committed, instead of reading
        # the log without it.
        self._writing = threading.Lock()
        self._flusher: threading.Thread | None = None

    def record(
        self,
        req: RequestScope,
        *,
        method: str,
        path: str,
        params: Mapping[str, str],
        authorization: str | None,
        status: int,
        started: float,
        error: Mapping[str, Any] | None,
    ) -> None:
        now = self.clock()
        n = next(self._counter)
        pid = os.getpid()
        # time first, so keys sort by time across workers; pid and counter keep them unique.
        key = f"{time.time_ns():020d}-{pid}-{n}"
        entry: dict[str, Any] = {
            "id": key,
            "time": now,
            "worker": pid,
            "method": method,
            "path": path[:512],
            "endpoint": req.endpoint,
            "tenant": req.tenant_id,
            "client_id": req.client_id,
            "user": sorted(req.user_keys) if req.user_keys else [],
            "grant_type": req.grant_type,
            "params": redact(params),
            "auth_scheme": auth_scheme(authorization),
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "faults": sorted(req.applied) if req.applied else [],
            "clock_offset": req.clock_offset,
        }
        if error:
            entry["error"] = {
                k: error[k] for k in ("error", "error_codes", "suberror") if k in error
            }
        with self._lock:
            self._pending.append((key, entry, now + RETENTION))
            if self._flusher is None:
                self._flusher = threading.Thread(
                    target=self._flush_forever, daemon=True, name="mock-entra-journal"
                )
                self._flusher.start()

    def flush(self) -> None:
        """Write what this process has logged so far (a batch in flight included)."""
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
            if batch:
                self.store.put_many(REQUEST, batch)

    def _flush_forever(self) -> None:
        """The writer thread: batches every ``FLUSH_INTERVAL``, the expired trimmed now and then
        (off the request path: a trim scans the log)."""
        trimmed = time.monotonic()
        while True:
            time.sleep(FLUSH_INTERVAL)
            self.flush()
            if time.monotonic() - trimmed >= TRIM_INTERVAL:
                trimmed = time.monotonic()
                self.store.delete_kind(REQUEST, expired_at=self.clock())

    def latest(
        self, *, tenant: str | None, client_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        self.flush()
        where = {"tenant": tenant} if tenant else {}
        if client_id:
            where["client_id"] = client_id.lower()
        return [v for _, v in self.store.latest(REQUEST, self.clock(), limit, where)]
