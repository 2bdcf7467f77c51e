from datetime import UTC, datetime
from email import message_from_bytes, policy
from uuid import uuid4

import pytest
from icalendar import Calendar

from notifications.domain.calendar_attachment import calendar_attachment
from notifications.domain.email_message import RenderedEmail, compose, message_id_for
from notifications.domain.locales import pick_locale


def test_an_email_has_both_parts_a_stable_message_id_and_one_click_unsubscribe() -> None:
    delivery_id = uuid4()
    message = compose(
        RenderedEmail(subject="Welcome\nto Fellowship", preview="p", text="Hello", html="<p>Hello</p>"),
        sender="Fellowship <no-reply@example.org>",
        to="ada@example.org",
        to_name="Ada, Countess",
        message_id=message_id_for(delivery_id),
        unsubscribe_link="https://notify.example/unsubscribe?token=abc",
        date=datetime(2030, 1, 1, tzinfo=UTC),
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == f"<{delivery_id}@fellowship>"
    assert parsed["Subject"] == "Welcome to Fellowship"
    assert parsed["To"] == '"Ada, Countess" <ada@example.org>'
    assert parsed["List-Unsubscribe"] == "<https://notify.example/unsubscribe?token=abc>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]  # type: ignore[attr-defined]


def test_locales() -> None:
    assert [pick_locale(x) for x in ("fr", "fr-CA", "fr_BE", "FR", "en-GB", "de", "", None)] == [
        "fr",
        "fr",
        "fr",
        "fr",
        "en",
        "en",
        "en",
        "en",
    ]


@pytest.mark.parametrize(
    ("template", "method"),
    [("registration_confirmed", "PUBLISH"), ("event_rescheduled", "PUBLISH"), ("event_cancelled", "CANCEL")],
)
def test_an_email_that_changes_a_calendar_carries_the_entry_in_the_hosts_zone(template: str, method: str) -> None:
    data = {
        "conference_id": "0b5a3c8e-7d69-4c5b-9a6a-8a0b1f1e2d3c",
        "title": "Moving gently",
        "starts_at": "2030-03-31T16:00:00Z",  # the day after Paris moves to summer time: 18:00 there
        "ends_at": "2030-03-31T17:30:00Z",
        "time_zone": "Europe/Paris",
        "sequence": 2,
    }
    attached = calendar_attachment(template, data, datetime(2030, 3, 1, tzinfo=UTC))
    assert attached is not None and attached.params == {"method": method}
    calendar = Calendar.from_ical(attached.content)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == method and int(event["SEQUENCE"]) == 2
    assert event.decoded("DTSTART").isoformat() == "2030-03-31T18:00:00+02:00"
    assert (str(event["STATUS"]) == "CANCELLED") == (method == "CANCEL")


def test_other_emails_and_messages_from_before_the_entry_carry_no_calendar() -> None:
    data = {"conference_id": "0b5a3c8e-7d69-4c5b-9a6a-8a0b1f1e2d3c", "title": "x", "starts_at": "2030-03-31T16:00:00Z"}
    assert calendar_attachment("registration_confirmed", data, datetime(2030, 3, 1, tzinfo=UTC)) is None
    full = {**data, "ends_at": "2030-03-31T17:00:00Z", "time_zone": "Europe/Paris"}
    assert calendar_attachment("event_reminder", full, datetime(2030, 3, 1, tzinfo=UTC)) is None


def test_a_circles_confirmation_carries_its_weekly_meetings() -> None:
    data = {
        "conference_id": "0b5a3c8e-7d69-4c5b-9a6a-8a0b1f1e2d3c",
        "title": "Carers' circle",
        "starts_at": "2030-03-19T17:00:00Z",  # Tuesdays at 18:00 in Paris, across the change to summer time
        "ends_at": "2030-03-19T18:00:00Z",
        "time_zone": "Europe/Paris",
        "meetings": 6,
    }
    attached = calendar_attachment("registration_confirmed", data, datetime(2030, 3, 1, tzinfo=UTC))
    assert attached is not None
    event = Calendar.from_ical(attached.content).walk("VEVENT")[0]
    assert event["RRULE"] == {"FREQ": ["WEEKLY"], "COUNT": [6]}
    assert event.decoded("DTSTART").isoformat() == "2030-03-19T18:00:00+01:00", "repeats at 18:00 local time"
