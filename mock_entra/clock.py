"""An injectable clock: nothing deep in the code calls ``time.time()`` itself."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


def system_clock() -> float:
    return time.time()
