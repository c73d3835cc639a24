"""The lab's stack for the catalog and the runner's self tests: one per worker, closed at
the end of the session."""

from __future__ import annotations

import pytest

from scenarios.lab import close_stack


def pytest_sessionfinish(session: pytest.Session) -> None:
    close_stack()
