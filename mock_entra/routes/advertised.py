"""The endpoints discovery names besides the protocol's own, so every advertised URL answers
(``userinfo_endpoint`` and ``kerberos_endpoint`` are answered in ``routes/userinfo.py``).

- ``check_session_iframe`` (v1): OpenID Connect Session Management's OP iframe. The mock
  has no script-readable session state, so the page always answers ``changed``: the
  relying party then asks ``prompt=none``, which the mock answers truthfully.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from mock_entra.context import Context, get_context

router = APIRouter(tags=["discovery"])

_CHECK_SESSION = """<!DOCTYPE html><html><head><title>check session</title></head><body><script>
window.addEventListener("message", function (e) {
  if (typeof e.data === "string" && e.data.split(" ").length === 2) {
    e.source.postMessage("changed", e.origin);
  } else { e.source.postMessage("error", e.origin); }
});
</script></body></html>"""


@router.get("/{tenant}/oauth2/checksession", include_in_schema=False)
def check_session(tenant: str, ctx: Context = Depends(get_context)) -> HTMLResponse:
    ctx.tenant(tenant)
    return HTMLResponse(_CHECK_SESSION, headers={"Cache-Control": "no-store"})
