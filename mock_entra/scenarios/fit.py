"""What a catalog row's answer means for an API that refuses in its own words.

The catalog writes the lab backend's answers: 401 with ``WWW-Authenticate: Bearer
error="invalid_token", resource_metadata="..."`` (RFC 6750 §3.1, RFC 9728 §5.1), 403
``insufficient_scope``, 200 for a request it takes. A target says its own statuses and
how much of the challenge it sends (:class:`~mock_entra.scenarios.target.Refusal`);
:func:`fitted` rewrites one ``expect`` accordingly and never adds a check: a status
becomes the target's, and challenge details the target does not promise are dropped
(``resource_metadata`` and ``scope`` are MCP's, so they stay only for MCP servers).
"""

from __future__ import annotations

from typing import Any

from mock_entra.scenarios.expect import Expect, WwwAuthenticate

# Challenge attributes only an MCP server owes (RFC 9728 §5.1; MCP scope challenges).
_MCP_PARAMS = ("resource_metadata", "scope")


Status = int | list[int]


def _status(wanted: Status | None, mapping: dict[int, Status]) -> Status | None:
    if wanted is None:
        return None
    codes: list[int] = []
    for code in wanted if isinstance(wanted, list) else [wanted]:
        mapped = mapping.get(code, code)
        codes += mapped if isinstance(mapped, list) else [mapped]
    return codes if isinstance(wanted, list) or len(codes) > 1 else codes[0]


def _challenge(spec: WwwAuthenticate | None, style: str, mcp: bool) -> WwwAuthenticate | None:
    if spec is None or style == "none":
        return None
    if mcp:
        return spec
    params = {k: v for k, v in spec.params.items() if k not in _MCP_PARAMS}
    has = [k for k in spec.has_params if k not in _MCP_PARAMS]
    error = spec.error if style == "rfc6750" else None
    return spec.model_copy(update={"params": params, "has_params": has, "error": error})


def fitted(
    expect: Expect,
    *,
    invalid_token: int,
    insufficient_scope: int,
    accepts: int | list[int],
    www_authenticate: str,
    mcp: bool,
) -> Expect:
    """``expect`` in the target's terms (statuses, challenge); nothing is added to it."""
    mapping: dict[int, Status] = {401: invalid_token, 403: insufficient_scope, 200: accepts}
    update: dict[str, Any] = {
        "status": _status(expect.status, mapping),
        "www_authenticate": _challenge(expect.www_authenticate, www_authenticate, mcp),
    }
    return expect.model_copy(update=update)
