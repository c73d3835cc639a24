"""identity.flask, hardened: friendly sign-in failures, tenant checks, step-up with claims.

identity 0.11 swallows a state mismatch (redirects to ``/``), lets MSAL's
``RuntimeError`` for a bad ID token escape as a 500, does not check the ID
token's tenant or issuer, and cannot start a login with a ``claims`` challenge.
These subclasses close those gaps while keeping its session layout, so its
``login_required`` decorator keeps working unchanged. They use the names identity
documents for subclasses (the single-underscore session keys and hooks), never its
name-mangled ones: the page to return to after sign-in travels in the flow under
this app's own key.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any
from urllib.parse import urlsplit

import identity.flask
import identity.web
import msal
import requests
from flask import abort, redirect, request, session
from werkzeug.wrappers import Response

from frontend.pages import error_page
from frontend.settings import FrontendSettings

log = logging.getLogger(__name__)

# Session keys owned by this app; all are per-user and cleared on a change of user.
USER_KEYS = ("obo_result", "challenge_attempts", "pending_challenge")
# In the auth flow: the same-origin path to show after sign-in (checked again on return).
NEXT_LINK = "frontend.next_link"
# In the session that sign-out leaves behind: the next page says "you are signed out".
SIGNED_OUT = "frontend.signed_out"
# Entra's code for "the user declined to consent" (an access_denied answer).
DECLINED_CONSENT = "AADSTS65004"


def safe_next(target: str | None, own_host: str) -> str:
    """Only a same-origin relative path may be followed after sign-in (scenario C8).

    Absolute URLs are accepted only for this app's own host (identity passes
    ``request.url``) and are reduced to their path; ``//evil``, ``/\\evil`` and
    schemes such as ``javascript:`` become ``/``.
    """
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != own_host:
            return "/"
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return "/"
    return target


class WebAuth(identity.web.Auth):
    """identity's session helper plus a ``claims`` challenge at log-in and raw ID token access."""

    def log_in(  # type: ignore[override]
        self,
        *,
        scopes: list[str] | None = None,
        redirect_uri: str | None = None,
        state: str | None = None,
        prompt: str | None = None,
        next_link: str | None = None,
        claims_challenge: str | None = None,
    ) -> dict[str, Any]:
        """Start the auth code flow (PKCE, nonce, state by MSAL), optionally with claims."""
        _scopes = scopes or []
        with warnings.catch_warnings():
            # MSAL recommends response_mode=form_post. The answer then arrives as a
            # cross-site POST, which a SameSite=Lax session cookie (holding the flow)
            # does not accompany, so the query mode stays: the code is single-use,
            # PKCE-bound, and the callback redirects at once with Referrer-Policy
            # no-referrer, so it does not linger or leak.
            warnings.filterwarnings("ignore", message=".*form_post.*", category=UserWarning)
            flow: dict[str, Any] = self._build_msal_app().initiate_auth_code_flow(
                _scopes,
                redirect_uri=redirect_uri,
                state=state,
                prompt=prompt,
                claims_challenge=claims_challenge,
            )
        if "error" in flow:
            return flow
        flow[self._EXPLICITLY_REQUESTED_SCOPES] = _scopes
        flow[NEXT_LINK] = next_link
        self._session[self._AUTH_FLOW] = flow
        return {"auth_uri": flow["auth_uri"]}

    def raw_id_token(self) -> str | None:
        """The current user's ID token as received (MSAL keeps it in the session cache)."""
        user = self._load_user_from_session()
        if not user:
            return None
        cache = self._load_cache()
        entries = list(cache.search(msal.TokenCache.CredentialType.ID_TOKEN))
        # One cache per session, so every entry is this user's; take the newest.
        for entry in reversed(entries):
            secret = entry.get("secret")
            if isinstance(secret, str):
                return secret
        return None


