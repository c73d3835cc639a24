"""The device code flow's first half as a step: a device authorization, the page answered.

``device_code: {client_id: ..., scope: ..., user: alice, confirm: continue|cancel,
consent: accept|decline, save: d}`` asks the tenant's device authorization endpoint
for a code (RFC 8628 §3.1), then, when ``user`` is given, plays that user on the
verification page (:meth:`mock_entra.testing.Tokens.complete_device_code`). It saves
``device_code``, ``user_code``, ``verification_uri`` and ``ended`` (``approved``,
``declined`` or none); the polls are ``call: {token_endpoint: {form: ...}}`` steps.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code
"""

from __future__ import annotations

from typing import ClassVar

from entra_kit import shipped_tenant as shipped
from mock_entra.scenarios.observation import Observation, from_httpx
from mock_entra.scenarios.steps.base import Action, StepFailed
from mock_entra.scenarios.world import World
from mock_entra.testing import Tokens

DEFAULT_SCOPE = f"{shipped.API_SCOPE} openid offline_access"


class DeviceCode(Action):
    key: ClassVar[str] = "device_code"
    client_id: str
    scope: str = DEFAULT_SCOPE
    tenant: str | None = None
    user: str | None = None
    password: str | None = None
    confirm: str = "continue"
    consent: str = "accept"
    save: str = "device"

    def run(self, world: World, checked: bool) -> Observation:
        tenant = self.tenant or world.tenant
        form = {"client_id": self.client_id, "scope": self.scope}
        with world.stack.http() as client:
            answer = from_httpx(client.post(f"/{tenant}/oauth2/v2.0/devicecode", data=form))
        if answer.status != 200 or not isinstance(answer.json, dict):
            if checked:
                return answer
            raise StepFailed(f"device authorization: {answer.status} {answer.oauth_error()}")
        saved = {**answer.json, "ended": None}
        if self.user is not None:
            saved["ended"] = Tokens(world.stack).complete_device_code(
                answer.json["verification_uri"], answer.json["user_code"], self.user,
                password=self.password, consent=self.consent, confirm=self.confirm,
            )  # fmt: skip
        world.values.save(self.save, saved)
        return Observation(status=200, params=saved)
