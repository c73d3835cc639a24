"""Token mutations: the jwt_tool playbook as data (RFC 8725 §2, §3.1; OWASP ASVS 5 V9.1).

A ``mutate`` step takes a token and applies its ``ops`` in order. Claim and header
edits re-encode their segment and keep the old signature (a "claim edit without
re-signing"), unless a later ``sign`` / ``hs256`` / ``strip_signature`` op replaces
it. Encoding ops (``truncate``, ``bad_base64``, ``parts``, ``raw``) work on the
final compact string and must come last.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from entra_kit.jose import b64url_decode, b64url_encode, b64url_uint, json_segment, jwt_segment


class MutationError(ValueError):
    """An op the scenario file got wrong, or one this target cannot perform."""


class KeySource(Protocol):
    """What mutations need from the target: keys to sign with and the published JWKS."""

    def trusted_key(self, tenant: str | None = None) -> tuple[str, rsa.RSAPrivateKey]:
        """(kid, key) of a tenant's current signing key: only a mock can give it."""
        ...

    def attacker_key(self) -> rsa.RSAPrivateKey: ...

    def jwks(self) -> dict[str, Any]: ...


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    n, e = b64url_uint(numbers.n), b64url_uint(numbers.e)
    return {"kty": "RSA", "use": "sig", "kid": kid, "n": n, "e": e}


def _jwk_pem(jwk: dict[str, Any]) -> bytes:
    def num(value: str) -> int:
        return int.from_bytes(b64url_decode(value), "big")

    public = rsa.RSAPublicNumbers(num(jwk["e"]), num(jwk["n"])).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass
class _Token:
    header: dict[str, Any]
    claims: dict[str, Any]
    head: str
    payload: str
    signature: str
    raw: str | None = None

    @classmethod
    def parse(cls, token: str) -> _Token:
        head, payload, signature = [*token.split("."), "", ""][:3]
        return cls(jwt_segment(token, 0), jwt_segment(token, 1), head, payload, signature)

    def compact(self) -> str:
        return self.raw if self.raw is not None else f"{self.head}.{self.payload}.{self.signature}"

    def signing_input(self) -> bytes:
        return f"{self.head}.{self.payload}".encode()

    def edit(self, part: str, *, update: Any = None, remove: Any = ()) -> None:
        """Change the ``header`` or the ``claims`` and re-encode that segment only: the
        signature stays the old one until an op signs again."""
        values = self.header if part == "header" else self.claims
        values.update(dict(update or {}))
        for name in remove:
            values.pop(name, None)
        if part == "header":
            self.head = json_segment(values)
        else:
            self.payload = json_segment(values)


def _rs256(t: _Token, key: rsa.RSAPrivateKey) -> None:
    t.signature = b64url_encode(key.sign(t.signing_input(), padding.PKCS1v15(), hashes.SHA256()))


def _hs256_secret(spec: Any, keys: KeySource) -> bytes:
    """The HMAC secret: a literal, or the published RSA key in a form a confused verifier uses."""
    if isinstance(spec, dict) and "secret" in spec:
        return str(spec["secret"]).encode()
    form = spec.get("jwks") if isinstance(spec, dict) else None
    jwk = keys.jwks()["keys"][0]
    if form == "json":
        return json.dumps(jwk).encode()
    if form == "n":
        return str(jwk["n"]).encode()
    if form == "x5c":
        return str(jwk["x5c"][0]).encode()
    if form == "pem":
        return _jwk_pem(jwk)
    raise MutationError(f"hs256 wants {{secret: ...}} or {{jwks: json|n|x5c|pem}}, got {spec!r}")