class FrontendAuth(identity.flask.Auth):
    """identity.flask.Auth whose sign-in never ends in a 500 and checks tid/iss."""

    def __init__(self, app: Any, *, settings: FrontendSettings) -> None:
        self.settings = settings
        super().__init__(
            app,
            client_id=settings.frontend_client_id,
            client_credential=settings.frontend_client_secret.get_secret_value() or None,
            authority=settings.authority,
            redirect_uri=settings.redirect_uri,
        )

    @property
    def web(self) -> WebAuth:
        """The low-level helper bound to the Flask session."""
        return self._auth  # type: ignore[return-value]

    def _build_auth(self, session: Any) -> WebAuth:
        return WebAuth(
            session=session,
            authority=self._authority,
            client_id=self._client_id,
            client_credential=self._client_credential,
            http_cache=self._http_cache,
        )

    def _render_auth_error(  # type: ignore[override]
        self, *, error: str, error_description: str | None = None
    ) -> Any:
        return denied_page(error, error_description)

    def _on_another_host(self) -> Response | None:
        """Send the browser to FRONTEND_URL's host before a sign-in starts anywhere else.

        The flow lives in the session whose cookie belongs to the host name the browser
        used (cookies ignore the port: RFC 6265 §8.5), and the identity platform answers
        at the redirect URI's host. Started on 127.0.0.1 for a localhost redirect URI,
        the answer would arrive without the flow ("no sign-in was in progress").
        """
        configured = urlsplit(self.settings.frontend_url).hostname or ""
        used = urlsplit(f"//{request.host}").hostname or ""
        if used == configured:
            return None
        # Same page on the configured host; a POST cannot be replayed, so it lands home.
        path = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else "/"
        return redirect(self.settings.frontend_url.rstrip("/") + path)

    def login(  # type: ignore[override]
        self,
        *,
        next_link: str | None = None,
        scopes: list[str] | None = None,
        claims_challenge: str | None = None,
        prompt: str | None = None,
    ) -> Any:
        """Redirect to the authorize endpoint (a 302, not identity's meta-refresh page)."""
        elsewhere = self._on_another_host()
        if elsewhere is not None:
            return elsewhere
        try:
            result = self.web.log_in(
                scopes=scopes,
                redirect_uri=self._redirect_uri,
                prompt=prompt or self._prompt,
                next_link=next_link,
                claims_challenge=claims_challenge,
            )
        except (requests.RequestException, ValueError, msal.exceptions.MsalError) as exc:
            # Discovery failed: the IdP is down or the authority is wrong.
            log.warning("sign-in could not start: %s", type(exc).__name__)
            return error_page("error.idp", status=503)
        if "error" in result:
            return self._render_auth_error(
                error=result["error"], error_description=result.get("error_description")
            )
        return redirect(result["auth_uri"])

    def auth_response(self) -> Any:
        """The redirect URI: every failure path ends on a friendly page (C1–C7)."""
        flow = session.get(WebAuth._AUTH_FLOW)
        if not flow:
            return error_page("error.no_flow", status=400)  # C2
        args = request.args
        if not args.get("state") or args.get("state") != flow.get("state"):
            # Checked here so that no token request is ever sent (C1).
            session.pop(WebAuth._AUTH_FLOW, None)
            return error_page("error.state", status=400)
        if "error" in args:
            # Only error and error_description are read; smuggled fields are ignored (C4).
            session.pop(WebAuth._AUTH_FLOW, None)
            return denied_page(args.get("error", ""), args.get("error_description"))
        previous_oid = (session.get(WebAuth._USER) or {}).get("oid")
        try:
            result = self.web.complete_log_in(
                {k: v for k, v in args.items() if k in ("code", "state", "client_info")}
            )
        except RuntimeError as exc:  # MSAL: nonce, aud or iss of the ID token (C5, C6)
            log.warning("ID token refused by MSAL: %s", type(exc).__name__)
            self._forget_user()
            return error_page("error.id_token", status=400)
        except (requests.RequestException, msal.exceptions.MsalError, ValueError) as exc:
            log.warning("token endpoint failed: %s", type(exc).__name__)
            self._forget_user()
            return error_page("error.idp", status=503)
        if "error" in result:  # e.g. invalid_grant from PKCE (C3)
            self._forget_user()
            return denied_page(str(result["error"]), result.get("error_description"))
        if not result:  # identity's no-op for a flow it could not use
            return error_page("error.state", status=400)
        claims = session.get(WebAuth._USER) or {}
        if not self._claims_acceptable(claims):
            self._forget_user()
            return error_page("error.tenant", status=400)  # C7
        if previous_oid and previous_oid != claims.get("oid"):
            for key in USER_KEYS:  # another person signed in: drop the previous one's state
                session.pop(key, None)
        return redirect(safe_next(flow.get(NEXT_LINK), request.host))

    def _claims_acceptable(self, claims: dict[str, Any]) -> bool:
        """MSAL does not check tenant, issuer or audience: the ID token must be ours (C6, C7).

        A multi-tenant sign-in (``/organizations``) may bring any allowed tenant's user, and
        the issuer must then be that tenant's ("update your code to handle multiple
        issuer values", howto-convert-app-to-be-multi-tenant).
        """
        tid = str(claims.get("tid", "")).lower()
        # MSAL 1.3x no longer checks the ID token's aud either (C6, OIDC Core §3.1.3.7 step 3).
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        return (
            tid in self.settings.allowed_tids
            and claims.get("iss") == self.settings.issuer_of(tid)
            and self.settings.frontend_client_id in audiences
        )

    def _forget_user(self) -> None:
        """Leave no half-signed-in state behind."""
        for key in (WebAuth._AUTH_FLOW, WebAuth._USER, WebAuth._TOKEN_CACHE, *USER_KEYS):
            session.pop(key, None)

    def logout(self) -> Response:
        """Clear the whole session here, then end the session at the identity platform.

        identity registers a GET route for this; sign-out is only accepted as a
        CSRF-checked POST (views.logout), so a cross-site link cannot sign users out.
        """
        if request.method != "POST":
            abort(405)
        lang = session.get("lang")  # a choice of the browser's person, not of the account
        session.clear()
        session[SIGNED_OUT] = True
        if lang:
            session["lang"] = lang
        return redirect(self.web.log_out(self.settings.frontend_url.rstrip("/") + "/"))  # type: ignore[return-value]


def denied_page(error: str, description: str | None) -> tuple[str, int]:
    """The identity platform said no; a declined consent (AADSTS65004) is explained as such."""
    if error == "access_denied" and DECLINED_CONSENT in (description or ""):
        return error_page(
            "error.declined",
            error=error,
            detail=description,
            show_retry=False,
            title_key="consent.declined_title",
        )
    return error_page("error.denied", error=error, detail=description, status=400)
