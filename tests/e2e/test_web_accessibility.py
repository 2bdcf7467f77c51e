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
import signal
import string
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Page, Route, expect

from shared.embedded import free_port
from shared.testing.eventually import eventually

from .conftest import Platform
from .web import (
    DEMO_PASSWORD,
    PASSWORD,
    Web,
    api,
    axe_violations,
    mail_for,
    register,
    sign_in,
    sign_in_as_proposed_mentor,
    submit,
    text_of,
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
    await walk_event_pages(page, walk)
    await walk_story_pages(page, walk)


async def walk_story_pages(page: Page, walk: Walk) -> None:
    await walk.visit(page, "/stories")
    await walk.visit(page, "/stories/new")
    await walk.error(page)  # nothing written
    await walk.visit(page, "/stories/mine")
    await walk.visit(page, f"/stories/{uuid4()}")  # no such story


async def walk_event_pages(page: Page, walk: Walk) -> None:
    await walk.visit(page, "/events")
    coming = await api(page, "events/conferences/")
    talk = next(c for c in coming if c["title"].startswith("Living well with fibromyalgia"))
    full = next(c for c in coming if c["places_left"] == 0)
    await walk.visit(page, f"/events/{full['conference_id']}")  # the waiting list offered
    await walk.visit(page, f"/events/{talk['conference_id']}")
    await submit(page)
    await walk.check(page, "registered")
    await walk.error(page, lambda: page.locator("form[action$='/questions'] button").click())  # nothing asked
    await page.fill("#question", "Could someone call me on 06 12 34 56 78 about sleep?")  # held for moderators
    await page.locator("form[action$='/questions'] button").click()
    await walk.check(page, "question held")
    await page.locator("main form:has(input[value=cancel]) button").click()
    await walk.check(page, "error")  # giving up the place without ticking the box
    await page.check("#confirm")
    await page.locator("main form:has(input[value=cancel]) button").click()
    await walk.check(page, "place given up")
    circle = next(c for c in coming if c["kind"] == "circle")
    await walk.visit(page, f"/events/{circle['conference_id']}")
    await submit(page)
    await page.locator("ul.meetings > li").first.get_by_role("button").click()
    await walk.check(page, "circle meeting skipped")
    await walk.visit(page, f"/events/{uuid4()}")  # no such event
    await walk.visit(page, "/events/calendar")
    await page.locator("main form button").first.click()
    await walk.check(page, "address made")


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
    coming = await api(admin, "events/conferences/")
    talk = next(c for c in coming if c["title"].startswith("Living well with fibromyalgia"))
    await walk.visit(admin, f"/events/{talk['conference_id']}")  # the host's view, with the moderation link
    await walk.visit(admin, f"/events/{talk['conference_id']}/moderation")  # the walk's held questions
    await walk.error(admin, lambda: admin.locator("main .cards button[type=submit]").first.click())
    await walk.visit(admin, base + "/events")
    hosted = [  # the demo's circle and its past conference, from the list of what the association hosts
        str(await admin.get_by_role("link", name=title).first.get_attribute("href"))
        for title in ("Newly diagnosed: a weekly support circle", "Understanding chronic pain: why it lasts")
    ]
    await walk.visit(admin, base + "/events/new")
    await walk.error(admin)  # nothing chosen
    await walk.visit(admin, f"{base}/events/{talk['conference_id']}")  # figures and registrants
    await walk.error(admin, lambda: admin.locator("form:has(input[value=cancel]) button").click())  # box not ticked
    for shown in hosted:
        await walk.visit(admin, shown)  # a circle's skips; a conference held two weeks ago
    await walk.visit(admin, "/stories/moderation")
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
    await federation.goto("/federation")
    await federation.locator("a[href^='/federation/associations/']").first.click()
    await walk.check(federation)
    await federation.fill("#name", "")
    await walk.error(federation)  # a name is needed; nothing is saved


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


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const label = hit && hit.closest("label");
  const shown = !!hit && (hit === el || el.contains(hit) || hit.contains(el) || (!!label && label.htmlFor === el.id));
  return {what: el.outerHTML.slice(0, 100), inView, shown};
}"""


async def test_focus_is_never_hidden_while_tabbing_at_a_phone_width(web: Web) -> None:
    """WCAG 2.4.11: every element the keyboard reaches is on screen and not covered (by a header, a banner
    or the session warning), on the longest pages, at 390 px."""
    page = await web.page(width=390, height=700)
    email = f"tab-{uuid4().hex[:8]}@example.org"
    await register(page, email, "Tabitha")
    hidden: list[str] = []
    for path, signed in (("/", False), ("/register", False), ("/settings/notifications", True), ("/welcome", True)):
        if signed and "/sign-in" not in page.url and not await page.locator("header form[action='/sign-out']").count():
            await sign_in(page, email)
        await page.goto(path)
        seen = 0
        for _ in range(80):
            await page.keyboard.press("Tab")
            focused = await page.evaluate(FOCUSED)
            if focused is None:
                continue
            seen += 1
            if not (focused["inView"] and focused["shown"]):
                hidden.append(f"{path}: {focused['what']}")
        assert seen > 5, f"{path}: the keyboard reached only {seen} elements"
    assert hidden == [], "\n".join(hidden)


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest_asyncio.fixture(loop_scope="session")
async def second_gateway(platform: Platform, tmp_path: Path) -> AsyncIterator[str]:
    """A second gateway process with the platform's own settings (read from the running one: its database,
    upstreams and keys), on a port of its own, with a session timeout of one minute and its warning after
    five seconds. Both replicas share the sessions through the gateway's database."""
    assert platform.process is not None
    gateway = next(
        pid
        for pid in _children_of(platform.process.pid)
        if b"fellowship-gateway" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )
    command = [part.decode() for part in Path(f"/proc/{gateway}/cmdline").read_bytes().split(b"\0") if part]
    env = dict(line.split("=", 1) for line in Path(f"/proc/{gateway}/environ").read_text().split("\0") if "=" in line)
    port = free_port()
    env |= {
        "HTTP_PORT": str(port),
        "GATEWAY_IDLE_SECONDS": "60",
        "GATEWAY_WARNING_SECONDS": "55",
        "FELLOWSHIP_QUIESCED_FILE": str(tmp_path / "gateway-2.quiet"),
    }
    log = (tmp_path / "gateway-2.log").open("w")
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:

        async def ready() -> bool:
            try:
                async with httpx.AsyncClient() as client:
                    return (await client.get(f"{url}/ready")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(ready, timeout=60, interval=0.3, what="the second gateway ready")
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
        log.close()


async def test_the_session_timeout_warns_and_stay_signed_in_keeps_the_session(
    web: Web, platform: Platform, second_gateway: str
) -> None:
    """WCAG 2.2.1: before the session times out the person is warned, in an alert, and can stay signed in with
    one press. Signed in on one replica, they are signed in on the other (the session is in the database)."""
    page = await web.page(base_url=second_gateway)
    email = f"tim-{uuid4().hex[:8]}@example.org"
    await register(page, email, "Tim")
    await sign_in(page, email)  # on the second replica: its session lasts a minute
    await page.goto(f"{platform.url('gateway')}/settings/notifications")  # the same cookie: they ignore ports
    assert "/settings/notifications" in page.url, "the other replica does not know the session"
    await page.goto("/settings/notifications")

    warning = page.locator("#session-region")
    await expect(warning).to_have_attribute("role", "alert")
    await expect(warning).to_contain_text("You will be signed out soon", timeout=15_000)
    await warning.get_by_role("button", name="Stay signed in").click()
    await expect(warning).not_to_contain_text("You will be signed out soon")
    await page.wait_for_timeout(2_000)  # the fresh timer warns again only 5 s after the extension
    await page.goto(f"{second_gateway}/my-data")
    assert "/my-data" in page.url, "staying signed in ended the session"
    await page.close()  # its timer would call the second replica after it stopped


async def test_signing_in_needs_no_memory_password_managers_paste_and_a_code_by_e_mail(
    web: Web, platform: Platform
) -> None:
    """WCAG 3.3.8: the fields say what they hold (so password managers fill them), pasting works, and a code
    sent by e-mail signs in without any password at all."""
    page = await web.page()
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    email = f"paz-{uuid4().hex[:8]}@example.org"
    await register(page, email, "Paz")
    await page.goto("/sign-in")
    assert await page.get_attribute("#email", "autocomplete") == "username"
    assert await page.get_attribute("#password", "autocomplete") == "current-password"
    await page.fill("#email", email)
    await page.evaluate("text => navigator.clipboard.writeText(text)", PASSWORD)
    await page.focus("#password")
    await page.keyboard.press("Control+V")
    await expect(page.locator("#password")).to_have_value(PASSWORD)
    await submit(page)
    await page.wait_for_url("**/welcome")
    await page.locator("header form[action='/sign-out'] button").click()

    await page.goto("/register")
    assert await page.get_attribute("#password", "autocomplete") == "new-password"
    await page.goto("/sign-in")
    await page.get_by_role("link", name=re.compile("code sent to your e-mail", re.I)).click()
    await page.fill("#email", email)
    await submit(page)
    await page.wait_for_url("**/sign-in/code/enter*")
    assert await page.get_attribute("#code", "autocomplete") == "one-time-code"
    assert await page.get_attribute("#code", "inputmode") == "numeric"
    message = await mail_for(platform.data_dir / "mail", email, "sign-in code")
    code = re.search(r"\b(\d{6})\b", text_of(message))
    assert code is not None, text_of(message)
    await page.fill("#code", code.group(1))
    await submit(page)
    await page.wait_for_url("**/welcome")


FORGED = """<!doctype html><html lang="en"><title>Win a prize</title>
<form id="f" method="post" action="{action}"><input name="start" value="09:00"><input name="end" value="17:00"></form>
<script>document.getElementById("f").submit()</script></html>"""


def serving(html: str) -> Callable[[Route], Awaitable[None]]:
    """A route handler answering with `html` (the sibling origin's page, without a server of its own)."""

    async def serve(route: Route) -> None:
        await route.fulfill(content_type="text/html", body=html)

    return serve


async def test_a_form_forged_on_a_sibling_origin_is_refused_by_the_real_browser(web: Web) -> None:
    """A page on another port of the same host (the same site: the browser sends the Lax cookie) posts a form
    to the gateway: Chromium says Sec-Fetch-Site: same-site, the gateway refuses it, nothing changes."""
    page = await web.page()
    email = f"vic-{uuid4().hex[:8]}@example.org"
    await register(page, email, "Victor")
    await sign_in(page, email)
    sibling = f"http://127.0.0.1:{free_port()}"
    for action in ("/settings/notifications", "/sign-out"):
        await page.route(f"{sibling}/prize", serving(FORGED.format(action=web.base_url + action)))
        async with page.expect_response(lambda r, action=action: r.url.endswith(action)) as answer:
            await page.goto(f"{sibling}/prize", wait_until="commit")
        assert (await answer.value).status == 403, action
        await expect(page.locator("body")).to_contain_text("sent from another site")
        await page.unroute(f"{sibling}/prize")

    await page.goto("/settings/notifications")
    assert "/settings/notifications" in page.url, "the forged sign-out signed the person out"
    await expect(page.locator("#start")).to_have_value("")
