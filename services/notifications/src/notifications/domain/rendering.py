"""What a template sees: the reader's name and language, the message's data, its links and local times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notifications.domain.dispatch import Role
from notifications.domain.links import Links
from notifications.domain.locales import format_datetime, pick_locale
from shared.contracts.envelope import MessageData


@dataclass(frozen=True)
class Reader:
    """The person a message is rendered for, and the other person it names, if any."""

    name: str | None
    locale: str
    time_zone: str | None
    role: Role
    peer_name: str | None = None


def template_context(
    template: str, data: dict[str, Any], reader: Reader, links: Links, unsubscribe_link: str | None
) -> dict[str, Any]:
    """Variables of every template: `name`, `peer_name`, `role`, `data` (the payload as JSON), `link` (the
    page to open), `slot` (a first slot in the reader's time), `local(iso)`, and the footer's links."""
    locale = pick_locale(reader.locale)

    def local(moment: str | datetime) -> str:
        when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
        return format_datetime(when, reader.time_zone, locale)

    return {
        "locale": locale,
        "name": reader.name,
        "peer_name": reader.peer_name,
        "role": reader.role,
        "data": data,
        "link": links.action(template, data),
        "slot": _first_slot(data, reader, local),
        "local": local,
        "preferences_link": links.preferences(),
        "unsubscribe_link": unsubscribe_link,
    }


# The only message fields any template or link reads (an event's title and times are the event's, not a person's). Deliveries and inbox entries keep these and nothing
# else of the message: no conditions, diagnosis years, availability, age, gender or free text. `reason` is
# kept only where it is a code (why a request waits), never a person's own words (ending a mentorship).
TEMPLATE_FIELDS = frozenset(
    {"match_id", "request_id", "breakdown", "estimated_wait_days", "expires_at", "first_slot", "outcome"}
    | {"conference_id", "registration_id", "kind", "title", "starts_at", "previous_starts_at", "position", "which"}
    | {
        "ends_at",
        "time_zone",
        "sequence",
        "meetings",
    }  # with the above: the calendar entry an e-mail about a place carries
    | {"attended"}  # whether the person came, for the e-mail with the recording
    | {"suggestions"}  # events' ids, titles and starts for a mentee still waiting: nothing of the person
)
CODED_REASONS = frozenset({"request.unmatched"})
ROLE_CHANGES = frozenset({"member.roles_changed"})  # roles are kept only where a message is about them


def template_data(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What notifications keeps of a message's payload: the fields its templates and links use."""
    kept = (
        TEMPLATE_FIELDS
        | ({"reason"} if event_type in CODED_REASONS else set())
        | ({"roles", "association_id"} if event_type in ROLE_CHANGES else set())
    )
    return {name: value for name, value in payload.items() if name in kept}


# What an account e-mail's templates read: the one-time secret, its expiry, and the inviting association.
ACCOUNT_FIELDS = frozenset({"code", "token", "expires_at", "association_name", "new_account"})


def account_template_data(mail: MessageData) -> dict[str, Any]:
    """What notifications keeps of an account e-mail until it is settled (then it is wiped): never the address,
    which travels in its own column."""
    return {name: value for name, value in mail.model_dump(mode="json").items() if name in ACCOUNT_FIELDS}


def _first_slot(data: dict[str, Any], reader: Reader, local: Any) -> str | None:
    slot = data.get("first_slot")
    if not slot:
        return None
    if reader.time_zone:
        return str(local(slot["starts_at"]))
    return slot.get(f"{reader.role}_local") or str(local(slot["starts_at"]))
