"""A proposal's life-cycle, without a database: who may answer it, until when, and its effective status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from matching.domain.proposals import ProposalStatus, check_answer, effective_status, side_of
from shared.errors import Conflict, Forbidden, NotFound

NOW = datetime(2030, 1, 8, 18, 0, tzinfo=UTC)
MENTEE, MENTOR, STRANGER = uuid4(), uuid4(), uuid4()


def answer(member: object, status: ProposalStatus = "proposed", expires_in: timedelta = timedelta(hours=1)) -> None:
    check_answer(
        member,  # type: ignore[arg-type]
        mentee_id=MENTEE,
        mentor_id=MENTOR,
        status=status,
        expires_at=NOW + expires_in,
        now=NOW,
        answer="accept",
    )


def test_sides() -> None:
    assert side_of(MENTEE, MENTEE, MENTOR) == "mentee"
    assert side_of(MENTOR, MENTEE, MENTOR) == "mentor"
    assert side_of(STRANGER, MENTEE, MENTOR) is None


@pytest.mark.parametrize("status", ["accepted", "declined", "expired", "withdrawn"])
def test_a_decided_proposal_keeps_its_status(status: ProposalStatus) -> None:
    assert effective_status(status, NOW - timedelta(days=1), NOW) == status


def test_a_waiting_proposal_is_expired_from_its_deadline_on() -> None:
    assert effective_status("proposed", NOW + timedelta(seconds=1), NOW) == "proposed"
    assert effective_status("proposed", NOW, NOW) == "expired"
    assert effective_status("proposed", NOW - timedelta(seconds=1), NOW) == "expired"


def test_only_the_mentor_answers_a_waiting_proposal_before_it_expires() -> None:
    answer(MENTOR)  # no error

    with pytest.raises(NotFound):
        answer(STRANGER)  # ids of other people's proposals reveal nothing
    with pytest.raises(Forbidden, match="only the proposed mentor can accept"):
        answer(MENTEE)
    with pytest.raises(Conflict, match="no longer waiting for an answer: it was declined"):
        answer(MENTOR, status="declined")
    with pytest.raises(Conflict, match="expired at"):
        answer(MENTOR, expires_in=timedelta(0))
