"""The demo's patient stories for `make run`, written and published as their authors and moderators would:
through membership's and community's HTTP APIs, signed in as the demo people (so the author's e-mail is the
real one). Runs after membership's demo data; safe on every start: a story whose title its author already
has is not written again.

Published stories on the demo conditions in English and French, for the association, the federation or the
public, and one waiting for a moderator of the Chronic Pain Network (nadia publishes it in the web client).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

DEMO_PASSWORD = "fellowship-demo"  # noqa: S105 (membership's documented demo password)


@dataclass(frozen=True)
class DemoStory:
    author: str
    moderator: str | None  # who publishes it; None: it waits for a moderator
    pen_name: str
    title: str
    body: str
    language: str
    visibility: str
    topics: tuple[str, ...]
    conditions: tuple[str, ...]


STORIES = [
    DemoStory(
        "amina@example.org",
        "nadia@example.org",
        "Colibri",
        "Dix ans avec la fibromyalgie : ce que j'aurais aimé savoir",
        "Au début, je croyais que le repos complet me guérirait. J'ai passé des semaines allongée et la douleur"
        " ne partait pas.\nCe qui m'a aidée, c'est de bouger un peu chaque jour, même les mauvais jours, et de"
        " m'arrêter avant d'être épuisée. Et de parler avec d'autres personnes qui vivaient la même chose :"
        " on se sent moins seule, et on apprend des astuces qu'aucun médecin ne m'avait données.",
        "fr",
        "federation",
        ("coping", "diagnosis"),
        ("M79.7",),
    ),
    DemoStory(
        "grace@example.org",
        "nadia@example.org",
        "Evening Walker",
        "Migraine and my job: telling my manager",
        "For years I hid my migraines at work and came in on bad days, which made them last longer.\nWhen I"
        " finally explained what an attack is like, my manager agreed that I could work from a dark room at home"
        " on those days. I lose fewer days now, not more. If you are afraid of that conversation, you are not"
        " alone: it went better than I feared.",
        "en",
        "public",
        ("work",),
        ("G43.1",),
    ),
    DemoStory(
        "marc@example.org",
        "nadia@example.org",
        "Le Randonneur",
        "Mon dos et moi : reprendre la marche",
        "Après ma hernie, chaque pas me faisait peur. Mon kinésithérapeute m'a proposé de marcher cinq minutes,"
        " pas plus, puis d'ajouter une minute par semaine.\nUn an après, je marche une heure le dimanche. Il y a"
        " encore des jours difficiles, mais je sais maintenant qu'ils passent.",
        "fr",
        "association",
        ("treatment", "coping"),
        ("M54.5",),
    ),
    DemoStory(
        "james@example.org",
        "oliver@example.org",
        "North Sea",
        "Oxygen at night gave me my days back",
        "I resisted oxygen for a long time: it felt like giving up. When I finally tried it at night, I woke up"
        " with a clear head for the first time in months.\nI still garden, slowly. The tubes are a nuisance, but"
        " the days are mine again.",
        "en",
        "federation",
        ("treatment",),
        ("J84.1",),
    ),
    DemoStory(
        "tom@example.org",
        None,
        "Night Owl",
        "My first year with migraine",
        "The first attack came during an exam and I thought something terrible was happening. It took months to"
        " get a diagnosis.\nWhat helped most was a diary: I found my triggers, and my doctor could see the pattern.",
        "en",
        "association",
        ("diagnosis",),
        ("G43.0",),
    ),
]


async def load_demo_stories(membership_url: str, community_url: str) -> int:
    """Write (and publish) the demo stories not written yet; returns how many were written now."""
    written = 0
    async with httpx.AsyncClient(timeout=30) as client:

        async def signed_in(email: str) -> tuple[dict[str, str], str]:
            """The person's headers, and their (first) association."""
            login = {"email": email, "password": DEMO_PASSWORD}
            answer = (await client.post(f"{membership_url}/auth/login", json=login)).raise_for_status()
            headers = {"authorization": f"Bearer {answer.json()['access_token']}"}
            me = (await client.get(f"{membership_url}/me", headers=headers)).raise_for_status().json()
            return headers, me["memberships"][0]["association_id"]

        for story in STORIES:
            author, association = await signed_in(story.author)
            mine = (await client.get(f"{community_url}/me/stories", headers=author)).raise_for_status().json()
            if any(s["title"] == story.title for s in mine):
                continue
            body = {
                "association_id": association,
                "pen_name": story.pen_name,
                "title": story.title,
                "body": story.body,
                "language": story.language,
                "visibility": story.visibility,
                "topics": list(story.topics),
                "conditions": list(story.conditions),
                "consent": True,
            }
            made = (await client.post(f"{community_url}/stories", json=body, headers=author)).raise_for_status()
            if story.moderator:
                moderator, _ = await signed_in(story.moderator)
                decision = f"{community_url}/stories/{made.json()['story_id']}/decision"
                (await client.post(decision, json={"decision": "publish"}, headers=moderator)).raise_for_status()
            written += 1
    return written
