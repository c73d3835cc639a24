"""Raw request parameters, read defensively: size limits, one value per name.

RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than
once." Entra answers an over-long query with AADSTS90015 (QueryStringTooLong).
Nothing here trusts the input: garbage becomes an ``InvalidRequest``, never a 500.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from mock_entra.errors import InvalidRequest

# Entra rejects query strings of a few KB; 8 KB leaves room for large ``claims``
# requests and long ``state`` values while keeping every page render cheap.
MAX_QUERY = 8192
MAX_BODY = 16384
MAX_FIELDS = 64
FORM_TYPE = "application/x-www-form-urlencoded"


def too_long() -> InvalidRequest:
    return InvalidRequest(90015, "Requested query string is too long.")


def parse_urlencoded(raw: str) -> dict[str, str]:
    """``a=1&b=2`` -> {"a": "1", "b": "2"}; duplicates and oversize are refused.

    Empty values count as absent (Entra treats ``state=`` like no state).
    """
    if len(raw) > MAX_QUERY:
        raise too_long()
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        # Too many fields, or percent-escapes that are not UTF-8.
        raise InvalidRequest(
            90100, "The request is malformed or contains invalid parameters."
        ) from exc
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise InvalidRequest(
                90100, f"The parameter '{name[:40]}' must not be included more than once."
            )
        if "\x00" in value:
            raise InvalidRequest(90100, f"The parameter '{name[:40]}' is not valid.")
        params[name] = value
    return {k: v for k, v in params.items() if v != ""}


def parse_body(body: bytes, content_type: str | None) -> dict[str, str]:
    """A urlencoded form body (the only kind /authorize, /login and /consent accept)."""
    if len(body) > MAX_BODY:
        raise too_long()
    if (content_type or "").split(";")[0].strip().lower() != FORM_TYPE:
        raise InvalidRequest(
            90100, f"The request body must be sent with Content-Type '{FORM_TYPE}'."
        )
    try:
        text = body.decode("ascii")  # urlencoded bodies are ASCII by definition
    except UnicodeDecodeError as exc:
        raise InvalidRequest(90100, "The request body is not a valid form.") from exc
    return parse_urlencoded(text)


async def read_params(request: Request) -> dict[str, str]:
    """Query (GET) or urlencoded body (POST), read with a size cap before parsing."""
    if request.method != "POST":
        try:
            return parse_urlencoded(request.scope["query_string"].decode("ascii"))
        except UnicodeDecodeError as exc:
            raise InvalidRequest(90100, "The request is malformed.") from exc
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise too_long()
    return parse_body(body, request.headers.get("content-type"))
