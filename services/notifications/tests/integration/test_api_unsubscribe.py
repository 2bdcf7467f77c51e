"""One-click unsubscribe (RFC 8058) with no login: the GET page changes nothing and offers a button; the POST
(a mail client's one-click, or the button) turns e-mail of the link's category off; a bad link is a 400."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest
from cryptography.fernet import Fernet

from notifications.bootstrap import MIGRATIONS, NotificationsServiceSettings, bootstrap
from notifications.domain.unsubscribe import sign
from notifications.settings import NotificationsSettings
from shared.db.pool import DatabaseSettings
from shared.testing.plugin import ServiceDatabase

from .conftest import Api, Member


async def _one_click(api: Api, token: str) -> httpx.Response:
    """The POST a mail client makes for RFC 8058 one-click unsubscribe."""
    return await api.client.post(
        "/unsubscribe",
        params={"token": token},
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def _link_token(api: Api, member: Member, category: str = "matching", secret: str | None = None) -> str:
    """The token of the link in an e-mail to `member` (signed with the service's secret unless told)."""
    return sign(member.member_id, category, secret or api.unsubscribe_secret)  # type: ignore[arg-type]


async def test_the_page_asks_first_and_changes_nothing(api: Api) -> None:
    member = api.member()
    token = _link_token(api, member)

    response = await api.client.get("/unsubscribe", params={"token": token})

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Stop e-mails about peer mentoring?" in response.text
    form = re.search(r'<form method="post" action="([^"]+)">', response.text)
    assert form is not None and unescape(form[1]) == f"unsubscribe?token={token}"
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in response.text
    assert response.headers["cache-control"] == "no-store" and response.headers["referrer-policy"] == "no-referrer"
    assert await api.preference(member, "matching", "email") is None


async def test_one_click_turns_that_category_of_e_mail_off(api: Api) -> None:
    member = api.member()

    response = await _one_click(api, _link_token(api, member, "conferences"))

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "You will no longer receive e-mails about conferences." in response.text
    assert await api.preference(member, "conferences", "email") is False
    preferences = (await api.client.get("/me/preferences", headers=member.headers)).json()["preferences"]
    assert preferences["conferences"] == {"email": False, "inbox": True}
    assert preferences["matching"] == {"email": True, "inbox": True}


async def test_the_pages_button_and_a_repeat_work_too(api: Api) -> None:
    member = api.member()
    token = _link_token(api, member, "account")

    button = await api.client.post(f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    empty = await api.client.post(f"/unsubscribe?token={token}")

    assert button.status_code == 200 and empty.status_code == 200
    assert "your Fellowship account" in empty.text
    assert await api.preference(member, "account", "email") is False


def _tampered(token: str) -> str:
    payload, _, signature = token.partition(".")
    flipped = "A" if payload[0] != "A" else "B"
    return f"{flipped}{payload[1:]}.{signature}"


@pytest.mark.parametrize(
    "make_token",
    [
        _tampered,
        lambda token: token[:-3],
        lambda token: token.partition(".")[0],
        lambda _: "",
        lambda _: "not a token at all ✓",
    ],
    ids=["tampered", "cut-short", "unsigned", "empty", "garbage"],
)
async def test_a_bad_link_is_a_clear_400_and_changes_nothing(api: Api, make_token: object) -> None:
    member = api.member()
    token = make_token(_link_token(api, member))  # type: ignore[operator]

    page = await api.client.get("/unsubscribe", params={"token": token})
    click = await _one_click(api, token)

    for response in (page, click):
        assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
        assert "This unsubscribe link is not valid" in response.text
    assert await api.preference(member, "matching", "email") is None


async def test_a_link_signed_with_another_secret_is_refused(api: Api) -> None:
    member = api.member()

    response = await _one_click(api, _link_token(api, member, secret="another secret"))
    missing = await api.client.get("/unsubscribe")

    assert response.status_code == 400 and missing.status_code == 400
    assert await api.preference(member, "matching", "email") is None


async def test_nothing_is_stored_for_an_erased_member(api: Api) -> None:
    member = api.member()
    await api.pool.execute("INSERT INTO erased_members (member_id) VALUES ($1)", member.member_id)

    token = _link_token(api, member)
    click = await _one_click(api, token)
    quiet = await api.client.put("/me/quiet-hours", json={"start": "22:00", "end": "07:00"}, headers=member.headers)

    assert click.status_code == 200 and quiet.status_code == 200
    assert await api.pool.fetchval("SELECT count(*) FROM preferences WHERE member_id = $1", member.member_id) == 0
    assert await api.pool.fetchval("SELECT count(*) FROM quiet_hours WHERE member_id = $1", member.member_id) == 0


async def test_the_unsubscribe_secret_is_encrypted_at_rest(service_database: ServiceDatabase) -> None:
    key = Fernet.generate_key().decode()
    settings = NotificationsServiceSettings(
        database=DatabaseSettings(url=await service_database(MIGRATIONS)),
        notifications=NotificationsSettings(secret_encryption_key=key),
    )
    first = await bootstrap(settings)
    stored = await first.pool.fetchval("SELECT value FROM service_secrets WHERE name = 'unsubscribe'")
    secret = first.dependencies.unsubscribe_secret
    await first.pool.close()
    assert stored.startswith("fernet:") and secret not in stored

    again = await bootstrap(settings)
    assert again.dependencies.unsubscribe_secret == secret  # the same secret: links already sent still work
    await again.pool.close()
