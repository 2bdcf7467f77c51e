from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

from notifications.domain.delivery import EmailPolicy, Hold, Recipient, Send, Suppress, decide, retry_delay
from notifications.domain.quiet_hours import QuietHours

NOW = datetime(2030, 1, 15, 23, 0, tzinfo=UTC)  # 00:00 in Paris
READY = Recipient(
    member_id=uuid4(),
    display_name="Ada",
    email="ada@example.org",
    locale="fr",
    time_zone="Europe/Paris",
    consents=frozenset({"email", "peer_matching"}),
    active=True,
    membership_known=True,
    disabled=frozenset(),
    quiet_hours=None,
)
NIGHTS = QuietHours(time(22), time(7))


def test_a_reachable_member_is_sent_to() -> None:
    assert decide(READY, "matching", urgent=False, now=NOW, recorded_at=NOW) == Send()


def test_no_email_consent_suppresses() -> None:
    recipient = replace(READY, consents=frozenset({"peer_matching"}))
    assert decide(recipient, "matching", urgent=True, now=NOW, recorded_at=NOW) == Suppress("no_email_consent")


def test_a_category_turned_off_for_email_suppresses_only_that_category() -> None:
    recipient = replace(READY, disabled=frozenset({("matching", "email"), ("account", "inbox")}))
    assert decide(recipient, "matching", urgent=False, now=NOW, recorded_at=NOW) == Suppress("preference_off")
    assert decide(recipient, "account", urgent=False, now=NOW, recorded_at=NOW) == Send()


def test_a_member_who_left_every_association_is_not_written_to() -> None:
    recipient = replace(READY, active=False)
    assert decide(recipient, "account", urgent=False, now=NOW, recorded_at=NOW) == Suppress("member_left")


def test_quiet_hours_hold_until_their_end_unless_urgent() -> None:
    recipient = replace(READY, quiet_hours=NIGHTS)
    until = datetime(2030, 1, 16, 6, 0, tzinfo=UTC)
    assert decide(recipient, "matching", urgent=False, now=NOW, recorded_at=NOW) == Hold(until, "quiet_hours")
    assert decide(recipient, "account", urgent=True, now=NOW, recorded_at=NOW) == Send()


def test_an_address_not_known_yet_is_waited_for_then_given_up() -> None:
    policy = EmailPolicy(contact_grace=timedelta(minutes=15), contact_recheck=timedelta(seconds=30))
    for recipient in (None, replace(READY, email=None)):
        waiting = decide(recipient, "account", urgent=False, now=NOW, recorded_at=NOW, policy=policy)
        assert waiting == Hold(NOW + timedelta(seconds=30), "awaiting_contact")
        late = NOW + timedelta(minutes=15)
        given_up = decide(recipient, "account", urgent=False, now=late, recorded_at=NOW, policy=policy)
        assert given_up == Suppress("no_email_address")


def test_consents_not_known_yet_are_waited_for_then_read_as_none() -> None:
    recipient = replace(READY, membership_known=False, consents=frozenset())
    waiting = decide(recipient, "matching", urgent=False, now=NOW, recorded_at=NOW)
    assert isinstance(waiting, Hold) and waiting.reason == "awaiting_contact"
    late = NOW + timedelta(hours=1)
    assert decide(recipient, "matching", urgent=False, now=late, recorded_at=NOW) == Suppress("no_email_consent")


def test_retries_back_off_exponentially_up_to_a_cap() -> None:
    base, cap = timedelta(seconds=5), timedelta(minutes=1)
    delays = [retry_delay(attempt, base, cap) for attempt in range(1, 7)]
    assert [d.total_seconds() for d in delays] == [5, 10, 20, 40, 60, 60]
    assert retry_delay(10_000, base, cap) == cap
