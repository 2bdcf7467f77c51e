"""Payloads owned by community, on `community.story.v1` keyed by the story: what happened to a story in
moderation, for notifications to tell its author. Ids only: never the story's text, title or conditions.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.envelope import MessageData
from shared.contracts.topics import Topic


class StoryMessage(MessageData):
    topic: ClassVar[Topic] = Topic.STORY
    story_id: UUID
    member_id: UUID = Field(description="the story's author")
    association_id: UUID = Field(description="the author's association, whose moderators decided")

    def subject(self) -> str:
        return str(self.story_id)


class StoryPublished(StoryMessage):
    """A moderator published the story: its readers can now find it."""

    event_type: ClassVar[str] = "story.published"
    event_version: ClassVar[int] = 1


class StoryChangesRequested(StoryMessage):
    """A moderator asks the author to change something (the note is on the story's page, not here)."""

    event_type: ClassVar[str] = "story.changes_requested"
    event_version: ClassVar[int] = 1


class StoryDeclined(StoryMessage):
    """A moderator declined the story (the reason is on the story's page, not here)."""

    event_type: ClassVar[str] = "story.declined"
    event_version: ClassVar[int] = 1
