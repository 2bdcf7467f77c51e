"""What matching reasons about: a mentee's open request and a peer mentor, as plain frozen values.

The service layer builds these from its read model of `membership.member.v1`; the field types follow
that contract (`shared.contracts.membership`). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from matching.domain.availability import WeeklyAvailability
from matching.domain.eligibility import in_federation_pool
from matching.domain.similarity import chapter_of, code_path
from shared.contracts.membership import Gender, Icd10Code, Modality


@dataclass(frozen=True, slots=True)
class Condition:
    """An ICD-10 category or subcategory the person lives with, and the year it was diagnosed."""

    code: Icd10Code
    diagnosed_year: int | None = None
    # where the code sits in ICD-10, looked up once (None outside the classification)
    path: int | None = field(init=False, repr=False, compare=False)
    chapter: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", code_path(self.code))
        object.__setattr__(self, "chapter", chapter_of(self.code))


@dataclass(frozen=True, slots=True)
class AgeBand:
    """Ages from `youngest` to `oldest`, both included."""

    youngest: int
    oldest: int

    def __post_init__(self) -> None:
        if not 0 <= self.youngest <= self.oldest:
            raise ValueError("an age band needs 0 <= youngest <= oldest")


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the mentee would like in a mentor. Gender, age band and modality are wishes that weigh in the
    score; `caregiver_for_caregiver` is a rule: a caregiver who sets it to False may also be matched
    with a patient mentor (patients are always matched with patients)."""

    gender: Gender | None = None
    age_band: AgeBand | None = None
    modality: Modality | None = None
    caregiver_for_caregiver: bool = True


@dataclass(frozen=True, slots=True)
class Request:
    """A mentee's one open request for a mentor."""

    request_id: UUID
    member_id: UUID
    association_id: UUID
    languages: frozenset[str]
    conditions: tuple[Condition, ...]
    availability: WeeklyAvailability
    is_caregiver: bool
    birth_year: int | None
    gender: Gender | None
    federation_consent: bool
    association_allows_federation: bool
    created_at: datetime
    preferences: Preferences = field(default_factory=Preferences)

    @property
    def in_federation_pool(self) -> bool:
        return in_federation_pool(self.federation_consent, self.association_allows_federation)

    def accepts_patient_mentors(self) -> bool:
        return not self.is_caregiver or not self.preferences.caregiver_for_caregiver

    def accepts_caregiver_mentors(self) -> bool:
        return self.is_caregiver


@dataclass(frozen=True, slots=True)
class Mentor:
    """An experienced member who mentors. `capacity` is how many mentees at once (1-5), `active_load` how
    many they have now (proposals waiting for an answer included)."""

    member_id: UUID
    association_id: UUID
    languages: frozenset[str]
    conditions: tuple[Condition, ...]
    availability: WeeklyAvailability
    is_caregiver: bool
    birth_year: int | None
    gender: Gender | None
    modalities: frozenset[Modality]
    capacity: int
    active_load: int
    paused: bool
    approved: bool
    federation_consent: bool
    association_allows_federation: bool

    def __post_init__(self) -> None:
        if not 1 <= self.capacity <= 5:
            raise ValueError("a mentor's capacity is 1 to 5")
        if self.active_load < 0:
            raise ValueError("a mentor's active load cannot be negative")

    @property
    def in_federation_pool(self) -> bool:
        return in_federation_pool(self.federation_consent, self.association_allows_federation)

    @property
    def free_capacity(self) -> int:
        return max(0, self.capacity - self.active_load)

    @property
    def available(self) -> bool:
        """Approved, not paused, with room for one more mentee."""
        return self.approved and not self.paused and self.free_capacity > 0
