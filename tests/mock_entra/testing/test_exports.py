"""``mock_entra.testing`` is the one import for users' tests: everything it names is there."""

from __future__ import annotations

import entra_kit.shipped_tenant as shipped
import mock_entra.testing as testing


def test_every_shipped_tenant_constant_is_exported() -> None:
    constants = {name for name in vars(shipped) if name.isupper()}
    assert constants <= set(testing.__all__)
    assert all(getattr(testing, name) == getattr(shipped, name) for name in constants)


def test_every_name_in_all_is_importable() -> None:
    assert all(hasattr(testing, name) for name in testing.__all__)
