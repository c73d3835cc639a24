"""What one step's answer must be (``expect`` in a scenario file; scenarios/README.md).

Every field is optional and absent means unchecked; an empty ``expect`` is refused,
since it would check nothing. :mod:`mock_entra.scenarios.expectations` holds the checks.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from mock_entra.scenarios.keyed import Strict


class WwwAuthenticate(Strict):
    scheme: str = "Bearer"
    # "absent": the challenge must carry no error attribute (RFC 6750 §3.1).
    error: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    has_params: list[str] = Field(default_factory=list)


class DownstreamExpect(Strict):
    service: Literal["search", "graph"]
    count: int | None = None
    not_token: str | None = None


class IdpRequests(Strict):
    endpoint: str = "token"
    grant_type: str | None = None
    at_most: int | None = None
    at_least: int | None = None


class Cookies(Strict):
    httponly: bool = True
    samesite: str | None = "Lax"
    no_jwt: bool = True


class Expect(Strict):
    """What one step's answer must be; every field is optional, absent means unchecked."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    status: int | list[int] | None = None
    no_server_error: bool = False
    www_authenticate: WwwAuthenticate | None = None
    error: str | list[str] | None = None
    aadsts: int | list[int] | None = None
    suberror: str | None = None
    entra_error_shape: bool = False
    body_json: dict[str, Any] = Field(default_factory=dict, alias="json")
    json_has: list[str] = Field(default_factory=list)
    body_contains: list[str] = Field(default_factory=list)
    body_not_contains: list[str] = Field(default_factory=list)
    body_no_jwt: bool = False
    header: dict[str, str] = Field(default_factory=dict)
    header_absent: list[str] = Field(default_factory=list)
    redirect: bool | None = None
    location_startswith: str | None = None
    location_contains: list[str] = Field(default_factory=list)
    redirect_params: dict[str, Any] = Field(default_factory=dict)
    redirect_params_absent: list[str] = Field(default_factory=list)
    tool_ok: bool | None = None
    tool_error_contains: list[str] = Field(default_factory=list)
    entra_challenge: dict[str, Any] | None = None
    result: dict[str, Any] = Field(default_factory=dict)
    attacker_requests: int | None = None
    jwks_refreshes_at_most: int | None = None
    downstream: list[DownstreamExpect] = Field(default_factory=list)
    idp_requests: IdpRequests | None = None
    signed_in: bool | None = None
    cookies: Cookies | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Expect:
        if not self.model_fields_set:
            raise ValueError("an empty expect checks nothing; state what must happen")
        return self
