"""The lab's backend entry: the fakes beside the backend, where its settings look for them."""

from __future__ import annotations

from backend.app import backend_of
from backend.settings import BackendSettings
from fake_downstream.mount import GRAPH_PATH, SEARCH_PATH
from fake_downstream.with_backend import create_lab_backend


def _settings(**values: object) -> BackendSettings:
    return BackendSettings(_env_file=None, **values)  # type: ignore[call-arg]


def test_the_fakes_are_mounted_where_the_backend_calls_them() -> None:
    settings = _settings(serve_fake_downstream=True)
    lab = create_lab_backend(settings)
    assert lab.fakes is not None and set(lab.fakes.guards) == {"search", "graph"}
    assert settings.search_url == f"{settings.backend_url}{SEARCH_PATH}"
    assert settings.graph_url == f"{settings.backend_url}{GRAPH_PATH}"
    mounted = {getattr(route, "path", None) for route in lab.app.routes}
    assert {SEARCH_PATH, GRAPH_PATH} <= mounted


def test_the_fakes_share_the_backends_key_cache() -> None:
    lab = create_lab_backend(_settings(serve_fake_downstream=True))
    assert lab.fakes is not None
    keys = backend_of(lab.app).keys
    assert all(guard.validator.keys is keys for guard in lab.fakes.guards.values())


def test_without_serve_fake_downstream_it_is_the_backend_alone() -> None:
    lab = create_lab_backend(_settings(serve_fake_downstream=False))
    assert lab.fakes is None
    mounted = {getattr(route, "path", None) for route in lab.app.routes}
    assert not {SEARCH_PATH, GRAPH_PATH} & mounted
