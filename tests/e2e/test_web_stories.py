"""Patient stories in the web client on `make run`, in Chromium: a member finds the demo's story about his
condition first among the others, then writes his own in French (after
an error when the consent is not ticked), sees the phone number he left in it highlighted while it waits; an
admin of his association publishes it from the moderators' queue; he is told by e-mail; a member of the same
association reads it in English and says it helped; he withdraws it and it is gone. axe on every page."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.async_api import Page, expect

from .conftest import Platform
from .web import DEMO_PASSWORD, Web, axe_violations, mail_for, sign_in, submit, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _as(web: Web, email: str) -> Page:
    page = await web.page(axe=True)
    await sign_in(page, email, DEMO_PASSWORD)
    return page


async def test_a_story_is_written_moderated_published_read_and_withdrawn(web: Web, platform: Platform) -> None:
    title = f"Apprendre à doser mes journées {uuid4().hex[:4]}"
    lucas = await _as(web, "lucas@example.org")  # in French
    await lucas.goto("/stories")
    first = lucas.locator("main .cards > li").first  # the demo's stories: the one about his condition first
    await expect(first).to_contain_text("Dix ans avec la fibromyalgie")
    await expect(lucas.locator("main")).to_contain_text("Migraine and my job")  # public, in English
    assert await axe_violations(lucas) == []
    await lucas.get_by_role("link", name="Écrire votre témoignage").first.click()
    await lucas.fill("#pen_name", "Héron bleu")
    await lucas.fill("#title", title)
    await lucas.fill(
        "#body",
        "Pendant deux ans j'ai tout arrêté dès que la douleur revenait. Petit à petit, j'ai appris à faire un peu"
        " chaque jour et à me reposer avant d'être épuisé. Appelez-moi au 06 12 34 56 78 si vous voulez en parler.",
    )
    await lucas.check("#visibility")  # members of my association
    await submit(lucas)  # the consent not ticked
    await expect(lucas.locator(".error-summary")).to_be_focused()
    await expect(lucas.locator(".error-summary")).to_contain_text("Cochez la case")
    assert await axe_violations(lucas) == []
    await lucas.check("#consent")
    await submit(lucas)
    await expect(lucas.locator(".notice")).to_contain_text("La modération de votre association va lire")
    mine = lucas.locator(".cards > li", has_text=title)
    await expect(mine).to_contain_text("En attente de modération")
    await expect(mine.locator("mark")).to_have_text("06 12 34 56 78")
    assert await axe_violations(lucas) == []

    nadia = await _as(web, "nadia@example.org")  # an admin of the Chronic Pain Network
    await nadia.goto("/stories/moderation")
    card = nadia.locator(".cards > li", has_text=title)
    await expect(card.locator("mark")).to_have_text("06 12 34 56 78")
    assert await axe_violations(nadia) == []
    await card.locator("input[value=publish]").check()
    await card.get_by_role("button").click()
    await expect(nadia.locator(".notice")).to_contain_text("Publié")

    told = await mail_for(platform.data_dir / "mail", "lucas@example.org", "Votre témoignage est publié")
    assert "/stories/mine" in text_of(told) and title not in str(told["Subject"]) + text_of(told)

    grace = await _as(web, "grace@example.org")  # the same association, in English
    await grace.goto("/stories")
    await grace.get_by_role("link", name=title).click()
    story_url = grace.url
    await expect(grace.locator("article")).to_contain_text("Petit à petit")
    await grace.get_by_role("button", name="This helped me").click()
    await expect(grace.locator(".notice")).to_contain_text("Thank you")
    await expect(grace.locator("main")).to_contain_text("1 person found it helpful")
    assert await axe_violations(grace) == []

    await lucas.goto("/stories/mine")
    mine = lucas.locator(".cards > li", has_text=title)
    await mine.get_by_role("button").click()  # the box not ticked
    await expect(lucas.locator(".error-summary")).to_be_focused()
    mine = lucas.locator(".cards > li", has_text=title)
    await mine.locator("input[name=confirm]").check()
    await mine.get_by_role("button").click()
    await expect(lucas.locator(".notice")).to_contain_text("supprimé partout")
    await grace.goto(story_url)
    await expect(grace.locator("h1")).to_have_text("This story is not available")


async def test_a_story_suggesting_a_risk_shows_help_at_once_and_comes_first_for_moderators(web: Web) -> None:
    title = f"The worst winter {uuid4().hex[:4]}"
    james = await _as(web, "james@example.org")  # the Rare Lung Disease Alliance, in English
    await james.goto("/stories/new")
    await james.fill("#pen_name", "Grey Gull")
    await james.fill("#title", title)
    await james.fill("#body", "Last winter the breathlessness never stopped and some nights I wanted to die.")
    await james.check("#visibility")
    await james.check("#consent")
    await submit(james)
    await expect(james.locator(".notice")).to_contain_text("you do not have to face this alone")
    help_now = james.locator(".cards > li", has_text=title).locator("#help-now")
    await expect(help_now).to_contain_text("116 123")
    assert await axe_violations(james) == []

    oliver = await _as(web, "oliver@example.org")  # an admin of the Alliance
    await oliver.goto("/stories/moderation")
    first = oliver.locator("main .cards > li").first
    await expect(first).to_contain_text("Read this one first")
    await expect(first).to_contain_text(title)
    assert await axe_violations(oliver) == []
