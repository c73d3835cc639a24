"""``python -m benchmarks.soak [--users 50] [--seconds 60] [--restart-mock-at S] [--attach]``

N simulated users (threads) sign in through the real flow, chat, call the OBO tools
and sign out, over and over for a bounded time, against the stack on loopback (the
default ports: the web app's registered redirect URI is http://localhost:5001). It
starts the three services itself (so it can restart the mock mid-soak, with the same
state directory and port), or ``--attach`` to a running ``make run``.

Report: errors (must be 0 outside a fault window), latency per step, RSS growth of
each service, and that every answer naming a user names the one who asked.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks import soak_user
from benchmarks.cpu import _descendants
from benchmarks.servers import get_ok, stop, wait_until
from benchmarks.soak_user import Outcome, SimulatedUser
from mock_entra.tenant import load_directory
from stack.services import Service, child_environment, plan

MOCK = "https://127.0.0.1:8443"
BACKEND = "http://127.0.0.1:8000"
FRONTEND = "http://localhost:5001"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, MB."""
    total = 0
    for p in _descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Services:
    """The three services as our own children, so the mock can be restarted."""

    def __init__(self, state: Path) -> None:
        self.env = child_environment(
            {
                "MOCK_ENTRA_STATE_DIR": str(state / "mock"),
                "MOCK_ENTRA_LOG_REQUESTS": "false",
                "FRONTEND_SESSION_DIR": str(state / "sessions"),
                "FRONTEND_SECRET_KEY": "soak-secret-key",
            },
            str(state / "mock" / "tls" / "ca.pem"),
        )
        self.ca = str(state / "mock" / "tls" / "ca.pem")
        self.plan = {s.name: s for s in plan({})}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.log = open(state / "services.log", "ab")  # noqa: SIM115 - closed in stop_all

    def start(self, name: str) -> float:
        service: Service = self.plan[name]
        started = time.perf_counter()
        self.procs[name] = subprocess.Popen(  # noqa: S603 - our interpreter, our modules
            service.command,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        if name == "mock":
            while not Path(self.ca).exists():
                time.sleep(0.01)
        wait_until(service.health_url, self.ca, self.procs[name], 60)
        return time.perf_counter() - started

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs.values())):
            stop(proc)
        self.log.close()


@contextmanager
def stack(attach: bool) -> Iterator[tuple[Services | None, str]]:
    if attach:
        ca = os.environ.get("ENTRA_CA_BUNDLE", ".state/mock-entra/tls/ca.pem")
        if not get_ok(f"{FRONTEND}/healthz", None):
            raise SystemExit(f"soak --attach: nothing healthy at {FRONTEND}")
        yield None, ca
        return
    for url in (MOCK, BACKEND, FRONTEND):
        if get_ok(f"{url}/healthz", None, timeout=0.5) or _busy(url):
            raise SystemExit(f"soak: {url} is in use; stop it or use --attach")
    services = Services(Path(tempfile.mkdtemp(prefix="soak-")))
    try:
        for name in ("mock", "backend", "frontend"):
            services.start(name)
        yield services, services.ca
    finally:
        services.stop_all()


def _busy(url: str) -> bool:
    import socket

    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--restart-mock-at",
        type=float,
        default=None,
        help="kill and restart the mock after this many seconds",
    )
    parser.add_argument("--attach", action="store_true", help="use a running make run")
    args = parser.parse_args(argv)
    tenant = load_directory(None).tenants[0]
    people = [u for u in tenant.users if u.upn.split("@")[0] in ("alice", "bob", "carol")]
    soak_user.OTHER_OIDS.update(u.oid for u in people)
    with stack(args.attach) as (services, ca):
        rss0: dict[str, float] = {}
        outcome = Outcome()
        until = time.monotonic() + args.seconds
        users = [
            SimulatedUser(FRONTEND, ca, p.upn, p.password, p.oid)
            for p in (people[i % len(people)] for i in range(args.users))
        ]
        threads = [
            threading.Thread(target=u.run, args=(until, outcome), daemon=True) for u in users
        ]
        for t in threads:
            t.start()
        if services:
            time.sleep(min(5.0, args.seconds / 4))  # warm-up before the memory baseline
            rss0 = {n: rss_mb(p.pid) for n, p in services.procs.items()}
        restart = None
        if services and args.restart_mock_at is not None:
            time.sleep(max(0.0, args.restart_mock_at - min(5.0, args.seconds / 4)))
            errors_before = len(outcome.errors)
            stop(services.procs["mock"])
            down_at = time.monotonic()
            ready = services.start("mock")
            restart = (errors_before, time.monotonic() - down_at, ready)
        for t in threads:
            t.join(timeout=args.seconds + 120)
        rss1 = {n: rss_mb(p.pid) for n, p in services.procs.items()} if services else {}
    return report(args, outcome, rss0, rss1, restart)


def report(
    args: argparse.Namespace,
    out: Outcome,
    rss0: dict[str, float],
    rss1: dict[str, float],
    restart: tuple[int, float, float] | None,
) -> int:
    print(
        f"\nsoak: {args.users} users, {args.seconds:.0f} s, {out.cycles} full cycles, "
        f"{out.downstream_checked} downstream answers checked for the caller's oid"
    )
    print(f"{'step':34s} {'n':>6s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}")
    for step, values in out.latencies.items():
        v = sorted(values)
        p50, p99 = (v[min(len(v) - 1, int(q * len(v)))] * 1000 for q in (0.5, 0.99))
        print(f"{step:34s} {len(v):6d} {p50:8.0f} {p99:8.0f} {v[-1] * 1000:8.0f}")
    for name in rss1:
        print(
            f"RSS {name:9s} {rss0.get(name, 0):7.1f} MB → {rss1[name]:7.1f} MB "
            f"({rss1[name] - rss0.get(name, 0):+.1f})"
        )
    if restart:
        before, gap, ready = restart
        during = len(out.errors) - before
        print(
            f"mock restarted: down {gap:.2f} s (ready in {ready:.2f} s); errors while it was "
            f"down or right after: {during}"
        )
    print(f"cross-user leaks: {len(out.leaks)}")
    for leak in out.leaks[:10]:
        print("  LEAK", leak)
    print(f"errors: {len(out.errors)}")
    for err in out.errors[:10]:
        print("  ", err)
    return 1 if out.leaks or (out.errors and restart is None) else 0


if __name__ == "__main__":
    sys.exit(main())
