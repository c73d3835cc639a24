"""The mock's token endpoint, discovery and JWKS under load, on one and two workers.

Every request goes over HTTPS with keep-alive from the load generator process
(:mod:`benchmarks.loadgen`). Auth codes are made beforehand through the real
sign-in page (an SSO session cookie, then one ``/authorize`` per code); refresh
tokens rotate, so each connection feeds the token it gets into its next request.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from benchmarks.cpu import CpuWatch
from benchmarks.servers import ServedMock, served_mock
from entra_kit import shipped_tenant as shipped
from entra_kit.jose import pkce_s256
from mock_entra.testing import FormBrowser, user_credentials
from mock_entra.testing.flows import CODE_SCOPE

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
VERIFIER = "bench-verifier-" + "x" * 40
CLIENT_CREDENTIALS = urlencode(
    {
        "grant_type": "client_credentials",
        "client_id": shipped.DAEMON_CLIENT_ID,
        "client_secret": shipped.DAEMON_CLIENT_SECRET,
        "scope": f"{shipped.API_APP_ID_URI}/.default",
    }
)
CHALLENGE = pkce_s256(VERIFIER)


def load(spec: dict[str, Any], watch: CpuWatch | None = None) -> dict[str, Any]:
    """Run the load generator in its own process; its JSON result."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loadgen"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = proc.communicate(json.dumps(spec))
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(out)
    if watch is not None:
        watch.loadgen += float(result["cpu_seconds"])
    return result


def _authorize_path(mock: ServedMock) -> str:
    params = {
        "client_id": shipped.WEB_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": shipped.WEB_REDIRECT_URI,
        "scope": CODE_SCOPE,
        "state": "bench",
        "nonce": "bench",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    return f"/{mock.tenant_id}/oauth2/v2.0/authorize?{urlencode(params)}"


def session_cookie(mock: ServedMock, user: str = "alice") -> str:
    """Sign in once through the sign-in page; the SSO cookie header for later /authorize."""
    with httpx.Client(base_url=mock.base_url, verify=mock.ca, timeout=30) as client:
        FormBrowser(client).drive(_authorize_path(mock), *user_credentials(user))
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def make_codes(mock: ServedMock, cookie: str, count: int) -> list[str]:
    """``count`` authorization codes, through /authorize with the SSO session."""
    result = load(
        {
            "url": mock.base_url,
            "ca": mock.ca,
            "path": _authorize_path(mock),
            "headers": {"Cookie": cookie},
            "expect": 302,
            "count": count,
            "warmup": 0,
            "seconds": 120,
            "connections": 8,
            "collect_location": True,
        }
    )
    codes = [parse_qs(urlsplit(loc).query).get("code", [""])[0] for loc in result["locations"]]
    return [c for c in codes if c]


def redeem_body(code: str) -> str:
    return urlencode(
        {
            "grant_type": "authorization_code",
            "client_id": shipped.WEB_CLIENT_ID,
            "client_secret": shipped.WEB_CLIENT_SECRET,
            "code": code,
            "redirect_uri": shipped.WEB_REDIRECT_URI,
            "code_verifier": VERIFIER,
            "scope": CODE_SCOPE,
        }
    )


def obo_body(assertion: str) -> str:
    """The API's on-behalf-of request for the search resource, with a user's token."""
    return urlencode(
        {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "client_id": shipped.API_CLIENT_ID,
            "client_secret": shipped.API_CLIENT_SECRET,
            "assertion": assertion,
            "requested_token_use": "on_behalf_of",
            "scope": f"{shipped.SEARCH_RESOURCE}/.default",
        }
    )


def refresh_chain() -> str:
    """The refresh request, ``{rt}`` standing for the chain's latest refresh token."""
    grant = {
        "grant_type": "refresh_token",
        "client_id": shipped.WEB_CLIENT_ID,
        "client_secret": shipped.WEB_CLIENT_SECRET,
        "scope": CODE_SCOPE,
    }
    return urlencode(grant) + "&refresh_token={rt}"


def redeem(mock: ServedMock, code: str) -> dict[str, Any]:
    with httpx.Client(base_url=mock.base_url, verify=mock.ca, timeout=30) as client:
        answer = client.post(f"/{mock.tenant_id}/oauth2/v2.0/token", data=parse_qs_1(code))
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()
    return data


def parse_qs_1(code: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(redeem_body(code)).items()}


def scenarios(mock: ServedMock, seconds: float, codes: list[str]) -> dict[str, dict[str, Any]]:
    """name -> load generator spec (without url/ca)."""
    token = f"/{mock.tenant_id}/oauth2/v2.0/token"
    seeds = [redeem(mock, c) for c in codes[:9]]
    assertion = seeds[8]["access_token"]
    common = {"connections": 8, "seconds": seconds, "warmup": min(1.0, seconds / 4)}
    return {
        "client credentials": {
            **common,
            "method": "POST",
            "path": token,
            "headers": FORM,
            "body": CLIENT_CREDENTIALS,
        },
        "auth code redemption": {
            **common,
            "warmup": 0,
            "method": "POST",
            "path": token,
            "headers": FORM,
            "bodies": [redeem_body(c) for c in codes[9:]],
        },
        "refresh (rotating)": {
            **common,
            "method": "POST",
            "path": token,
            "headers": FORM,
            "seeds": [s["refresh_token"] for s in seeds[:8]],
            "chain": refresh_chain(),
        },
        "on-behalf-of": {
            **common,
            "method": "POST",
            "path": token,
            "headers": FORM,
            "body": obo_body(assertion),
        },
        "discovery": {
            **common,
            "path": f"/{mock.tenant_id}/v2.0/.well-known/openid-configuration",
        },
        "JWKS": {**common, "path": f"/{mock.tenant_id}/discovery/v2.0/keys"},
    }


def measured(benchmark: str, spec: dict[str, Any], pids: list[int], workers: int) -> dict[str, Any]:
    """One row: the load generator's figures, and the CPU of the servers ``pids`` and the rest."""
    watch = CpuWatch(*pids)
    with watch:
        result = load(spec, watch)
    return {
        "benchmark": benchmark,
        "workers": workers,
        **{k: result[k] for k in ("rps", "p50_ms", "p99_ms", "requests", "ok")},
        "non_ok": {k: v for k, v in result["statuses"].items() if k != "200"},
        "errors": result["errors"],
        "samples": result["samples"][:1],
        "spread": result["connections_per_worker"],
        **watch.summary(),
    }


def run_mock_benchmarks(
    workers: int, seconds: float, code_count: int, state_dir: Path | None = None
) -> list[dict[str, Any]]:
    """One row per scenario for a ``mock-entra serve --workers N``."""
    rows: list[dict[str, Any]] = []
    with served_mock(workers=workers, state_dir=state_dir) as mock:
        codes = make_codes(mock, session_cookie(mock), code_count + 9)
        for name, spec in scenarios(mock, seconds, codes).items():
            full = {**spec, "url": mock.base_url, "ca": mock.ca, "balance": workers}
            rows.append(measured(f"mock {name}", full, [mock.proc.pid], workers))
    return rows
