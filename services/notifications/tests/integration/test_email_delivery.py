"""Messages become e-mails and inbox entries exactly once: real PostgreSQL, the real sender, a real SMTP server."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlparse
from uuid import UUID, uuid4

import pytest

from notifications.adapters.smtp import DeliveryError, SmtpMailer
from notifications.domain.email_message import RenderedEmail, compose
from notifications.domain.unsubscribe import verify
from notifications.service_layer import preferences
from notifications.settings import SmtpSettings
from shared.contracts import new_envelope
from shared.contracts.matching import MatchAccepted, MatchProposed, Slot
from shared.contracts.membership import ConsentChanged, ContactUpdated, MemberErased, MemberJoined, MentorApproved
from shared.testing.outbox import staged_messages
from shared.testing.proxy import FaultyProxy

from .mail_harness import (  # noqa: F401  # the fixtures
    MailCatcher,
    Pipeline,
    mail_fixture,
    mail_server,
    pipeline_fixture,
    sending_fixture,
    smtp_outage_fixture,
)

ASSOCIATION = uuid4()


def proposal(mentee: UUID, mentor: UUID, **overrides: object) -> MatchProposed:
    values: dict[str, object] = {
        "request_id": uuid4(),
        "mentee_id": mentee,
        "association_id": ASSOCIATION,
        "match_id": uuid4(),
        "mentor_id": mentor,
        "score": 62.5,
        "expires_at": datetime(2030, 1, 10, 18, tzinfo=UTC),
        "breakdown": {"condition": 30.0, "availability": 15.0, "preferences": 10.0, "experience": 5.0, "waiting": 2.5},
        "first_slot": Slot(
            starts_at=datetime(2030, 1, 8, 18, tzinfo=UTC),
            mentee_local="Tuesday 19:00 (Europe/Paris)",
            mentor_local="Tuesday 18:00 (Europe/London)",
        ),
        **overrides,
    }
    return MatchProposed.model_validate(values)


async def test_a_member_joins_and_the_welcome_arrives_once(pipeline: Pipeline, mail: MailCatcher) -> None:
    member, address = uuid4(), "ada@example.org"
    await pipeline.apply(
        ContactUpdated(member_id=member, association_id=ASSOCIATION, display_name="Ada Lovelace", email=address)
    )
    joined = new_envelope(
        MemberJoined(member_id=member, association_id=ASSOCIATION, time_zone="Europe/Paris", consents=["email"]),
        source="membership",
    )
    await pipeline.apply(joined)
    await pipeline.apply(joined)  # redelivered
    assert await pipeline.sender.run_once() == 1
    await pipeline.apply(joined)  # redelivered after the e-mail went out
    assert await pipeline.sender.run_once() == 0

    [email] = mail.to(address)
    assert email["Subject"] == "Welcome to Fellowship"
    assert email["To"] == f"Ada Lovelace <{address}>"
    [delivery] = await pipeline.deliveries(member)
    assert (delivery["status"], delivery["attempts"], delivery["template"]) == ("sent", 1, "welcome")
    assert email["Message-ID"] == delivery["message_id"] == f"<{delivery['delivery_id']}@fellowship>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 2369/8058: the header is the URL in angle brackets on the wire, never encoded-word text
    [raw] = mail.handler.raw
    [line] = [line for line in raw.split(b"\r\n") if line.startswith(b"List-Unsubscribe:")]
    assert re.fullmatch(rb"List-Unsubscribe: <http://127\.0\.0\.1:8000/unsubscribe\?token=[^\s>]+>", line), line
    assert verify(_unsubscribe_token(email), pipeline.secret) == (member, "account")
    [entry] = await pipeline.inbox(member)
    assert (entry["title"], entry["category"]) == ("Welcome to Fellowship", "account")


async def test_the_same_message_applied_twice_sends_once(pipeline: Pipeline, mail: MailCatcher) -> None:
    mentee = await pipeline.member(name="Mia Mentee")
    mentor = await pipeline.member(name="Marc Mentor", locale="fr-FR", time_zone="Europe/Paris")
    envelope = await pipeline.apply(proposal(mentee, mentor))
    await pipeline.apply(envelope)  # redelivered
    await pipeline.sender.run_once()
    await pipeline.apply(envelope)  # redelivered after the e-mail went out
    await pipeline.sender.run_once()

    mentor_address = await pipeline.email_of(mentor)
    subjects = sorted(m["Subject"] for m in mail.to(mentor_address))
    assert subjects == ["Bienvenue sur Fellowship", "Une personne aimerait votre soutien de mentor"]
    [proposed] = [m for m in mail.to(mentor_address) if m["Subject"].startswith("Une personne")]
    text = proposed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"http://127.0.0.1:8000/mentoring/proposals/{envelope.data['match_id']}" in text
    assert "mardi 8 janvier 2030 à 19:00 (Europe/Paris)" in text
    assert len(mail.messages) == 3  # two welcomes and one proposal
    assert sorted(e["template"] for e in await pipeline.inbox(mentor)) == ["match_proposed", "welcome"]
    assert [e["template"] for e in await pipeline.inbox(mentee)] == ["welcome"]


async def test_an_acceptance_introduces_each_to_the_other_by_name(pipeline: Pipeline, mail: MailCatcher) -> None:
    mentee = await pipeline.member(name="Mia Mentee")
    mentor = await pipeline.member(name="Marc Mentor")
    await pipeline.apply(
        MatchAccepted(
            request_id=uuid4(), mentee_id=mentee, association_id=ASSOCIATION, match_id=uuid4(), mentor_id=mentor
        )
    )
    await pipeline.sender.run_once()
    assert mail.one(await pipeline.email_of(mentee), "Meet your mentor, Marc Mentor")
    assert mail.one(await pipeline.email_of(mentor), "Your mentorship with Mia Mentee has begun")
    [_, intro] = await pipeline.inbox(mentee)
    assert intro["title"] == "Meet your mentor, Marc Mentor" and intro["mentions"] == [mentor]


@pytest.mark.slow
async def test_smtp_down_for_ten_seconds_every_email_arrives_after_once(
    pipeline: Pipeline, mail: MailCatcher, smtp_outage: FaultyProxy
) -> None:
    pipeline.clock.now = datetime.now(UTC)  # the worker runs in real time here
    pipeline.sender.clock = lambda: datetime.now(UTC)
    pipeline.notifier = type(pipeline.notifier)(pipeline.notifier.templates, pipeline.notifier.links)
    await smtp_outage.cut()
    await pipeline.sender.start()
    members = [await pipeline.member(name=f"Member {i}") for i in range(3)]
    await asyncio.sleep(10)
    assert mail.messages == []
    waiting = [d for m in members for d in await pipeline.deliveries(m)]
    assert {d["status"] for d in waiting} == {"pending"} and all(d["attempts"] >= 2 for d in waiting)
    assert all("Error" in d["status_reason"] for d in waiting)

    await smtp_outage.restore()
    await mail.wait_for(3, timeout=15)
    await asyncio.sleep(1.5)  # time for any duplicate to show up
    assert sorted(str(m["To"]) for m in mail.messages) == sorted(
        [f"Member {i} <{await pipeline.email_of(m)}>" for i, m in enumerate(members)]
    )
    assert len({m["Message-ID"] for m in mail.messages}) == 3
    assert {d["status"] for m in members for d in await pipeline.deliveries(m)} == {"sent"}


async def test_quiet_hours_hold_an_email_until_the_window_ends(pipeline: Pipeline, mail: MailCatcher) -> None:
    pipeline.clock.now = datetime(2030, 1, 15, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    mentee = await pipeline.member(name="Mia Mentee")
    mentor = await pipeline.member(name="Marc Mentor", time_zone="Europe/Paris")
    await pipeline.sender.run_once()  # the welcomes go out (no quiet hours yet)
    await pipeline.pool.execute("INSERT INTO quiet_hours VALUES ($1, $2, $3)", mentor, time(22), time(7))

    await pipeline.apply(proposal(mentee, mentor))
    await pipeline.sender.run_once()
    held = await pipeline.delivery(mentor, "match_proposed")
    end = datetime(2030, 1, 16, 6, 0, tzinfo=UTC)  # 07:00 in Paris
    assert (held["status"], held["status_reason"], held["next_attempt_at"]) == ("held", "quiet_hours", end)
    assert len(await pipeline.inbox(mentor)) == 2  # the inbox does not wait

    pipeline.clock.now = end - timedelta(seconds=1)
    assert await pipeline.sender.run_once() == 0
    pipeline.clock.now = end
    assert await pipeline.sender.run_once() == 1
    assert [m["Subject"] for m in mail.to(await pipeline.email_of(mentor))][-1].startswith("Someone would welcome")
    assert (await pipeline.delivery(mentor, "match_proposed"))["status"] == "sent"


async def test_unsubscribing_stops_that_category_only(pipeline: Pipeline, mail: MailCatcher) -> None:
    mentee = await pipeline.member()
    mentor = await pipeline.member(name="Marc Mentor")
    await pipeline.apply(proposal(mentee, mentor))
    await pipeline.sender.run_once()
    first_proposal = mail.one(await pipeline.email_of(mentor), "Someone would welcome")

    category = await preferences.unsubscribe(pipeline.pool, _unsubscribe_token(first_proposal), pipeline.secret)
    assert category == "matching"
    await pipeline.apply(proposal(mentee, mentor))
    await pipeline.sender.run_once()

    assert len(mail.to(await pipeline.email_of(mentor))) == 2  # the welcome and the first proposal
    latest = await pipeline.delivery(mentor, "match_proposed")
    assert (latest["status"], latest["status_reason"]) == ("suppressed", "preference_off")
    assert len(await pipeline.inbox(mentor)) == 3  # in-app messages of the category still arrive


async def test_an_unsubscribe_made_while_an_email_waits_stops_it(pipeline: Pipeline, mail: MailCatcher) -> None:
    pipeline.clock.now = datetime(2030, 1, 15, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    mentee, mentor = await pipeline.member(), await pipeline.member(time_zone="Europe/Paris")
    await pipeline.sender.run_once()
    await pipeline.pool.execute("INSERT INTO quiet_hours VALUES ($1, $2, $3)", mentor, time(22), time(7))
    await pipeline.apply(proposal(mentee, mentor))
    await pipeline.sender.run_once()
    await preferences.unsubscribe(pipeline.pool, _token(pipeline, mentor, "matching"), pipeline.secret)

    pipeline.clock.now = datetime(2030, 1, 16, 6, 0, tzinfo=UTC)
    await pipeline.sender.run_once()
    assert (await pipeline.delivery(mentor, "match_proposed"))["status"] == "suppressed"
    assert len(mail.messages) == 2  # the welcomes only


async def test_withdrawn_email_consent_suppresses_email_but_not_the_inbox(
    pipeline: Pipeline, mail: MailCatcher
) -> None:
    mentee, mentor = await pipeline.member(), await pipeline.member()
    await pipeline.sender.run_once()
    await pipeline.apply(ConsentChanged(member_id=mentor, kind="email", granted=False, version="2026-01"))
    await pipeline.apply(proposal(mentee, mentor))
    await pipeline.sender.run_once()

    assert [m["Subject"] for m in mail.to(await pipeline.email_of(mentor))] == ["Welcome to Fellowship"]
    suppressed = await pipeline.delivery(mentor, "match_proposed")
    assert (suppressed["status"], suppressed["status_reason"]) == ("suppressed", "no_email_consent")
    assert len(await pipeline.inbox(mentor)) == 2


async def test_consent_withdrawn_while_an_email_waits_stops_it(pipeline: Pipeline, mail: MailCatcher) -> None:
    member = await pipeline.member()
    await pipeline.apply(ConsentChanged(member_id=member, kind="email", granted=False, version="2026-01"))
    await pipeline.sender.run_once()
    assert mail.messages == []
    welcome = await pipeline.delivery(member, "welcome")
    assert (welcome["status"], welcome["status_reason"]) == ("suppressed", "no_email_consent")


async def test_a_member_without_email_consent_gets_no_welcome(pipeline: Pipeline, mail: MailCatcher) -> None:
    member = await pipeline.member(consents=("peer_matching",))
    await pipeline.sender.run_once()
    assert mail.messages == []
    [delivery] = await pipeline.deliveries(member)
    assert (delivery["status"], delivery["status_reason"]) == ("suppressed", "no_email_consent")


async def test_a_welcome_waits_for_an_address_that_arrives_later(pipeline: Pipeline, mail: MailCatcher) -> None:
    member, association = uuid4(), uuid4()
    await pipeline.apply(
        MemberJoined(member_id=member, association_id=association, time_zone="UTC", consents=["email"])
    )
    await pipeline.sender.run_once()
    [delivery] = await pipeline.deliveries(member)
    assert (delivery["status"], delivery["status_reason"]) == ("pending", "awaiting_contact")

    await pipeline.apply(
        ContactUpdated(
            member_id=member, association_id=association, display_name="Late Lou", email="lou@example.org", locale="fr"
        )
    )
    pipeline.clock.advance(timedelta(minutes=1))
    await pipeline.sender.run_once()
    [email] = mail.messages
    assert (email["To"], email["Subject"]) == ("Late Lou <lou@example.org>", "Bienvenue sur Fellowship")


async def test_a_refused_address_fails_at_once_and_is_not_kept_in_its_reason(
    pipeline: Pipeline, mail: MailCatcher, caplog: pytest.LogCaptureFixture
) -> None:
    mail.handler.refuse.add("nobody@example.org")
    refused = await pipeline.member(email="nobody@example.org")
    await pipeline.sender.run_once()
    [delivery] = await pipeline.deliveries(refused)
    assert (delivery["status"], delivery["attempts"]) == ("failed", 1)
    assert "550" in delivery["status_reason"] and "Recipient address rejected" in delivery["status_reason"]
    assert "nobody@example.org" not in delivery["status_reason"], "the server quoted the address; it is not kept"
    # message and extra fields of our records; aiosmtpd's `mail.log` is the SMTP server's side, which logs
    # every RCPT TO when something has set INFO (the whole suite does)
    logged = [str(vars(record)) for record in caplog.records if not record.name.startswith("mail.")]
    assert any("e-mail failed" in line for line in logged)
    assert not any("nobody@example.org" in line for line in logged), "nor logged"


async def _sender_rounds_until(pipeline: Pipeline, end: timedelta, step: timedelta) -> int:
    """Run the sender, moving the clock by `step`, until `end` has passed; returns the rounds run."""
    rounds, elapsed = 0, timedelta(0)
    while elapsed < end:
        await pipeline.sender.run_once()
        pipeline.clock.advance(step)
        elapsed += step
        rounds += 1
    return rounds


async def test_an_smtp_outage_of_minutes_fails_nothing_and_everything_arrives_after(
    pipeline: Pipeline, mail: MailCatcher, smtp_outage: FaultyProxy
) -> None:
    await smtp_outage.cut()
    members = [await pipeline.member(name=f"Member {i}") for i in range(3)]
    rounds = await _sender_rounds_until(pipeline, timedelta(minutes=12), timedelta(seconds=30))

    waiting = [d for m in members for d in await pipeline.deliveries(m)]
    assert rounds >= 20 and {d["status"] for d in waiting} == {"pending"}, [dict(d) for d in waiting]
    assert all(d["attempts"] >= 5 for d in waiting)
    await smtp_outage.restore()
    pipeline.clock.advance(timedelta(hours=1))  # past any backoff
    assert await pipeline.sender.run_once() == 3
    assert len(mail.messages) == 3


async def test_an_email_the_server_never_takes_fails_after_the_retry_period(
    pipeline: Pipeline, mail: MailCatcher, smtp_outage: FaultyProxy
) -> None:
    await smtp_outage.cut()
    unlucky = await pipeline.member()
    await _sender_rounds_until(pipeline, timedelta(hours=71), timedelta(minutes=30))
    [delivery] = await pipeline.deliveries(unlucky)
    assert delivery["status"] == "pending"

    await _sender_rounds_until(pipeline, timedelta(hours=2), timedelta(minutes=30))
    [delivery] = await pipeline.deliveries(unlucky)
    assert delivery["status"] == "failed" and "not taken within 3 days" in delivery["status_reason"]
    await smtp_outage.restore()
    assert await pipeline.sender.run_once() == 0 and mail.messages == []


async def test_internationalised_addresses_are_sent_and_one_bad_email_holds_up_nobody(
    pipeline: Pipeline, mail: MailCatcher
) -> None:
    jorg = await pipeline.member(name="Jörg", email="jörg@example.de")  # a non-ASCII mailbox: SMTPUTF8
    ana = await pipeline.member(name="Ana", email="ana@exämple.de")  # a non-ASCII domain: IDNA
    broken = await pipeline.member(name="Broken", email="not-an-address")
    after = await pipeline.member(name="After")

    await pipeline.sender.run_once()

    assert mail.one("jörg@example.de", "Welcome")
    assert mail.one("ana@xn--exmple-cua.de", "Welcome")
    assert mail.one(await pipeline.email_of(after), "Welcome")
    [failed] = await pipeline.deliveries(broken)
    assert failed["status"] == "failed" and "not an e-mail address" in failed["status_reason"]
    assert {d["status"] for m in (jorg, ana, after) for d in await pipeline.deliveries(m)} == {"sent"}


async def test_a_server_without_smtputf8_fails_a_non_ascii_mailbox_with_a_clear_reason() -> None:
    with mail_server(smtputf8=False) as plain:
        mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=plain.port, timeout_seconds=5))
        message = compose(
            RenderedEmail("Welcome", "Hello", "Hello", "<p>Hello</p>"),
            sender="Fellowship <no-reply@fellowship.test>",
            to="jörg@example.de",
            to_name="Jörg",
            message_id="<1@fellowship>",
            unsubscribe_link="https://fellowship.test/unsubscribe?token=t",
            date=datetime.now(UTC),
        )
        try:
            with pytest.raises(DeliveryError) as refused:
                await mailer.send(message)
        finally:
            await mailer.close()
    assert refused.value.permanent and "SMTPUTF8" in refused.value.reason
    assert plain.messages == []


async def test_erasure_removes_everything_about_the_member(pipeline: Pipeline, mail: MailCatcher) -> None:
    mentee, mentor = await pipeline.member(name="Mia Mentee"), await pipeline.member(name="Marc Mentor")
    await preferences.set_quiet_hours(pipeline.pool, mentee, {"start": "22:00", "end": "07:00"})
    await preferences.unsubscribe(pipeline.pool, _token(pipeline, mentee, "conferences"), pipeline.secret)
    await pipeline.apply(
        MatchAccepted(
            request_id=uuid4(), mentee_id=mentee, association_id=ASSOCIATION, match_id=uuid4(), mentor_id=mentor
        )
    )
    envelope = await pipeline.apply(MemberErased(member_id=mentee, association_id=ASSOCIATION))
    await pipeline.apply(envelope)

    for table in ("directory", "inbox_entries", "deliveries", "preferences", "quiet_hours"):
        assert await pipeline.count(table, mentee) == 0, table
    assert not await staged_messages(pipeline.pool, "preference.quiet_hours_changed"), "not told about them now"
    [_, intro] = await pipeline.inbox(mentor)
    assert "Mia" not in intro["title"] + intro["body"] and intro["mentions"] == []
    # the mentor's e-mail, sent after the erasure, no longer names them either
    await pipeline.sender.run_once()
    intro_email = mail.one(await pipeline.email_of(mentor), "Your mentorship")
    assert intro_email["Subject"] == "Your mentorship has begun"
    assert "Mia" not in intro_email.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # a late message about them creates nothing
    await pipeline.apply(proposal(mentee, mentor))
    await pipeline.apply(
        MatchAccepted(
            request_id=uuid4(), mentee_id=mentee, association_id=ASSOCIATION, match_id=uuid4(), mentor_id=mentor
        )
    )
    assert await pipeline.count("inbox_entries", mentee) == 0 and await pipeline.count("deliveries", mentee) == 0


async def test_a_contact_tombstone_forgets_the_member(pipeline: Pipeline) -> None:
    from notifications.service_layer.directory import forget_member

    member = await pipeline.member()
    await forget_member(pipeline.pool, member)
    await forget_member(pipeline.pool, member)  # a redelivered tombstone
    for table in ("directory", "inbox_entries", "deliveries"):
        assert await pipeline.count(table, member) == 0, table


def _unsubscribe_token(email: object) -> str:
    header = str(email["List-Unsubscribe"])  # type: ignore[index]
    assert header.startswith("<http://127.0.0.1:8000/unsubscribe?token=") and header.endswith(">")
    return parse_qs(urlparse(header[1:-1]).query)["token"][0]


def _token(pipeline: Pipeline, member: UUID, category: str) -> str:
    from notifications.domain.unsubscribe import sign

    return sign(member, category, pipeline.secret)  # type: ignore[arg-type]


async def test_deliveries_and_inbox_entries_keep_no_health_data(pipeline: Pipeline, mail: MailCatcher) -> None:
    member = await pipeline.member(name="Hana Health")
    await pipeline.apply(
        MemberJoined(
            member_id=member,
            association_id=uuid4(),
            time_zone="Europe/Paris",
            consents=["email", "health_data"],
            conditions=["M79.7"],
            diagnosed_in={"M79.7": 2011},
            birth_year=1961,
            gender="female",
            is_caregiver=True,
            languages=["fr"],
        )
    )
    await pipeline.apply(
        MentorApproved(
            member_id=member,
            association_id=ASSOCIATION,
            conditions=["M79.7"],
            diagnosed_in={"M79.7": 2011},
            capacity=2,
            modalities=["video"],
        )
    )
    await pipeline.sender.run_once()

    kept = [
        row["context"]
        for row in await pipeline.pool.fetch("SELECT context FROM deliveries WHERE member_id = $1", member)
    ]
    kept += [
        row["context"]
        for row in await pipeline.pool.fetch("SELECT context FROM inbox_entries WHERE member_id = $1", member)
    ]
    assert len(kept) >= 4
    stored = json.dumps(kept)
    for health in ("M79.7", "2011", "1961", "diagnosed_in", "conditions", "availability", "is_caregiver", "female"):
        assert health not in stored, f"{health!r} is kept by notifications"
