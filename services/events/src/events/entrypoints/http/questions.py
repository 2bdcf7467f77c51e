"""HTTP: Q&A at an event (ask, read, upvote; the hosts' moderation queue and decisions) and the associations'
referral texts for requests of personal medical advice."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from events.domain.questions import Action, Question, QuestionStatus
from events.service_layer import questions
from events.service_layer.questions import Listed, one_paragraph
from shared.errors import InvalidInput
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Pool

LOCALE = re.compile(r"[a-z]{2,3}")
# what people write for others: one paragraph, no control or invisible characters (a clear 400 otherwise)
Written = Annotated[str, AfterValidator(one_paragraph)]
Asked = Annotated[str, AfterValidator(lambda text: one_paragraph(text, 3))]  # as the table's CHECK
Referral = Annotated[str, AfterValidator(lambda text: one_paragraph(text, 10))]


class NewQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Asked = Field(min_length=3, max_length=1000)
    shown_name: Written | None = Field(
        default=None, max_length=100, description="the name other attendees see; leave it out to ask anonymously"
    )


class Finding(BaseModel):
    kind: Literal["email", "phone", "name"]
    start: int
    end: int


class QuestionRead(BaseModel):
    question_id: UUID
    conference_id: UUID
    text: str
    shown_name: str | None = Field(description="None: asked anonymously")
    status: QuestionStatus
    answer: str | None
    votes: int
    created_at: datetime


class ListedQuestion(QuestionRead):
    mine: bool
    voted: bool = Field(description="you have voted for it")
    reason: str | None = Field(description="on your own rejected question: why")
    referral: str | None = Field(description="on your own question that asked for personal medical advice")

    @classmethod
    def of(cls, listed: Listed) -> ListedQuestion:
        question = listed.question
        return cls(
            **_fields(question),
            mine=listed.mine,
            voted=listed.voted,
            reason=question.reason if listed.mine else None,
            referral=listed.referral,
        )


class QueuedQuestion(QuestionRead):
    """A question as moderators see it: who asked stays a pseudonymous id, the details found are marked."""

    member_id: UUID
    findings: list[Finding] = Field(description="personal details found, as character ranges of `text`")
    advice_asked: bool = Field(description="it reads like a request for personal medical advice")

    @classmethod
    def of(cls, question: Question) -> QueuedQuestion:
        return cls(
            **_fields(question),
            member_id=question.member_id,
            findings=[Finding(**f) for f in question.findings],
            advice_asked=question.advice_asked,
        )


def _fields(question: Question) -> dict[str, Any]:
    return {name: getattr(question, name) for name in QuestionRead.model_fields}


class Moderation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    text: Asked | None = Field(default=None, min_length=3, max_length=1000, description="the question, edited")
    answer: Written | None = Field(default=None, max_length=5000, description="for `answer`")
    reason: Written | None = Field(default=None, max_length=500, description="for `reject`: told to the asker")
    into: UUID | None = Field(default=None, description="for `merge`: the question this one duplicates")


class ReferralText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Referral = Field(min_length=10, max_length=2000)


def checked_locale(value: str) -> str:
    if not LOCALE.fullmatch(value):
        raise InvalidInput(f"{value!r} is not a language code such as 'en' or 'fr'")
    return value


class QuestionController(Controller):
    path = "/"
    tags = ["questions"]
    security = [{BEARER: []}]

    @post("/conferences/{conference_id:uuid}/questions", operation_id="ask_question")
    async def ask(
        self, conference_id: FromPath[UUID], data: JSONBody[NewQuestion], pool: Pool, caller: Caller
    ) -> QuestionRead:
        """Ask (with a place or in line): a moderator reads it first; personal details hold it for them."""
        question = await questions.ask(pool, caller, conference_id, data.text, shown_name=data.shown_name)
        return QuestionRead(**_fields(question))

    @get("/conferences/{conference_id:uuid}/questions", operation_id="list_questions")
    async def listing(
        self, conference_id: FromPath[UUID], pool: Pool, caller: Caller, locale: FromQuery[str] = "en"
    ) -> list[ListedQuestion]:
        """The questions shown to attendees (answered ones are the FAQ), most voted first, and your own."""
        chosen = checked_locale(locale)
        return [ListedQuestion.of(listed) for listed in await questions.listing(pool, caller, conference_id, chosen)]

    @post("/questions/{question_id:uuid}/vote", operation_id="vote_for_question", status_code=HTTP_200_OK)
    async def vote(self, question_id: FromPath[UUID], pool: Pool, caller: Caller) -> QuestionRead:
        """One vote per person for a question shown to the attendees (voting again changes nothing)."""
        return QuestionRead(**_fields(await questions.vote(pool, caller, question_id)))

    @get("/conferences/{conference_id:uuid}/questions/queue", operation_id="question_queue")
    async def queue(self, conference_id: FromPath[UUID], pool: Pool, caller: Caller) -> list[QueuedQuestion]:
        """For the hosts' admins: held questions first (personal details marked), then pending, then approved."""
        return [QueuedQuestion.of(q) for q in await questions.queue(pool, caller, conference_id)]

    @post("/questions/{question_id:uuid}/moderate", operation_id="moderate_question", status_code=HTTP_200_OK)
    async def moderate(
        self, question_id: FromPath[UUID], data: JSONBody[Moderation], pool: Pool, caller: Caller
    ) -> QueuedQuestion:
        """Approve (after editing personal details out), answer, reject with a reason, merge into a duplicate,
        or refer a request for personal medical advice to the association's referral text."""
        question = await questions.moderate(
            pool,
            caller,
            question_id,
            data.action,
            text=data.text,
            answer=data.answer,
            reason=data.reason,
            into=data.into,
        )
        return QueuedQuestion.of(question)

    @get("/associations/{association_id:uuid}/referral-texts", operation_id="list_referral_texts")
    async def referral_texts(self, association_id: FromPath[UUID], pool: Pool, caller: Caller) -> dict[str, str]:
        """The association's answers to requests for personal medical advice, by language (admins only)."""
        return await questions.referral_texts(pool, caller, association_id)

    @put(
        "/associations/{association_id:uuid}/referral-texts/{locale:str}",
        operation_id="set_referral_text",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def set_referral_text(
        self,
        association_id: FromPath[UUID],
        locale: FromPath[str],
        data: JSONBody[ReferralText],
        pool: Pool,
        caller: Caller,
    ) -> None:
        """Set what the association answers, in `locale`, to a request for personal medical advice."""
        await questions.set_referral_text(pool, caller, association_id, checked_locale(locale), data.text)
