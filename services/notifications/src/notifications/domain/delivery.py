"""Whether an e-mail goes out now, waits, or is not sent at all; and how long a failed one waits.

The same decision is taken when a delivery is recorded and again when it falls due, so a consent
withdrawn or an unsubscribe made while an e-mail waited still stops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from notifications.domain.categories import Category, Channel
from notifications.domain.quiet_hours import QuietHours, window_end

EMAIL_CONSENT = "email"


@dataclass(frozen=True)
class Recipient:
    """What notifications knows about a member when it decides: contact, consents, preferences, quiet hours."""

    member_id: UUID
    display_name: str | None
    email: str | None
    locale: str
    time_zone: str | None
    consents: frozenset[str]
    active: bool
    membership_known: bool  # membership's member facts (consents, time zone) arrived
    disabled: frozenset[tuple[Category, Channel]]  # preferences turned off
    quiet_hours: QuietHours | None

    def wants(self, category: Category, channel: Channel) -> bool:
        return (category, channel) not in self.disabled


@dataclass(frozen=True)
class Send:
    pass


@dataclass(frozen=True)
class Hold:
    """Wait: quiet hours until `until`, or a contact not known yet."""

    until: datetime
    reason: str


@dataclass(frozen=True)
class Suppress:
    reason: str


Decision = Send | Hold | Suppress


@dataclass(frozen=True)
class EmailPolicy:
    contact_grace: timedelta = timedelta(minutes=15)  # how long to wait for a contact that is not known yet
    contact_recheck: timedelta = timedelta(seconds=30)


DEFAULT_POLICY = EmailPolicy()


def decide(
    recipient: Recipient | None,
    category: Category,
    *,
    urgent: bool,
    now: datetime,
    recorded_at: datetime,
    policy: EmailPolicy = DEFAULT_POLICY,
) -> Decision:
    """What to do with an e-mail of `category` to `recipient` (None: not in the directory) at `now`.

    Membership's contact and member topics (and matching's) are read independently, so a new member's
    address or consents may arrive after the message that greets them: the e-mail waits for both up to
    `contact_grace` (a contact arriving wakes it at once), then goes by what is known.
    """
    incomplete = recipient is None or not recipient.email or not recipient.membership_known
    if incomplete and now - recorded_at < policy.contact_grace:
        return Hold(now + policy.contact_recheck, "awaiting_contact")
    if recipient is None or not recipient.email:
        return Suppress("no_email_address")
    if not recipient.active:
        return Suppress("member_left")
    if EMAIL_CONSENT not in recipient.consents:
        return Suppress("no_email_consent")
    if not recipient.wants(category, "email"):
        return Suppress("preference_off")
    if not urgent and recipient.quiet_hours is not None:
        end = window_end(recipient.quiet_hours, recipient.time_zone, now)
        if end is not None:
            return Hold(end, "quiet_hours")
    return Send()


def retry_delay(attempts: int, base: timedelta, cap: timedelta) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt (1-based): base, 2·base, 4·base … ≤ cap."""
    return min(base * (1 << min(max(attempts - 1, 0), 30)), cap)
