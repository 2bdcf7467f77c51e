"""Demo data for `make run`, built through the real use cases so the messages on the topics are the real ones.

Two associations with fixed ids (other services' demo data may refer to them), a federation admin, one
admin per association, approved mentors and members waiting for a mentor, and one person waiting for
approval. Everyone's password is DEMO_PASSWORD. Idempotent, keyed by e-mail: people who exist are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID, uuid5

from membership.domain.associations import NewAssociation
from membership.domain.mentors import MentorApplication
from membership.domain.profile import Profile
from shared.contracts.membership import ConsentKind

DEMO_PASSWORD = "fellowship-demo"  # noqa: S105 (documented demo password, demo accounts only)
_NS = UUID("6f1c3f5e-4d3a-4a8e-9d1e-5b0c2a7e8f10")
CHRONIC_PAIN = uuid5(_NS, "association:chronic-pain")
RARE_LUNG = uuid5(_NS, "association:rare-lung")
FEDERATION_ADMIN_EMAIL = "federation@example.org"

ASSOCIATIONS = {
    CHRONIC_PAIN: NewAssociation(
        name="Chronic Pain Network",
        slug="chronic-pain",
        default_locale="en",
        time_zone="Europe/Paris",
        languages=["en", "fr"],
        requires_approval=False,
        federation_matching=True,
    ),
    RARE_LUNG: NewAssociation(
        name="Rare Lung Disease Alliance",
        slug="rare-lung",
        default_locale="en",
        time_zone="Europe/London",
        languages=["en"],
        requires_approval=True,
        federation_matching=False,
    ),
}

Part = Literal["admin", "mentor", "member", "pending"]
_EVERYDAY: tuple[ConsentKind, ...] = ("health_data", "peer_matching", "email")
_FEDERATION: tuple[ConsentKind, ...] = (*_EVERYDAY, "federation_matching")


@dataclass(frozen=True)
class DemoPerson:
    email: str
    association_id: UUID
    part: Part
    profile: Profile
    conditions: dict[str, int] = field(default_factory=dict)  # ICD-10 code → year of diagnosis
    windows: tuple[tuple[int, str, str], ...] = ()  # weekday, start, end in the person's own time zone
    consents: tuple[ConsentKind, ...] = _EVERYDAY
    mentoring: MentorApplication | None = None


# Admins first: the others' joins and mentor applications are approved by them. Mentors' and waiting
# members' windows overlap in UTC (e.g. 18:00-20:00 in Paris is 12:00-14:00 in Toronto).
PEOPLE = [
    DemoPerson(
        "nadia@example.org",
        CHRONIC_PAIN,
        "admin",
        Profile(
            display_name="Nadia Benali",
            locale="fr",
            time_zone="Europe/Paris",
            languages=["fr", "en"],
            birth_year=1975,
            gender="female",
        ),
        consents=("email",),
    ),
    DemoPerson(
        "oliver@example.org",
        RARE_LUNG,
        "admin",
        Profile(
            display_name="Oliver Hughes", time_zone="Europe/London", languages=["en"], birth_year=1970, gender="male"
        ),
        consents=("email",),
    ),
    DemoPerson(
        "amina@example.org",
        CHRONIC_PAIN,
        "mentor",
        Profile(
            display_name="Amina Diallo",
            locale="fr",
            time_zone="Europe/Paris",
            languages=["fr", "en"],
            birth_year=1979,
            gender="female",
        ),
        conditions={"M79.7": 2012},
        windows=((1, "18:00", "20:30"), (3, "18:00", "20:30")),
        consents=_FEDERATION,
        mentoring=MentorApplication(
            conditions=["M79.7"],
            capacity=3,
            modalities=["video", "chat"],
            bio="Living with fibromyalgia for over ten years; pacing and sleep changed everything for me.",
        ),
    ),
    DemoPerson(
        "grace@example.org",
        CHRONIC_PAIN,
        "mentor",
        Profile(
            display_name="Grace Okafor", time_zone="Europe/London", languages=["en"], birth_year=1985, gender="female"
        ),
        conditions={"G43.1": 2009},
        windows=((2, "19:00", "21:00"), (5, "10:00", "12:00")),
        mentoring=MentorApplication(
            conditions=["G43.1"],
            capacity=2,
            modalities=["phone", "video"],
            bio="Migraine with aura since university; happy to talk about work and triggers.",
        ),
    ),
    DemoPerson(
        "marc@example.org",
        CHRONIC_PAIN,
        "mentor",
        Profile(
            display_name="Marc Tremblay",
            locale="fr",
            time_zone="America/Toronto",
            languages=["fr", "en"],
            birth_year=1968,
            gender="male",
        ),
        conditions={"M54.5": 2011},
        windows=((1, "12:00", "14:00"), (3, "12:00", "14:00")),
        consents=_FEDERATION,
        mentoring=MentorApplication(
            conditions=["M54.5"],
            capacity=2,
            modalities=["phone", "video"],
            bio="Chronic low back pain after a work injury; back at work part-time, from Montréal.",
        ),
    ),
    DemoPerson(
        "sofia@example.org",
        RARE_LUNG,
        "mentor",
        Profile(
            display_name="Sofia Rossi",
            time_zone="Europe/Rome",
            languages=["en", "it"],
            birth_year=1990,
            gender="female",
        ),
        conditions={"E84.0": 1992},
        windows=((0, "19:00", "21:30"), (2, "19:00", "21:30")),
        mentoring=MentorApplication(
            conditions=["E84.0"],
            capacity=2,
            modalities=["video", "chat"],
            bio="Cystic fibrosis since birth, double lung transplant in 2018.",
        ),
    ),
    DemoPerson(
        "james@example.org",
        RARE_LUNG,
        "mentor",
        Profile(
            display_name="James Carter", time_zone="America/New_York", languages=["en"], birth_year=1958, gender="male"
        ),
        conditions={"J84.1": 2016},
        windows=((0, "13:00", "15:00"), (2, "13:00", "15:00")),
        mentoring=MentorApplication(
            conditions=["J84.1"],
            capacity=1,
            modalities=["phone"],
            bio="Pulmonary fibrosis, on oxygen at night; I know the first year is the hardest.",
        ),
    ),
    DemoPerson(
        "lucas@example.org",
        CHRONIC_PAIN,
        "member",
        Profile(
            display_name="Lucas Martin",
            locale="fr",
            time_zone="Europe/Paris",
            languages=["fr"],
            birth_year=1992,
            gender="male",
        ),
        conditions={"M79.7": 2024},
        windows=((1, "18:30", "20:00"), (3, "19:00", "21:00")),
    ),
    DemoPerson(
        "tom@example.org",
        CHRONIC_PAIN,
        "member",
        Profile(
            display_name="Tom Becker", time_zone="America/New_York", languages=["en"], birth_year=1988, gender="male"
        ),
        conditions={"G43.0": 2023},
        windows=((2, "14:00", "16:00"),),
        consents=_FEDERATION,
    ),
    DemoPerson(
        "elise@example.org",
        CHRONIC_PAIN,
        "member",
        Profile(
            display_name="Élise Moreau",
            locale="fr",
            time_zone="Europe/Paris",
            languages=["fr"],
            birth_year=1983,
            gender="female",
            kind="caregiver",
        ),
        conditions={"M54.5": 2022},
        windows=((1, "18:00", "20:00"),),
    ),
    DemoPerson(
        "hugo@example.org",
        RARE_LUNG,
        "member",
        Profile(
            display_name="Hugo Lefebvre",
            locale="fr",
            time_zone="Europe/Paris",
            languages=["fr", "en"],
            birth_year=1986,
            gender="male",
            kind="caregiver",
        ),
        conditions={"E84.0": 2021},
        windows=((0, "19:30", "21:30"), (2, "20:00", "22:00")),
    ),
    DemoPerson(
        "priya@example.org",
        RARE_LUNG,
        "member",
        Profile(
            display_name="Priya Shah", time_zone="Europe/London", languages=["en"], birth_year=1961, gender="female"
        ),
        conditions={"J84.1": 2025},
        windows=((0, "18:00", "20:00"), (2, "18:00", "20:00")),
    ),
    DemoPerson(
        "ben@example.org",
        RARE_LUNG,
        "pending",
        Profile(display_name="Ben Walker", time_zone="Europe/London", languages=["en"], birth_year=1999, gender="male"),
        conditions={"E84.9": 2001},
    ),
]

ADMIN_EMAILS = {person.association_id: person.email for person in PEOPLE if person.part == "admin"}
DEMO_EMAILS = [FEDERATION_ADMIN_EMAIL, *(person.email for person in PEOPLE)]
