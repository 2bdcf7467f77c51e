"""The topic registry: names of the topics services publish to and read from.

Partitions, retention and compaction live in `deploy/kafka/topics.toml`; a test keeps the two in step.
"""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    """Topics named `<owner>.<aggregate>.v<major>`; only the owner publishes to its topics."""

    MEMBER = "membership.member.v1"
    CONTACT = "membership.contact.v1"  # personal data; compacted; read by notifications only
    ACCOUNT = "membership.account.v1"  # account e-mails with one-time secrets; kept 40 min; notifications only
    CONFERENCE = "events.conference.v1"
    REGISTRATION = "events.registration.v1"
    MATCH = "matching.match.v1"
    STORY = "community.story.v1"  # a story's moderation, for its author; ids only, never its text
    PREFERENCE = "notifications.preference.v1"  # quiet hours (times of day only); read by events for offers

    @property
    def owner(self) -> str:
        return self.value.split(".", 1)[0]


# Topics whose messages carry one-time secrets (sign-in codes, reset links): the relay deletes an outbox row
# of these as soon as the broker has it, instead of keeping it for the outbox's retention.
UNKEPT_TOPICS: frozenset[str] = frozenset({Topic.ACCOUNT})


def dead_letter_topic(topic: str, group: str) -> str:
    """The dead-letter topic of one consumer group on one topic."""
    return f"{topic}.{group}.dlq"
