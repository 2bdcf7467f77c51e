from datetime import UTC, datetime
from email import message_from_bytes, policy
from uuid import uuid4

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
