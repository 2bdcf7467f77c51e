"""Accounts: registration, e-mail and password rules, and the roles a person holds.

Password rules follow NIST SP 800-63B: long enough, not too long to hash, no composition rules,
not the e-mail address, not a well-known password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, ConfigDict, Field, SecretStr, model_validator

from membership.domain.profile import Profile

MIN_PASSWORD = 10
MAX_PASSWORD = 128
FEDERATION_ADMIN = "federation_admin"
DATA_PROTECTION_OFFICER = "data_protection_officer"  # erases a person on their request, with a reason

# The most common passwords of at least MIN_PASSWORD characters in public breach corpora.
_COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "123456789a",
        "0123456789",
        "1q2w3e4r5t",
        "qwertyuiop",
        "password123",
        "password1234",
        "iloveyou123",
        "qwerty12345",
        "1qaz2wsx3edc",
        "abcdefghij",
        "passwordpassword",
        "football123",
        "letmein123",
        "welcome123",
        "administrator",
        "aaaaaaaaaa",
        "0987654321",
        "azertyuiop",
        "motdepasse",
        "motdepasse123",
    }
)


def normalise_email(value: str) -> str:
    """A deliverable-looking address, lower-cased (e-mail is unique in the federation, case-insensitively)."""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"not a valid e-mail address: {error}") from error
    return checked.normalized.lower()


Email = Annotated[str, Field(max_length=254, examples=["amina@example.org"]), AfterValidator(normalise_email)]


def password_problem(password: str, email: str) -> str | None:
    """Why `password` is not acceptable for `email`, or None."""
    if len(password) < MIN_PASSWORD:
        return f"use at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"use at most {MAX_PASSWORD} characters"
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "this password is too easy to guess; a few unrelated words make a strong one"
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return "the password must not contain your e-mail address"
    return None


class Registration(Profile):
    """A person creating their account."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: Email
    password: SecretStr = Field(min_length=1, max_length=1024)

    @model_validator(mode="after")
    def _password_rules(self) -> Registration:
        if problem := password_problem(self.password.get_secret_value(), self.email):
            raise ValueError(f"password: {problem}")
        return self

    def profile(self) -> Profile:
        return Profile.model_validate(self.model_dump(exclude={"email", "password"}))


@dataclass(frozen=True)
class Account:
    """A stored account, without its password hash or health notes."""

    member_id: UUID
    email: str
    profile: Profile
    federation_roles: list[str] = field(default_factory=list)

    @property
    def is_federation_admin(self) -> bool:
        return FEDERATION_ADMIN in self.federation_roles


class EmailTaken(Exception):
    """An account with this e-mail address (in any case) already exists."""
