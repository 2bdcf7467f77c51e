"""What is sent, to whom: the one table from integration-event type to the messages it causes.

Each rule names who receives it (`to`: the payload's `<to>_id` field), the template, its category (what
preferences and unsubscribe links act on), whether it is urgent (urgent e-mails go out during quiet
hours), and for two-person messages the other person (`peer`), whose display name the template may use.

Events' registrations are category "conferences". Events decides who is told about what (it knows the
people's places); notifications never learns anyone's conditions from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal
from uuid import UUID

from notifications.domain.categories import Category
from shared.contracts.envelope import MessageData

Role = Literal["member", "mentor", "mentee", "admins"]  # "admins": each id of the payload's `admin_ids`


@dataclass(frozen=True)
class Rule:
    to: Role
    template: str
    category: Category
    urgent: bool = False
    peer: Role | None = None


# Proposals expire after 72 hours, so a proposal waits for the end of quiet hours. Two kinds of message cannot
# wait: a freed place is held for as little as 15 minutes near the start (events keeps its deadline out of
# the person's quiet hours, but not that close to the start), and a reminder an hour before the start would
# arrive after it. Those two go out at once (`urgent`).
DISPATCH: dict[str, tuple[Rule, ...]] = {
    "member.joined": (Rule("member", "welcome", "account"),),
    "mentor.approved": (Rule("member", "mentor_approved", "matching"),),
    # every role change is told to the association's admins (not to the admin who made it)
    "member.roles_changed": (Rule("admins", "roles_changed", "account", peer="member"),),
    "match.proposed": (Rule("mentor", "match_proposed", "matching"),),
    "match.accepted": (
        Rule("mentee", "introduction", "matching", peer="mentor"),
        Rule("mentor", "introduction", "matching", peer="mentee"),
    ),
    "match.declined": (Rule("mentee", "match_declined", "matching"),),
    "match.expired": (Rule("mentee", "match_expired", "matching"),),
    "request.unmatched": (Rule("mentee", "request_unmatched", "matching"),),
    # one e-mail each: the mentorship ended, and a request for feedback
    "mentorship.ended": (
        Rule("mentee", "mentorship_ended", "matching", peer="mentor"),
        Rule("mentor", "mentorship_ended", "matching", peer="mentee"),
    ),
    "registration.confirmed": (Rule("member", "registration_confirmed", "conferences"),),
    "registration.waitlisted": (Rule("member", "registration_waitlisted", "conferences"),),
    "registration.place_offered": (Rule("member", "place_offered", "conferences", urgent=True),),
    "registration.offer_expired": (Rule("member", "offer_expired", "conferences"),),
    "registration.event_rescheduled": (Rule("member", "event_rescheduled", "conferences"),),
    "registration.event_cancelled": (Rule("member", "event_cancelled", "conferences"),),
    "registration.reminder": (Rule("member", "event_reminder", "conferences", urgent=True),),
    # the recording and slides, with the request for feedback in the same e-mail (one e-mail, not two)
    "registration.materials_available": (Rule("member", "materials_available", "conferences"),),
    "registration.feedback_requested": (Rule("member", "feedback_request", "conferences"),),
    # events chose the person by their conditions; the message names only the event
    "registration.suggested": (Rule("member", "conference_suggested", "conferences"),),
    # a moderator decided on the member's story; the message names the story, never a word of it
    "story.published": (Rule("member", "story_published", "community"),),
    "story.changes_requested": (Rule("member", "story_changes_requested", "community"),),
    "story.declined": (Rule("member", "story_declined", "community"),),
}

# Account e-mails (`membership.account.v1`) go to the address the message carries, whatever the person's
# consents, preferences and quiet hours, and never after they expire (those without an expiry of their own
# within ACCOUNT_MAIL_LIFETIME); they have no inbox entry and no unsubscribe link.
ACCOUNT_TEMPLATES: dict[str, str] = {
    "account.sign_in_code_issued": "sign_in_code",
    "account.password_reset_requested": "password_reset",
    "account.registration_attempted": "registration_attempted",
    "account.invited": "invitation",
}
ACCOUNT_MAIL_LIFETIME = timedelta(hours=72)

TEMPLATES: frozenset[str] = frozenset(
    [*(rule.template for rules in DISPATCH.values() for rule in rules), *ACCOUNT_TEMPLATES.values()]
)


@dataclass(frozen=True)
class Addressed:
    """One message of one rule, with its recipient (and the other person, if any) resolved."""

    rule: Rule
    member_id: UUID
    peer_id: UUID | None


def messages_for(data: MessageData) -> list[Addressed]:
    """The messages a payload causes, per the table; none for types the table does not name."""
    return [
        Addressed(rule, member_id, None if rule.peer is None else _member(data, rule.peer))
        for rule in DISPATCH.get(data.event_type, ())
        for member_id in _recipients(data, rule.to)
    ]


def _recipients(data: MessageData, role: Role) -> list[UUID]:
    if role != "admins":
        return [_member(data, role)]
    admin_ids: list[UUID] = getattr(data, "admin_ids", [])
    return [admin_id for admin_id in admin_ids if admin_id != getattr(data, "changed_by", None)]


def _member(data: MessageData, role: Role) -> UUID:
    member_id = getattr(data, f"{role}_id", None)
    if not isinstance(member_id, UUID):
        raise TypeError(f"{data.event_type} has no {role}_id")
    return member_id
