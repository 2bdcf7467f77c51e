"""A browser session's rules, without I/O: ids, timeouts, rotation, and CSRF tokens bound to the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from gateway.domain.sessions import Lifetimes, Session, Tokens, csrf_matches, csrf_token, id_hash

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LIFETIMES = Lifetimes(idle=timedelta(minutes=30), absolute=timedelta(hours=12), warning=timedelta(minutes=5))
SECRET = b"s" * 32


def tokens() -> Tokens:
    return Tokens("access", NOW + timedelta(minutes=5), "refresh")


def test_a_new_session_has_a_long_random_id_and_is_stored_by_its_hash_only() -> None:
    first, second = Session.start(NOW, LIFETIMES), Session.start(NOW, LIFETIMES)

    assert first.id != second.id and len(first.id) >= 43  # 256 bits, URL-safe base64
    assert id_hash(first.id) != first.id.encode() and len(id_hash(first.id)) == 32


def test_signing_in_gives_the_session_a_new_id_and_forgets_the_old_one() -> None:
    session = Session.start(NOW, LIFETIMES)
    session.is_new = False  # as stored
    anonymous_id = session.id

    session.sign_in(uuid4(), tokens(), {"associations": {}}, NOW)

    assert session.id != anonymous_id and session.previous_id == anonymous_id and session.signed_in


def test_new_tokens_with_other_roles_rotate_the_id_and_the_same_roles_do_not() -> None:
    session = Session.start(NOW, LIFETIMES)
    session.is_new = False
    session.sign_in(uuid4(), tokens(), {"associations": {"a": ["member"]}}, NOW)
    session.previous_id = None
    signed_in_id = session.id

    session.replace_tokens(tokens(), {"associations": {"a": ["member"]}})
    assert session.id == signed_in_id

    session.replace_tokens(tokens(), {"associations": {"a": ["member", "mentor"]}})
    assert session.id != signed_in_id and session.previous_id == signed_in_id


def test_use_restarts_the_idle_clock_but_never_past_the_absolute_limit() -> None:
    session = Session.start(NOW, LIFETIMES)

    later = NOW + timedelta(minutes=29)
    session.touch(later, LIFETIMES)
    assert session.is_live(later + timedelta(minutes=29))
    assert not session.is_live(later + timedelta(minutes=31))

    near_the_end = NOW + timedelta(hours=11, minutes=50)
    session.extend(near_the_end, LIFETIMES)
    assert session.idle_expires_at == session.expires_at == NOW + timedelta(hours=12)
    assert session.seconds_left(near_the_end) == 600


def test_an_unused_session_times_out_and_an_ended_one_is_dead() -> None:
    session = Session.start(NOW, LIFETIMES)

    assert session.is_live(NOW + timedelta(minutes=29)) and not session.is_live(NOW + timedelta(minutes=30))
    session.end()
    assert not session.is_live(NOW) and not session.signed_in


def test_a_csrf_token_works_only_in_its_own_session() -> None:
    mine, theirs = Session.start(NOW, LIFETIMES), Session.start(NOW, LIFETIMES)
    token = csrf_token(SECRET, mine.id)

    assert csrf_matches(SECRET, mine.id, token)
    assert not csrf_matches(SECRET, theirs.id, token)
    assert not csrf_matches(b"another secret".ljust(32), mine.id, token)
    assert not csrf_matches(SECRET, mine.id, "")
