"""Key rings: a ring rotated or given a next key before it ever signed still signs."""

from __future__ import annotations

from pathlib import Path

from mock_entra.keys import KeyRing


def test_rotating_a_ring_that_never_signed_leaves_an_active_key(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "t.json", "tenant")
    promoted = ring.rotate(now=1000.0)
    assert ring.signing_key(1000.0).kid == promoted.kid
    assert {k.state for k in ring.keys(1000.0)} == {"active", "retired"}


def test_publishing_a_next_key_first_keeps_an_active_one(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "t.json", "tenant")
    upcoming = ring.publish_next(now=1000.0)
    assert ring.signing_key(1000.0).kid != upcoming.kid
    assert ring.rotate(now=1001.0).kid == upcoming.kid
    assert ring.signing_key(1001.0).kid == upcoming.kid
