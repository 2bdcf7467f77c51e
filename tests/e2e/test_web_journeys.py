"""The web client on `make run`, in Chromium, as people use it: a newcomer registers on a phone, sets up their
profile one question at a time and asks for a mentor; the proposed mentor accepts while both have their inbox
open, and the introduction appears in both without a reload; the newcomer offers to mentor and the
association's admin approves; the admin imports a CSV with mistakes, reads the per-row report and imports
the corrected file; the newcomer downloads their data and erases their account, which also signs out their
other browser. The same journey in French, and the core forms with JavaScript off."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from uuid import uuid4

import pytest
from playwright.async_api import Page, expect

from .conftest import Platform
from .web import (
    DEMO_PASSWORD,
    PASSWORD,
    Web,
    api,
    mail_for,
    onboard,
    register,
    sign_in,
    sign_in_as_proposed_mentor,
    submit,
    text_of,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
CHRONIC_PAIN = "Chronic Pain Network"
PHONE = {"width": 390, "height": 844}


async def eventually_on_page(page: Page, path: str, text: str | re.Pattern[str], timeout: float = 40.0) -> None:
    """Reload `path` until the main content shows `text` (what the person would do while waiting)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await page.goto(path)
        content = await page.locator("main").inner_text()
        if (text.search(content) if isinstance(text, re.Pattern) else text in content) or (
            asyncio.get_running_loop().time() > deadline
        ):
            break
        await asyncio.sleep(1.0)
    await expect(page.locator("main")).to_contain_text(text)


async def no_sideways_scrolling(page: Page) -> None:
    """WCAG 1.4.10 reflow at a phone's width: nothing wider than the screen."""
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