def _op_sign(t: _Token, arg: Any, keys: KeySource) -> None:
    if arg == "trusted" or (isinstance(arg, dict) and "trusted" in arg):
        # {trusted: <tenant>}: another tenant's real key (a token from a second tenant, D18).
        kid, key = keys.trusted_key(arg["trusted"] if isinstance(arg, dict) else None)
        t.edit("header", update={"alg": "RS256", "kid": kid, "x5t": kid})
        _rs256(t, key)
    elif arg == "attacker":
        t.edit("header", update={"alg": "RS256"})
        _rs256(t, keys.attacker_key())
    else:
        raise MutationError(f"sign wants trusted, {{trusted: <tenant>}} or attacker, got {arg!r}")


def _op_embed_jwk(t: _Token, arg: Any, keys: KeySource) -> None:
    # CVE-2018-0114 style: a verifier that trusts a key carried in the token itself.
    jwk = public_jwk(keys.attacker_key(), str(t.header.get("kid", "attacker")))
    t.edit("header", update={"jwk": jwk})


def _op_hs256(t: _Token, arg: Any, keys: KeySource) -> None:
    t.edit("header", update={"alg": "HS256"})
    mac = hmac.new(_hs256_secret(arg, keys), t.signing_input(), hashlib.sha256).digest()
    t.signature = b64url_encode(mac)


def _op_strip_signature(t: _Token, arg: Any, keys: KeySource) -> None:
    t.signature = ""


def _op_tamper_signature(t: _Token, arg: Any, keys: KeySource) -> None:
    tail = "AAAA" if not t.signature.endswith("AAAA") else "BBBB"
    t.signature = t.signature[:-4] + tail


def _op_truncate(t: _Token, arg: Any, keys: KeySource) -> None:
    t.raw = t.compact()[: -int(arg)]


def _op_bad_base64(t: _Token, arg: Any, keys: KeySource) -> None:
    parts = t.compact().split(".")
    index = {"header": 0, "payload": 1, "signature": 2}[str(arg)]
    parts[index] = "!!!" + parts[index][3:]
    t.raw = ".".join(parts)


def _op_parts(t: _Token, arg: Any, keys: KeySource) -> None:
    pieces = t.compact().split(".")
    count = int(arg)
    t.raw = ".".join(pieces[:count] if count <= 3 else pieces + pieces[2:3] * (count - 3))


def _op_raw(t: _Token, arg: Any, keys: KeySource) -> None:
    spec = str(arg)
    # "x*20000" repeats a character: oversized tokens without a 20 kB scenario file.
    if "*" in spec and spec.rsplit("*", 1)[1].isdigit():
        text, count = spec.rsplit("*", 1)
        spec = text * int(count)
    t.raw = spec


_OPS: dict[str, Callable[[_Token, Any, KeySource], None]] = {
    "set_claims": lambda t, arg, keys: t.edit("claims", update=arg),
    "remove_claims": lambda t, arg, keys: t.edit("claims", remove=arg),
    "set_header": lambda t, arg, keys: t.edit("header", update=arg),
    "remove_header": lambda t, arg, keys: t.edit("header", remove=arg),
    "sign": _op_sign,
    "embed_jwk": _op_embed_jwk,
    "hs256": _op_hs256,
    "strip_signature": _op_strip_signature,
    "tamper_signature": _op_tamper_signature,
    "truncate": _op_truncate,
    "bad_base64": _op_bad_base64,
    "parts": _op_parts,
    "raw": _op_raw,
}
_ENCODING = frozenset({"truncate", "bad_base64", "parts", "raw"})
OP_NAMES = tuple(_OPS)


def mutate(token: str, ops: list[Any], keys: KeySource) -> str:
    """``token`` after ``ops`` (each ``{name: arg}`` or a bare name)."""
    t = _Token.parse(token)
    for op in ops:
        name, arg = (op, None) if isinstance(op, str) else next(iter(dict(op).items()))
        if name not in _OPS:
            raise MutationError(f"unknown mutation {name!r}; known: {', '.join(OP_NAMES)}")
        if t.raw is not None and name not in _ENCODING:
            raise MutationError(f"{name} after an encoding op: put truncate/parts/raw last")
        _OPS[name](t, arg, keys)
    return t.compact()
