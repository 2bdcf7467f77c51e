"""The demo's conferences and circles for `make run`, made as their hosts and members would make them: through
membership's and events' HTTP APIs, signed in as the demo people (so every message on the topics, every
e-mail and every calendar file is the real one). Runs after membership's demo data; safe on every start:
an event whose title is already coming up is not made again.

Per association an upcoming conference (a healthcare professional speaking) and the text it answers requests
for personal medical advice with; for the Chronic Pain Network also an answered question, a weekly support
circle (eight meetings) and a small conference that is full, with a member on its waiting list, so a
cancellation offers the place to them; and a conference held a fortnight ago, with its recording, slides
and answered questions (its FAQ), which the members who had a place can watch and give feedback on.

A demo cannot wait for a conference to happen: the past one is made as the others (its people register, its
questions are answered), then it "takes place" in events' database, the one step not made through an API:
its times move back to a fortnight ago and the people who joined it are counted as having used the link.
Its materials are then published through the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

DEMO_PASSWORD = "fellowship-demo"  # noqa: S105 (membership's documented demo password)
REFERRAL_TEXTS = {  # what each demo association answers a request for personal medical advice with
    "nadia@example.org": {
        "en": "We cannot answer questions about your own treatment here. Please ask your doctor, or call the"
        " Chronic Pain Network's helpline on 01 23 45 67 89 (weekdays, 9:00 to 17:00).",
        "fr": "Nous ne pouvons pas répondre ici aux questions sur votre propre traitement. Parlez-en à votre"
        " médecin, ou appelez la ligne d'écoute du réseau au 01 23 45 67 89 (en semaine, de 9 h à 17 h).",
    },
    "oliver@example.org": {
        "en": "We cannot advise on your own treatment here. Please ask your respiratory team, or call the"
        " Alliance's helpline on 020 7946 0000.",
    },
}


@dataclass(frozen=True)
class DemoEvent:
    host: str  # the e-mail of an admin of the hosting association
    title: str
    description: str
    in_days: int  # from today, at `at` in the host's time zone
    at: time
    minutes: int
    time_zone: str
    capacity: int
    conditions: list[str]
    languages: list[str]
    kind: str = "conference"
    speakers: tuple[tuple[str, str, str], ...] = ()  # (name, profession or a few words, "hcp" or "patient")
    accessibility: list[str] = field(default_factory=list)
    registered: tuple[str, ...] = ()  # demo people with a place, then those in line (past the capacity)
    answered: tuple[tuple[str, str, str], ...] = ()  # (asker among `registered`, question, the host's answer)
    meetings: int = 1  # a circle's weekly meetings
    joined: tuple[str, ...] = ()  # among `registered`, those who used the link to join (a past event's)
    materials: dict[str, str] = field(default_factory=dict)  # a past event's recording_url and slides_url


HELD_AGO = timedelta(days=14)  # how long ago the demo's past conference took place


PAST = DemoEvent(
    "nadia@example.org",
    "Understanding chronic pain: why it lasts and what helps",
    "Dr Claire Martin, rheumatologist, explains why pain can go on after an injury has healed, and what treatments"
    " and daily habits help. The recording, the slides and the answers to your questions are on this page.",
    in_days=3,  # made three days ahead (no reminder is due yet), then it takes place HELD_AGO
    at=time(18, 0),
    minutes=60,
    time_zone="Europe/Paris",
    capacity=100,
    conditions=["M79.7", "G89"],
    languages=["en", "fr"],
    accessibility=["captions"],
    speakers=(("Dr Claire Martin", "rheumatologist", "hcp"),),
    registered=("lucas@example.org", "grace@example.org"),
    joined=("lucas@example.org",),
    answered=(
        (
            "lucas@example.org",
            "Why does the pain go on when the scans are normal?",
            "Pain is made by the nervous system, and after a long time it can become more sensitive: it keeps"
            " sending pain signals although nothing is damaged. Scans do not show that sensitivity.",
        ),
        (
            "grace@example.org",
            "Can pacing help on good days too?",
            "Yes: doing a little less than you could on good days avoids the crash after them. Dr Martin"
            " explains how, from minute 35 of the recording.",
        ),
    ),
    materials={
        "recording_url": "https://video.example.org/fellowship/understanding-chronic-pain",
        "slides_url": "https://files.example.org/fellowship/understanding-chronic-pain.pdf",
    },
)
EVENTS = [
    DemoEvent(
        "nadia@example.org",
        "Living well with fibromyalgia: sleep, pain and pacing",
        "Dr Claire Martin, rheumatologist, explains what helps with sleep and pain, and how to pace your days."
        " Then she answers your questions. In French, with English captions.",
        in_days=9,
        at=time(18, 0),
        minutes=90,
        time_zone="Europe/Paris",
        capacity=100,
        conditions=["M79.7"],
        languages=["fr", "en"],
        accessibility=["captions", "slides_in_advance"],
        speakers=(
            ("Dr Claire Martin", "rheumatologist", "hcp"),
            ("Léa", "has lived with fibromyalgia since 2015", "patient"),
        ),
        registered=("lucas@example.org",),
        answered=(
            (
                "lucas@example.org",
                "Does gentle exercise help when the pain is bad?",
                "Yes, for most people: short, gentle movement every day helps more than rest. Dr Martin will"
                " show some exercises.",
            ),
        ),
    ),
    DemoEvent(
        "nadia@example.org",
        "Migraine: new treatments explained",
        "Dr Yann Leclerc, neurologist, walks through the newer migraine treatments and who they may suit."
        " A small group, so there is time for everyone's questions.",
        in_days=12,
        at=time(17, 30),
        minutes=60,
        time_zone="Europe/Paris",
        capacity=2,
        speakers=(("Dr Yann Leclerc", "neurologist", "hcp"),),
        conditions=["G43"],
        languages=["en", "fr"],
        registered=("amina@example.org", "grace@example.org", "tom@example.org"),
    ),
    DemoEvent(
        "nadia@example.org",
        "Newly diagnosed: a weekly support circle",
        "A small group of members who were diagnosed in the last two years. We meet every week to share what"
        " works and what does not. Led by Amina, a trained peer mentor.",
        in_days=5,
        at=time(18, 30),
        minutes=60,
        time_zone="Europe/Paris",
        capacity=8,
        conditions=["M79.7", "M54.5"],
        languages=["fr"],
        kind="circle",
        meetings=8,
        speakers=(("Amina Diallo", "peer mentor, trained to lead support circles", "patient"),),
        registered=("amina@example.org",),
    ),
    DemoEvent(
        "oliver@example.org",
        "Breathing and exercise with pulmonary fibrosis",
        "Sam Patel, respiratory physiotherapist, shows breathing techniques and safe exercise at home.",
        in_days=10,
        at=time(14, 0),
        minutes=75,
        time_zone="Europe/London",
        capacity=60,
        speakers=(("Sam Patel", "respiratory physiotherapist", "hcp"),),
        conditions=["J84.1"],
        languages=["en"],
        accessibility=["captions", "sign_language"],
    ),
]


def starts_at(event: DemoEvent, today: date) -> datetime:
    return datetime.combine(today + timedelta(days=event.in_days), event.at, tzinfo=ZoneInfo(event.time_zone))


def body_of(event: DemoEvent, association_id: str, today: date) -> dict[str, Any]:
    start = starts_at(event, today)
    return {
        "association_id": association_id,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "languages": event.languages,
        "audience": ["patients", "caregivers"],
        "conditions": event.conditions,
        "accessibility": event.accessibility,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=event.minutes)).isoformat(),
        "time_zone": event.time_zone,
        "capacity": event.capacity,
        "speakers": [{"name": n, "profession": p, "kind": k} for n, p, k in event.speakers],
        "meetings": event.meetings,
    }


async def load_demo_events(membership_url: str, events_url: str, events_database_url: str) -> int:
    """Make the demo events not already coming up, and the past one if it was never made; returns how many
    were made now."""
    made = 0
    async with httpx.AsyncClient(timeout=30) as client:

        async def bearer(email: str) -> dict[str, str]:
            login = {"email": email, "password": DEMO_PASSWORD}
            answer = (await client.post(f"{membership_url}/auth/login", json=login)).raise_for_status()
            return {"authorization": f"Bearer {answer.json()['access_token']}"}

        async def admin(email: str) -> tuple[dict[str, str], str]:
            """The admin's headers, and the association they run."""
            headers = await bearer(email)
            me = (await client.get(f"{membership_url}/me", headers=headers)).raise_for_status().json()
            return headers, next(m["association_id"] for m in me["memberships"] if "admin" in m["roles"])

        async def make(event: DemoEvent, host: dict[str, str], body: dict[str, Any]) -> tuple[str, dict[str, str]]:
            """The event made and published, its people registered, its questions answered; its id, and each
            person's registration id."""
            draft = (await client.post(f"{events_url}/conferences/", json=body, headers=host)).raise_for_status()
            conference = str(draft.json()["conference_id"])
            publish = await client.post(f"{events_url}/conferences/{conference}/publish", headers=host)
            publish.raise_for_status()
            people = {person: await bearer(person) for person in event.registered}
            places = {}
            for person in event.registered:  # in this order: the first ones get the places, the others wait
                registration = f"{events_url}/conferences/{conference}/registrations"
                answer = (await client.post(registration, json={}, headers=people[person])).raise_for_status()
                places[person] = answer.json()["registration_id"]
            for asker, text, reply in event.answered:
                ask = f"{events_url}/conferences/{conference}/questions"
                question = (await client.post(ask, json={"text": text}, headers=people[asker])).raise_for_status()
                decision = {"action": "answer", "answer": reply}
                moderate = f"{events_url}/questions/{question.json()['question_id']}/moderate"
                (await client.post(moderate, json=decision, headers=host)).raise_for_status()
            return conference, places

        for event in EVENTS:
            host, association = await admin(event.host)
            coming = (await client.get(f"{events_url}/conferences/", headers=host)).raise_for_status().json()
            if any(c["title"] == event.title for c in coming):
                continue
            await make(
                event, host, body_of(event, association, datetime.now(UTC).astimezone(ZoneInfo(event.time_zone)).date())
            )
            made += 1

        host, association = await admin(PAST.host)
        hosted = f"{events_url}/associations/{association}/conferences/"
        if not any(
            c["title"] == PAST.title for c in (await client.get(hosted, headers=host)).raise_for_status().json()
        ):
            today = datetime.now(UTC).astimezone(ZoneInfo(PAST.time_zone)).date()
            conference, places = await make(PAST, host, body_of(PAST, association, today))
            joined = [places[person] for person in PAST.joined]
            await _took_place(events_database_url, conference, timedelta(days=PAST.in_days) + HELD_AGO, joined)
            materials = f"{events_url}/conferences/{conference}/materials"
            (await client.post(materials, json=PAST.materials, headers=host)).raise_for_status()
            made += 1

        for email, texts in REFERRAL_TEXTS.items():
            host, association = await admin(email)
            for locale, text in texts.items():
                url = f"{events_url}/associations/{association}/referral-texts/{locale}"
                (await client.put(url, json={"text": text}, headers=host)).raise_for_status()
    return made


async def _took_place(database_url: str, conference_id: str, by: timedelta, joined: list[str]) -> None:
    """The past conference's times (and its one meeting's) moved back `by`, and the `joined` registrations
    counted as having used the link: it took place, as far as events knows (its sweeper marks it held)."""
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            await conn.execute(
                "UPDATE registrations SET attended_at = now() - $2::interval WHERE registration_id = ANY($1::uuid[])",
                joined,
                by - timedelta(days=PAST.in_days),
            )
            for table in ("meetings", "conferences"):
                await conn.execute(
                    f"UPDATE {table} SET starts_at = starts_at - $2::interval, ends_at = ends_at - $2::interval"  # the two tables named above
                    " WHERE conference_id = $1::uuid",
                    conference_id,
                    by,
                )
    finally:
        await conn.close()
