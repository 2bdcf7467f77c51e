"""Demo data for `make run`: two associations and a handful of members, loaded through the real use case."""

from __future__ import annotations

from uuid import UUID, uuid5

import asyncpg

from membership.domain.member import JoinMember
from membership.service_layer.join import join_member

_NS = UUID("6f1c3f5e-4d3a-4a8e-9d1e-5b0c2a7e8f10")
CHRONIC_PAIN = uuid5(_NS, "association:chronic-pain")
RARE_DISEASE = uuid5(_NS, "association:rare-disease")

# (name, e-mail, association, locale, time zone, languages, ICD-10 codes, roles, caregiver)
_PEOPLE = [
    (
        "Amina Diallo",
        "amina@example.org",
        CHRONIC_PAIN,
        "fr",
        "Europe/Paris",
        ["fr", "en"],
        ["M79.7"],
        ["mentor"],
        False,
    ),
    ("Lucas Martin", "lucas@example.org", CHRONIC_PAIN, "fr", "Europe/Paris", ["fr"], ["M79.7"], ["member"], False),
    ("Grace Okafor", "grace@example.org", CHRONIC_PAIN, "en", "Europe/London", ["en"], ["G43.1"], ["mentor"], False),
    ("Tom Becker", "tom@example.org", CHRONIC_PAIN, "en", "America/New_York", ["en"], ["G43.0"], ["member"], False),
    ("Sofia Rossi", "sofia@example.org", RARE_DISEASE, "en", "Europe/Rome", ["en", "it"], ["E84.0"], ["mentor"], True),
    ("Hugo Lefebvre", "hugo@example.org", RARE_DISEASE, "fr", "Europe/Paris", ["fr"], ["E84.9"], ["member"], True),
]


def demo_members() -> list[JoinMember]:
    return [
        JoinMember(
            member_id=uuid5(_NS, email),
            association_id=assoc,
            display_name=name,
            email=email,
            locale=locale,
            time_zone=tz,
            languages=langs,
            conditions=codes,
            roles=roles,
            is_caregiver=carer,
        )
        for name, email, assoc, locale, tz, langs, codes, roles, carer in _PEOPLE
    ]


async def load_demo_data(pool: asyncpg.Pool) -> int:
    """Join every demo member who is not there yet; returns how many joined now (0 on a second run)."""
    return sum([await join_member(pool, cmd) for cmd in demo_members()])
