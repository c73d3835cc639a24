"""The typed records: shape, one-time use and family revocation, over the SQLite engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_entra.admin.control import CONTROL_KINDS
from mock_entra.records.base import Outcome
from mock_entra.records.codes import AuthorizationCode, CodeFamily
from mock_entra.records.refresh_tokens import RefreshToken, SignIn
from mock_entra.records.registry import RECORD_KINDS
from mock_entra.records.sessions import SsoSession
from mock_entra.store.sqlite import SqliteStore

NOW = 1_800_000_000.0


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "state.sqlite3")


def _refresh_token(family: str = "fam-1") -> RefreshToken:
    sign_in = SignIn(sid="sid-1", auth_time=NOW, amr=("pwd", "mfa"), acrs=("c1",))
    return RefreshToken.first(tenant="t", client_id="c", user="u", sign_in=sign_in, family=family)


def test_a_record_is_stored_as_json_without_its_key_and_reads_back_equal(
    store: SqliteStore,
) -> None:
    token = _refresh_token()
    token.save(store, NOW + 60)
    assert store.get(RefreshToken.KIND, token.key, NOW) == {
        "tenant": "t",
        "client_id": "c",
        "user": "u",
        "family": "fam-1",
        "revoked": False,
        "sid": "sid-1",
        "auth_time": NOW,
        "amr": ["pwd", "mfa"],
        "acrs": ["c1"],
    }
    assert RefreshToken.find(store, token.key, NOW) == token


def test_redeem_tells_used_replayed_expired_and_unknown_apart(store: SqliteStore) -> None:
    live, stale = _refresh_token(), _refresh_token()
    live.save(store, NOW + 60)
    stale.save(store, NOW - 1)
    first = RefreshToken.redeem(store, live.key, NOW)
    again = RefreshToken.redeem(store, live.key, NOW)
    assert (first.outcome, first.record) == (Outcome.USED, live)
    assert (again.outcome, again.record) == (Outcome.REPLAYED, live)
    assert RefreshToken.redeem(store, stale.key, NOW).outcome is Outcome.EXPIRED
    assert RefreshToken.redeem(store, "1.Anever-issued", NOW).outcome is Outcome.UNKNOWN


def test_present_leaves_a_reusable_record_live(store: SqliteStore) -> None:
    live, stale = _refresh_token(), _refresh_token()
    live.save(store, NOW + 60)
    stale.save(store, NOW - 1)
    for _ in range(2):
        found = RefreshToken.present(store, live.key, NOW)
        assert (found.outcome, found.record) == (Outcome.LIVE, live)
    assert RefreshToken.present(store, stale.key, NOW).outcome is Outcome.EXPIRED
    assert RefreshToken.present(store, "1.Anever-issued", NOW).outcome is Outcome.UNKNOWN


def test_rotation_keeps_the_family_and_the_sign_in_under_a_new_key() -> None:
    token = _refresh_token()
    successor = token.rotate()
    assert successor.key != token.key and successor.key.startswith("1.A")
    assert (successor.family, successor.sign_in) == (token.family, token.sign_in)


def test_revoking_a_family_revokes_every_token_of_it_and_no_other(store: SqliteStore) -> None:
    ours, sibling, other = _refresh_token(), _refresh_token(), _refresh_token("fam-2")
    for token in (ours, sibling, other):
        token.save(store, NOW + 60)
    assert RefreshToken.revoke_family(store, "fam-1") == 2
    peeked = [RefreshToken.peek(store, t.key) for t in (ours, sibling, other)]
    assert [t.revoked if t else None for t in peeked] == [True, True, False]


def test_a_code_names_the_family_its_redemption_began(store: SqliteStore) -> None:
    key = AuthorizationCode.new_key()
    CodeFamily.remember(store, key, "fam-9", NOW)
    code = AuthorizationCode(
        key, "t", "c", "https://app/cb", "openid", "u", None, None, None, NOW, ("pwd",), "s",
        None, NOW,
    )  # fmt: skip
    assert code.issued_family(store) == "fam-9" and not code.revoked


def test_a_session_id_is_fresh_on_every_start(store: SqliteStore) -> None:
    one, two = (SsoSession.start(store, "t", "u", NOW) for _ in range(2))
    assert one.sid != two.sid
    assert SsoSession.find(store, one.sid, NOW) == one


def test_the_registry_names_every_kind_the_reset_reports_once() -> None:
    kinds = [record.KIND for record in RECORD_KINDS]
    assert kinds == [
        "code", "code_family", "rt", "session", "authreq", "consent", "jti",
        "device_code", "user_code", "device_poll",
    ]  # fmt: skip
    assert not set(kinds) & set(CONTROL_KINDS)
