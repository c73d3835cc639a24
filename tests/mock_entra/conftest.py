"""A real ``redis-server`` on loopback for the Redis engine's tests (Debian's package).

Skipped with a message where the binary is absent (``.ci/run`` installs it). One server
per test process; each test keeps to its own key prefix.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_entra.testing.redis_server import RedisUnavailable, redis_server


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    try:
        with redis_server(tmp_path_factory.mktemp("redis")) as url:
            yield url
    except RedisUnavailable as exc:
        pytest.skip(str(exc))
