"""Where a mock's state (its store, keys and CA) is, found the same way by every command.

``mock-entra serve`` creates the state where it is told (``--state-dir``,
``MOCK_ENTRA_STATE_DIR``, default ``.state/mock-entra`` under the working directory) and
notes it in one place per user and port: ``$XDG_STATE_HOME/mock-entra/serving-<port>.json``
(default ``~/.local/state``). The commands that only read a state (``describe``,
``token``, ``bad-token``, ``scenarios``) look for it in that order: the one they are
told, the nearest ``.state/mock-entra`` in the working directory or above it, the one
of the mock serving on the port. They never create one: a fresh CA and fresh keys
would mint tokens that the running mock's clients refuse (AADSTS50013, failed TLS).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_STATE_DIR = Path(".state/mock-entra")
# The store the mock opens at start (mock_entra.context.Context.create): a state's mark.
STORE_FILE = "state.sqlite3"


class StateNotFound(RuntimeError):
    """No mock state where a reading command looked; ``str()`` is one line saying where."""


def holds_state(directory: Path) -> bool:
    return (directory / STORE_FILE).is_file()


def ca_bundle(state_dir: Path) -> Path:
    """The CA a served mock's certificate chains to (mock_entra.tls keeps it here)."""
    return state_dir / "tls" / "ca.pem"


def _records(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "mock-entra"


def record_serving(
    port: int,
    state_dir: Path,
    base_url: str,
    config: Path | None = None,
    env: Mapping[str, str] = os.environ,
) -> Path:
    """Note that this process serves ``state_dir`` (and the tenant file ``config``) on
    ``port``: :func:`find_state` and :func:`served_config` read it."""
    path = _records(env) / f"serving-{port}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"state_dir": str(state_dir.resolve()), "base_url": base_url, "pid": os.getpid(),
              "config": str(config.resolve()) if config else None}  # fmt: skip
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


@contextmanager
def recorded_while_serving(
    port: int, state_dir: Path, base_url: str, config: Path | None = None
) -> Iterator[Path]:
    """The serving record for the block (the serve command's life); removed after it, so a
    stopped mock is not found by its port (a reused pid would otherwise look alive)."""
    path = record_serving(port, state_dir, base_url, config)
    try:
        yield path
    finally:
        with suppress(OSError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _listening(base_url: str) -> bool:
    parts = urlsplit(base_url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 443), 1):
            return True
    except OSError:
        return False


def _live_records(env: Mapping[str, str]) -> list[dict[str, Any]]:
    """Records of mocks that still serve: their process lives and their port answers (a
    mock stopped by a signal leaves its record, and its pid may be reused)."""
    records = []
    for path in sorted(_records(env).glob("serving-*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        state = Path(str(record.get("state_dir")))
        if (
            _alive(int(record.get("pid", 0)))
            and holds_state(state)
            and _listening(str(record.get("base_url", "")))
        ):
            records.append(record)
    return records


def serving(port: int, env: Mapping[str, str] = os.environ) -> Path | None:
    """The state of the ``mock-entra serve`` running on ``port``, when there is one."""
    for record in _live_records(env):
        if record.get("base_url", "").rsplit(":", 1)[-1].rstrip("/") == str(port):
            return Path(record["state_dir"])
    return None


def served(state_dir: Path, env: Mapping[str, str] = os.environ) -> dict[str, Any] | None:
    """The record of the mock serving ``state_dir`` (``base_url``, ``config``: its tenant
    file, None for the shipped tenant), or None: a reading command describes that mock."""
    for record in _live_records(env):
        if Path(record["state_dir"]) == state_dir.resolve():
            return record
    return None


def find_state(
    explicit: Path | None, port: int, cwd: Path | None = None, env: Mapping[str, str] = os.environ
) -> Path:
    """The state a reading command uses, or :class:`StateNotFound` saying where it looked."""
    if explicit is not None:
        if holds_state(explicit):
            return explicit
        raise StateNotFound(f"no mock state in {explicit} (start `mock-entra serve --state-dir "
                            f"{explicit}` first, or point --state-dir at a running mock's)")  # fmt: skip
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if holds_state(folder / DEFAULT_STATE_DIR):
            return folder / DEFAULT_STATE_DIR
    running = serving(port, env)
    if running is not None:
        return running
    raise StateNotFound(
        f"no mock state found: no {DEFAULT_STATE_DIR} in {here} or above it, and no "
        f"`mock-entra serve` is running on port {port} (start it, or pass --state-dir)"
    )
