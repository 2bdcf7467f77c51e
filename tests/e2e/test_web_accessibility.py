"""Every page of the web client, in English and in French, as it first appears and in its error state, checked
by axe-core (WCAG 2.0–2.2 A and AA rules) in Chromium: 0 violations. The walk covers every page the gateway
serves (a page added without being walked here fails the test), and on every error state focus must land on
the error summary. Then what axe cannot judge: focus never hidden while tabbing at a phone's width, the
session-timeout warning with "stay signed in" (on a second gateway replica sharing the sessions), signing in
without remembering anything (password managers, paste, a code by e-mail), and a same-site sibling page's
forged form refused by the real browser."""

from __future__ import annotations

import asyncio
import random
import re
import string
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from playwright.async_api import Page

from shared.testing.eventually import eventually

from .web import (
    DEMO_PASSWORD,
    Web,
    api,
    axe_violations,
    register,
    sign_in,
    sign_in_as_proposed_mentor,
    submit,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
LANGUAGES = {"en": "en-GB", "fr": "fr-FR"}
CHRONIC_PAIN = "Chronic Pain Network"


@dataclass
class Walk:
    """What the walk saw: axe's violations per page and state, the pages' operations, focus problems."""

    language: str
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    focus: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)

    async def check(self, page: Page, state: str = "") -> None:
        await page.wait_for_load_state()
        label = f"{self.language} {urlpath(page)}{' (' + state + ')' if state else ''}"
        assert await page.get_attribute("html", "lang") == self.language, f"{label}: the page's language"
        found = await axe_violations(page)
        if found:
            self.violations[label] = found
        if state == "error":
            if not await page.locator(".error-summary").count():
                self.focus.append(f"{label}: no error summary")
            elif not await page.evaluate("document.activeElement?.classList.contains('error-summary')"):
                self.focus.append(f"{label}: focus is not on the error summary")
        operation = await page.get_attribute("body", "data-page")
        if operation:
            self.operations.add(operation)

    async def visit(self, page: Page, path: str) -> None:
        response = await page.goto(path)
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        await self.check(page)

    async def error(self, page: Page, press: Callable[[], Awaitable[None]] | None = None) -> None:
        await (press or (lambda: submit(page)))()
        await self.check(page, "error")


