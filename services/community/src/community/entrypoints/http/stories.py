"""HTTP: members write stories, moderators decide, readers (signed in or not) find and read them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from pydantic import BaseModel, ConfigDict, Field, field_validator

from community.domain.stories import CONSENT_VERSION, Decision, Story, Topic, Visibility
from community.service_layer import stories
from shared.icd10 import ICD10, checked_codes
from shared.web.app import BEARER
from shared.web.auth import Principal
from shared.web.dependencies import Caller, Pool, provide_caller


async def provide_reader(request: Request[Any, Any, Any]) -> Principal | None:
    """The signed-in reader, or None for someone reading public stories without signing in."""
    return await provide_caller(request) if request.headers.get("authorization") else None


Reader = NamedDependency[Principal | None]


class Writing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    association_id: UUID = Field(description="your association: its moderators read the story first")
    pen_name: str = Field(min_length=2, max_length=60, description="the name readers see; not yours")
    title: str = Field(min_length=3, max_length=150)
    body: str = Field(min_length=20, max_length=12_000, description="up to 1,000 words")
    language: Literal["en", "fr"]
    topics: list[Topic] = Field(default_factory=list, max_length=6)
    conditions: list[str] = Field(default_factory=list, max_length=10, description="ICD-10 codes it is about")
    visibility: Visibility = Field(description="association, federation or public")
    consent: Literal[True] = Field(description=f"you agree to its publication ({CONSENT_VERSION})")

    @field_validator("conditions")
    @classmethod
    def _conditions(cls, value: list[str]) -> list[str]:
        return checked_codes(value)

    def to_domain(self) -> Story:
        now = datetime.now(UTC)  # replaced by the use case's clock
        return Story(
            story_id=UUID(int=0),
            author_id=UUID(int=0),
            association_id=self.association_id,
            pen_name=" ".join(self.pen_name.split()),
            title=" ".join(self.title.split()),
            body=self.body.strip(),
            language=self.language,
            topics=sorted(set(self.topics)),
            conditions=self.conditions,
            visibility=self.visibility,
            status="pending",
            consent_version=CONSENT_VERSION,
            consented_at=now,
            moderator_note="",
            published_at=None,
            created_at=now,
            updated_at=now,
        )


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Decision
    note: str = Field(default="", max_length=1000, description="what to change, or why it is declined")


class FindingRead(BaseModel):
    kind: str = Field(description="email, phone or name")
    start: int
    end: int
    text: str


class StoryRead(BaseModel):
    story_id: UUID
    association_id: UUID
    pen_name: str
    title: str
    body: str
    language: str
    topics: list[str]
    conditions: list[str]
    visibility: Visibility
    status: str
    published_at: datetime | None
    helped: int = Field(description="readers who said it helped them")
    yours: bool
    moderator_note: str | None = Field(description="for the author and the moderators only")
    to_check: list[FindingRead] | None = Field(
        description="for the author and the moderators: what may identify someone, to take out"
    )
    at_risk: bool | None = Field(
        description="for the author and the moderators: its words suggest a risk of self-harm (first in the queue)"
    )
    help_now: str | None = Field(description="for the author of a flagged story: where to find help now")

    @classmethod
    def of(cls, story: Story, reader: Principal | None) -> StoryRead:
        insider = reader is not None and (reader.subject == str(story.author_id) or story.is_moderator(reader))
        return cls(
            story_id=story.story_id,
            association_id=story.association_id,
            pen_name=story.pen_name,
            title=story.title,
            body=story.body,
            language=story.language,
            topics=list(story.topics),
            conditions=story.conditions,
            visibility=story.visibility,
            status=story.status,
            published_at=story.published_at,
            helped=story.helped,
            yours=reader is not None and reader.subject == str(story.author_id),
            moderator_note=story.moderator_note if insider else None,
            to_check=[FindingRead(**asdict(f)) for f in story.to_check] if insider else None,
            at_risk=story.at_risk if insider else None,
            help_now=story.help_now if reader is not None and reader.subject == str(story.author_id) else None,
        )


class StoryController(Controller):
    path = "/"
    tags = ["stories"]
    dependencies = {"reader": Provide(provide_reader)}

    @post("/stories", operation_id="write_story", security=[{BEARER: []}])
    async def write(self, data: JSONBody[Writing], pool: Pool, caller: Caller) -> StoryRead:
        """Write a story: nobody but you and your association's moderators reads it until they publish it."""
        return StoryRead.of(await stories.write(pool, caller, data.to_domain()), caller)

    @put("/stories/{story_id:uuid}", operation_id="rewrite_story", security=[{BEARER: []}])
    async def rewrite(self, story_id: FromPath[UUID], data: JSONBody[Writing], pool: Pool, caller: Caller) -> StoryRead:
        """Your new version: it goes back to the moderators, unpublished until they read it."""
        return StoryRead.of(await stories.rewrite(pool, caller, story_id, data.to_domain()), caller)

    @delete(
        "/stories/{story_id:uuid}",
        operation_id="withdraw_story",
        security=[{BEARER: []}],
        status_code=HTTP_204_NO_CONTENT,
    )
    async def withdraw(self, story_id: FromPath[UUID], pool: Pool, caller: Caller) -> None:
        """Withdraw your story, at any time: it is deleted and disappears everywhere."""
        await stories.withdraw(pool, caller, story_id)

    @post(
        "/stories/{story_id:uuid}/decision",
        operation_id="decide_story",
        security=[{BEARER: []}],
        status_code=HTTP_200_OK,
    )
    async def decide(
        self, story_id: FromPath[UUID], data: JSONBody[DecisionBody], pool: Pool, caller: Caller
    ) -> StoryRead:
        """For the moderators (and admins) of the author's association: publish, ask for changes, or decline."""
        return StoryRead.of(await stories.decide(pool, caller, story_id, data.decision, data.note), caller)

    @post(
        "/stories/{story_id:uuid}/helped", operation_id="story_helped", security=[{BEARER: []}], status_code=HTTP_200_OK
    )
    async def helped(self, story_id: FromPath[UUID], pool: Pool, caller: Caller) -> StoryRead:
        """Say the story helped you (once: a count, no comment)."""
        return StoryRead.of(await stories.helped(pool, caller, story_id), caller)

    @get("/stories", operation_id="find_stories", security=[{}, {BEARER: []}])
    async def find(
        self,
        pool: Pool,
        reader: Reader,
        condition: Annotated[list[str] | None, Parameter(description="ICD-10 codes: related stories first")] = None,
        q: Annotated[str | None, Parameter(max_length=200, description="words to look for")] = None,
        topic: FromQuery[Topic | None] = None,
    ) -> list[StoryRead]:
        """Published stories you may read (without signing in: the public ones), those related to `condition`
        first (by the ICD-10 hierarchy), then those matching `q`, then the newest."""
        codes = sorted({code.upper() for code in condition or [] if ICD10.fullmatch(code.upper())})
        found = await stories.find(pool, reader, conditions=codes, words=(q or "").strip() or None, topic=topic)
        return [StoryRead.of(story, reader) for story in found]

    @get("/stories/{story_id:uuid}", operation_id="read_story", security=[{}, {BEARER: []}])
    async def read(self, story_id: FromPath[UUID], pool: Pool, reader: Reader) -> StoryRead:
        """One story, if you may read it."""
        return StoryRead.of(await stories.read(pool, reader, story_id), reader)

    @get("/me/stories", operation_id="my_stories", security=[{BEARER: []}])
    async def mine(self, pool: Pool, caller: Caller) -> list[StoryRead]:
        """Your stories, the latest changed first, with the moderators' notes."""
        return [StoryRead.of(story, caller) for story in await stories.mine(pool, caller)]

    @get("/moderation/stories", operation_id="stories_to_moderate", security=[{BEARER: []}])
    async def queue(self, pool: Pool, caller: Caller) -> list[StoryRead]:
        """For moderators and admins: the stories of their associations waiting for a decision, oldest first."""
        return [StoryRead.of(story, caller) for story in await stories.queue(pool, caller)]
