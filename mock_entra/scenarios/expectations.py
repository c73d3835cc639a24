"""Check one observation against one ``expect``: a list of human-readable failures.

Every check says what was expected and what came, and never quotes a whole token
(values pass through ``short``). Checks that read side channels (the attacker's
listener, JWKS fetches, the fakes' received tokens, the platform's request log) ask
the world: :func:`sample` reads them before the step, :func:`check` compares after.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any

from entra_kit.ids import is_guid
from mock_entra.scenarios.expect import Expect
from mock_entra.scenarios.observation import Observation
from mock_entra.scenarios.values import short
from mock_entra.scenarios.world import World

_PARAM = re.compile(r'([\w-]+)="([^"]*)"')
_JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$")
_MISSING = object()


def path_get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return _MISSING
    return obj


def _one_of(value: Any, wanted: Any) -> bool:
    return value in wanted if isinstance(wanted, list) else value == wanted


def _www_authenticate(obs: Observation, expect: Expect) -> list[str]:
    spec = expect.www_authenticate
    assert spec is not None
    header = obs.headers.get("www-authenticate")
    if header is None:
        return ["WWW-Authenticate: missing"]
    fails = []
    if not header.lower().startswith(spec.scheme.lower()):
        fails.append(f"WWW-Authenticate scheme: want {spec.scheme}, got {header.split(' ')[0]}")
    params = dict(_PARAM.findall(header))
    if spec.error == "absent":
        if "error" in params:
            fails.append(f"WWW-Authenticate: want no error attribute, got {params['error']!r}")
    elif spec.error is not None and params.get("error") != spec.error:
        fails.append(f"WWW-Authenticate error: want {spec.error!r}, got {params.get('error')!r}")
    for key, value in spec.params.items():
        if params.get(key) != value:
            fails.append(f"WWW-Authenticate {key}: want {value!r}, got {params.get(key)!r}")
    fails += [f"WWW-Authenticate: no {k}=" for k in spec.has_params if k not in params]
    return fails


def _entra_shape(obs: Observation) -> list[str]:
    """Entra's error body: every field, well-formed (Microsoft identity platform error codes)."""
    body = obs.json if isinstance(obs.json, dict) else {}
    fails = [f"error body: no {k}" for k in ("error", "error_description", "error_codes",
             "timestamp", "trace_id", "correlation_id") if k not in body]  # fmt: skip
    if fails:
        return fails
    codes = body["error_codes"]
    if not (isinstance(codes, list) and codes and all(isinstance(c, int) for c in codes)):
        fails.append(f"error_codes: want a list of ints, got {codes!r}")
    elif not str(body["error_description"]).startswith(f"AADSTS{codes[0]}: "):
        fails.append("error_description: does not start with AADSTS<first code>: ")
    for key in ("trace_id", "correlation_id"):
        if not is_guid(str(body[key])):
            fails.append(f"{key}: not a GUID")
    if not _TIMESTAMP.match(str(body["timestamp"])):
        fails.append(f"timestamp: {body['timestamp']!r} is not 'YYYY-MM-DD hh:mm:ssZ'")
    return fails


def _tool(obs: Observation, expect: Expect) -> list[str]:
    fails = []
    if expect.tool_ok is not None and obs.tool_ok is not expect.tool_ok:
        fails.append(f"tool ok: want {expect.tool_ok}, got {obs.tool_ok} ({obs.tool_error[:200]})")
    for text in expect.tool_error_contains:
        if text not in obs.tool_error:
            fails.append(f"tool error: want {text!r} in {obs.tool_error[:300]!r}")
    if expect.entra_challenge is not None:
        try:
            challenge = json.loads(obs.tool_error)["entra_challenge"]
        except (ValueError, KeyError, TypeError):
            return [*fails, f"tool error is not an entra_challenge: {obs.tool_error[:200]!r}"]
        for key, value in expect.entra_challenge.items():
            if challenge.get(key) != value:
                fails.append(f"entra_challenge.{key}: want {value!r}, got {challenge.get(key)!r}")
    for path, value in expect.result.items():
        got = path_get(obs.tool_result, path)
        if got != value:
            fails.append(f"result.{path}: want {short(value)}, got {short(got)}")
    return fails


def sample(world: World, expect: Expect) -> dict[str, Any]:
    """The side channels before a step, for the counts its ``expect`` compares after it."""
    before: dict[str, Any] = {"attacker": world.attacker_hits(), "idp_since": time.time() - 1}
    if expect.jwks_refreshes_at_most is not None:
        before["jwks"] = world.jwks_fetches()
    for want in expect.downstream:
        before[want.service] = len(world.downstream_received(want.service))
    return before


