"""``python -m stack check``: the effective configuration (secrets masked) and its problems.

It loads each service's own settings class, so it reports exactly what the
services would use, then checks what no single service can see: that frontend and
backend agree, and (mock profile) that the tenant file has the registrations the
settings name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from stack.profile import load_profile
from stack.services import uses_mock

_SECRET_WORDS = ("SECRET", "KEY", "PASSWORD", "TOKEN")


def mask(name: str, value: str) -> str:
    if not value or not any(w in name.upper() for w in _SECRET_WORDS):
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


def _load_settings(env: dict[str, str], report: Report) -> tuple[object | None, object | None]:
    """Each service's settings as it would load them (errors become problems)."""
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
                report.problem(f"{name}: {str(exc).splitlines()[0]}")
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


def check_real_entra(env: dict[str, str], backend: object, report: Report) -> None:
    b = backend.__dict__
    for name in ("FRONTEND_CLIENT_SECRET", "BACKEND_CLIENT_SECRET"):
        if env.get(name, "").startswith("mock-"):
            report.problem(f"{name} is still the mock's value")
    if b.get("entra_ca_bundle"):
        report.warn("ENTRA_CA_BUNDLE is set: real Entra needs none (system trust)")
    if b.get("obo_credential") == "certificate" and not b.get("obo_certificate_path"):
        report.problem("OBO_CREDENTIAL=certificate needs OBO_CERTIFICATE_PATH")
    if b.get("obo_credential") == "managed_identity" and not b.get("managed_identity_client_id"):
        report.problem("OBO_CREDENTIAL=managed_identity needs MANAGED_IDENTITY_CLIENT_ID")


def main() -> int:
    env = load_profile()
    report = Report()
    backend, frontend = _load_settings(env, report)
    profile = "mock" if uses_mock(env) else "entra"
    print(f"profile: {profile}  (.env {'found' if Path('.env').exists() else 'absent'})\n")
    for label, settings in (("backend", backend), ("frontend", frontend)):
        if settings is None:
            continue
        print(f"[{label}]")
        for name, value in sorted(settings.__dict__.items()):
            shown = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            print(f"  {name.upper():<34} {mask(name, str(shown))}")
        print()
    if backend is not None and frontend is not None:
        check_agreement(backend, frontend, report)
        if profile == "mock":
            check_mock_tenant(env, backend, frontend, report)
        else:
            check_real_entra(env, backend, report)
    for text in report.warnings:
        print(f"warning: {text}")
    for text in report.problems:
        print(f"problem: {text}")
    if not report.problems:
        print("settings are consistent.")
    return 1 if report.problems else 0
