"""``${name}`` references in scenario files: constants, saved step results, the clock.

``${alice.access}`` is a saved token, ``${alice.access.claims.oid}`` one of its claims
(decoded, unverified: a test reads what it sent), ``${now+3600}`` an epoch time, and
``${tenant}`` the scenario's tenant. A string that is exactly one reference keeps the
value's type (an int stays an int); otherwise references are interpolated. Literal
braces such as ``{tenantid}`` (scenario D17) are left alone: only ``${...}`` is read.
"""

from __future__ import annotations

import re
import time
from typing import Any

from entra_kit.jose import jwt_segment

_REF = re.compile(r"\$\{([^}]+)\}")
_NOW = re.compile(r"^now(?:([+-])(\d+))?$")


class UnknownReference(KeyError):
    """A ``${...}`` that names nothing saved or known."""

    def __str__(self) -> str:
        return f"unknown reference ${{{self.args[0]}}}"


class Values:
    """The scenario's names: fixed ones from the target, saved ones from the steps."""

    def __init__(self, fixed: dict[str, Any]) -> None:
        self.data: dict[str, Any] = dict(fixed)

    def save(self, name: str, value: Any) -> None:
        self.data[name] = value

    def lookup(self, ref: str) -> Any:
        ref = ref.strip()
        now = _NOW.match(ref)
        if now:
            sign, amount = now.groups()
            delta = int(amount or 0) * (-1 if sign == "-" else 1)
            return int(time.time()) + delta
        head, *rest = ref.split(".")
        if head not in self.data:
            raise UnknownReference(ref)
        value = self.data[head]
        for key in rest:
            if isinstance(value, str) and key in ("claims", "header"):
                value = jwt_segment(value, 1 if key == "claims" else 0)
            elif isinstance(value, dict) and key in value:
                value = value[key]
            else:
                raise UnknownReference(ref)
        return value

    def resolve(self, obj: Any) -> Any:
        """``obj`` with every reference replaced, recursively through lists and mappings."""
        if isinstance(obj, str):
            whole = _REF.fullmatch(obj)
            if whole:
                return self.lookup(whole.group(1))
            return _REF.sub(lambda m: str(self.lookup(m.group(1))), obj)
        if isinstance(obj, list):
            return [self.resolve(v) for v in obj]
        if isinstance(obj, dict):
            return {k: self.resolve(v) for k, v in obj.items()}
        return obj


def short(token: Any) -> str:
    """A log-safe stand-in for a token: never the whole thing (CONVENTIONS: no token logs)."""
    text = str(token)
    return text if len(text) <= 24 else f"{text[:12]}…({len(text)} chars)"
