"""One simulated user of the running stack: sign in through the frontend and the mock's
sign-in page, chat (MCP tools, OBO to Graph), press the OBO button, sign out; repeat.

Each step's latency is recorded; every answer that names a user is checked against
the user who started the step (the fake Graph answers ``/me`` for the oid in the
OBO token it validated; the inspector shows the OBO token's claims).
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from frontend.chat import parse_sse
from mock_entra.testing.browser import Answers, FormBrowser, SignInError

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    cycles: int = 0
    downstream_checked: int = 0


class StepError(RuntimeError):
    pass


class SimulatedUser:
    def __init__(self, frontend: str, mock_ca: str, upn: str, password: str, oid: str) -> None:
        self.frontend, self.ca = frontend.rstrip("/"), mock_ca
        self.upn, self.password, self.oid = upn, password, oid

    def _timed(self, out: Outcome, name: str, call: Any) -> Any:
        start = time.perf_counter()
        result = call()
        out.latencies[name].append(time.perf_counter() - start)
        return result

    def sign_in(self, web: httpx.Client, idp: httpx.Client) -> None:
        start = web.get(f"{self.frontend}/login")
        if start.status_code != 302:
            raise StepError(f"/login answered {start.status_code}")
        try:  # the mock's pages (or an SSO redirect straight back)
            back = FormBrowser(idp).walk(
                start.headers["location"], Answers(self.upn, self.password)
            )
        except SignInError as exc:
            raise StepError(f"sign-in page: {exc}") from exc
        if back.status_code != 302:
            raise StepError(f"sign-in page answered {back.status_code}")
        done = web.get(back.headers["location"])
        if done.status_code not in (200, 302):
            raise StepError(f"/signin-oidc answered {done.status_code}")

    def csrf(self, web: httpx.Client) -> str:
        page = web.get(f"{self.frontend}/chat")
        match = CSRF.search(page.text)
        if page.status_code != 200 or not match:
            raise StepError(f"/chat answered {page.status_code}")
        return match.group(1)

    def chat_profile(self, web: httpx.Client, csrf: str, out: Outcome) -> None:
        answer = web.post(
            f"{self.frontend}/chat/stream",
            json={"message": "show my profile"},
            headers={"X-CSRF-Token": csrf},
        )
        if answer.status_code != 200:
            raise StepError(f"/chat/stream answered {answer.status_code}")
        results = [d for kind, d in parse_sse(answer.text) if kind == "tool_result"]
        if not results:
            raise StepError(f"chat: no tool result: {answer.text[:200]}")
        seen = json.dumps(results)
        out.downstream_checked += 1
        if self.oid not in seen:
            raise StepError(f"chat: tool result without the user's oid: {seen[:200]}")
        for other in re.findall(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", seen
        ):
            if other in OTHER_OIDS and other != self.oid:
                out.leaks.append(f"{self.upn} saw {other} in a profile answer")

    def obo_button(self, web: httpx.Client, csrf: str, out: Outcome) -> None:
        answer = web.post(f"{self.frontend}/obo", data={"csrf_token": csrf})
        if answer.status_code != 302:
            raise StepError(f"/obo answered {answer.status_code}")
        page = web.get(f"{self.frontend}/inspector")
        if page.status_code != 200:
            raise StepError(f"/inspector answered {page.status_code}")
        out.downstream_checked += 1
        for other in OTHER_OIDS:
            if other != self.oid and other in page.text:
                out.leaks.append(f"{self.upn} saw {other} in the inspector")
        if self.oid not in page.text:
            raise StepError("inspector: the OBO token does not carry the user's oid")

    def cycle(self, out: Outcome) -> None:
        """One sign-in → chat → OBO → sign-out, each in fresh clients (a new browser)."""
        with (
            httpx.Client(timeout=60) as web,
            httpx.Client(verify=self.ca, timeout=60) as idp,
        ):
            self._timed(out, "sign-in", lambda: self.sign_in(web, idp))
            csrf = self._timed(out, "chat page (refresh grant)", lambda: self.csrf(web))
            self._timed(out, "chat: profile (MCP + OBO)", lambda: self.chat_profile(web, csrf, out))
            self._timed(out, "OBO button + inspector", lambda: self.obo_button(web, csrf, out))
            self._timed(
                out,
                "sign-out",
                lambda: web.post(f"{self.frontend}/logout", data={"csrf_token": csrf}),
            )
        out.cycles += 1

    def run(self, until: float, out: Outcome) -> None:
        while time.monotonic() < until:
            try:
                self.cycle(out)
            except (StepError, httpx.HTTPError, KeyError, ValueError) as exc:
                out.errors.append(f"{self.upn}: {type(exc).__name__}: {str(exc)[:200]}")
                time.sleep(0.5)  # bounded: back off, then a fresh cycle


OTHER_OIDS: set[str] = set()  # every test user's oid, filled by the soak command
