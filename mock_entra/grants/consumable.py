"""The life cycle every grant that redeems a record shares (codes, refresh tokens).

Find it and, when it is one-time, use it up atomically; a replay revokes the
refresh-token family its first use began (RFC 6749 §10.5, RFC 9700 §4.14.2); an
expired one and an unknown one get their own answers; then the record must belong
to this tenant and client. Codes are always one-time; Entra's refresh tokens are
not ("Refresh tokens aren't revoked when used", v2-oauth2-auth-code-flow), unless
the tenant's ``refresh_tokens.strict_rotation`` policy makes them so.
node-oidc-provider's ``lib/helpers/grant_common.js`` (``findGrantSource``,
``consumeGrantSource``) is the model; here the use comes first, so that two
workers redeeming the same code at once cannot both pass the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from mock_entra.errors import OAuthError
from mock_entra.grants.delegated import malformed_grant
from mock_entra.grants.request import TokenRequest
from mock_entra.records.base import GrantSource, Outcome
from mock_entra.records.refresh_tokens import RefreshToken
from mock_entra.tenant.model import Tenant

R = TypeVar("R", bound=GrantSource)
ErrorFactory = Callable[[], OAuthError]


def always_one_time(tenant: Tenant) -> bool:
    """Authorization codes: "single use" whatever the tenant (RFC 6749 §4.1.2)."""
    return True


@dataclass(frozen=True)
class Consumable(Generic[R]):
    """How one grant redeems its record: the parameter, its syntax, and Entra's answers."""

    parameter: str  # the form field that carries it ("code", "refresh_token")
    record: type[R]
    well_formed: Callable[[str], bool]
    replayed: ErrorFactory  # used before, or revoked
    expired: ErrorFactory
    other_tenant: ErrorFactory
    other_client: ErrorFactory
    # Whether presenting the record uses it up, in this tenant.
    one_time: Callable[[Tenant], bool] = always_one_time


def redeem(req: TokenRequest, grant: Consumable[R]) -> R:
    """The record the request presents, used up now and checked against tenant and client."""
    key = req.require(grant.parameter)
    if not grant.well_formed(key):
        raise malformed_grant()
    store = req.ctx.store
    use = grant.record.redeem if grant.one_time(req.tenant) else grant.record.present
    found = use(store, key, req.ctx.now())
    record = found.record
    if found.outcome is Outcome.REPLAYED and record is not None:
        family = record.issued_family(store)
        if family:
            RefreshToken.revoke_family(store, family)
        raise grant.replayed()
    if found.outcome is Outcome.EXPIRED:
        raise grant.expired()
    if record is None:
        raise malformed_grant()
    if record.revoked:
        raise grant.replayed()
    if record.tenant != req.tenant.id:
        raise grant.other_tenant()
    if record.client_id != req.client.app.client_id:
        raise grant.other_client()
    return record
