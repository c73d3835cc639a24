"""Steps that sign in as a browser would: through the platform's pages only, or the whole
round trip from the app to the platform's pages and back to the app's redirect URI."""

from __future__ import annotations

from typing import ClassVar

from mock_entra.scenarios.observation import Observation, from_flask
from mock_entra.scenarios.steps.base import Action, StepFailed
from mock_entra.scenarios.world import World
from mock_entra.testing import Tokens


class IdpSignIn(Action):
    """``idp_sign_in: {location: <authorize URL>, user: alice}``: drive the platform's pages
    for an authorize URL; saves what would reach the app (``callback`` by default)."""

    key: ClassVar[str] = "idp_sign_in"
    location: str
    user: str = "alice"
    consent: str = "accept"
    save: str = "callback"

    def run(self, world: World, checked: bool) -> Observation:
        got = Tokens(world.stack).authorize(self.location, self.user, consent=self.consent)
        world.values.save(self.save, got)
        return Observation(params=got)


class FrontendSignIn(Action):
    """``frontend_sign_in: {user: alice}``: app → platform's pages → the app's redirect URI."""

    key: ClassVar[str] = "frontend_sign_in"
    path: str = "/inspector"
    user: str = "alice"
    browser: str = "browser"

    def run(self, world: World, checked: bool) -> Observation:
        client = world.browser(self.browser)
        start = client.get(self.path)
        if start.status_code != 302:
            if checked:
                return from_flask(start)
            raise StepFailed(f"frontend_sign_in: {self.path} answered {start.status_code}")
        params = Tokens(world.stack).authorize(start.headers["Location"], self.user)
        return from_flask(client.get("/signin-oidc", query_string=params))
