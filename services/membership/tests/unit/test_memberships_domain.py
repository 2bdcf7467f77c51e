"""A membership's status is computed when read: active until its expiry date has passed, then expired."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from membership.domain.access import Actor
from membership.domain.memberships import Membership, StoredStatus

TODAY = date(2026, 6, 15)


def membership(
    stored: StoredStatus = "active", expires_on: date | None = None, roles: tuple[str, ...] = ("member",)
) -> Membership:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Membership(
        member_id=uuid4(),
        association_id=uuid4(),
        roles=list(roles),  # type: ignore[arg-type]
        stored_status=stored,
        requested_at=now,
        joined_at=now if stored != "pending" else None,
        left_at=None,
        renewed_on=None,
        expires_on=expires_on,
    )


@pytest.mark.parametrize(
    ("stored", "expires_on", "status"),
    [
        ("active", None, "active"),
        ("active", TODAY, "active"),  # the expiry date is the last valid day
        ("active", TODAY + timedelta(days=30), "active"),
        ("active", TODAY - timedelta(days=1), "expired"),
        ("pending", TODAY - timedelta(days=1), "pending"),
        ("left", TODAY - timedelta(days=1), "left"),
    ],
)
def test_status_as_of_a_day(stored: StoredStatus, expires_on: date | None, status: str) -> None:
    assert membership(stored, expires_on).status(TODAY) == status


def test_roles_count_only_while_the_membership_is_active() -> None:
    current = membership(roles=("member", "admin"), expires_on=TODAY)
    lapsed = membership(roles=("member", "admin"), expires_on=TODAY - timedelta(days=1))
    waiting = membership("pending", roles=("member", "admin"))

    assert current.has_role("admin", TODAY)
    assert not lapsed.has_role("admin", TODAY)
    assert not waiting.has_role("admin", TODAY)


def test_an_admin_whose_membership_expired_is_refused() -> None:
    lapsed = membership(roles=("member", "admin"), expires_on=TODAY - timedelta(days=1))
    actor = Actor(member_id=lapsed.member_id, memberships={lapsed.association_id: lapsed}, today=TODAY)

    assert not actor.has_role(lapsed.association_id, "admin")
    assert actor.token_roles() == {}


def test_only_memberships_that_became_active_are_known_to_other_services() -> None:
    assert membership("active").announced
    assert not membership("pending").announced
