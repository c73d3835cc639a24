"""``make run``: start mock, backend and frontend; prefix their logs; stop all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from entra_kit.trust import tls_context
from mock_entra.settings import MockSettings
from mock_entra.tenant import load_directory
from mock_entra.tls import ensure_tls
from stack.profile import load_profile
from stack.services import Service, child_environment, plan, uses_mock
from stack.setups import banner_lines

COLORS = {"mock": "\033[35m", "backend": "\033[36m", "frontend": "\033[32m"}
RESET = "\033[0m"
START_TIMEOUT = 60.0


def _pipe(name: str, stream: object, color: bool) -> None:
    prefix = f"{COLORS.get(name, '')}{name:>8} |{RESET} " if color else f"{name:>8} | "
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        sys.stdout.write(prefix + line)
        sys.stdout.flush()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _healthy(url: str, ca: str | None) -> bool:
    context = tls_context(ca) if url.startswith("https") else None
    try:
        with urllib.request.urlopen(url, timeout=1, context=context) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    def __init__(self, services: list[Service], env: dict[str, str], ca: str | None) -> None:
        self.services = services
        self.env = env
        self.ca = ca
        self.children: list[tuple[Service, subprocess.Popen[str]]] = []
        self.color = sys.stdout.isatty()
        self.stopping = threading.Event()

    def start(self, service: Service) -> None:
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            service.command,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # our own process group: Ctrl-C is handled here
        )
        self.children.append((service, child))
        threading.Thread(
            target=_pipe, args=(service.name, child.stdout, self.color), daemon=True
        ).start()

    def wait_healthy(self, service: Service, child: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(service.health_url, self.ca):
            if self.stopping.is_set():
                raise KeyboardInterrupt
            if child.poll() is not None:
                raise RuntimeError(f"{service.name} exited with code {child.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{service.name} not healthy at {service.health_url}")
            time.sleep(0.1)

    def stop(self) -> None:
        for _, child in reversed(self.children):
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 8
        for _, child in reversed(self.children):
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def _banner(env: dict[str, str], seconds: float) -> str:
    frontend = env.get("FRONTEND_URL", "http://localhost:5001")
    lines = [f"\nReady in {seconds:.1f}s.  Open {frontend}\n"]
    if uses_mock(env):
        lines += [*banner_lines(env), ""]
        directory = load_directory(env.get("MOCK_ENTRA_CONFIG") or None)
        lines.append("Test users (mock tenant):")
        lines += [f"  {u.upn:<36} password: {u.password}" for u in directory.tenants[0].users]
    else:
        host = env.get("ENTRA_AUTHORITY_HOST", "").rstrip("/")
        lines += [
            "Entra profile: the mock is not started (ENTRA_AUTHORITY_HOST is not loopback).",
            f"Users sign in at {host}/{env.get('ENTRA_TENANT_ID', '<tenant>')} with an account",
            "of that tenant, from the frontend's Sign in button.",
        ]
    lines.append("\nCtrl-C stops everything.\n")
    return "\n".join(lines)


def main() -> int:
    env = load_profile()
    services = plan(env)
    busy = [s for s in services if not _port_free(s.port)]
    if busy:
        names = ", ".join(f"{s.name} (port {s.port})" for s in busy)
        print(
            f"make run: port already in use: {names}. Stop what uses it, or change the "
            "port in your .env.",
            file=sys.stderr,
        )
        return 1
    ca = None
    if uses_mock(env):
        state_dir = Path(env.get("MOCK_ENTRA_STATE_DIR") or MockSettings().state_dir)
        ca = str(ensure_tls(state_dir).ca_cert.resolve())
    stack = Stack(services, child_environment(env, ca), ca)
    stopping = stack.stopping
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    started = time.monotonic()
    try:
        for service in services:
            stack.start(service)
            stack.wait_healthy(*stack.children[-1])
        print(_banner(env, time.monotonic() - started), flush=True)
        while not stopping.is_set():
            for service, child in stack.children:
                if child.poll() is not None:
                    print(
                        f"make run: {service.name} stopped (code {child.returncode}); "
                        "stopping the rest.",
                        file=sys.stderr,
                    )
                    return 1
            stopping.wait(0.5)
        print("\nStopping…", flush=True)
        return 0
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
