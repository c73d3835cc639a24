"""The /authorize request: validated by small named checks, in Entra's order.

Order (as Entra): tenant -> client -> redirect_uri -> (only now may errors
redirect) -> response_mode -> response_type -> scope -> resource -> PKCE -> prompt ->
the rest.
A failure before the redirect_uri is verified is an ``Untrusted`` error: it is
shown on an error page and never sent to the unverified redirect_uri (RFC 6749
§4.1.2.1, RFC 9700 §4.1). Later failures are ``Redirectable``: they go back to
the client with ``state``.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from entra_kit.ids import is_guid
from mock_entra.authorize import redirect_uris
from mock_entra.errors import (
    InvalidRequest,
    OAuthError,
    UnsupportedResponseType,
    missing_parameter,
    unknown_client,
)
from mock_entra.resource_indicator import check_resource
from mock_entra.scopes import parse_scopes
from mock_entra.settings import MockSettings
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant

PROMPTS = frozenset({"login", "none", "select_account", "consent"})
RESPONSE_MODES = frozenset({"query", "form_post", "fragment"})
# RFC 7636 §4.2: code_challenge is 43..128 characters of the unreserved set.
_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclass(frozen=True)
class Target:
    """Where a verified error or a code may be sent."""

    redirect_uri: str
    response_mode: str = "query"
    state: str | None = None
    # The language of the form_post page that carries it (the request's ui_locales).
    ui_locales: str | None = None


@dataclass
class Untrusted(Exception):
    """An error found before the redirect_uri was verified: error page only."""

    error: OAuthError


@dataclass
class Redirectable(Exception):
    """An error that goes back to the verified redirect_uri."""

    error: OAuthError
    target: Target


@dataclass(frozen=True)
class AuthorizeRequest:
    """A validated authorize request (a ``PendingAuthorization`` record keeps it between pages)."""

    tenant: str
    client_id: str
    redirect_uri: str
    response_mode: str
    scope: str
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    prompt: str | None = None
    login_hint: str | None = None
    claims: str | None = None
    max_age: int | None = None
    version: int = 2
    # Set when the sign-in answers a device code (its verification page), not a redirect.
    device_code: str | None = None
    # The multi-tenant alias the request came through (organizations, common); ``tenant``
    # is then the app's home tenant until the user signs in, and theirs afterwards.
    authority: str | None = None
    # OIDC Core §3.1.2.1: the user's preferred languages; every page of the flow uses them.
    ui_locales: str | None = None

    @property
    def target(self) -> Target:
        return Target(self.redirect_uri, self.response_mode, self.state, self.ui_locales)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuthorizeRequest:
        known: dict[str, Any] = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def _required(params: dict[str, str], name: str) -> str:
    """AADSTS900144 for a parameter the request must carry."""
    value = params.get(name)
    if not value:
        raise missing_parameter(name)
    return value


def check_client(tenant: Tenant, params: dict[str, str]) -> Application:
    """AADSTS700016: the client must be registered in *this* tenant (A2)."""
    client_id = _required(params, "client_id")
    app = tenant.app(client_id.lower()) if is_guid(client_id, any_case=True) else None
    if app is None:
        raise unknown_client(client_id, tenant.display_name or tenant.domain)
    return app


def check_redirect_uri(app: Application, params: dict[str, str]) -> str:
    """AADSTS50011: exact match against the registered list (A1), never a prefix match.

    A loopback URI matches on any port (``redirect_uris.registered``, Entra's
    "localhost exceptions"): the code goes to the port the client listens on.
    """
    redirect_uri = _required(params, "redirect_uri")
    if not redirect_uris.registered(redirect_uri, app.redirect_uris):
        raise InvalidRequest(
            50011,
            f"The redirect URI '{redirect_uri[:256]}' specified in the request does not "
            f"match the redirect URIs configured for the application '{app.client_id}'. Make "
            "sure the redirect URI sent in the request matches one added to your application "
            "in the Azure portal.",
        )
    return redirect_uri


def _is_implicit(response_type: str) -> bool:
    return bool({"token", "id_token"} & set(response_type.split()))


def check_response_mode(params: dict[str, str]) -> str:
    """query (default) or form_post; fragment only belongs to the implicit flow."""
    mode = params.get("response_mode", "query")
    implicit = _is_implicit(params.get("response_type", ""))
    if mode not in RESPONSE_MODES or (mode == "fragment" and not implicit):
        raise InvalidRequest(
            90100,
            f"The response_mode '{mode[:32]}' is not supported for this request. "
            "Use 'query' or 'form_post'.",
        )
    return mode


def check_response_type(app: Application, params: dict[str, str]) -> str:
    """Only ``code``. Implicit types: AADSTS700054 (A5); the mock never issues them."""
    response_type = _required(params, "response_type")
    if response_type == "code":
        return response_type
    if _is_implicit(response_type):
        kind = "token" if "token" in response_type.split() else "id_token"
        if app.implicit_grant_access_tokens:
            # Enabled on the app, but this mock only implements the code flow.
            raise UnsupportedResponseType(
                700054,
                f"response_type '{kind}' is not supported by this mock identity "
                "platform; use response_type=code with PKCE.",
            )
        raise UnsupportedResponseType(
            700054, f"response_type '{kind}' is not enabled for the application."
        )
    raise UnsupportedResponseType(
        90100, f"The response_type '{response_type[:32]}' is not supported."
    )


def check_scope(tenant: Tenant, params: dict[str, str], version: int) -> str:
    """Entra's scope rules (``parse_scopes``): 70011, 28000, 500011, 90014.

    v1 sends ``resource=`` instead: mapped to ``<resource>/.default`` plus the
    OIDC scopes it named (``openid`` when none), which is what v1 grants mean.
    """
    scope = params.get("scope", "")
    if version == 1:
        oidc = [s for s in scope.split() if "/" not in s] or ["openid"]
        resource = params.get("resource", "").rstrip("/")
        scope = " ".join(([f"{resource}/.default"] if resource else []) + oidc)
    parse_scopes(tenant, scope)
    return scope


def check_resource_parameter(
    tenant: Tenant, params: dict[str, str], scope: str, version: int
) -> None:
    """RFC 8707 ``resource`` on the v2 endpoint, by the tenant's policy: AADSTS9010010 / 901002.

    The v1 endpoint's ``resource`` is its own way to name the resource (``check_scope``).
    """
    if version == 2:
        check_resource(tenant, params.get("resource"), scope)


def check_pkce(
    settings: MockSettings, app: Application, params: dict[str, str]
) -> tuple[str | None, str | None]:
    """RFC 7636 §4.2-4.3. Length or charset wrong: AADSTS501491 (A4).

    ``plain`` is refused unless ``allow_plain_pkce`` (A3: Entra accepts it, the
    mock's policy does not). A challenge is required for public clients and in
    strict mode (``require_pkce``).
    """
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if challenge is None:
        if method is not None:
            raise missing_parameter("code_challenge")
        if settings.require_pkce or app.public_client:
            raise missing_parameter("code_challenge")
        return None, None
    method = method or "plain"  # RFC 7636 §4.3: absent means plain
    if method not in ("S256", "plain"):
        raise InvalidRequest(
            90100, f"The code_challenge_method '{method[:16]}' is not supported. Use 'S256'."
        )
    if method == "plain" and not settings.allow_plain_pkce:
        raise InvalidRequest(
            90100,
            "The code_challenge_method 'plain' is not allowed by this identity "
            "platform's policy. Use 'S256'.",
        )
    if not _CHALLENGE.fullmatch(challenge):
        raise InvalidRequest(501491, "Invalid size of Code_Challenge parameter.")
    return challenge, method


def check_prompt(params: dict[str, str]) -> str | None:
    """OIDC Core §3.1.2.1: one of login, none, select_account, consent; none stands alone."""
    prompt = params.get("prompt")
    if prompt is None:
        return None
    values = prompt.split()
    if not values or any(v not in PROMPTS for v in values) or len(values) > 1:
        raise InvalidRequest(
            90100,
            f"Invalid value for the prompt parameter: '{prompt[:32]}'. Supported values "
            "are login, none, select_account and consent, one at a time.",
        )
    return values[0]


def check_claims(params: dict[str, str]) -> str | None:
    """OIDC Core §5.5: a JSON object; kept verbatim for the token endpoint (claims challenge)."""
    claims = params.get("claims")
    if claims is None:
        return None
    try:
        parsed = json.loads(claims)
    except (ValueError, RecursionError):  # deeply nested input exhausts the decoder's stack
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidRequest(90100, "The claims parameter is not a valid JSON object.")
    return claims


def check_max_age(params: dict[str, str]) -> int | None:
    """OIDC Core §3.1.2.1: a non-negative number of seconds."""
    raw = params.get("max_age")
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise InvalidRequest(90100, "The max_age parameter must be a non-negative integer.")
    return int(raw)


def validate(
    settings: MockSettings, tenant: Tenant, params: dict[str, str], version: int = 2
) -> AuthorizeRequest:
    """Run every check; raise ``Untrusted`` or ``Redirectable`` on the first failure."""
    try:
        app = check_client(tenant, params)
        redirect_uri = check_redirect_uri(app, params)
    except OAuthError as exc:
        raise Untrusted(exc) from None
    state = params.get("state")
    ui_locales = params.get("ui_locales")
    target = Target(redirect_uri, "query", state, ui_locales)
    try:
        mode = check_response_mode(params)
        target = Target(redirect_uri, mode, state, ui_locales)
        check_response_type(app, params)
        scope = check_scope(tenant, params, version)
        check_resource_parameter(tenant, params, scope, version)
        challenge, method = check_pkce(settings, app, params)
        prompt = check_prompt(params)
        claims = check_claims(params)
        max_age = check_max_age(params)
    except OAuthError as exc:
        raise Redirectable(exc, target) from None
    return AuthorizeRequest(
        tenant=tenant.id,
        client_id=app.client_id,
        redirect_uri=redirect_uri,
        response_mode=mode,
        scope=scope,
        state=state,
        nonce=params.get("nonce"),
        code_challenge=challenge,
        code_challenge_method=method,
        prompt=prompt,
        login_hint=params.get("login_hint"),
        claims=claims,
        max_age=max_age,
        version=version,
        ui_locales=ui_locales,
    )
