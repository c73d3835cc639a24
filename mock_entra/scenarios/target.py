"""A target description: any HTTP API that trusts the mock, as the runner needs to know it.

A YAML (or JSON) file, validated when it loads (one line naming the field if not)::

    base_url: http://127.0.0.1:9000        # where your API listens
    requests:                              # the protected request(s); each row runs on each
      - {method: GET, path: /me}
      - {method: POST, path: /notes, json: {text: hi}}
    app:                                   # the app registration your API trusts
      client_id: <the API's application id>
      app_id_uri: api://<...>              # default api://<client_id>
      scope: access_as_user                # the delegated scope it requires
      token_version: 1                     # requestedAccessTokenVersion (aud and iss follow)
      tenant: <tenant id>
    client: {client_id: ..., client_secret: ..., redirect_uri: ...}   # signs users in
    user: alice                            # and password: when not a shipped user
    daemon: {client_id: ..., client_secret: ...}   # optional: the app-only row
    refuses:                               # how your API says no
      invalid_token: 401                   # no, broken or invalid token
      insufficient_scope: 403              # a valid token without the scope, app-only
      www_authenticate: rfc6750            # rfc6750 (Bearer + error=) | bearer | none
    accepts: 200                           # the status of a request it takes
    mcp: false                             # true (or {path: /mcp}) for an MCP server
    mock: {url: https://127.0.0.1:8443, ca_bundle: .state/mock-entra/tls/ca.pem}

Without ``client``/``daemon``, a target on the shipped tenant uses the shipped web
app and daemon; without ``mock.ca_bundle``, the CA of the ``mock-entra serve`` running
on that port (:mod:`mock_entra.state_location`). Nothing needs a health endpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from entra_kit import shipped_tenant as shipped
from entra_kit.settings import first_error
from mock_entra.scenarios.apps import Apps
from mock_entra.scenarios.keyed import Strict

WwwAuthenticate = Literal["rfc6750", "bearer", "none"]


class ProtectedRequest(Strict):
    method: str = "GET"
    path: str = "/"
    json_body: Any = Field(default=None, alias="json")
    headers: dict[str, str] = Field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


class Registration(Strict):
    """The API's app registration: what its tokens' ``aud``, ``scp``, ``iss`` must be."""

    client_id: str
    app_id_uri: str | None = None
    scope: str = "access_as_user"
    token_version: Literal[1, 2]
    tenant: str
    client_secret: str | None = None  # only for the on-behalf-of rows

    @property
    def identifier_uri(self) -> str:
        return self.app_id_uri or f"api://{self.client_id}"

    @property
    def full_scope(self) -> str:
        return f"{self.identifier_uri}/{self.scope}"


class Client(Strict):
    client_id: str
    client_secret: str
    redirect_uri: str


class Daemon(Strict):
    client_id: str
    client_secret: str


class Refusal(Strict):
    invalid_token: int = 401
    insufficient_scope: int = 403
    www_authenticate: WwwAuthenticate = "rfc6750"


class McpServer(Strict):
    path: str = "/mcp"
    # RFC 9728 §3.1: default the path-suffixed well-known URL of the MCP endpoint.
    prm_url: str | None = None


class MockPlatform(Strict):
    url: str = "https://127.0.0.1:8443"
    ca_bundle: Path | None = None
    admin_token: str | None = None


class TargetDescription(Strict):
    base_url: str
    requests: list[ProtectedRequest] = Field(default_factory=lambda: [ProtectedRequest()])
    app: Registration
    client: Client | None = None
    user: str = "alice"
    password: str | None = None
    daemon: Daemon | None = None
    refuses: Refusal = Refusal()
    accepts: int | list[int] = 200
    mcp: McpServer | None = None
    mock: MockPlatform = MockPlatform()
    api_ca_bundle: Path | None = None  # when the API itself is served over HTTPS

    @field_validator("mcp", mode="before")
    @classmethod
    def _mcp_flag(cls, value: Any) -> Any:
        if value is True:
            return {}
        return None if value is False else value

    @model_validator(mode="after")
    def _has_a_client(self) -> TargetDescription:
        if self.client is None and self.app.tenant != shipped.TENANT_ID:
            raise ValueError("client: needed (the app that signs users in for your API)")
        return self

    def apps(self) -> Apps:
        """The registrations the scenarios act with, from this description."""
        client = self.client or Client(client_id=shipped.WEB_CLIENT_ID,
                                       client_secret=shipped.WEB_CLIENT_SECRET,
                                       redirect_uri=shipped.WEB_REDIRECT_URI)  # fmt: skip
        daemon = self.daemon
        if daemon is None and self.app.tenant == shipped.TENANT_ID:
            daemon = Daemon(client_id=shipped.DAEMON_CLIENT_ID,
                            client_secret=shipped.DAEMON_CLIENT_SECRET)  # fmt: skip
        return Apps(
            web_client_id=client.client_id, web_secret=client.client_secret,
            web_redirect=client.redirect_uri, api_client_id=self.app.client_id,
            api_app_id_uri=self.app.identifier_uri, api_scope=self.app.full_scope,
            api_secret=self.app.client_secret,
            daemon_client_id=daemon.client_id if daemon else None,
            daemon_secret=daemon.client_secret if daemon else None,
            user=self.user, password=self.password,
        )  # fmt: skip


class TargetFileError(ValueError):
    """A target description is invalid; one line naming the file and the field."""


def load_target(path: Path) -> TargetDescription:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TargetFileError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from exc
    try:
        target = TargetDescription.model_validate(data if data is not None else {})
    except ValidationError as exc:
        where, message = first_error(exc)
        raise TargetFileError(f"{path}: {where}: {message}") from exc
    # Relative files are relative to the description, wherever the runner starts.
    for holder, name in ((target.mock, "ca_bundle"), (target, "api_ca_bundle")):
        value = getattr(holder, name)
        if value is not None and not value.is_absolute():
            setattr(holder, name, (path.parent / value).resolve())
    return target
