"""Steps that get tokens and codes through the real flows, and that forge tokens.

``token`` signs a user in (MSAL's auth code + PKCE, RFC 7636), gets an app-only token
(client credentials) or exchanges one on behalf of a user; ``code`` gets an
authorization code by hand, as MSAL never would; ``mutate`` applies the jwt_tool
playbook (:mod:`mock_entra.scenarios.mutations`). All over the wire, so a running target works too.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar, TypeVar

from pydantic import Field, model_validator

from entra_kit import shipped_tenant as shipped
from entra_kit.jose import pkce_s256
from mock_entra.scenarios.apps import Apps
from mock_entra.scenarios.mutations import mutate
from mock_entra.scenarios.observation import Observation, from_exception, from_msal
from mock_entra.scenarios.stack import Unsupported
from mock_entra.scenarios.steps.base import Action, StepFailed
from mock_entra.scenarios.world import World
from mock_entra.testing import RawFlow, SignInError, Tokens, claims_fault, user_credentials
from mock_entra.testing.flows import CODE_SCOPE

SEARCH_DEFAULT = f"{shipped.SEARCH_RESOURCE}/.default"
T = TypeVar("T")


class Token(Action):
    """``token: {user: alice}``, ``{app: daemon}`` or ``{obo: ${alice.access}}``; ``save`` keeps
    ``access``, ``id`` and ``refresh``.

    ``set_claims`` / ``remove_claims`` make the mock issue the access token with those
    changes, signed with the tenant's key (an admin ``claims`` fault for this one
    token request): a validly signed bad token, on any mock, in-process or served.
    """

    key: ClassVar[str] = "token"
    user: str | None = None
    app: str | None = None
    obo: str | None = None
    scopes: list[str] | None = None
    scope: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    tenant: str | None = None
    save: str | None = None
    set_claims: dict[str, Any] = Field(default_factory=dict)
    remove_claims: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_flow(self) -> Token:
        if sum(flow is not None for flow in (self.user, self.app, self.obo)) != 1:
            raise ValueError("token needs one of user, app or obo")
        return self

    def _result(self, world: World) -> dict[str, Any]:
        tokens, tenant, apps = Tokens(world.stack), _given(self.tenant, world.tenant), world.apps
        client_id, secret = self.client_id, self.client_secret
        if self.user is not None:
            user, password = apps.sign_in_as(self.user)
            return tokens.sign_in(
                user,
                _given(self.scopes, [apps.api_scope]),
                client_id=_given(client_id, apps.web_client_id),
                client_secret=_given(secret, apps.web_secret),
                redirect_uri=apps.web_redirect,
                tenant=tenant,
                password=password,
            )
        if self.app is not None:
            return tokens.app_token(
                _given(client_id, _needed(apps.daemon_client_id, "a daemon (app_only)")),
                _given(secret, _needed(apps.daemon_secret, "a daemon's secret (app_only)")),
                _given(self.scope, f"{apps.api_app_id_uri}/.default"),
                tenant,
            )
        return tokens.obo(
            str(self.obo),
            _given(self.scope, SEARCH_DEFAULT),
            _given(client_id, apps.api_client_id),
            _given(secret, _needed(apps.api_secret, "the API's own secret (on-behalf-of)")),
            tenant,
        )

    def _client(self, apps: Apps) -> str:
        """The client the token is issued to (whom the claim change is scoped to)."""
        if self.user is not None:
            return _given(self.client_id, apps.web_client_id)
        if self.app is not None:
            return _given(self.client_id, _needed(apps.daemon_client_id, "a daemon (app_only)"))
        return _given(self.client_id, apps.api_client_id)

    def _minted(self, world: World) -> dict[str, Any]:
        if not (self.set_claims or self.remove_claims):
            return self._result(world)
        user = None
        if self.user is not None:
            user = user_credentials(*world.apps.sign_in_as(self.user))[0]
        change = claims_fault(
            _given(self.tenant, world.tenant), self._client(world.apps), user,
            set_claims=self.set_claims, remove_claims=self.remove_claims,
        )  # fmt: skip
        with world.token_fault(change):
            return self._result(world)

    def run(self, world: World, checked: bool) -> Observation:
        try:
            result = self._minted(world)
        except (SignInError, OSError, ValueError) as exc:
            if not checked:
                raise StepFailed(f"token: {exc}") from exc
            return from_exception(exc)
        if "access_token" not in result and not checked:
            description = str(result.get("error_description", ""))[:200]
            raise StepFailed(
                f"token: {result.get('error')} {result.get('error_codes')}: {description}"
            )
        if self.save:
            world.values.save(self.save, _saved(result))
        return from_msal(result)


def _needed(value: T | None, what: str) -> T:
    """A value the target must give for this step, or Unsupported saying which."""
    if value is None:
        raise Unsupported(f"the target names no {what}")
    return value


def _given(value: T | None, default: T) -> T:
    """The file's value when it gives one (even an empty one), else the default."""
    return default if value is None else value


def _saved(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "access": result.get("access_token"),
        "id": result.get("id_token"),
        "refresh": result.get("refresh_token"),
    }


class Code(Action):
    """``code: {user: alice, pkce: S256|plain|none}``: an authorization code by hand; saves
    ``{code, state, session_state, verifier, redirect_uri}``. ``params`` add to or replace
    the authorize request's parameters."""

    key: ClassVar[str] = "code"
    user: str = "alice"
    tenant: str | None = None
    save: str = "code"
    pkce: str = "S256"
    verifier: str | None = None
    client_id: str = shipped.WEB_CLIENT_ID
    redirect_uri: str = shipped.WEB_REDIRECT_URI
    scope: str = CODE_SCOPE
    params: dict[str, Any] = Field(default_factory=dict)

    def run(self, world: World, checked: bool) -> Observation:
        verifier = self.verifier or secrets.token_urlsafe(48)
        # ``none``: no challenge at all (a PKCE downgrade); any other method sends the
        # verifier itself as its challenge, as ``plain`` does.
        challenge = pkce_s256(verifier) if self.pkce == "S256" else verifier
        request = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": "scenario-state",
            "nonce": "scenario-nonce",
            **{name: str(value) for name, value in self.params.items()},
        }
        got = RawFlow(world.stack).code_response(
            self.user,
            challenge=None if self.pkce == "none" else challenge,
            method=self.pkce,
            tenant=_given(self.tenant, world.tenant),
            **request,
        )
        saved = {**got, "verifier": verifier, "redirect_uri": request["redirect_uri"]}
        world.values.save(self.save, saved)
        return Observation(params=saved)


class Mutate(Action):
    """``mutate: {token: ..., ops: [...], save: forged}``: a forged or broken token."""

    key: ClassVar[str] = "mutate"
    token: str
    ops: list[Any] = Field(default_factory=list)
    save: str

    def run(self, world: World, checked: bool) -> Observation:
        world.values.save(self.save, mutate(self.token, self.ops, world.keys()))
        return Observation()