def urlpath(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


async def in_language(web: Web, language: str, **options: Any) -> Page:
    """A window whose browser asks for `language`, with the language also chosen on the site (a cookie that
    wins over the profile's locale: the demo people read Fellowship in French)."""
    page = await web.page(locale=LANGUAGES[language], axe=True, **options)
    await page.goto(f"/language/{language}?next=/")
    return page


async def walk_public_pages(page: Page, walk: Walk) -> None:
    for path in ("/", "/associations", "/privacy", "/help"):
        await walk.visit(page, path)
    for path in ("/sign-in", "/sign-in/code", "/register", "/password-reset"):
        await walk.visit(page, path)
        await walk.error(page)
    await walk.visit(page, "/sign-in/code/enter?email=someone%40example.org")
    await walk.error(page)
    for path in ("/password-reset/new?token=not-a-token", "/invitations/accept?token=not-a-token"):
        await walk.visit(page, path)
        await page.fill("#password", "short")
        await walk.error(page)
    await walk.visit(page, "/unsubscribe?token=not-a-token")


async def walk_onboarding(page: Page, walk: Walk, email: str, name: str) -> None:
    await register(page, email, name)
    await walk.check(page)  # the sign-in page, the address already filled in
    await sign_in(page, email)
    await walk.check(page)
    for kind in ("health_data", "peer_matching", "email"):
        await page.check(f"#consent-{kind}")
    await submit(page)
    await walk.check(page)
    await walk.error(page)  # no association chosen
    await page.get_by_label(CHRONIC_PAIN).check()
    await submit(page)
    await page.wait_for_url("**/welcome/profile")
    await walk.check(page)
    await page.fill("#display_name", "")
    await walk.error(page)
    await page.fill("#display_name", name)
    await submit(page)
    await page.wait_for_url("**/welcome/conditions")
    await walk.check(page)
    await page.fill("#q", "fibromyalgia")
    await page.locator("form[role=search] button").click()
    await walk.check(page, "results")
    await page.fill("#diagnosed_year", "1800")
    await walk.error(page, lambda: page.locator("main form:has(#diagnosed_year) button[type=submit]").click())
    await page.fill("#diagnosed_year", "2023")
    await page.locator("main form:has(#diagnosed_year) button[type=submit]").click()
    await page.wait_for_url("**/welcome/conditions")
    await walk.check(page, "one condition")
    await page.locator("main a.button").click()
    await walk.check(page)
    await page.check("#slot-1-evening")  # Tuesday: the demo mentors are free then
    await page.check("#slot-3-evening")
    await submit(page)
    await walk.check(page)
    await walk.error(page)  # neither yes nor no
    await page.check("#wants")
    await submit(page)
    await page.wait_for_url("**/welcome/check")
    await walk.check(page)
    await submit(page)
    await walk.check(page, "sent")


async def walk_member_pages(page: Page, walk: Walk) -> None:
    for path in ("/home", "/mentoring", "/inbox", "/my-data"):
        await walk.visit(page, path)
    await walk.visit(page, "/settings/notifications")
    await page.fill("#start", "22:00")
    await page.fill("#end", "22:00")
    await walk.error(page)  # quiet hours that end when they start
    await walk.visit(page, "/mentoring/apply")
    await walk.error(page)  # no way to talk chosen
    await page.check("#modalities")
    await submit(page)
    await walk.check(page, "applied")
    await walk.visit(page, "/my-data/erase")
    await walk.error(page)  # the box not ticked


async def walk_mentor_pages(web: Web, newcomer: Page, walk: Walk) -> None:
    proposal = await eventually(
        lambda: api(newcomer, "matching/me/proposals"),
        until=lambda proposals: any(p["status"] == "proposed" for p in proposals),
        timeout=40,
        interval=0.5,
        what="a proposal for the newcomer",
    )
    match = next(p for p in proposal if p["status"] == "proposed")
    mentor = await in_language(web, walk.language)
    await sign_in_as_proposed_mentor(mentor, match)
    await walk.visit(mentor, "/mentoring")
    await walk.visit(mentor, f"/mentoring/proposals/{match['match_id']}")
    await mentor.check("#answer-decline")
    await walk.error(mentor)  # declining without a reason


async def walk_admin_pages(web: Web, walk: Walk, newcomer_name: str, tmp_path: Path) -> None:
    admin = await in_language(web, walk.language)
    await sign_in(admin, "nadia@example.org", DEMO_PASSWORD)
    home = next(m for m in (await api(admin, "membership/me"))["memberships"] if "admin" in m["roles"])
    base = f"/admin/{home['association_id']}"
    for path in ("", "/members", "/audit", "/deliveries"):
        await walk.visit(admin, base + path)
    await walk.visit(admin, base + "/mentors")
    card = admin.locator(".cards > li", has_text=newcomer_name)
    await card.locator("input[value=reject]").check()
    await walk.error(admin, lambda: card.locator("button[type=submit]").click())
    await walk.visit(admin, base + "/import")
    await walk.error(admin)  # no file
    wrong = tmp_path / f"members-{walk.language}.csv"
    wrong.write_text("email,display_name\nnot-an-address,Paul\n")
    await admin.set_input_files("#file", str(wrong))
    await walk.error(admin)  # the per-row report
    await walk.visit(admin, base + "/matching")
    await admin.fill("#condition", "many")
    await walk.error(admin)

    federation = await in_language(web, walk.language)
    await sign_in(federation, "federation@example.org", DEMO_PASSWORD)
    await walk.visit(federation, "/federation")
    await walk.error(federation, lambda: federation.locator("form[action='/federation/associations'] button").click())


def page_operations() -> set[str]:
    """Every page the gateway serves: its GET routes named page_* (the JSON proxy and fragments are not pages)."""
    from litestar.handlers import HTTPRouteHandler

    from gateway.bootstrap import SPEC

    return {
        str(handler.operation_id)
        for controller in SPEC.route_handlers
        if isinstance(controller, type)
        for handler in vars(controller).values()
        if isinstance(handler, HTTPRouteHandler)
        and "GET" in handler.http_methods
        and str(handler.operation_id).startswith("page_")
    }


async def walk_every_page(web: Web, language: str, tmp_path: Path) -> Walk:
    walk = Walk(language)
    visitor = await in_language(web, language, width=390, height=844)
    await walk_public_pages(visitor, walk)

    newcomer = await in_language(web, language, width=390, height=844)
    name = "Ada " + "".join(random.choices(string.ascii_lowercase, k=6)).title()  # names are letters
    await walk_onboarding(newcomer, walk, f"ada-{language}-{uuid4().hex[:8]}@example.org", name)
    await walk_member_pages(newcomer, walk)
    await walk_mentor_pages(web, newcomer, walk)
    await walk_admin_pages(web, walk, name, tmp_path)
    await newcomer.goto("/my-data/erase")  # the erasure also frees the mentor's place the walk reserved
    await newcomer.check("#confirm")
    await submit(newcomer)
    await walk.check(newcomer, "erased")
    return walk


async def test_every_page_in_both_languages_has_no_axe_violations_and_errors_take_focus(
    web: Web, tmp_path: Path
) -> None:
    walks = await asyncio.gather(*(walk_every_page(web, language, tmp_path) for language in LANGUAGES))

    violations = {where: found for walk in walks for where, found in walk.violations.items()}
    assert violations == {}, "\n".join(f"{where}: {found}" for where, found in violations.items())
    assert [problem for walk in walks for problem in walk.focus] == []
    for walk in walks:
        missing = page_operations() - walk.operations
        assert not missing, f"pages never walked in {walk.language}: {sorted(missing)}"
