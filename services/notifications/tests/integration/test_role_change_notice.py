"""Every role change is told to the association's admins, by e-mail and in the inbox, except the admin who
made it: a federation admin who appoints themselves, or an admin who promotes a friend, is seen."""

from __future__ import annotations

from uuid import uuid4

from shared.contracts.membership import RolesChanged

from .mail_harness import (  # noqa: F401  # the fixtures
    MailCatcher,
    Pipeline,
    mail_fixture,
    pipeline_fixture,
    sending_fixture,
    smtp_outage_fixture,
)

SUBJECTS = {"Roles changed in your association", "Des rôles ont changé dans votre association"}


async def test_the_other_admins_are_told_who_now_holds_which_roles(pipeline: Pipeline, mail: MailCatcher) -> None:
    association = uuid4()
    acting = await pipeline.member(association_id=association, name="Nadia Admin")
    other = await pipeline.member(association_id=association, name="Oscar Admin", locale="fr")
    promoted = await pipeline.member(association_id=association, name="Paul Promoted")
    await pipeline.sender.run_once()  # the welcomes

    await pipeline.apply(
        RolesChanged(
            member_id=promoted,
            association_id=association,
            roles=["member", "admin"],
            changed_by=acting,
            admin_ids=[acting, other, promoted],
        )
    )
    await pipeline.sender.run_once()

    told = {
        member: [m for m in mail.to(await pipeline.email_of(member)) if str(m["Subject"]) in SUBJECTS]
        for member in (acting, other, promoted)
    }
    assert told[acting] == [], "the admin who made the change is not told of it"
    [to_other] = told[other]
    assert to_other["Subject"] == "Des rôles ont changé dans votre association"
    text = to_other.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Paul Promoted" in text and "membre, administrateur" in text
    assert f"/admin/{association}/members" in text
    assert len(told[promoted]) == 1
    inbox = [e["template"] for e in await pipeline.inbox(other)]
    assert inbox.count("roles_changed") == 1
