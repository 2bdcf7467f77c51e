"""Q&A at an event, safe for patients, as rules with no I/O.

A question is screened as it is asked: personal details (e-mail, phone, names) hold it (`held`) until a
moderator has seen them, highlighted; otherwise it waits (`pending`). Nobody but the asker and the hosts'
moderators reads it until it is approved. A moderator approves (possibly after editing the details out),
answers (the answer is public to attendees and the question joins the event's FAQ), rejects with a reason
for the asker, merges a duplicate into another question (its votes follow), or refers a request for personal
medical advice: the asker reads the association's referral text instead of a public answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from shared.errors import Conflict
from shared.personal_details import asks_for_personal_advice, personal_details

QuestionStatus = Literal["pending", "held", "approved", "answered", "rejected", "merged", "referred"]
Action = Literal["approve", "answer", "reject", "merge", "refer"]
VISIBLE: frozenset[QuestionStatus] = frozenset({"approved", "answered"})  # read by every attendee
WAITING: frozenset[QuestionStatus] = frozenset({"pending", "held"})  # in the moderators' queue
MODERATABLE: frozenset[QuestionStatus] = WAITING | {"approved"}

DEFAULT_REFERRAL = {
    "en": "We cannot give personal medical advice here: the speakers do not know your situation. Please ask"
    " your own doctor or nurse, who can. If it is urgent, call your local emergency number.",
    "fr": "Nous ne pouvons pas donner de conseil médical personnel ici : les intervenants ne connaissent pas"
    " votre situation. Posez la question à votre médecin ou à votre infirmière. En cas d'urgence, appelez le 15"
    " ou le 112.",
}


@dataclass(frozen=True, slots=True)
class Question:
    question_id: UUID
    conference_id: UUID
    member_id: UUID
    association_id: UUID
    text: str
    shown_name: str | None
    status: QuestionStatus
    findings: list[dict[str, Any]]
    advice_asked: bool
    answer: str | None
    reason: str | None
    merged_into: UUID | None
    votes: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Screening:
    status: QuestionStatus
    findings: list[dict[str, Any]]
    advice_asked: bool


def screen(text: str) -> Screening:
    """How a new (or edited) question enters moderation."""
    findings = [{"kind": f.kind, "start": f.start, "end": f.end} for f in personal_details(text)]
    return Screening("held" if findings else "pending", findings, asks_for_personal_advice(text))


@dataclass(frozen=True, slots=True)
class Decision:
    """What a moderator's action makes of a question."""

    status: QuestionStatus
    text: str
    answer: str | None = None
    reason: str | None = None
    merged_into: UUID | None = None


def decide(
    question: Question,
    action: Action,
    *,
    text: str | None = None,
    answer: str | None = None,
    reason: str | None = None,
    into: Question | None = None,
) -> Decision:
    """The moderator's `action` on `question`; Conflict when it cannot be taken, saying why."""
    if question.status not in MODERATABLE:
        raise Conflict(f"this question is already {question.status}; it can no longer be moderated")
    edited = question.text if text is None else text.strip()
    match action:
        case "approve":
            if screen(edited).findings:
                raise Conflict("the question still contains personal details: edit them out before approving it")
            return Decision("approved", edited)
        case "answer":
            if not answer or not answer.strip():
                raise Conflict("write the answer before sending it")
            if screen(edited).findings:
                raise Conflict("the question still contains personal details: edit them out before answering it")
            return Decision("answered", edited, answer=answer.strip())
        case "reject":
            if not reason or not reason.strip():
                raise Conflict("say why, so that the person understands")
            return Decision("rejected", edited, reason=reason.strip())
        case "merge":
            if into is None or into.conference_id != question.conference_id:
                raise Conflict("merge into another question of the same event")
            if into.question_id == question.question_id or into.status not in MODERATABLE | VISIBLE:
                raise Conflict("merge into another question that is still open or shown")
            return Decision("merged", edited, merged_into=into.question_id)
        case "refer":
            return Decision("referred", edited)
    raise Conflict(f"unknown action {action!r}")


def referral_text(configured: dict[str, str], locale: str) -> str:
    """The association's referral text in `locale`, else its English one, else ours."""
    return configured.get(locale) or configured.get("en") or DEFAULT_REFERRAL.get(locale) or DEFAULT_REFERRAL["en"]
