"""An injectable clock: nothing deep in the code calls ``time.time()`` itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]


def system_clock() -> float:
    return time.time()


def as_datetime(clock: Clock) -> datetime:
    return datetime.fromtimestamp(clock(), tz=UTC)
