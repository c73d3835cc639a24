"""``python -m stack parity captured.json``: does the mock still issue what your tenant does?

``captured.json`` maps a flow (``id_token``, ``delegated``, ``obo``, ``app_only``) to a
token captured from the real tenant (or its decoded claims: ``{"header": {...},
"claims": {...}}`` or just the claims). Signatures and secrets are never needed:
values differ between tenants by nature, so claims are compared by presence and
*shape* (GUID, URL, epoch, list...), plus the things that must match exactly:
issuer form, ``ver``, ``aud`` form, ``scp``/``roles``, lifetimes, header fields.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from entra_kit.ids import is_guid
from entra_kit.jose import jwt_segment
from entra_kit.trust import trust_variables

FLOWS = ("id_token", "delegated", "obo", "app_only")
# Lifetimes differ by policy and randomisation (Entra: 60-90 min); flag bigger gaps.
LIFETIME_TOLERANCE = 45 * 60


@dataclass(frozen=True)
class Difference:
    flow: str
    where: str
    real: str
    mock: str


def decode_token(value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, claims) from a compact JWT, a {"header","claims"} object, or bare claims."""
    if isinstance(value, str):
        return jwt_segment(value, 0), jwt_segment(value, 1)
    if isinstance(value, dict) and "claims" in value:
        return dict(value.get("header", {})), dict(value["claims"])
    if isinstance(value, dict):
        return {}, value
    raise ValueError("expected a token string or a claims object")


def shape(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    text = str(value)
    if is_guid(text, any_case=True):
        return "guid"
    if text.startswith("https://sts.windows.net/"):
        return "v1-issuer"
    if re.match(r"^https://[^/]+/[0-9a-f-]{36}/v2\.0$", text):
        return "v2-issuer"
    if re.match(r"^(https?|api)://", text):
        return "uri"
    return "string"


def _issuer_form(claims: dict[str, Any]) -> str:
    return shape(claims.get("iss", ""))


def compare(flow: str, real: tuple[dict, dict], mock: tuple[dict, dict]) -> list[Difference]:
    (rh, rc), (mh, mc) = real, mock
    diffs: list[Difference] = []
    add: Callable[[str, object, object], None] = lambda where, a, b: diffs.append(  # noqa: E731
        Difference(flow, where, str(a), str(b))
    )
    for name in sorted(set(rh) | set(mh)):
        if (name in rh) != (name in mh):
            add(f"header {name}", "present" if name in rh else "absent",
                "present" if name in mh else "absent")  # fmt: skip
    if rh.get("alg") and mh.get("alg") and rh["alg"] != mh["alg"]:
        add("header alg", rh["alg"], mh["alg"])
    for name in sorted(set(rc) | set(mc)):
        if (name in rc) != (name in mc):
            add(f"claim {name}", "present" if name in rc else "absent",
                "present" if name in mc else "absent")  # fmt: skip
        elif name not in ("nonce",) and shape(rc[name]) != shape(mc[name]):
            add(f"claim {name} shape", shape(rc[name]), shape(mc[name]))
    for name in ("ver", "idtyp", "appidacr", "azpacr", "acr"):
        if name in rc and name in mc and rc[name] != mc[name]:
            add(f"claim {name} value", rc[name], mc[name])
    if _issuer_form(rc) != _issuer_form(mc):
        add("issuer form", _issuer_form(rc), _issuer_form(mc))
    if ("scp" in rc, "roles" in rc) != ("scp" in mc, "roles" in mc):
        add("scp/roles", sorted(k for k in ("scp", "roles") if k in rc),
            sorted(k for k in ("scp", "roles") if k in mc))  # fmt: skip
    for span, (a, b) in {"exp-iat": ("exp", "iat"), "nbf-iat": ("nbf", "iat")}.items():
        if all(isinstance(c.get(k), int | float) for c in (rc, mc) for k in (a, b)):
            real_span, mock_span = rc[a] - rc[b], mc[a] - mc[b]
            if abs(real_span - mock_span) > LIFETIME_TOLERANCE:
                add(f"lifetime {span}", f"{real_span}s", f"{mock_span}s")
    return diffs


def mock_tokens() -> dict[str, str]:
    """The same four flows from an in-process mock, through the real libraries."""
    import os

    from mock_entra.testing import Tokens, run_mock

    with run_mock() as mock:
        os.environ.update(trust_variables(mock.ca_bundle))
        tokens = Tokens(mock)
        signed_in = tokens.sign_in("alice")
        return {
            "id_token": signed_in["id_token"],
            "delegated": signed_in["access_token"],
            "obo": tokens.obo(signed_in["access_token"])["access_token"],
            "app_only": tokens.app_token()["access_token"],
        }


def report(captured: dict[str, Any], mocked: dict[str, str]) -> list[Difference]:
    diffs: list[Difference] = []
    for flow in FLOWS:
        if flow in captured:
            diffs += compare(flow, decode_token(captured[flow]), decode_token(mocked[flow]))
    return diffs


def main(path: Path, *, strict: bool = False) -> int:
    try:
        captured = json.loads(path.read_text())
        unknown = set(captured) - set(FLOWS)
        if unknown:
            raise ValueError(f"unknown flow(s) {sorted(unknown)}; expected {FLOWS}")
        for value in captured.values():
            decode_token(value)
    except (OSError, ValueError) as exc:
        print(f"parity: {path}: {exc}", file=sys.stderr)
        return 2
    diffs = report(captured, mock_tokens())
    if not diffs:
        print(f"no differences in {', '.join(f for f in FLOWS if f in captured)}.")
        return 0
    print(f"{'flow':<10} {'where':<28} {'real tenant':<24} mock")
    for d in diffs:
        print(f"{d.flow:<10} {d.where:<28} {d.real:<24} {d.mock}")
    return 1 if strict else 0
