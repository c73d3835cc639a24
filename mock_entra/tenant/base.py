"""What every part of the tenant model shares: frozen, no unknown keys, GUIDs checked."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from entra_kit.ids import as_guid


class Strict(BaseModel):
    """A tenant-file object: an unknown key is an error, and nothing changes after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_guid(value: str) -> str:
    """A field validator: the canonical form of a GUID, or the tenant file's error."""
    guid = as_guid(value)
    if guid is None:
        raise ValueError(f"not a GUID: {value!r}")
    return guid
