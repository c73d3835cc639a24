"""GUIDs as Entra writes them: lower-case, hyphenated, 8-4-4-4-12 (tenant, object, app ids)."""

from __future__ import annotations

import re
import uuid

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_guid(value: object, *, any_case: bool = False) -> bool:
    """True for a canonical GUID string (``any_case``: upper-case hex allowed too)."""
    if not isinstance(value, str):
        return False
    return GUID.match(value.lower() if any_case else value) is not None


def as_guid(value: str) -> str | None:
    """The canonical form of anything :class:`uuid.UUID` reads, or None."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        return None


def guid_list(values: list[str]) -> list[str]:
    """Settings' lists of tenant or app ids, lower-cased; ValueError naming the first bad one."""
    bad = [v for v in values if not is_guid(v, any_case=True)]
    if bad:
        raise ValueError(f"not a GUID: {bad[0][:40]}")
    return [v.lower() for v in values]