async def test_a_newcomer_is_matched_the_mentor_accepts_and_both_inboxes_update_live(web: Web) -> None:
    newcomer = await web.page(**PHONE)
    email = f"rose-{uuid4().hex[:8]}@example.org"
    name = f"Rose {uuid4().hex[:4]}"

    await register(newcomer, email, name)
    await expect(newcomer.locator("#email")).to_have_value(email)  # not asked twice (WCAG 3.3.7)
    await sign_in(newcomer, email)
    assert newcomer.url.endswith("/welcome")
    assert "fellowship_session" not in await newcomer.evaluate("document.cookie"), "HttpOnly: no script reads it"
    await onboard(newcomer, association=CHRONIC_PAIN, condition="fibromyalgia", year="2024", evenings=(1, 3))
    await no_sideways_scrolling(newcomer)
    summary = await newcomer.locator("main dl").inner_text()
    assert "M79.7" in summary and "Tuesday 18:00–21:00" in summary, summary
    await submit(newcomer)
    await expect(newcomer.locator(".notice")).to_contain_text("Your request has been sent")
    await eventually_on_page(newcomer, "/mentoring", "We have found a mentor for you.")
    await no_sideways_scrolling(newcomer)

    # which demo mentor was proposed: the one whose member id is the proposal's counterpart
    proposal = next(p for p in await api(newcomer, "matching/me/proposals") if p["status"] == "proposed")
    mentor = await web.page()
    await sign_in_as_proposed_mentor(mentor, proposal)

    # both open their inbox; the mentor reads the proposal in words and accepts
    newcomer_inbox = await newcomer.context.new_page()
    await newcomer_inbox.goto("/inbox")
    mentor_inbox = await mentor.context.new_page()
    await mentor_inbox.goto("/inbox")
    newcomer_unread = int(await newcomer_inbox.locator("#unread-count").inner_text())
    mentor_unread = int(await mentor_inbox.locator("#unread-count").inner_text())
    await mentor.goto("/mentoring")
    await mentor.locator(f"a[href='/mentoring/proposals/{proposal['match_id']}']").click()
    # the demo mentors chose French in their profile: their pages are in French whatever the browser says
    reasons = await mentor.locator("main").inner_text()
    assert "même maladie ou une maladie très proche" in reasons, reasons
    # the first moment both are free falls on one of the newcomer's evenings, whichever comes first from today
    assert re.search(r"Le premier moment : (mardi|jeudi) \d+ \w+, \d\d:\d\d", reasons), reasons
    await mentor.check("#answer")
    await submit(mentor)
    await expect(mentor.locator(".notice")).to_contain_text("Vous êtes maintenant son mentor")

    for inbox, before in ((newcomer_inbox, newcomer_unread), (mentor_inbox, mentor_unread)):
        await expect(inbox.locator("#unread-count")).not_to_have_text(str(before), timeout=20_000)
        await expect(inbox.locator("#inbox-list li").first).to_be_visible()
        await expect(inbox.locator("#inbox-live")).not_to_be_empty()  # said aloud by screen readers (polite)
    await expect(newcomer_inbox.locator("main")).to_contain_text(re.compile("mentor", re.I))
    await eventually_on_page(newcomer, "/mentoring", "Your mentor")

    # the newcomer offers to mentor others; the association's admin approves
    await newcomer.goto("/mentoring/apply")
    await newcomer.check("#modalities")
    await submit(newcomer)
    await expect(newcomer.locator(".notice")).to_contain_text("Thank you for offering your time")
    admin = await web.page()
    await sign_in(admin, "nadia@example.org", DEMO_PASSWORD)  # she reads Fellowship in French
    await admin.get_by_role("link", name=f"Animer {CHRONIC_PAIN}").click()
    await admin.get_by_role("link", name="Candidatures de mentors").first.click()
    card = admin.locator(".cards > li", has_text=name)
    await card.get_by_label("Accepter").check()
    await card.get_by_role("button", name="Envoyer la décision").click()
    await expect(admin.locator(".notice")).to_contain_text("Le mentor est accepté")
    await eventually_on_page(newcomer, "/mentoring", "You are a mentor.")

    # the mentorship ends well; feedback is asked for, refused without a rating, then thanked for once
    mentorship = newcomer.locator(".cards > li", has_text="Your mentor")
    await mentorship.locator("summary", has_text="End this mentorship").click()
    await mentorship.get_by_label("Anything to add?").fill("Thank you for the evenings.")
    await mentorship.get_by_role("button", name="End the mentorship").click()
    await expect(newcomer.locator(".notice")).to_contain_text("The mentorship has ended")
    await newcomer.get_by_role("button", name="Send feedback").click()
    await expect(newcomer.locator(".notice")).to_contain_text("Choose how helpful it was")
    await newcomer.get_by_label("4 / 5").check()
    await newcomer.get_by_role("button", name="Send feedback").click()
    await expect(newcomer.locator(".notice")).to_have_text("Thank you for your feedback.")
    await expect(newcomer.get_by_role("button", name="Send feedback")).to_have_count(0)
    ended = [m for m in await api(newcomer, "matching/me/mentorships") if m["match_id"] == proposal["match_id"]]
    assert ended and ended[0]["status"] != "active", ended

    # the newcomer downloads everything, then erases the account; their other browser is signed out too
    other_device = await web.page()
    await sign_in(other_device, email)
    await newcomer.goto("/my-data")
    async with newcomer.expect_download() as download_info:
        await newcomer.get_by_role("link", name="Download my data (JSON file)").click()
    exported = json.loads(Path(await (await download_info.value).path()).read_text())
    assert exported["email"] == email and exported["conditions"][0]["code"] == "M79.7"
    await newcomer.goto("/my-data/erase")
    await submit(newcomer)  # without ticking the box: asked to confirm
    await expect(newcomer.locator(".error-summary")).to_be_focused()
    await newcomer.check("#confirm")
    await submit(newcomer)
    await expect(newcomer.locator("h1")).to_have_text("Your account has been erased")
    await eventually_on_page(other_device, "/home", "Other ways to sign in", timeout=20)
    await sign_in_refused(newcomer, email)


async def sign_in_refused(page: Page, email: str) -> None:
    await page.goto("/sign-in")
    await page.fill("#email", email)
    await page.fill("#password", "a long walk by the river")
    await submit(page)
    await expect(page.locator(".error-summary")).to_contain_text("not right")


