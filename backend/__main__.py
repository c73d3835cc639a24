"""``python -m backend``: serve the backend alone with uvicorn (BACKEND_HOST/BACKEND_PORT).

This is the production entry: it serves no fake downstream API. The lab's entry,
``python -m fake_downstream.with_backend`` (what ``make run`` starts), serves the
fakes beside it when ``SERVE_FAKE_DOWNSTREAM`` is on.
"""

from __future__ import annotations

from starlette.applications import Starlette

from backend.app import create_app
from backend.serve import serve
from backend.settings import BackendSettings
from entra_kit.settings import SettingsError


def backend_alone(settings: BackendSettings) -> Starlette:
    """The backend app; refuses ``SERVE_FAKE_DOWNSTREAM``, which only the lab entry honours."""
    if settings.serve_fake_downstream:
        raise SettingsError(
            "backend settings: SERVE_FAKE_DOWNSTREAM: python -m backend serves no fakes; "
            "set it to false, or run python -m fake_downstream.with_backend (as make run does)"
        )
    return create_app(settings)


def main() -> None:
    serve(backend_alone)


if __name__ == "__main__":
    main()
