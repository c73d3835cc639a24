"""``python -m fake_downstream.with_backend``: the lab's backend, the fakes beside it.

``make run`` starts the backend this way. With ``SERVE_FAKE_DOWNSTREAM`` on (the
default) the fake Azure AI Search and Microsoft Graph answer at ``/fake/search`` and
``/fake/graph`` on the backend's port, trusting the backend's tenants and sharing its
key cache; with it off, this serves exactly what ``python -m backend`` serves. The
backend itself knows nothing of the fakes: they come in here, at the composition edge.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette

from backend.app import create_app, jwks_cache
from backend.serve import serve
from backend.settings import BackendSettings
from fake_downstream.mount import FakeDownstream, create_fakes


@dataclass(frozen=True)
class LabBackend:
    """The backend app and, when served, the fakes mounted on it."""

    app: Starlette
    fakes: FakeDownstream | None


def create_lab_backend(settings: BackendSettings) -> LabBackend:
    """``backend.app.create_app`` with the fakes beside it when ``SERVE_FAKE_DOWNSTREAM``."""
    keys = jwks_cache(settings)
    if not settings.serve_fake_downstream:
        return LabBackend(create_app(settings, keys=keys), None)
    fakes = create_fakes(
        tenants=settings.tenants,
        authority_host=settings.entra_authority_host,
        keys=keys,
        leeway=settings.backend_leeway_seconds,
        directory_file=settings.fake_directory_file,
    )
    return LabBackend(create_app(settings, keys=keys, beside=fakes.routes), fakes)


def main() -> None:
    serve(lambda settings: create_lab_backend(settings).app)


if __name__ == "__main__":
    main()
