"""Associations of the federation: what a federation admin creates and an association admin edits."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from membership.domain.profile import Languages, Locale, TimeZone
from shared.text import check_short_text

Slug = Annotated[
    str, Field(min_length=2, max_length=60, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", examples=["chronic-pain"])
]
Name = Annotated[str, Field(min_length=2, max_length=120, pattern=r"\S"), AfterValidator(check_short_text)]


class AssociationSettings(BaseModel):
    """Fields an association admin may change."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name
    default_locale: Locale = "en"
    time_zone: TimeZone = "UTC"
    languages: Languages = Field(default_factory=list)
    requires_approval: bool = False
    federation_matching: bool = Field(
        default=False, description="whether members may be matched with mentors of other associations"
    )


class NewAssociation(AssociationSettings):
    slug: Slug


class AssociationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name | None = None
    default_locale: Locale | None = None
    time_zone: TimeZone | None = None
    languages: Languages | None = None
    requires_approval: bool | None = None
    federation_matching: bool | None = None


class Association(NewAssociation):
    association_id: UUID


class SlugTaken(Exception):
    """Another association already has this slug."""
