"""Steps that change the scenario's own tenant through the admin API: a fault, a clock
move, a revocation of a user's sign-in sessions, a key rotation. Each is scoped to that tenant and undone when the scenario ends."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import RootModel

from mock_entra.scenarios.observation import Observation
from mock_entra.scenarios.steps.base import Action
from mock_entra.scenarios.world import World
from mock_entra.testing import user_credentials


class Fault(RootModel[dict[str, Any]]):
    """``fault: {endpoint: token, effect: throttle, ...}``: an admin API fault (its match
    and effect as the README's fault table has them), for the scenario's tenant."""

    key: ClassVar[str] = "fault"

    def run(self, world: World, checked: bool) -> Observation:
        world.add_fault(self.root)
        return Observation()


class Clock(Action):
    """``clock: {advance: seconds}``: move the scenario tenant's clock."""

    key: ClassVar[str] = "clock"
    advance: float = 0

    def run(self, world: World, checked: bool) -> Observation:
        world.move_clock(self.advance)
        return Observation()


class RevokeSignInSessions(Action):
    """``revoke_sign_in_sessions: {user: alice}``: Graph's revokeSignInSessions for a user of
    the scenario's tenant (the user's refresh tokens and browser sessions end)."""

    key: ClassVar[str] = "revoke_sign_in_sessions"
    user: str = "alice"

    def run(self, world: World, checked: bool) -> Observation:
        upn, _ = user_credentials(self.user)
        path = f"/tenants/{world.tenant}/users/{upn}/revokeSignInSessions"
        answer = world.stack.admin("POST", path)
        return Observation(status=answer.status_code, json=answer.json())


class RotateKeys(Action):
    """``rotate_keys: {}``: the next key signs (``publish_only``: only publish it)."""

    key: ClassVar[str] = "rotate_keys"
    publish_only: bool = False

    def run(self, world: World, checked: bool) -> Observation:
        what = "publish-next" if self.publish_only else "rotate"
        answer = world.stack.admin("POST", f"/tenants/{world.tenant}/keys/{what}")
        return Observation(status=answer.status_code, json=answer.json())
