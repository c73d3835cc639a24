"""``python -m stack check``: the effective configuration (secrets masked) and its problems.

It first looks for values still copied from an example (``<...>``, ``your-...``), then
loads each service's own settings class, so it reports exactly what the services would
use, then checks what no single service can see: that frontend and backend agree, and
(mock profile) that the tenant file has the registrations the settings name, or (entra
profile) that nothing of the mock is left and no secret is empty.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from stack.profile import load_profile
from stack.services import uses_mock

# Settings that hold secrets; everything else is shown as it is.
_SECRET_SUFFIXES = ("_secret", "_secret_key", "_password", "_api_key", "_token")
_PLACEHOLDER = re.compile(r"<[^<>]+>|(?<![A-Za-z0-9])your[-_]", re.IGNORECASE)


def is_secret(name: str, value: object = None) -> bool:
    return hasattr(value, "get_secret_value") or name.lower().endswith(_SECRET_SUFFIXES)


def mask(name: str, value: str, secret: bool | None = None) -> str:
    """Secrets as their first 3 characters and length (Entra's own hint), never whole."""
    if not value or not (is_secret(name) if secret is None else secret):
        return value
    return value[:3] + "…" + f"({len(value)} chars)"


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def warn(self, text: str) -> None:
        self.warnings.append(text)


def _setting_names() -> set[str]:
    from backend.settings import BackendSettings
    from frontend.settings import FrontendSettings

    return {n.upper() for n in (*BackendSettings.model_fields, *FrontendSettings.model_fields)}


def check_placeholders(env: dict[str, str], report: Report) -> set[str]:
    """Values still as an example file has them; the names found (their errors follow from it)."""
    found = {name for name in _setting_names() if _PLACEHOLDER.search(env.get(name, ""))}
    for name in sorted(found):
        report.problem(
            f"{name} is still a placeholder" + ("" if is_secret(name) else f": {env[name]!r}")
        )
    if found:
        report.warn("put your tenant's values in place of the placeholders: README 'Switching "
                    "to real Entra' says where each comes from, and export-entra's setup.sh "
                    "writes them all")  # fmt: skip
    return found


def _load_settings(
    env: dict[str, str],
    report: Report,
    placeholders: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[object | None, object | None]:
    """Each service's settings as it would load them (errors become problems).

    An error that names a placeholder already reported is a consequence of it (an
    example tenant id is not a GUID, so no tenant can be expected): it is not repeated.
    """
    from backend.settings import load_settings as load_backend
    from frontend.settings import load_settings as load_frontend

    saved = dict(os.environ)
    os.environ.update(env)
    results: list[object | None] = []
    try:
        for name, loader in (("backend", load_backend), ("frontend", load_frontend)):
            try:
                results.append(loader())
            except (ValueError, SystemExit) as exc:  # their one-line errors
                line = str(exc).splitlines()[0]
                if not any(p in line for p in placeholders):
                    report.problem(f"{name}: {line}")
                results.append(None)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return results[0], results[1]


def _port_of(url: str) -> int | None:
    return urlsplit(url).port


def check_agreement(backend: object, frontend: object, report: Report) -> None:
    b, f = backend.__dict__, frontend.__dict__
    for key in ("entra_authority_host", "entra_tenant_id", "backend_app_id_uri", "backend_url"):
        if key in b and key in f and str(b[key]) != str(f[key]):
            report.problem(f"{key.upper()} differs: backend {b[key]!r}, frontend {f[key]!r}")
    if _port_of(str(b["backend_url"])) not in (None, b["backend_port"]):
        report.warn(f"BACKEND_URL {b['backend_url']} does not use BACKEND_PORT {b['backend_port']}")
    if _port_of(str(f["frontend_url"])) not in (None, f["frontend_port"]):
        report.warn(
            f"FRONTEND_URL {f['frontend_url']} does not use FRONTEND_PORT {f['frontend_port']}"
        )


def check_mock_tenant(
    env: dict[str, str], backend: object, frontend: object, report: Report
) -> None:
    """In the mock profile the tenant file must hold what the settings name."""
    from mock_entra.tenant import TenantFileError, load_directory

    b, f = backend.__dict__, frontend.__dict__
    try:
        directory = load_directory(env.get("MOCK_ENTRA_CONFIG") or None)
    except TenantFileError as exc:
        report.problem(f"tenant file: {exc}")
        return
    tenant = directory.tenant(str(b["entra_tenant_id"]))
    if tenant is None:
        report.problem(f"ENTRA_TENANT_ID {b['entra_tenant_id']} is not in the mock's tenant file")
        return
    web = tenant.app(str(f["frontend_client_id"]))
    redirect = f"{str(f['frontend_url']).rstrip('/')}/signin-oidc"
    if web is None:
        report.problem(f"FRONTEND_CLIENT_ID {f['frontend_client_id']} is not an app in the tenant")
    elif redirect not in web.redirect_uris:
        report.problem(f"redirect URI {redirect} is not registered for the web app "
                       f"(registered: {', '.join(web.redirect_uris) or 'none'})")  # fmt: skip
    api = tenant.resource_app(str(b["backend_app_id_uri"]))
    if api is None or api.client_id != b["backend_client_id"]:
        report.problem("BACKEND_APP_ID_URI and BACKEND_CLIENT_ID do not name one app in the tenant")
    ca = b.get("entra_ca_bundle")
    if ca and not Path(str(ca)).is_file():
        report.warn(f"ENTRA_CA_BUNDLE {ca} does not exist yet: the mock creates it on first start")


def _value(settings: Any, name: str) -> str:
    value = getattr(settings, name, "")
    return str(value.get_secret_value() if hasattr(value, "get_secret_value") else value or "")


def check_real_entra(backend: Any, frontend: Any, report: Report) -> None:
    """The entra profile: nothing of the mock left (unset means the mock's default), no empty secret."""
    from entra_kit.shipped_tenant import API_CLIENT_ID, TENANT_ID, WEB_CLIENT_ID

    mock_values = {"entra_tenant_id": TENANT_ID, "frontend_client_id": WEB_CLIENT_ID,
                   "backend_client_id": API_CLIENT_ID}  # fmt: skip
    for name, mock in mock_values.items():
        if _value(backend if name.startswith(("entra", "backend")) else frontend, name) == mock:
            report.problem(f"{name.upper()} is the mock's ({mock}): set your tenant's value")
    secrets = [(frontend, "frontend_client_secret")]
    if backend.obo_credential == "secret":
        secrets.append((backend, "backend_client_secret"))
    for settings, name in secrets:
        value = _value(settings, name)
        if not value:
            report.problem(f"{name.upper()} is empty: the client secret of its app registration")
        elif value.startswith("mock-"):
            report.problem(f"{name.upper()} is still the mock's value")
    if not _value(frontend, "frontend_secret_key"):
        report.warn("FRONTEND_SECRET_KEY is empty: a random key per start signs everyone out "
                    "at every restart")  # fmt: skip
    _check_real_downstream(backend, report)
    if backend.entra_ca_bundle:
        report.warn("ENTRA_CA_BUNDLE is set: real Entra needs none (system trust)")
    if backend.obo_credential == "certificate" and not backend.obo_certificate_path:
        report.problem("OBO_CREDENTIAL=certificate needs OBO_CERTIFICATE_PATH")
    if backend.obo_credential == "managed_identity" and not backend.managed_identity_client_id:
        report.problem("OBO_CREDENTIAL=managed_identity needs MANAGED_IDENTITY_CLIENT_ID")


def _check_real_downstream(backend: Any, report: Report) -> None:
    if not backend.serve_fake_downstream and not backend.search_endpoint:
        report.problem("SERVE_FAKE_DOWNSTREAM=false needs SEARCH_ENDPOINT (your Azure AI Search "
                       "service), or leave the fakes on")  # fmt: skip
    if not backend.graph_endpoint:
        report.warn("GRAPH_ENDPOINT is empty, so the fake Graph answers: it cannot verify real "
                    "Graph tokens (Graph signs them with a nonce in the header). Set "
                    "GRAPH_ENDPOINT=https://graph.microsoft.com")  # fmt: skip


def _profile_hint(report: Report) -> None:
    """export-entra's setup.sh writes .env.entra; the services read only .env."""
    entra, env = Path(".env.entra"), Path(".env")
    if entra.exists() and (not env.exists() or entra.read_bytes() != env.read_bytes()):
        report.warn(".env.entra exists but the services read only .env: to use it, "
                    "cp .env.entra .env")  # fmt: skip


def _print_settings(label: str, settings: object) -> None:
    print(f"[{label}]")
    for name, value in sorted(settings.__dict__.items()):
        shown = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        print(f"  {name.upper():<34} {mask(name, str(shown), is_secret(name, value))}")
    print()


def main() -> int:
    env = load_profile()
    report = Report()
    profile = "mock" if uses_mock(env) else "entra"
    print(f"profile: {profile}  (.env {'found' if Path('.env').exists() else 'absent'})\n")
    placeholders = check_placeholders(env, report)
    backend, frontend = _load_settings(env, report, placeholders)
    for label, settings in (("backend", backend), ("frontend", frontend)):
        if settings is not None:
            _print_settings(label, settings)
    if backend is not None and frontend is not None:
        check_agreement(backend, frontend, report)
        if profile == "mock":
            check_mock_tenant(env, backend, frontend, report)
        else:
            check_real_entra(backend, frontend, report)
    elif placeholders:
        report.warn("settings that depend on the placeholders were not checked: fill them in "
                    "and run check again")  # fmt: skip
    _profile_hint(report)
    for text in report.warnings:
        print(f"warning: {text}")
    for text in report.problems:
        print(f"problem: {text}")
    if not report.problems:
        print("settings are consistent.")
    return 1 if report.problems else 0
