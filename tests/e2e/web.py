"""Driving the web client in Debian's Chromium with Playwright: pages that record what the browser reported
(console errors, CSP violations, script errors), axe-core runs, and the steps most journeys share.

Chromium comes from Debian (`make browser-tools` installs it as root when missing) and axe-core from npm
(tools/web, pinned by its lock). No browser is downloaded by Playwright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page

from shared.testing.eventually import eventually

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tools/web/node_modules/axe-core/axe.min.js"
SCREENSHOTS = ROOT / ".test-artifacts" / "screenshots"
LAUNCH_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "a long walk by the river"
DEMO_PASSWORD = "fellowship-demo"
DEMO_MENTORS = ("amina@example.org", "marc@example.org")  # the Chronic Pain Network's


@dataclass
class Watched:
    """A page and what its browser reported: CSP violations and script errors must stay empty."""

    page: Page
    problems: list[str] = field(default_factory=list)


@dataclass
class Web:
    browser: Browser
    base_url: str
    contexts: list[BrowserContext] = field(default_factory=list)
    pages: list[Watched] = field(default_factory=list)

    async def page(
        self,
        *,
        locale: str = "en-GB",
        javascript: bool = True,
        width: int = 1280,
        height: int = 900,
        axe: bool = False,
        base_url: str | None = None,
        time_zone: str = "Europe/Paris",
    ) -> Page:
        """A new browser window (its own cookies). `axe=True` loads axe-core into every page, past the CSP;
        such pages do not check the CSP."""
        context = await self.browser.new_context(
            base_url=base_url or self.base_url,
            locale=locale,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            bypass_csp=axe,
            timezone_id=time_zone,
        )
        if axe:
            await context.add_init_script(path=str(AXE))  # in every document before its own scripts
        self.contexts.append(context)
        page = await context.new_page()
        watched = Watched(page)
        self.pages.append(watched)

        def on_console(message: Any) -> None:
            text = message.text
            # a 4xx page (a form with errors answers 422) is reported as a failed load: not a problem
            if message.type == "error" and "Failed to load resource" not in text:
                watched.problems.append(text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: watched.problems.append(f"script error: {error}"))
        return page

    def problems(self) -> list[str]:
        return [problem for watched in self.pages for problem in watched.problems]

    async def screenshots(self, name: str) -> list[Path]:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        taken = []
        for number, watched in enumerate(self.pages):
            if not watched.page.is_closed():
                path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}-{number}.png"
                await watched.page.screenshot(path=str(path), full_page=True)
                taken.append(path)
        return taken

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2.0–2.2 A and AA rules)."""
    assert AXE.exists(), "axe-core is missing: run `make browser-tools`"
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = await page.evaluate("options => axe.run(document, options)", options)
    assert result["passes"], "axe-core checked nothing"
    return [
        {"rule": v["id"], "impact": v["impact"], "where": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


async def submit(page: Page) -> None:
    """Press the main form's button (not the header's sign-out button)."""
    await page.locator("main button[type=submit]").first.click()


async def register(page: Page, email: str, name: str, password: str = PASSWORD) -> None:
    await page.goto("/register")
    await page.fill("#display_name", name)
    await page.fill("#email", email)
    await page.fill("#password", password)
    await submit(page)
    await page.wait_for_url("**/sign-in?*")


async def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    await page.goto("/sign-in")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await submit(page)
    await page.wait_for_load_state()
    assert "/sign-in" not in page.url, await page.locator("main").inner_text()


async def onboard(
    page: Page, *, association: str, condition: str, year: str, evenings: tuple[int, ...], mentor: bool = True
) -> None:
    """Consents (all but federation matching), the association, the profile as it is, one condition, free
    evenings on the given weekdays, then yes to a mentor and the check page (or not now, and home)."""
    await page.goto("/welcome")
    for kind in ("health_data", "peer_matching", "email"):
        await page.check(f"#consent-{kind}")
    await submit(page)
    await page.get_by_label(association).check()
    await submit(page)
    await page.wait_for_url("**/welcome/profile")
    await submit(page)  # the name given at registration, the page's language, the time zone shown
    await page.wait_for_url("**/welcome/conditions")
    await page.fill("#q", condition)
    await page.locator("form[role=search] button").click()
    await page.fill("#diagnosed_year", year)
    await page.locator("main form:has(#diagnosed_year) button[type=submit]").click()
    await page.wait_for_url("**/welcome/conditions")
    await page.locator("main a.button", has_text=re.compile("Continue|Continuer")).click()
    for weekday in evenings:
        await page.check(f"#slot-{weekday}-evening")
    await submit(page)
    await page.check("#wants" if mentor else "#wants-no")
    await submit(page)
    await page.wait_for_url("**/welcome/check" if mentor else "**/home")


async def api(page: Page, path: str) -> Any:
    """A JSON call through the gateway's proxy, with this window's session (as a script of the page would)."""
    response = await page.request.get(f"/api/{path}")
    assert response.ok, (path, response.status, await response.text())
    return await response.json()


async def sign_in_as_proposed_mentor(page: Page, proposal: dict[str, Any]) -> None:
    """Sign in as the demo mentor `proposal` (the newcomer's view of it) was made to."""
    for candidate in DEMO_MENTORS:
        await sign_in(page, candidate, DEMO_PASSWORD)
        if (await api(page, "membership/me"))["member_id"] == proposal["counterpart_id"]:
            return
        await page.locator("header form[action='/sign-out'] button").click()
    raise AssertionError(f"the proposed mentor {proposal['counterpart_id']} is not a demo mentor")


def mails_to(mail_dir: Path, address: str) -> list[EmailMessage]:
    """The e-mails the platform's SMTP sink kept (files under its data folder's mail/) sent to `address`."""
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(message["To"]):
            found.append(message)  # type: ignore[arg-type]
    return found


async def mail_for(mail_dir: Path, address: str, subject: str, timeout: float = 30.0) -> EmailMessage:
    """The newest e-mail to `address` whose subject contains `subject`, once the platform's SMTP sink has it."""

    def newest() -> EmailMessage | None:
        found = [m for m in mails_to(mail_dir, address) if subject in str(m["Subject"])]
        return found[-1] if found else None

    found = await eventually(newest, until=lambda m: m is not None, timeout=timeout, interval=0.3, what=subject)
    assert found is not None
    return found


def text_of(message: EmailMessage) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
