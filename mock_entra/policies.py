"""MFA policies and claims challenges (a small stand-in for Conditional Access).

Silent flows cannot satisfy MFA, so refresh and On-Behalf-Of answer 50076
``interaction_required`` with a ``claims`` challenge; the app sends that value back
as the authorize request's ``claims`` parameter, and the interactive sign-in then
counts as MFA (``amr`` gets ``mfa``).
https://learn.microsoft.com/entra/identity-platform/claims-challenge
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow#error-response-example
"""

from __future__ import annotations

import json
from typing import Any

from mock_entra.errors import InteractionRequired
from mock_entra.tenant.application import Application
from mock_entra.tenant.model import Tenant, User


def claims_challenge(policy_ids: list[str]) -> str:
    return json.dumps(
        {"access_token": {"capolids": {"essential": True, "values": policy_ids}}},
        separators=(",", ":"),
    )


def check_mfa(
    tenant: Tenant, resource: Application, user: User, client_id: str, amr: list[str]
) -> None:
    """Refuse a silent token for ``resource`` when a policy wants MFA the session lacks."""
    if "mfa" in amr:
        return
    policies = [p.id for p in tenant.mfa_policies if p.applies(resource, user, client_id)]
    if policies:
        raise InteractionRequired(
            50076,
            "Due to a configuration change made by your administrator, or because you moved "
            "to a new location, you must use multi-factor authentication to access "
            f"'{resource.client_id}'.",
            claims=claims_challenge(policies),
        )


def interactive_amr(claims_request: str | None, base: list[str]) -> tuple[list[str], list[str]]:
    """``amr`` and ``acrs`` after an interactive sign-in that carried a ``claims`` request.

    The mock's sign-in stands for whatever the challenge asked (MFA, an auth context).
    """
    if not claims_request:
        return base, []
    try:
        request: Any = json.loads(claims_request)
    except ValueError:
        return base, []
    access = request.get("access_token", {}) if isinstance(request, dict) else {}
    acrs_request = access.get("acrs", {}) if isinstance(access, dict) else {}
    acrs: list[str] = []
    if isinstance(acrs_request, dict):
        values = acrs_request.get("values") or [acrs_request.get("value")]
        acrs = [str(v) for v in values if v]
    return sorted({*base, "mfa"}), acrs
