"""Account e-mails (a sign-in code, a reset link, an invitation, a registration warning): sent at once to the
address membership gave, whatever the consents, preferences and quiet hours; never once expired; no secret
or address kept after they are settled."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlparse
from uuid import uuid4

from shared.contracts.membership import (
    InvitationIssued,
    PasswordResetRequested,
    RegistrationAttempted,
    SignInCodeIssued,
)

from .mail_harness import (  # noqa: F401  # the fixtures
    MailCatcher,
    Pipeline,
    mail_fixture,
    pipeline_fixture,
    sending_fixture,
    smtp_outage_fixture,
)


async def test_a_sign_in_code_goes_out_at_once_even_in_quiet_hours_without_e_mail_consent(
    pipeline: Pipeline, mail: MailCatcher
) -> None:
    pipeline.clock.now = datetime(2030, 1, 15, 22, 30, tzinfo=UTC)
    member = await pipeline.member(consents=("peer_matching",))  # no e-mail consent: no welcome
    await pipeline.pool.execute("INSERT INTO quiet_hours VALUES ($1, $2, $3)", member, time(22), time(7))
    await pipeline.pool.execute(
        "INSERT INTO preferences (member_id, category, channel, enabled) VALUES ($1, 'account', 'email', false)",
        member,
    )
    expires = pipeline.clock.now + timedelta(minutes=15)
    await pipeline.apply(
        SignInCodeIssued(
            member_id=member,
            email="ada@example.org",
            locale="fr",
            time_zone="Europe/Paris",
            code="482913",
            expires_at=expires,
        )
    )

    assert await pipeline.sender.run_once() >= 1
    [sent] = mail.to("ada@example.org")
    text = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert sent["Subject"] == "Votre code de connexion Fellowship" and "482913" not in sent["Subject"]
    assert "482913" in text and "23:45" in text, text  # the expiry in the person's own time
    assert sent["List-Unsubscribe"] is None, "a code the person asked for has no unsubscribe"
    assert [e["template"] for e in await pipeline.inbox(member)] == ["welcome"], "codes stay out of the inbox"
    row = await pipeline.delivery(member, "sign_in_code")
    assert (row["status"], row["to_address"], dict(row["context"])) == ("sent", None, {}), "the secret is wiped"


async def test_an_account_e_mail_is_never_sent_once_expired(pipeline: Pipeline, mail: MailCatcher) -> None:
    member = uuid4()
    await pipeline.apply(
        PasswordResetRequested(
            member_id=member,
            email="late@example.org",
            token="t0ken",
            expires_at=pipeline.clock.now + timedelta(minutes=30),
        )
    )
    pipeline.clock.advance(timedelta(minutes=31))  # the sender was down past the link's expiry

    await pipeline.sender.run_once()

    assert mail.to("late@example.org") == []
    row = await pipeline.delivery(member, "password_reset")
    assert (row["status"], row["status_reason"], dict(row["context"])) == ("suppressed", "expired", {})


async def test_reset_and_invitation_links_lead_to_the_web_client_and_registration_warnings_arrive(
    pipeline: Pipeline, mail: MailCatcher
) -> None:
    member = uuid4()
    later = pipeline.clock.now + timedelta(days=14)
    await pipeline.apply(
        PasswordResetRequested(member_id=member, email="bo@example.org", token="reset-token", expires_at=later)
    )
    await pipeline.apply(
        InvitationIssued(
            member_id=member,
            email="bo@example.org",
            association_name="Rare Together",
            token="invite-token",
            expires_at=later,
            new_account=True,
        )
    )
    await pipeline.apply(RegistrationAttempted(member_id=member, email="bo@example.org"))

    await pipeline.sender.run_once()

    by_subject = {m["Subject"]: m.get_body(("plain",)).get_content() for m in mail.to("bo@example.org")}  # type: ignore[union-attr]
    reset = by_subject["Choose a new Fellowship password"]
    invitation = by_subject["You are invited to join an association on Fellowship"]
    assert "You already have a Fellowship account" in by_subject
    assert "Rare Together" in invitation and "choose your password" in invitation
    for text, path, token in (
        (reset, "/password-reset/new", "reset-token"),
        (invitation, "/invitations/accept", "invite-token"),
    ):
        link = next(word for word in text.split() if path in word)
        assert urlparse(link).path.endswith(path) and parse_qs(urlparse(link).query)["token"] == [token]
