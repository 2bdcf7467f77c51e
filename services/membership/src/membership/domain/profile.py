"""What a valid profile is: locale, IANA time zone, ISO 639-1 languages, birth year, gender, patient or caregiver.

These are pydantic annotated types, so the same rules check an HTTP body, a CSV row and demo data.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime
from typing import Annotated, Literal

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.contracts.membership import Gender
from shared.text import check_short_text

SUPPORTED_LOCALES = ("en", "fr")
Locale = Literal["en", "fr"]
PersonKind = Literal["patient", "caregiver"]


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _languages() -> frozenset[str]:
    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def check_time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError(f"{value!r} is not an IANA time zone; use a name such as 'Europe/Paris'")
    return value


def check_language(value: str) -> str:
    code = value.strip().lower()
    if code not in _languages():
        raise ValueError(f"{value!r} is not an ISO 639-1 language code; use two letters such as 'fr'")
    return code


def check_languages(values: list[str]) -> list[str]:
    codes = list(dict.fromkeys(values))  # keep order, drop repeats
    if len(codes) != len(values):
        raise ValueError("list each language once")
    return codes


def check_birth_year(value: int) -> int:
    this_year = datetime.now(UTC).year
    if not this_year - 120 <= value <= this_year:
        raise ValueError(f"birth year must be between {this_year - 120} and {this_year}")
    return value


TimeZone = Annotated[str, Field(examples=["Europe/Paris"]), AfterValidator(check_time_zone)]
Language = Annotated[str, Field(min_length=2, max_length=2, examples=["fr"]), AfterValidator(check_language)]
Languages = Annotated[list[Language], Field(max_length=12), AfterValidator(check_languages)]
BirthYear = Annotated[int, AfterValidator(check_birth_year)]
DisplayName = Annotated[str, Field(min_length=1, max_length=80, pattern=r"\S"), AfterValidator(check_short_text)]


class Profile(BaseModel):
    """A person's profile as they edit it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: DisplayName
    locale: Locale = "en"
    time_zone: TimeZone = "UTC"
    languages: Languages = Field(default_factory=list)
    birth_year: BirthYear | None = None
    gender: Gender | None = None
    kind: PersonKind = "patient"

    @property
    def is_caregiver(self) -> bool:
        return self.kind == "caregiver"


_NOT_CLEARABLE = ("display_name", "locale", "time_zone", "languages", "kind")


class ProfileUpdate(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: DisplayName | None = None
    locale: Locale | None = None
    time_zone: TimeZone | None = None
    languages: Languages | None = None
    birth_year: BirthYear | None = None
    gender: Gender | None = None
    kind: PersonKind | None = None

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> ProfileUpdate:
        # Only birth year and gender may be cleared; null elsewhere would store an incomplete profile.
        cleared = [name for name in _NOT_CLEARABLE if name in self.model_fields_set and getattr(self, name) is None]
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be null; leave a field out to keep it as it is")
        return self

    def applied_to(self, profile: Profile) -> Profile:
        return profile.model_copy(update=self.model_dump(exclude_unset=True))