def _side_channels(expect: Expect, world: World, before: dict[str, Any]) -> list[str]:
    fails = []
    if expect.attacker_requests is not None:
        hits = world.attacker_hits() - before.get("attacker", 0)
        if hits != expect.attacker_requests:
            fails.append(f"attacker site: want {expect.attacker_requests} requests, got {hits}")
    if expect.jwks_refreshes_at_most is not None:
        fetched = world.jwks_fetches() - before.get("jwks", 0)
        if fetched > expect.jwks_refreshes_at_most:
            fails.append(f"JWKS fetches: want ≤ {expect.jwks_refreshes_at_most}, got {fetched}")
    for want in expect.downstream:
        received = world.downstream_received(want.service)[before.get(want.service, 0) :]
        if want.count is not None and len(received) != want.count:
            fails.append(f"{want.service} received {len(received)} tokens, want {want.count}")
        if want.not_token is not None:
            digest = hashlib.sha256(want.not_token.encode()).hexdigest()
            if digest in received:
                fails.append(f"{want.service} received the forbidden token (passthrough)")
    if expect.idp_requests is not None:
        spec = expect.idp_requests
        n = world.idp_requests(spec.endpoint, spec.grant_type, before.get("idp_since", 0.0))
        if spec.at_most is not None and n > spec.at_most:
            fails.append(f"platform {spec.endpoint} requests: want ≤ {spec.at_most}, got {n}")
        if spec.at_least is not None and n < spec.at_least:
            fails.append(f"platform {spec.endpoint} requests: want ≥ {spec.at_least}, got {n}")
    if expect.signed_in is not None and world.signed_in() is not expect.signed_in:
        fails.append(f"signed in: want {expect.signed_in}, got {not expect.signed_in}")
    return fails


def _http(obs: Observation, expect: Expect) -> list[str]:
    fails = []
    if expect.status is not None and not _one_of(obs.status, expect.status):
        fails.append(f"status: want {expect.status}, got {obs.status} ({obs.text[:200]!r})")
    if expect.no_server_error and (obs.status is None or obs.status >= 500):
        fails.append(f"status: want < 500, got {obs.status}")
    if expect.www_authenticate is not None:
        fails += _www_authenticate(obs, expect)
    error = obs.oauth_error()
    if expect.error is not None and not _one_of(error["error"], expect.error):
        fails.append(f"error: want {expect.error!r}, got {error['error']!r}")
    if expect.aadsts is not None and not _one_of(error["aadsts"], expect.aadsts):
        fails.append(f"AADSTS: want {expect.aadsts}, got {error['aadsts']}")
    if expect.suberror is not None and error["suberror"] != expect.suberror:
        fails.append(f"suberror: want {expect.suberror!r}, got {error['suberror']!r}")
    if expect.entra_error_shape:
        fails += _entra_shape(obs)
    for path, value in expect.body_json.items():
        got = path_get(obs.json, path)
        if got != value:
            fails.append(f"json {path}: want {short(value)}, got {short(got)}")
    fails += [f"json: no {p}" for p in expect.json_has if path_get(obs.json, p) is _MISSING]
    fails += [f"body: want {t!r}" for t in expect.body_contains if t not in obs.text]
    fails += [
        f"body: must not contain {short(t)}" for t in expect.body_not_contains if t in obs.text
    ]
    if expect.body_no_jwt and _JWT.search(obs.text):
        fails.append("body: contains a JWT")
    for name, value in expect.header.items():
        if obs.headers.get(name.lower()) != value:
            fails.append(f"header {name}: want {value!r}, got {obs.headers.get(name.lower())!r}")
    fails += [
        f"header {h}: must be absent" for h in expect.header_absent if h.lower() in obs.headers
    ]
    return fails


def _redirects(obs: Observation, expect: Expect) -> list[str]:
    fails = []
    if expect.redirect is not None and (obs.location is not None) is not expect.redirect:
        fails.append(f"redirect: want {expect.redirect}, got Location {short(obs.location)}")
    if expect.location_startswith is not None and not (obs.location or "").startswith(
        expect.location_startswith
    ):
        fails.append(f"Location: want {expect.location_startswith!r}…, got {obs.location!r}")
    fails += [
        f"Location: want {t!r} in it"
        for t in expect.location_contains
        if t not in (obs.location or "")
    ]
    for key, value in expect.redirect_params.items():
        got = obs.params.get(key)
        ok = got is not None if value is True else str(got) == str(value)
        if not ok:
            fails.append(f"redirect param {key}: want {value!r}, got {short(got)}")
    fails += [
        f"redirect param {k}: must be absent"
        for k in expect.redirect_params_absent
        if k in obs.params
    ]
    if expect.cookies is not None:
        fails += _cookies(obs, expect)
    return fails


def _cookies(obs: Observation, expect: Expect) -> list[str]:
    spec = expect.cookies
    assert spec is not None
    if not obs.set_cookies:
        return ["cookies: none set"]
    fails = []
    for cookie in obs.set_cookies:
        name = cookie.split("=", 1)[0]
        if spec.httponly and "httponly" not in cookie.lower():
            fails.append(f"cookie {name}: not HttpOnly")
        if spec.samesite and f"samesite={spec.samesite.lower()}" not in cookie.lower():
            fails.append(f"cookie {name}: not SameSite={spec.samesite}")
        if spec.no_jwt and _JWT.search(cookie):
            fails.append(f"cookie {name}: carries a JWT")
    return fails


def check(obs: Observation, expect: Expect, world: World, before: dict[str, Any]) -> list[str]:
    """Every way ``obs`` (and the side channels since ``before``) differs from ``expect``."""
    return (
        _http(obs, expect)
        + _redirects(obs, expect)
        + _tool(obs, expect)
        + _side_channels(expect, world, before)
    )