async def test_an_admin_imports_a_csv_reads_what_is_wrong_and_imports_the_corrected_file(
    web: Web, platform: Platform, tmp_path: Path
) -> None:
    admin = await web.page()
    await sign_in(admin, "oliver@example.org", DEMO_PASSWORD)
    await admin.get_by_role("link", name="Run Rare Lung Disease Alliance").click()
    await admin.get_by_role("link", name="Invite from a file").first.click()
    wrong = tmp_path / "members.csv"
    wrong.write_text("email,display_name\nines@example.org,Inès\nnot-an-address,Paul\n,Nobody\n")

    await admin.set_input_files("#file", str(wrong))
    await submit(admin)

    await expect(admin.locator(".error-summary")).to_be_focused()
    rows = await admin.locator("table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["3", "4"], rows
    corrected = tmp_path / "corrected.csv"
    ines = f"ines-{uuid4().hex[:6]}@example.org"
    corrected.write_text(f"email,display_name\n{ines},Inès\npaul@example.org,Paul\n")
    await admin.set_input_files("#file", str(corrected))
    await submit(admin)
    await expect(admin.locator(".notice")).to_have_text("We have sent 2 invitations.")

    # Inès follows the link in her e-mail, chooses a password and is a member
    invitation = await mail_for(platform.data_dir / "mail", ines, "You are invited")
    link = next(word for word in text_of(invitation).split() if "/invitations/accept?" in word)
    invited = await web.page(**PHONE)
    await invited.goto(link)
    await invited.fill("#password", PASSWORD)
    await submit(invited)
    await expect(invited.locator(".notice")).to_contain_text("You are now a member")
    await sign_in(invited, ines)
    alliance = admin.url.split("/admin/")[1].split("/")[0]
    assert alliance in [m["association_id"] for m in (await api(invited, "membership/me"))["memberships"]]


async def test_the_same_journey_in_french(web: Web) -> None:
    page = await web.page(locale="fr-FR")
    email = f"chloe-{uuid4().hex[:8]}@example.org"

    await page.goto("/")
    assert await page.get_attribute("html", "lang") == "fr"
    await expect(page.locator("h1")).to_have_text("Le soutien de personnes qui comprennent")
    await register(page, email, "Chloé")
    await expect(page.locator(".notice")).to_contain_text("Merci. Connectez-vous maintenant")
    await sign_in(page, email)
    await expect(page.locator("h1")).to_have_text("Que peut utiliser Fellowship ?")
    await onboard(page, association=CHRONIC_PAIN, condition="migraine", year="2020", evenings=(1,))
    summary = await page.locator("main dl").inner_text()
    assert "Mardi 18:00–21:00" in summary and "Français" in summary, summary
    await submit(page)
    await expect(page.locator(".notice")).to_contain_text("Votre demande est envoyée")
    # no dead ends: while no mentor speaks her language, the events for her condition are offered
    await eventually_on_page(page, "/mentoring", "Migraine: new treatments explained")
    await page.goto("/settings/notifications")
    await expect(page.locator("h1")).to_have_text("Messages que vous recevez")
    await page.goto("/language/en?next=/mentoring")
    await expect(page.locator("h1")).to_have_text("Peer mentoring")


async def test_the_core_forms_work_without_javascript(web: Web, platform: Platform) -> None:
    page = await web.page(javascript=False)
    email = f"noor-{uuid4().hex[:8]}@example.org"

    await register(page, email, "Noor")
    await sign_in(page, email)
    await onboard(page, association=CHRONIC_PAIN, condition="G43", year="2019", evenings=(4,))
    await submit(page)
    await expect(page.locator(".notice")).to_contain_text("Your request has been sent")
    await page.goto("/settings/notifications")
    await page.uncheck("#on-matching-email")
    await page.fill("#start", "22:00")
    await page.fill("#end", "07:00")
    await submit(page)
    await expect(page.locator(".notice")).to_have_text("Your choices are saved.")
    assert not await page.is_checked("#on-matching-email")
    await eventually_on_page(page, "/inbox", "Mark as read")
    await page.locator("main form button", has_text="Mark as read").first.click()
    await expect(page.locator("h1")).to_have_text("Inbox")
    await page.locator("header form[action='/sign-out'] button").click()
    await expect(page.locator(".notice")).to_have_text("You have signed out.")


async def test_the_federation_opens_an_association_whose_first_admin_approves_and_renews_a_member(web: Web) -> None:
    tag = uuid4().hex[:6]
    name = f"Rare Skin Circle {tag}"
    lea, max_ = f"lea-{tag}@example.org", f"max-{tag}@example.org"
    for email, person in ((lea, f"Léa {tag}"), (max_, f"Max {tag}")):
        await register(await web.page(), email, person)

    # the federation office creates the association (a mistake first), then appoints Léa once she asked to join
    office = await web.page()
    await sign_in(office, "federation@example.org", DEMO_PASSWORD)
    await office.goto("/federation")
    await office.fill("#name", name)
    await office.fill("#slug", "Not A Slug")
    await office.check("#requires_approval")
    await office.get_by_role("button", name="Create the association").click()
    await expect(office.locator(".error-summary")).to_be_focused()
    await expect(office.locator("#requires_approval")).to_be_checked()  # what was chosen is kept
    await office.fill("#slug", f"rare-skin-{tag}")
    await office.get_by_role("button", name="Create the association").click()
    await expect(office.locator(".notice")).to_contain_text("Now appoint its first administrator")
    await office.get_by_role("link", name=f"Settings – {name}").click()
    await expect(office.locator("#requires_approval")).to_be_checked()
    await office.check("#languages-en")
    await office.check("#federation_matching")
    await office.get_by_role("button", name="Save the settings").click()
    await expect(office.locator(".notice")).to_have_text(f"The settings of {name} are saved.")
    settings = next(a for a in await api(office, "membership/associations") if a["name"] == name)
    assert (settings["languages"], settings["federation_matching"], settings["requires_approval"]) == (
        ["fr", "en"],
        True,
        True,
    ), settings

    joiners = {}
    for email in (lea, max_):  # consents are optional: straight to joining
        joiner = await web.page()
        await sign_in(joiner, email)
        await joiner.goto("/welcome/association")
        await joiner.get_by_label(name).check()
        await submit(joiner)
        await joiner.wait_for_url("**/welcome/profile")
        joiners[email] = joiner

    card = office.locator(".cards > li", has_text=name)
    await office.reload()
    await card.get_by_label("Appoint an administrator").fill("nobody@example.org")
    await card.get_by_role("button", name="Appoint").click()
    await expect(office.locator(".notice")).to_contain_text("ask them to join first")
    await card.get_by_label("Appoint an administrator").fill(lea)
    await card.get_by_role("button", name="Appoint").click()
    await expect(office.locator(".notice")).to_have_text(f"{lea} is now an administrator.")

    # Léa (her session follows her new role) approves Max, makes him a mentor and records his renewal
    admin = joiners[lea]
    await eventually_on_page(admin, "/home", f"Run {name}")
    await admin.get_by_role("link", name=f"Run {name}").click()
    await admin.get_by_role("link", name="Members").first.click()
    await admin.select_option("#status", "pending")
    await admin.get_by_role("button", name="Search").click()
    member = admin.locator(".cards > li", has_text=f"Max {tag}")
    await expect(member).to_contain_text("Waiting for approval")
    await member.get_by_role("button", name="Approve").click()
    await expect(admin.locator(".notice")).to_have_text("Saved.")
    member = admin.locator(".cards > li", has_text=f"Max {tag}")
    await expect(member).to_contain_text("Active")
    await member.locator("summary").click()
    await member.get_by_label("Mentor").check()
    await member.get_by_role("button", name="Save roles").click()
    await expect(admin.locator(".notice")).to_have_text("Saved.")
    member = admin.locator(".cards > li", has_text=f"Max {tag}")
    await member.locator("summary").click()
    await member.get_by_label("Renewed on").fill("2026-13-01")
    await member.get_by_role("button", name="Record the renewal").click()
    await expect(admin.locator(".notice")).to_contain_text("That change was not possible")
    member = admin.locator(".cards > li", has_text=f"Max {tag}")
    await member.locator("summary").click()
    await member.get_by_label("Renewed on").fill("2026-12-01")
    await member.get_by_label("Valid until").fill("2027-11-30")
    await member.get_by_role("button", name="Record the renewal").click()
    await expect(admin.locator(".notice")).to_have_text("Saved.")
    await expect(admin.locator(".cards > li", has_text=f"Max {tag}")).to_contain_text("valid until 2027-11-30")
    max_memberships = (await api(joiners[max_], "membership/me"))["memberships"]
    assert [(m["status"], "mentor" in m["roles"]) for m in max_memberships] == [("active", True)], max_memberships
