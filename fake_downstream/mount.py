"""The fake Azure AI Search and Microsoft Graph as routes to mount on a Starlette app.

Each fake is its own resource server (``guard``): it trusts the tenants it is told
to, takes keys from the identity platform's discovery document and JWKS, and accepts
only tokens minted for its own audience. Mounted at ``SEARCH_PATH`` and ``GRAPH_PATH``
(where the backend's settings look for them when ``SEARCH_ENDPOINT`` and
``GRAPH_ENDPOINT`` are empty).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from starlette.routing import BaseRoute, Mount

from backend.auth import JwksCache
from entra_kit.jose import graph_signed_form
from entra_kit.microsoft_apps import GRAPH_APP_ID, GRAPH_RESOURCE, SEARCH_APP_ID, SEARCH_RESOURCE
from fake_downstream.directory import FakeDirectory
from fake_downstream.graph import ME_SCOPES, create_graph_app, graph_error
from fake_downstream.guard import DownstreamGuard, downstream_validator
from fake_downstream.search import create_search_app, load_documents, search_error

SEARCH_PATH = "/fake/search"
GRAPH_PATH = "/fake/graph"
SEARCH_SCOPES = frozenset({"user_impersonation"})


@dataclass(frozen=True)
class FakeDownstream:
    """The two fakes: their routes, and their guards by name (``search``, ``graph``)."""

    routes: list[BaseRoute]
    guards: dict[str, DownstreamGuard]


def create_fakes(
    *,
    tenants: Sequence[str],
    authority_host: str,
    keys: JwksCache,
    leeway: int,
    directory_file: Path | None = None,
) -> FakeDownstream:
    """The fakes for ``tenants`` of ``authority_host``; profiles and groups from the tenant file.

    ``keys`` may be shared with another resource server on the same process (the
    backend's): a cache of published keys, never a shortcut around validation.
    """
    directory = FakeDirectory(directory_file)
    # Microsoft's first-party APIs: v1 tokens of the trusted tenants, each its own audience.
    validator = partial(
        downstream_validator,
        tenants=list(tenants),
        authority_host=authority_host,
        keys=keys,
        leeway=leeway,
    )
    search = DownstreamGuard(
        "Azure AI Search",
        validator(audiences=[SEARCH_RESOURCE, SEARCH_APP_ID]),
        SEARCH_SCOPES,
        search_error,
    )
    graph = DownstreamGuard(
        "Microsoft Graph",
        validator(audiences=[GRAPH_RESOURCE, GRAPH_APP_ID], signed_form=graph_signed_form),
        ME_SCOPES,
        graph_error,
    )
    routes: list[BaseRoute] = [
        Mount(SEARCH_PATH, create_search_app(search, directory, load_documents())),
        Mount(GRAPH_PATH, create_graph_app(graph, directory)),
    ]
    return FakeDownstream(routes, {"search": search, "graph": graph})
