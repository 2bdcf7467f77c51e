"""Conferences and support circles in the web client on `make run`, in Chromium: a member finds a conference
for their condition, reads its time in their own zone, registers, downloads the calendar file and finds the
same entry in the confirmation e-mail, asks a question with a phone number in it, which is held until the
host edits it out and answers, then gives up the place (after an error when the box is not ticked). In
French, a member joins the waiting list of the demo's full conference and asks about their own treatment,
which the host refers to the association's advice; a place freed by a cancellation is offered to the first
in line, who passes it on, so it is offered to the member, who accepts it. A member joins the weekly circle
and says he will miss one meeting: his calendar leaves it out and the host sees it. Members who had a place
at a past conference find its recording and answers, and the one who joined was asked how it was."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from icalendar import Calendar
from playwright.async_api import Page, expect

from shared.testing.eventually import eventually

from .conftest import Platform
from .web import (
    DEMO_PASSWORD,
    Web,
    api,
    axe_violations,
    mail_for,
    mails_to,
    onboard,
    register,
    sign_in,
    submit,
    text_of,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
CHRONIC_PAIN = "Chronic Pain Network"
FIBROMYALGIA_TALK = "Living well with fibromyalgia: sleep, pain and pacing"  # the demo's, for M79.7
FULL_TALK = "Migraine: new treatments explained"  # the demo's: two places taken, one person waiting
CIRCLE = "Newly diagnosed: a weekly support circle"  # the demo's: eight meetings, in French
PAST_TALK = "Understanding chronic pain: why it lasts and what helps"  # the demo's, held a fortnight ago


def calendar_of(content: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def attached_calendar(message: EmailMessage) -> bytes:
    files = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(files) == 1, f"{message['Subject']}: {len(files)} calendar files"
    content = files[0].get_payload(decode=True)
    assert isinstance(content, bytes)
    return content


async def newcomer(web: Web, language: str, condition: str) -> tuple[Page, str]:
    page = await web.page(locale={"en": "en-GB", "fr": "fr-FR"}[language], width=390, height=844)
    await page.goto(f"/language/{language}?next=/")
    email = f"eve-{uuid4().hex[:8]}@example.org"
    await register(page, email, "Eve " + uuid4().hex[:4])
    await sign_in(page, email)
    await onboard(page, association=CHRONIC_PAIN, condition=condition, year="2022", evenings=(2,), mentor=False)
    return page, email


async def test_a_member_registers_for_a_conference_for_their_condition_and_keeps_it_in_their_calendar(
    web: Web, platform: Platform
) -> None:
    page, email = await newcomer(web, "en", "fibromyalgia")
    await page.locator("header a[href='/events']").click()
    for_you = page.locator("main h2", has_text="For you").locator("xpath=following-sibling::ul[1]")
    talk = for_you.get_by_role("link", name=FIBROMYALGIA_TALK)
    for _ in range(20):  # events learns of the condition just given through the broker: a moment
        if await talk.count():
            break
        await asyncio.sleep(1)
        await page.reload()
    await talk.click()
    conference_id = page.url.rsplit("/", 1)[1]
    conference = await api(page, f"events/conferences/{conference_id}")
    zone = (await api(page, "membership/me"))["profile"]["time_zone"]
    start = datetime.fromisoformat(conference["starts_at"]).astimezone(ZoneInfo(zone))
    await expect(page.locator("main dl")).to_contain_text(f"{start:%H:%M}")
    await expect(page.locator("main dl")).to_contain_text("(your time)")
    await expect(page.locator("main dl")).to_contain_text("Dr Claire Martin, rheumatologist (healthcare professional)")

    await page.check("#needs-captions")
    await submit(page)
    await expect(page.locator(".notice")).to_contain_text("You have a place")
    assert (await api(page, f"events/conferences/{conference_id}"))["places_left"] == conference["places_left"] - 1

    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Add it to your calendar").click()
    downloaded = Path(await (await downloading.value).path()).read_bytes()
    calendar, entry = calendar_of(downloaded)
    assert str(calendar["METHOD"]) == "PUBLISH" and str(entry["SUMMARY"]) == FIBROMYALGIA_TALK
    assert entry.decoded("DTSTART") == datetime.fromisoformat(conference["starts_at"])
    assert str(entry.decoded("DTSTART").tzinfo) == conference["time_zone"]

    confirmation = await mail_for(platform.data_dir / "mail", email, "Your place is booked")
    _, mailed = calendar_of(attached_calendar(confirmation))
    assert (mailed["UID"], mailed.decoded("DTSTART"), mailed["SEQUENCE"]) == (
        entry["UID"],
        entry.decoded("DTSTART"),
        entry["SEQUENCE"],
    ), "the e-mailed entry is the downloaded one: a calendar keeps one"
    assert f"/events/{conference_id}" in text_of(confirmation)

    # a question with a phone number in it is held; the host (her pages are in French) edits it and answers
    await page.fill("#question", "Could someone call me on 06 12 34 56 78 about sleep and pacing?")
    await page.locator("form[action$='/questions'] button").click()
    await expect(page.locator(".notice")).to_contain_text("personal details")
    await expect(page.locator("main")).to_contain_text("A moderator will check it first")
    (asked,) = [q for q in await api(page, f"events/conferences/{conference_id}/questions") if q["mine"]]
    nadia = await _as_demo(web, "nadia@example.org")
    await nadia.goto(f"/events/{conference_id}")
    await nadia.locator(f"a[href='/events/{conference_id}/moderation']").click()
    card = nadia.locator(".cards > li", has=nadia.locator(f"#text-{asked['question_id']}"))
    await expect(card.locator("mark")).to_have_text("06 12 34 56 78")
    await card.locator(f"#action-{asked['question_id']}").check()  # show it as it is: refused
    await card.locator("button[type=submit]").click()
    await expect(nadia.locator(".error-summary")).to_be_focused()
    await expect(nadia.locator(".error-summary")).to_contain_text("personal details")
    card = nadia.locator(".cards > li", has=nadia.locator(f"#text-{asked['question_id']}"))
    await card.locator(f"#action-{asked['question_id']}-answer").check()
    await card.locator(f"#text-{asked['question_id']}").fill("What helps with sleep and pacing?")
    await card.locator(f"#answer-{asked['question_id']}").fill("A regular bedtime and short rests spread over the day.")
    await card.locator("button[type=submit]").click()
    await expect(nadia.locator(".notice")).to_contain_text("réponse est publiée")
    await page.reload()
    answers = page.locator("main h3", has_text="Answers so far").locator("xpath=following-sibling::ul[1]")
    await expect(answers).to_contain_text("What helps with sleep and pacing?")
    await expect(answers).to_contain_text("A regular bedtime and short rests")
    await expect(page.locator("main")).not_to_contain_text("06 12 34 56 78")

    # the calendar feed: a secret address a calendar app subscribes to (no session, no cookie)
    await page.goto("/events/calendar")
    await page.get_by_role("button", name="Make my calendar address").click()
    address = await page.locator("#address").input_value()
    feed = await web.browser.new_context()  # a calendar app: none of the member's cookies
    try:
        listed = await (await feed.request.get(address)).body()
        (subscribed,) = [e for e in Calendar.from_ical(listed).walk("VEVENT") if str(e["SUMMARY"]) == FIBROMYALGIA_TALK]
        assert str(subscribed["STATUS"]) == "CONFIRMED"
    finally:
        await feed.close()
    await page.goto(f"/events/{conference_id}")

    await page.get_by_role("button", name="Give up my place").click()  # the box not ticked
    await expect(page.locator(".error-summary")).to_be_focused()
    await page.check("#confirm")
    await page.get_by_role("button", name="Give up my place").click()
    await expect(page.locator(".notice")).to_contain_text("you no longer have a place")
    assert (await api(page, f"events/conferences/{conference_id}"))["places_left"] == conference["places_left"]

    # her quiet hours, set among her e-mail choices, reach events (over the broker): offers keep out of them
    await page.goto("/settings/notifications")
    await page.fill("#start", "21:00")
    await page.fill("#end", "09:30")
    await submit(page)
    member_id = UUID((await api(page, "membership/me"))["member_id"])
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{platform.ports['postgres']}/events")
    try:
        query = "SELECT quiet_starts, quiet_ends FROM people WHERE member_id = $1"
        kept = await eventually(
            lambda: conn.fetchrow(query, member_id),
            until=lambda row: row is not None and row["quiet_starts"] is not None,
            timeout=20,
            interval=0.3,
            what="events to learn her quiet hours",
        )
        assert (kept["quiet_starts"], kept["quiet_ends"]) == (time(21, 0), time(9, 30))
    finally:
        await conn.close()


async def _as_demo(web: Web, email: str, *, axe: bool = False) -> Page:
    page = await web.page(axe=axe)
    await sign_in(page, email, DEMO_PASSWORD)
    return page


async def test_in_french_a_place_freed_in_a_full_conference_goes_down_the_waiting_list(
    web: Web, platform: Platform
) -> None:
    page, email = await newcomer(web, "fr", "migraine")
    await page.goto("/events")
    await page.get_by_role("link", name=FULL_TALK).first.click()
    conference_id = page.url.rsplit("/", 1)[1]
    await expect(page.locator("main")).to_contain_text("C'est complet")
    await submit(page)
    await expect(page.locator(".notice")).to_contain_text("liste d'attente")
    await expect(page.locator("#your-place")).to_contain_text("Vous êtes numéro 2 sur la liste d'attente")

    # in line, the member asks about their own treatment; the host refers it to the association's advice
    await page.fill("#question", "Dois-je arrêter mon traitement de fond avant de commencer le nouveau ?")
    await page.locator("form[action$='/questions'] button").click()
    await expect(page.locator(".notice")).to_contain_text("modérateur")
    (asked,) = [q for q in await api(page, f"events/conferences/{conference_id}/questions") if q["mine"]]
    nadia = await _as_demo(web, "nadia@example.org")
    await nadia.goto(f"/events/{conference_id}/moderation")
    card = nadia.locator(".cards > li", has=nadia.locator(f"#text-{asked['question_id']}"))
    await expect(card).to_contain_text("conseil médical personnel")
    await card.locator(f"#action-{asked['question_id']}-refer").check()
    await card.locator("button[type=submit]").click()
    await expect(nadia.locator(".notice")).to_contain_text("son propre médecin")
    await page.goto(f"/events/{conference_id}")
    await expect(page.locator("main")).to_contain_text("Nous ne pouvons pas répondre ici aux questions")

    # a demo member with a place gives it up; the first in line is offered it and passes it on
    grace = await _as_demo(web, "grace@example.org")
    await grace.goto(f"/events/{conference_id}")
    await grace.check("#confirm")
    await grace.locator("main form:has(input[value=cancel]) button").click()
    tom = await _as_demo(web, "tom@example.org")
    await tom.goto(f"/events/{conference_id}")
    await tom.locator("main form:has(input[value=decline]) button").click()

    offer = await mail_for(platform.data_dir / "mail", email, "Une place se libère pour vous")
    assert f"/events/{conference_id}" in text_of(offer)
    await page.goto(f"/events/{conference_id}")
    await expect(page.locator("#your-place")).to_contain_text("Une place vous attend jusqu'au")
    await page.get_by_role("button", name="Oui, je prends la place").click()
    await expect(page.locator(".notice")).to_contain_text("La place est à vous")
    await expect(page.locator("#your-place")).to_contain_text("Vous avez une place")
    confirmation = await mail_for(platform.data_dir / "mail", email, "Votre place est réservée")
    _, entry = calendar_of(attached_calendar(confirmation))
    assert str(entry["UID"]) == f"{conference_id}@events.fellowship"


async def has_ended(platform: Platform, conference_id: str) -> None:
    """The event's hour passes (its times moved back in events' database: a test cannot wait an hour)."""
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{platform.ports['postgres']}/events")
    try:
        await conn.execute(
            "WITH moved AS (UPDATE meetings SET starts_at = now() - interval '2 hours',"
            " ends_at = now() - interval '1 hour' WHERE conference_id = $1)"
            " UPDATE conferences SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour'"
            " WHERE conference_id = $1",
            UUID(conference_id),
        )
    finally:
        await conn.close()


async def test_an_admin_plans_publishes_and_opens_an_event_and_sees_who_joined(web: Web, platform: Platform) -> None:
    oliver = await _as_demo(web, "oliver@example.org")  # admin of the Rare Lung Disease Alliance, in English
    home = next(m for m in (await api(oliver, "membership/me"))["memberships"] if "admin" in m["roles"])
    # James, a mentor of the Alliance, is a doctor too: the admin gives him the healthcare professional role
    await oliver.goto(f"/admin/{home['association_id']}/members?q=James")
    james = oliver.locator(".cards > li", has_text="James Carter")
    await james.locator("summary").click()
    await james.locator("input[value=hcp]").check()
    await james.get_by_role("button", name="Save roles").click()
    await oliver.goto(f"/admin/{home['association_id']}")
    await oliver.get_by_role("link", name="Events you host").click()
    await oliver.get_by_role("link", name="Plan an event").click()
    await submit(oliver)  # nothing chosen
    await expect(oliver.locator(".error-summary")).to_be_focused()
    await expect(oliver.locator(".error-summary")).to_contain_text("Choose who it is for")

    starts = datetime.now(ZoneInfo("Europe/London")) + timedelta(minutes=15)  # the link opens 30 minutes before
    title = f"Inhalers explained {uuid4().hex[:4]}"
    await oliver.check("#kind")
    await oliver.fill("#title", title)
    await oliver.fill("#date", f"{starts:%Y-%m-%d}")
    await oliver.fill("#time", f"{starts:%H:%M}")
    await oliver.fill("#capacity", "20")
    await oliver.check("#languages")  # English
    await oliver.check("#audience")
    await oliver.fill("#conditions", "j84.1")
    await oliver.fill("#speaker-1-name", "Dr James Carter")
    await oliver.fill("#speaker-1-profession", "pulmonologist")
    await oliver.select_option("#speaker-1-kind", label="James Carter, a healthcare professional of your association")
    await submit(oliver)
    await expect(oliver.locator(".notice")).to_contain_text("Saved as a draft")
    await oliver.get_by_role("button", name="Publish it").click()
    await expect(oliver.locator(".notice")).to_contain_text("Published")
    await oliver.fill("#capacity", "0")
    await oliver.get_by_role("button", name="Save the changes").click()
    await expect(oliver.locator(".error-summary")).to_be_focused()
    await oliver.fill("#capacity", "30")
    await oliver.get_by_role("button", name="Save the changes").click()
    await expect(oliver.locator(".notice")).to_contain_text("Saved.")
    await expect(oliver.locator("main dl")).to_contain_text("30 left of 30")
    await oliver.fill("#url", "https://meet.example/inhalers")
    await oliver.get_by_role("button", name="Save the link").click()
    await expect(oliver.locator(".notice")).to_contain_text("30 minutes before the start")
    admin_page = oliver.url
    conference_id = admin_page.rsplit("/", 1)[1]

    hugo = await _as_demo(web, "hugo@example.org")  # a member of the Alliance (his pages are in French)
    await hugo.route("https://meet.example/**", lambda route: route.fulfill(body="<title>meeting</title>"))
    await hugo.goto(f"/events/{conference_id}")
    await expect(hugo.locator("main dl")).to_contain_text(
        "Dr James Carter, pulmonologist (professionnel de santé, confirmé par l'association)"
    )
    await submit(hugo)
    await expect(hugo.locator("#your-place")).to_contain_text("Vous avez une place")
    await hugo.get_by_role("link", name="Rejoindre maintenant").click()
    await hugo.wait_for_url("https://meet.example/inhalers")

    await oliver.goto(admin_page)
    figures = oliver.locator("main table").first
    await expect(figures.locator("tr", has_text="Joined")).to_contain_text("1")
    await expect(oliver.locator("main")).to_contain_text("Hugo Lefebvre")
    await oliver.get_by_role("button", name="Call the event off").click()  # the box not ticked
    await expect(oliver.locator(".error-summary")).to_be_focused()

    # the admin moves it ten minutes later: the member is told, and the calendar entry follows (same UID)
    later = starts + timedelta(minutes=10)
    await oliver.fill("#date", f"{later:%Y-%m-%d}")
    await oliver.fill("#time", f"{later:%H:%M}")
    await oliver.get_by_role("button", name="Move the event").click()
    await expect(oliver.locator(".notice")).to_contain_text("their calendar follows")
    moved = await mail_for(platform.data_dir / "mail", "hugo@example.org", "change de date")
    _, entry = calendar_of(attached_calendar(moved))
    assert str(entry["UID"]) == f"{conference_id}@events.fellowship" and int(entry["SEQUENCE"]) == 1
    assert entry.decoded("DTSTART") == later.replace(second=0, microsecond=0)

    # after the hour: the admin shares the recording; the member is told, watches it and gives feedback
    await has_ended(platform, conference_id)
    await oliver.goto(admin_page)
    await oliver.fill("#recording_url", "http://video.example/inhalers")  # not https: refused
    await oliver.get_by_role("button", name="Share them with everyone who had a place").click()
    await expect(oliver.locator(".error-summary")).to_be_focused()
    await oliver.fill("#recording_url", "https://video.example/inhalers")
    await oliver.get_by_role("button", name="Share them with everyone who had a place").click()
    await expect(oliver.locator(".notice")).to_contain_text("asked for their feedback")
    told = await mail_for(platform.data_dir / "mail", "hugo@example.org", "L'enregistrement et les diapositives")
    assert f"/events/{conference_id}" in text_of(told)
    await hugo.goto(f"/events/{conference_id}")
    await expect(hugo.get_by_role("link", name="Voir l'enregistrement")).to_have_attribute(
        "href", "https://video.example/inhalers"
    )
    await hugo.get_by_role("button", name="Envoyer mon avis").click()  # no rating chosen
    await expect(hugo.locator(".error-summary")).to_be_focused()
    await hugo.check("#rating-5")
    await hugo.fill("#comment", "Very clear, thank you.")
    await hugo.get_by_role("button", name="Envoyer mon avis").click()
    await expect(hugo.locator(".notice")).to_contain_text("Merci pour votre avis")
    await oliver.goto(admin_page)
    await expect(figures.locator("tr", has_text="Average rating")).to_contain_text("5.0")
    await expect(oliver.locator("main")).to_contain_text("Very clear, thank you.")


async def test_a_member_joins_the_weekly_circle_and_says_he_will_miss_a_meeting(web: Web) -> None:
    lucas = await _as_demo(web, "lucas@example.org", axe=True)  # in French, living with fibromyalgia
    await lucas.goto("/events")
    card = lucas.locator(".cards > li", has=lucas.get_by_role("link", name=CIRCLE))
    await expect(card).to_contain_text("chaque semaine à partir du")
    await card.get_by_role("link", name=CIRCLE).click()
    conference_id = lucas.url.rsplit("/", 1)[1]
    await expect(lucas.locator("main dl")).to_contain_text("Chaque semaine, 8 rencontres")
    await expect(lucas.locator("main dl")).to_contain_text(
        "Amina Diallo, peer mentor, trained to lead support circles (pair animateur ou animatrice)"
    )
    await submit(lucas)
    await expect(lucas.locator("#your-place")).to_contain_text("Vous avez une place")
    meetings = lucas.locator("ul.meetings > li")
    await expect(meetings).to_have_count(8)
    await meetings.nth(1).get_by_role("button").click()
    await expect(lucas.locator(".notice")).to_contain_text("Votre place dans le cercle reste la vôtre")
    await expect(meetings.nth(1)).to_contain_text("vous ne viendrez pas")
    assert await axe_violations(lucas) == []

    circle = await api(lucas, f"events/conferences/{conference_id}")
    second = datetime.fromisoformat(circle["meetings"][1]["starts_at"])
    download = await lucas.request.get(f"/events/{conference_id}/calendar.ics")
    _, entry = calendar_of(await download.body())
    assert entry["RRULE"]["COUNT"] == [8]
    assert [when.dt for when in entry["EXDATE"].dts] == [second], "his calendar leaves that meeting out"

    nadia = await _as_demo(web, "nadia@example.org", axe=True)  # the host
    await nadia.goto(f"/admin/{circle['association_id']}/events/{conference_id}")
    row = nadia.locator("tr", has_text="Lucas Martin")
    local = second.astimezone(ZoneInfo(circle["time_zone"]))
    await expect(row.locator("td").last).to_contain_text(str(local.year))
    await expect(row.locator("td").last).to_contain_text(f"{local.day} ")
    assert await axe_violations(nadia) == []


async def test_members_who_had_a_place_find_a_past_conferences_recording_and_answers(
    web: Web, platform: Platform
) -> None:
    grace = await _as_demo(web, "grace@example.org", axe=True)  # in English; she had a place, and did not join
    await grace.goto("/events")
    await grace.get_by_role("link", name=PAST_TALK).click()
    await expect(grace.get_by_role("link", name="Watch the recording")).to_have_attribute(
        "href", "https://video.example.org/fellowship/understanding-chronic-pain"
    )
    answers = grace.locator("h3", has_text="Questions and answers").locator("xpath=following-sibling::ul[1]")
    await expect(answers).to_contain_text("Why does the pain go on when the scans are normal?")
    await expect(answers).to_contain_text("Can pacing help on good days too?")
    assert await axe_violations(grace) == []
    await grace.check("#rating-4")
    await grace.get_by_role("button", name="Send my feedback").click()
    await expect(grace.locator(".notice")).to_contain_text("Thank you for your feedback")

    asked = await mail_for(platform.data_dir / "mail", "lucas@example.org", "Comment cela s'est-il passé")
    conference_id = grace.url.rsplit("/", 1)[1].split("#")[0]
    assert f"/events/{conference_id}" in text_of(asked), "the one who joined is asked how it was"
    assert not [
        m for m in mails_to(platform.data_dir / "mail", "grace@example.org") if "How was it" in str(m["Subject"])
    ]
    lucas = await _as_demo(web, "lucas@example.org", axe=True)
    await lucas.goto(f"/events/{conference_id}")
    await expect(lucas.get_by_role("link", name="Voir l'enregistrement")).to_be_visible()
    assert await axe_violations(lucas) == []
