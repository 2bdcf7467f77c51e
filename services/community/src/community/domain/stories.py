"""A patient story and its rules, without I/O: who may read it, what its author may write, and how a
moderator's decision moves it.

Moderated before publication (Care Opinion's way): nobody but its author and its association's moderators
reads a story until a moderator publishes it. Its author chooses its readers (their association, the
federation, or the public) and may withdraw it at any time: then it is deleted, with everything of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from community.domain.safeguarding import crisis_resources, suggests_risk
from shared.errors import Conflict, InvalidInput
from shared.personal_details import Finding, personal_details
from shared.web.auth import Principal

Visibility = Literal["association", "federation", "public"]
Status = Literal["pending", "changes_requested", "published", "declined"]
Decision = Literal["publish", "ask_changes", "decline"]
Topic = Literal["diagnosis", "treatment", "work", "family", "coping", "caring"]
DECIDED: dict[Decision, Status] = {"publish": "published", "ask_changes": "changes_requested", "decline": "declined"}
MODERATING_ROLES = ("moderator", "admin")  # an association's roles that moderate its members' stories
MAX_WORDS = 1000
CONSENT_VERSION = "story-consent-2026-12"  # the words the author agreed to (the web client shows them)
_EMAIL_LIKE = re.compile(r"@|\bhttps?://", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Story:
    story_id: UUID
    author_id: UUID
    association_id: UUID
    pen_name: str
    title: str
    body: str
    language: Literal["en", "fr"]
    topics: list[Topic]
    conditions: list[str]
    visibility: Visibility
    status: Status
    consent_version: str
    consented_at: datetime
    moderator_note: str
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    helped: int = 0
    at_risk: bool = False  # its words suggest a risk of self-harm: first for its moderators

    def is_moderator(self, reader: Principal | None) -> bool:
        """Whether `reader` moderates the stories of the author's association."""
        return reader is not None and any(reader.has_role(self.association_id, r) for r in MODERATING_ROLES)

    def readable_by(self, reader: Principal | None) -> bool:
        """Its author and its moderators always; once published, the readers its author chose: anyone for a
        public story, members of any association of the federation, or members of the author's own."""
        if reader is not None and (reader.subject == str(self.author_id) or self.is_moderator(reader)):
            return True
        if self.status != "published":
            return False
        if self.visibility == "public":
            return True
        if reader is None:
            return False
        if self.visibility == "federation":
            return any(reader.roles.values())
        return reader.is_member_of(self.association_id)

    def check_decision(self, decision: Decision, note: str) -> Status:
        """The status a moderator's decision gives; Conflict when the story is not waiting for one."""
        if self.status != "pending":
            raise Conflict(
                f"this story is {self.status.replace('_', ' ')}: only a story waiting for a moderator is decided"
            )
        if decision != "publish" and not note.strip():
            raise InvalidInput("say in a few words what to change, or why it is declined: the author reads it")
        return DECIDED[decision]

    @property
    def words_suggest_risk(self) -> bool:
        return suggests_risk(f"{self.title}\n{self.body}")

    @property
    def help_now(self) -> str | None:
        """For its author, when it is flagged: supportive words and where to find help now."""
        return crisis_resources(self.language) if self.at_risk else None

    @property
    def to_check(self) -> list[Finding]:
        """What may identify someone (names, e-mail addresses, phone numbers), highlighted for the moderator
        and the author: a suggestion to take out before publication."""
        return personal_details(f"{self.title}\n{self.body}")


def check_writing(pen_name: str, body: str) -> None:
    """InvalidInput unless the pen name looks like no address and the text is within its length. (Community
    knows nobody's real name: the web client, which does, refuses a pen name that is the author's name.)"""
    if _EMAIL_LIKE.search(pen_name):
        raise InvalidInput(
            "choose a pen name that is not an e-mail or web address: readers should not know who you are"
        )
    if len(body.split()) > MAX_WORDS:
        raise InvalidInput(f"a story is up to {MAX_WORDS} words; this one has {len(body.split())}")
