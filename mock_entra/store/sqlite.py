"""The SQLite engine: state that outlives a request, shared by every worker process.

One file in the state directory (WAL mode, a connection per thread), one table of
JSON values under (kind, key) with an expiry. ``consume`` is the one-time-use
primitive (auth codes): it flips ``used`` atomically, so a code redeemed by two
workers at once succeeds exactly once, and a replay can be told apart from an
unknown code. The operations are those of :class:`mock_entra.store.engine.Store`.
"""

from __future__ import annotations

import fcntl
import json
import mmap
import os
import sqlite3
import struct
import threading
from pathlib import Path
from typing import Any

from mock_entra.store.engine import Consumed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS items_expires ON items (expires);
CREATE TABLE IF NOT EXISTS generations (
    name TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);
"""


class _ChangeEpoch:
    """One 8-byte counter in a shared memory-mapped file beside the database, moved on
    by every ``advance`` (under a file lock) after its SQLite commit.

    A worker reads it with one memory load instead of a SQLite query: reading the
    counters was 16% of a discovery request and 3% of a token request (py-spy,
    docs/PERFORMANCE.md). It is only a hint: while it has not moved, the counters a
    reader last read from SQLite are still current; once it moved, the reader asks
    SQLite again. A torn or racing read can only make it ask once more.
    """

    _FORMAT = struct.Struct("<Q")

    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < mmap.PAGESIZE:
                os.ftruncate(fd, mmap.PAGESIZE)  # zeros: epoch 0
            self._map = mmap.mmap(fd, mmap.PAGESIZE, mmap.MAP_SHARED)
        finally:
            os.close(fd)
        self._lock_path = path

    def read(self) -> int:
        return int(self._FORMAT.unpack_from(self._map)[0])

    def move(self) -> None:
        with open(self._lock_path, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._FORMAT.pack_into(self._map, 0, self.read() + 1)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript(_SCHEMA)
        self._epoch = _ChangeEpoch(path.with_name(path.name + ".changes"))
        # name -> (epoch read before the query, the counter it returned)
        self._generations: dict[str, tuple[int, int]] = {}

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def put(self, kind: str, key: str, value: dict[str, Any], expires: float) -> None:
        self._conn().execute(
            "INSERT OR REPLACE INTO items (kind, key, value, expires, used) VALUES (?,?,?,?,0)",
            (kind, key, json.dumps(value), expires),
        )

    def put_many(self, kind: str, rows: list[tuple[str, dict[str, Any], float]]) -> None:
        """Several (key, value, expires) in one transaction: one lock, one WAL commit."""
        conn = self._conn()
        with conn:  # a transaction even in autocommit mode: BEGIN ... COMMIT
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT OR REPLACE INTO items (kind, key, value, expires, used) VALUES (?,?,?,?,0)",
                [(kind, key, json.dumps(value), expires) for key, value, expires in rows],
            )

    def get(self, kind: str, key: str, now: float) -> dict[str, Any] | None:
        row = (
            self._conn()
            .execute(
                "SELECT value FROM items WHERE kind=? AND key=? AND expires>? AND used=0",
                (kind, key, now),
            )
            .fetchone()
        )
        return json.loads(row[0]) if row else None

    def consume(self, kind: str, key: str, now: float) -> Consumed:
        conn = self._conn()
        row = conn.execute(
            "UPDATE items SET used=1 WHERE kind=? AND key=? AND used=0 AND expires>? "
            "RETURNING value",
            (kind, key, now),
        ).fetchone()
        if row:
            return Consumed(json.loads(row[0]))
        seen = conn.execute(
            "SELECT value, used FROM items WHERE kind=? AND key=?", (kind, key)
        ).fetchone()
        if seen and seen[1]:
            return Consumed(json.loads(seen[0]), replayed=True)
        return Consumed(None)

    def peek(self, kind: str, key: str) -> dict[str, Any] | None:
        """The value whatever its state, live, expired or used (to tell 'expired' from 'unknown')."""
        row = (
            self._conn()
            .execute("SELECT value FROM items WHERE kind=? AND key=?", (kind, key))
            .fetchone()
        )
        return json.loads(row[0]) if row else None

    def delete(self, kind: str, key: str) -> None:
        self._conn().execute("DELETE FROM items WHERE kind=? AND key=?", (kind, key))

    def items(self, kind: str, now: float) -> list[tuple[str, dict[str, Any]]]:
        rows = (
            self._conn()
            .execute(
                "SELECT key, value FROM items WHERE kind=? AND expires>? AND used=0", (kind, now)
            )
            .fetchall()
        )
        return [(k, json.loads(v)) for k, v in rows]

    def update_where(self, kind: str, field: str, match: str, patch: dict[str, Any]) -> int:
        """Patch every value of ``kind`` whose ``field`` equals ``match`` (e.g. revoke a family)."""
        conn = self._conn()
        changed = 0
        rows = conn.execute(
            "SELECT key, value FROM items WHERE kind=? AND json_extract(value, ?)=?",
            (kind, f"$.{field}", match),
        ).fetchall()
        for key, raw in rows:
            conn.execute(
                "UPDATE items SET value=? WHERE kind=? AND key=?",
                (json.dumps({**json.loads(raw), **patch}), kind, key),
            )
            changed += 1
        return changed

    def take(self, kind: str, key: str, now: float) -> dict[str, Any] | None:
        """Spend one use of a counted item, atomically across workers (admin faults).

        ``remaining`` in the value is the uses left (null: unlimited) and ``hits`` counts
        uses; None when the item is unknown, expired or used up.
        """
        row = (
            self._conn()
            .execute(
                "UPDATE items SET value=json_set(value, '$.hits', "
                "coalesce(json_extract(value, '$.hits'), 0) + 1, '$.remaining', "
                "json_extract(value, '$.remaining') - 1) "
                "WHERE kind=? AND key=? AND expires>? AND used=0 "
                "AND coalesce(json_extract(value, '$.remaining'), 1) > 0 RETURNING value",
                (kind, key, now),
            )
            .fetchone()
        )
        return json.loads(row[0]) if row else None

    def latest(
        self, kind: str, now: float, limit: int, where: dict[str, str] | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """Live items of ``kind``, highest key first, whose fields equal ``where``."""
        sql = "SELECT key, value FROM items WHERE kind=? AND expires>? AND used=0"
        args: list[Any] = [kind, now]
        for name, value in (where or {}).items():
            sql += " AND json_extract(value, ?)=?"
            args += [f"$.{name}", value]
        sql += " ORDER BY key DESC LIMIT ?"
        rows = self._conn().execute(sql, (*args, limit)).fetchall()
        return [(k, json.loads(v)) for k, v in rows]

    def delete_kind(self, kind: str, *, expired_at: float | None = None) -> int:
        """Delete every item of ``kind`` (or only those expired at ``expired_at``)."""
        if expired_at is None:
            cur = self._conn().execute("DELETE FROM items WHERE kind=?", (kind,))
        else:
            cur = self._conn().execute(
                "DELETE FROM items WHERE kind=? AND expires<=?", (kind, expired_at)
            )
        return cur.rowcount

    def close(self) -> None:
        """Close this thread's connection (SQLite connections must not cross a fork)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def generation(self, name: str) -> int:
        """The counter, from SQLite only when some counter moved since it was last read."""
        epoch = self._epoch.read()  # before the query: a later advance moves it on
        cached = self._generations.get(name)
        if cached is not None and cached[0] == epoch:
            return cached[1]
        row = self._conn().execute("SELECT n FROM generations WHERE name=?", (name,)).fetchone()
        value = int(row[0]) if row else 0
        self._generations[name] = (epoch, value)
        return value

    def advance(self, name: str) -> int:
        # fetchall, not fetchone: the statement runs to its end, so the autocommit
        # transaction is committed before the epoch moves (a reader that sees the move
        # must find the new counter).
        (row,) = (
            self._conn()
            .execute(
                "INSERT INTO generations (name, n) VALUES (?, 1) "
                "ON CONFLICT(name) DO UPDATE SET n=n+1 RETURNING n",
                (name,),
            )
            .fetchall()
        )
        self._epoch.move()
        return int(row[0])
