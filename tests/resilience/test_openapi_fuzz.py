"""Property-based fuzzing of the mock's OpenAPI (Schemathesis): no 5xx, ever.

Bounded: a few examples per operation. The admin API is left out (it can make the
mock do anything, by design); every protocol endpoint is in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from mock_entra.testing import RunningMock, run_mock


@pytest.fixture(scope="module")
def fuzz_mock(tmp_path_factory: Any) -> Iterator[RunningMock]:
    with run_mock(tmp_path_factory.mktemp("fuzz")) as mock:
        yield mock


@pytest.mark.slow
def test_no_operation_answers_5xx(fuzz_mock: RunningMock) -> None:
    raw = fuzz_mock.http().get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    failures: list[str] = []
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/_admin"):
            continue

        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            nonlocal count
            count += 1
            response = case.call(
                base_url=fuzz_mock.base_url, verify=str(fuzz_mock.ca_bundle), timeout=10
            )
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert count > 0
    assert not failures, failures[:10]
