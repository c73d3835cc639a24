"""A fake Azure AI Search: ``POST /indexes/{index}/docs/search?api-version=2024-07-01``.

Request and response follow the REST API ("Documents - Search Post"):
https://learn.microsoft.com/rest/api/searchservice/documents/search-post
Authentication is Entra RBAC with a user token (aud ``https://search.azure.com``,
scope ``user_impersonation``); results are trimmed to the documents whose ACL names
the caller's ``oid`` or one of their groups, like document-level security trimming:
https://learn.microsoft.com/azure/search/search-document-level-access-overview
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fake_downstream.directory import FakeDirectory
from fake_downstream.guard import DownstreamGuard

API_VERSIONS = frozenset({"2023-11-01", "2024-07-01", "2025-05-01-preview"})


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    content: str
    acl: frozenset[str]


def load_documents() -> dict[str, list[Document]]:
    """The shipped index ``documents``."""
    text = resources.files("fake_downstream").joinpath("documents.yaml").read_text()
    data = yaml.safe_load(text)
    docs = [
        Document(d["id"], d["title"], d["content"], frozenset(d["acl"])) for d in data["documents"]
    ]
    return {"documents": docs}


def search_error(status: int, code: str, message: str) -> dict[str, object]:
    return {"error": {"code": code, "message": message}}


def _score(doc: Document, terms: list[str]) -> float:
    if not terms:  # "*" or empty: match everything, as simple query syntax does
        return 1.0
    text = f"{doc.title} {doc.content}".lower()
    return float(sum(text.count(t) for t in terms))


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(search_error(status, code, message), status_code=status)


def _trimmed_hits(
    index: list[Document], terms: list[str], principals: frozenset[str], top: int
) -> list[dict[str, Any]]:
    """The documents the caller may see that match, best first, at most ``top`` (≤ 1000)."""
    hits = []
    for doc in index:
        if not doc.acl & principals:
            continue  # security trimming: the caller may not see it
        score = _score(doc, terms)
        if score > 0:
            hits.append((score, doc))
    hits.sort(key=lambda h: (-h[0], h[1].id))
    return [
        {"@search.score": s, "id": d.id, "title": d.title, "content": d.content}
        for s, d in hits[: max(0, min(top, 1000))]
    ]


def create_search_app(
    guard: DownstreamGuard, directory: FakeDirectory, indexes: dict[str, list[Document]]
) -> Starlette:
    async def search(request: Request) -> JSONResponse:
        if request.query_params.get("api-version") not in API_VERSIONS:
            return _error(400, "InvalidRequestParameter", "Invalid or missing api-version.")
        outcome = await guard.authenticate(request)
        if isinstance(outcome, JSONResponse):
            return outcome
        name = request.path_params["index"]
        index = indexes.get(name)
        if index is None:
            return _error(404, "ResourceNotFound", "The index was not found.")
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("search", "*"), str):
            return _error(400, "InvalidRequestParameter", "The request body is invalid.")
        query = str(body.get("search", "*")).strip().lower()
        terms = [t for t in query.split() if t != "*"]
        principals = directory.principals(outcome.tenant_id, outcome.oid)
        top = int(body.get("top", 50)) if isinstance(body.get("top", 50), int) else 50
        value = _trimmed_hits(index, terms, principals, top)
        return JSONResponse({"@odata.context": f"indexes('{name}')/$metadata", "value": value})

    return Starlette(
        routes=[Route("/indexes/{index}/docs/search", search, methods=["POST"])],
    )
