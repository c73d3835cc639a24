"""The engine a mock's settings name: the embedded SQLite file by default, or a Redis server.

``MOCK_ENTRA_STORE=sqlite`` (the default) keeps state in ``<state dir>/state.sqlite3``,
shared by the workers of one ``mock-entra serve``. ``MOCK_ENTRA_STORE=redis://host:port/db``
(or ``rediss://``, ``unix://``) keeps it on a Redis server, shared by every mock
instance pointed at it; ``MOCK_ENTRA_STORE_PREFIX`` separates mocks on one server.
"""

from __future__ import annotations

from pathlib import Path

from mock_entra.settings import MockSettings
from mock_entra.store.engine import Store
from mock_entra.store.sqlite import SqliteStore


def open_store(settings: MockSettings) -> Store:
    """The engine, ready: a Redis server that does not answer fails here, in one line."""
    if settings.store == "sqlite":
        return SqliteStore(Path(settings.state_dir) / "state.sqlite3")
    from mock_entra.store.redis import RedisStore, RedisUnreachable

    try:
        return RedisStore(settings.store, settings.store_prefix)
    except RedisUnreachable as exc:
        raise ValueError(f"store: {exc}") from exc
