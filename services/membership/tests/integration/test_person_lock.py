"""Every message built from a person's state is built under that person's lock: a consent withdrawal that
races an approval (or a join) is never lost downstream. Whatever the interleaving, folding the messages a
consumer receives (the `member.joined` snapshot, then each `member.consent_changed`) ends in the state
membership holds."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from ..conftest import Api

ROUNDS = 12


def consents_downstream(messages: list[dict[str, Any]], member_id: UUID) -> set[str] | None:
    """The consents a consumer of membership.member.v1 believes the person has (None: never announced)."""
    believed: set[str] | None = None
    for message in messages:
        data = message.get("data", {})
        if data.get("member_id") != str(member_id):
            continue
        if message["event_type"] == "member.joined":
            believed = set(data["consents"])
        elif message["event_type"] == "member.consent_changed" and believed is not None:
            believed = believed | {data["kind"]} if data["granted"] else believed - {data["kind"]}
    return believed


async def test_a_consent_withdrawal_racing_an_approval_is_never_lost(api: Api) -> None:
    association = await api.association(requires_approval=True)
    admin = await api.member_of(association, ("member", "admin"))
    lost = 0
    for _ in range(ROUNDS):
        person = await api.person()
        grant = {"kind": "peer_matching", "granted": True, "version": "2026-01"}
        assert (await api.client.post("/me/consents", headers=person.headers, json=grant)).status_code == 201
        assert (await api.client.post(f"/associations/{association}/join", headers=person.headers)).status_code == 201

        withdraw = {**grant, "granted": False}
        approved, withdrawn = await asyncio.gather(
            api.client.post(f"/associations/{association}/members/{person.member_id}/approve", headers=admin.headers),
            api.client.post("/me/consents", headers=person.headers, json=withdraw),
        )
        assert approved.status_code == 200 and withdrawn.status_code == 201, (approved.text, withdrawn.text)

        believed = consents_downstream(await api.messages(), person.member_id)
        assert believed is not None, "the approval announced nothing"
        lost += "peer_matching" in believed
    assert lost == 0, f"in {lost} of {ROUNDS} races the other services were left believing consent was given"
