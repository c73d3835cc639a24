"""Both engines keep the ``Store`` contract: the same operations, the same answers.

Every test runs against the SQLite file and against a real Redis server on loopback.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from pathlib import Path

import pytest

from entra_kit.serve import free_loopback_port
from mock_entra.settings import MockSettings
from mock_entra.store.choose import open_store
from mock_entra.store.engine import Consumed, Store
from mock_entra.store.redis import RedisStore
from mock_entra.store.sqlite import SqliteStore

NOW = 1_700_000_000.0


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return SqliteStore(tmp_path / "state.sqlite3")
    url: str = request.getfixturevalue("redis_url")
    return RedisStore(url, prefix=f"test-{uuid.uuid4().hex}")


def test_a_value_is_live_until_it_expires_and_peek_sees_it_after(store: Store) -> None:
    store.put("code", "k", {"a": 1, "b": [1, 2], "c": None}, NOW + 10)
    assert store.get("code", "k", NOW) == {"a": 1, "b": [1, 2], "c": None}
    assert store.get("code", "k", NOW + 10) is None
    assert store.peek("code", "k") == {"a": 1, "b": [1, 2], "c": None}
    assert store.get("code", "other", NOW) is None and store.peek("code", "other") is None
    store.delete("code", "k")
    assert store.peek("code", "k") is None


def test_consume_is_once_then_a_replay_and_never_for_an_expired_value(store: Store) -> None:
    store.put("code", "k", {"x": "y"}, NOW + 10)
    assert store.consume("code", "k", NOW) == Consumed({"x": "y"})
    assert store.consume("code", "k", NOW) == Consumed({"x": "y"}, replayed=True)
    assert store.get("code", "k", NOW) is None
    store.put("code", "old", {"x": "y"}, NOW)
    assert store.consume("code", "old", NOW) == Consumed(None)
    assert store.consume("code", "never", NOW) == Consumed(None)
    store.put("code", "k", {"x": "z"}, NOW + 10)  # replaced: unused again
    assert store.get("code", "k", NOW) == {"x": "z"}


def test_consume_succeeds_exactly_once_under_concurrency(store: Store) -> None:
    store.put("code", "race", {"v": 1}, NOW + 60)
    results: list[Consumed] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.consume("code", "race", NOW)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(1 for r in results if r.value is not None and not r.replayed) == 1


def test_take_spends_counted_uses_and_counts_hits(store: Store) -> None:
    store.put("fault", "f", {"id": "f", "remaining": 2, "hits": 0}, NOW + 60)
    first = store.take("fault", "f", NOW)
    assert first is not None and first["remaining"] == 1 and first["hits"] == 1
    second = store.take("fault", "f", NOW)
    assert second is not None and second["remaining"] == 0 and second["hits"] == 2
    assert store.take("fault", "f", NOW) is None
    assert store.get("fault", "f", NOW) == {"id": "f", "remaining": 0, "hits": 2}
    store.put("fault", "free", {"id": "free", "remaining": None, "hits": 0}, NOW + 60)
    for hits in range(1, 4):
        assert store.take("fault", "free", NOW) == {"id": "free", "remaining": None, "hits": hits}
    assert store.take("fault", "free", NOW + 60) is None


def test_items_latest_and_update_where(store: Store) -> None:
    store.put_many(
        "request",
        [
            ("001", {"tenant": "a", "n": 1}, NOW + 10),
            ("002", {"tenant": "b", "n": 2}, NOW + 10),
            ("003", {"tenant": "a", "n": 3}, NOW + 10),
            ("000", {"tenant": "a", "n": 0}, NOW),
        ],
    )
    assert sorted(store.items("request", NOW)) == [
        ("001", {"tenant": "a", "n": 1}),
        ("002", {"tenant": "b", "n": 2}),
        ("003", {"tenant": "a", "n": 3}),
    ]
    assert [k for k, _ in store.latest("request", NOW, 10)] == ["003", "002", "001"]
    assert [k for k, _ in store.latest("request", NOW, 1, {"tenant": "a"})] == ["003"]
    assert [v["n"] for _, v in store.latest("request", NOW, 10, {"tenant": "a"})] == [3, 1]
    assert store.update_where("request", "tenant", "a", {"seen": True}) == 3
    assert store.peek("request", "000") == {"tenant": "a", "n": 0, "seen": True}
    assert store.get("request", "002", NOW) == {"tenant": "b", "n": 2}


def test_delete_kind_removes_all_or_only_the_expired(store: Store) -> None:
    store.put_many("request", [("1", {}, NOW), ("2", {}, NOW + 5), ("3", {}, NOW + 50)])
    store.put("other", "1", {}, NOW)
    assert store.delete_kind("request", expired_at=NOW + 5) == 2
    assert [k for k, _ in store.items("request", NOW)] == ["3"]
    assert store.delete_kind("request") == 1
    assert store.items("request", 0) == [] and store.peek("other", "1") == {}


def test_a_generation_counter_starts_at_zero_and_only_moves_on(store: Store) -> None:
    assert store.generation("controls") == 0
    assert store.advance("controls") == 1
    assert store.advance("controls") == 2
    assert store.generation("controls") == 2 and store.generation("other") == 0


def test_a_counter_moved_by_one_sqlite_worker_is_read_at_once_by_another(tmp_path: Path) -> None:
    """Each worker process has its own store on the one file; its cached counters follow."""
    first, second = (SqliteStore(tmp_path / "state.sqlite3") for _ in range(2))
    assert first.generation("controls") == second.generation("controls") == 0
    assert second.generation("other") == 0
    for expected in (1, 2, 3):
        assert first.advance("controls") == expected
        assert second.generation("controls") == expected
        assert first.generation("controls") == expected
    second.advance("other")
    assert first.generation("other") == 1 and first.generation("controls") == 3


def test_sqlite_counters_cross_a_fork(tmp_path: Path) -> None:
    """``serve`` opens the store, closes it and forks its workers: they share the counter."""
    store = SqliteStore(tmp_path / "state.sqlite3")
    assert store.generation("controls") == 0
    store.close()
    pid = os.fork()
    if pid == 0:  # the worker: advance, then leave at once
        os._exit(0 if store.advance("controls") == 1 else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store.generation("controls") == 1


@pytest.mark.parametrize("scheme", ["redis", "unix"])
def test_a_redis_server_that_does_not_answer_stops_the_start_in_one_line(
    tmp_path: Path, scheme: str
) -> None:
    if scheme == "unix":  # nothing listens on either
        url, named = f"unix://:s3cret@{tmp_path}/no.sock", f"unix://{tmp_path}/no.sock"
    else:
        port = free_loopback_port()
        url, named = f"redis://:s3cret@127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/0"
    settings = MockSettings(state_dir=str(tmp_path), store=url)
    with pytest.raises(ValueError, match=re.escape(f"at {named} does not answer")) as err:
        open_store(settings)
    assert "s3cret" not in str(err.value) and "\n" not in str(err.value)
