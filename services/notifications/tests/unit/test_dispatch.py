from notifications.adapters.templates import PARTS, TEMPLATE_DIR
from notifications.domain.dispatch import DISPATCH, TEMPLATES, messages_for
from notifications.domain.locales import LOCALES
from shared.contracts.registry import REGISTRY

from .samples import MEMBER, MENTEE, MENTOR, payloads


def test_every_event_type_in_the_table_is_a_known_contract() -> None:
    known = {event_type for event_type, _ in REGISTRY}
    assert set(DISPATCH) <= known


def test_every_template_exists_in_every_language_with_every_part() -> None:
    missing = [
        f"{locale}/{template}.{part}.j2"
        for locale in LOCALES
        for template in TEMPLATES
        for part in PARTS
        if not (TEMPLATE_DIR / locale / f"{template}.{part}.j2").is_file()
    ]
    assert missing == []


def test_who_receives_what() -> None:
    sent = {
        event_type: [(m.member_id, m.rule.template, m.rule.category, m.peer_id) for m in messages_for(data)]
        for event_type, data in payloads().items()
    }
    assert sent == {
        "member.joined": [(MEMBER, "welcome", "account", None)],
        "mentor.approved": [(MENTOR, "mentor_approved", "matching", None)],
        "match.proposed": [(MENTOR, "match_proposed", "matching", None)],
        "match.accepted": [(MENTEE, "introduction", "matching", MENTOR), (MENTOR, "introduction", "matching", MENTEE)],
        "match.declined": [(MENTEE, "match_declined", "matching", None)],
        "match.expired": [(MENTEE, "match_expired", "matching", None)],
        "request.unmatched": [(MENTEE, "request_unmatched", "matching", None)],
        "mentorship.ended": [
            (MENTEE, "mentorship_ended", "matching", MENTOR),
            (MENTOR, "mentorship_ended", "matching", MENTEE),
        ],
        "registration.confirmed": [(MEMBER, "registration_confirmed", "conferences", None)],
        "registration.waitlisted": [(MEMBER, "registration_waitlisted", "conferences", None)],
        "registration.place_offered": [(MEMBER, "place_offered", "conferences", None)],
        "registration.offer_expired": [(MEMBER, "offer_expired", "conferences", None)],
        "registration.event_rescheduled": [(MEMBER, "event_rescheduled", "conferences", None)],
        "registration.event_cancelled": [(MEMBER, "event_cancelled", "conferences", None)],
        "registration.reminder": [(MEMBER, "event_reminder", "conferences", None)],
        "registration.materials_available": [(MEMBER, "materials_available", "conferences", None)],
        "registration.feedback_requested": [(MEMBER, "feedback_request", "conferences", None)],
        "registration.suggested": [(MEMBER, "conference_suggested", "conferences", None)],
        "story.published": [(MEMBER, "story_published", "community", None)],
        "story.changes_requested": [(MEMBER, "story_changes_requested", "community", None)],
        "story.declined": [(MEMBER, "story_declined", "community", None)],
    }


def test_only_an_offered_place_and_a_reminder_break_quiet_hours() -> None:
    # proposals wait 72 hours for an answer: a night's quiet hours do not make them late; an offered place may
    # be held for only 15 minutes near the start, and an hour's reminder held until morning would come too late
    urgent = {rule.template for rules in DISPATCH.values() for rule in rules if rule.urgent}
    assert urgent == {"place_offered", "event_reminder"}
