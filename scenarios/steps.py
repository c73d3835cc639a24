"""The non-``call`` steps: get tokens and codes through real flows, mutate tokens, and
change the scenario's own tenant (faults, clock, keys) through the admin API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scenarios import flows
from scenarios.mutations import mutate
from scenarios.observation import Observation, from_exception, from_flask, from_msal

if TYPE_CHECKING:
    from scenarios.runner import ScenarioRun


class StepFailed(AssertionError):
    """A step that had to succeed (no ``expect`` given) did not."""


def _saved(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "access": result.get("access_token"),
        "id": result.get("id_token"),
        "refresh": result.get("refresh_token"),
    }


def _token(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    tenant = str(spec.get("tenant", run.tenant))
    try:
        if "user" in spec:
            result = flows.sign_in(
                run.stack,
                tenant,
                str(spec["user"]),
                list(spec.get("scopes", [flows.API_SCOPE])),
                client_id=str(spec.get("client_id", flows.WEB_CLIENT_ID)),
                secret=str(spec.get("client_secret", flows.WEB_CLIENT_SECRET)),
            )
        elif "app" in spec:
            result = flows.app_token(
                run.stack,
                tenant,
                str(spec.get("scope", f"api://{flows.API_CLIENT_ID}/.default")),
                str(spec.get("client_id", flows.DAEMON_CLIENT_ID)),
                str(spec.get("client_secret", flows.DAEMON_SECRET)),
            )
        elif "obo" in spec:
            result = flows.obo(
                run.stack,
                tenant,
                str(spec["obo"]),
                str(spec.get("scope", "https://search.azure.com/.default")),
                str(spec.get("client_id", flows.API_CLIENT_ID)),
                str(spec.get("client_secret", flows.API_SECRET)),
            )
        else:
            raise ValueError("token needs user, app or obo")
    except (flows.FlowError, OSError, ValueError) as exc:
        if not checked:
            raise StepFailed(f"token: {exc}") from exc
        return from_exception(exc)
    if "access_token" not in result and not checked:
        codes = result.get("error_codes")
        raise StepFailed(
            f"token: {result.get('error')} {codes}: {result.get('error_description', '')[:200]}"
        )
    if "save" in spec:
        run.values.save(str(spec["save"]), _saved(result))
    return from_msal(result)


def _code(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    got = flows.raw_code(run.stack, str(spec.get("tenant", run.tenant)), spec)
    run.values.save(str(spec.get("save", "code")), got)
    return Observation(params=got)


def _mutate(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    token = mutate(str(spec["token"]), list(spec.get("ops", [])), run.keys)
    run.values.save(str(spec["save"]), token)
    return Observation()


def _fault(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    run.add_fault(spec)
    return Observation()


def _clock(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    run.move_clock(float(spec.get("advance", 0)))
    return Observation()


def _rotate(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    what = "publish-next" if spec.get("publish_only") else "rotate"
    answer = run.stack.admin("POST", f"/tenants/{run.tenant}/keys/{what}")
    return Observation(status=answer.status_code, json=answer.json())


def _idp_sign_in(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    """Drive the platform's pages for an authorize URL; keep what would reach the app."""
    with run.stack.http() as client:
        got = flows.drive_pages(
            client, str(spec["location"]), str(spec.get("user", "alice")),
            consent=str(spec.get("consent", "accept")),
        )  # fmt: skip
    run.values.save(str(spec.get("save", "callback")), got)
    return Observation(params=got)


def _frontend_sign_in(run: ScenarioRun, spec: dict[str, Any], checked: bool) -> Observation:
    """The whole browser sign-in: app → platform's pages → the app's redirect URI."""
    client = run.browser(str(spec.get("browser", "browser")))
    start = client.get(str(spec.get("path", "/inspector")))
    if start.status_code != 302:
        obs = from_flask(start)
        if checked:
            return obs
        raise StepFailed(f"frontend_sign_in: {spec.get('path')} answered {start.status_code}")
    with run.stack.http() as http:
        params = flows.drive_pages(http, start.headers["Location"], str(spec.get("user", "alice")))
    return from_flask(client.get("/signin-oidc", query_string=params))


STEPS: dict[str, Callable[[ScenarioRun, dict[str, Any], bool], Observation]] = {
    "token": _token,
    "code": _code,
    "mutate": _mutate,
    "fault": _fault,
    "clock": _clock,
    "rotate_keys": _rotate,
    "idp_sign_in": _idp_sign_in,
    "frontend_sign_in": _frontend_sign_in,
}
