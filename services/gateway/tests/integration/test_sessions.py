"""Browser sessions over real HTTP and a real database: never a client-chosen id, a new id at sign-in, CSRF
bound to the session, no unsafe request from another site, sign-out and membership's facts end sessions,
and rate limits per member."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import uuid4

from gateway.adapters import sessions
from gateway.adapters.rate_limits import PageCounter
from gateway.domain.sessions import id_hash
from gateway.service_layer.revocations import apply_session_fact
from shared.contracts.membership import MemberErased, RolesChanged, SessionsRevoked

from .conftest import Gateway

CHOSEN = "attacker-chosen-session-id-0123456789abcdef"


def csrf_of(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', html)
    assert found, html
    return found.group(1)


async def test_a_session_id_the_server_did_not_issue_is_never_adopted(gateway: Gateway) -> None:
    gateway.client.cookies.set("fellowship_session", CHOSEN)

    page = await gateway.client.get("/sign-in")

    issued = page.cookies.get("fellowship_session")
    assert issued and issued != CHOSEN, "a fresh id replaces the one the browser chose"
    assert await gateway.pool.fetchval("SELECT count(*) FROM sessions WHERE id_hash = $1", id_hash(CHOSEN)) == 0
    assert "httponly" in page.headers["set-cookie"].lower() and "samesite=lax" in page.headers["set-cookie"].lower()


async def test_signing_in_issues_a_new_id_and_the_old_one_stops_working(gateway: Gateway) -> None:
    await gateway.client.get("/sign-in")
    anonymous = gateway.session_cookie()

    await gateway.sign_in()

    signed_in = gateway.session_cookie()
    assert signed_in != anonymous
    now = gateway.service.dependencies.clock()
    assert await sessions.load(gateway.pool, anonymous, now) is None
    assert (await sessions.load(gateway.pool, signed_in, now)) is not None
    assert await gateway.pool.fetchval("SELECT count(*) FROM sessions WHERE id_hash = $1", signed_in.encode()) == 0


async def test_a_copy_of_the_sessions_table_gives_away_no_token(gateway: Gateway) -> None:
    await gateway.sign_in()
    issued = gateway.recorder.pair()  # what membership hands out: a bearer token and a refresh token
    now = gateway.service.dependencies.clock()
    session = await sessions.load(gateway.pool, gateway.session_cookie(), now)
    assert session is not None and session.tokens is not None, "the session works with its cookie"

    row = await gateway.pool.fetchval("SELECT row_to_json(s)::text FROM sessions s")

    assert session.tokens.access_token not in row and session.tokens.refresh_token not in row
    assert issued["access_token"].split(".")[0] not in row, "not even the token's header is stored in clear"

    await gateway.pool.execute("UPDATE sessions SET access_token = 'not-sealed-by-this-session'")
    assert await sessions.load(gateway.pool, gateway.session_cookie(), now) is None, "an unreadable row: sign in"


async def test_an_unsafe_request_needs_the_token_of_its_own_session(gateway: Gateway) -> None:
    mine = csrf_of((await gateway.client.get("/sign-in")).text)
    async with gateway.browser() as other:
        theirs = csrf_of((await other.get("/sign-in")).text)
    form = {"email": "ada@example.org", "password": "a long walk"}

    assert (await gateway.client.post("/sign-in", data=form)).status_code == 403
    assert (await gateway.client.post("/sign-in", data={**form, "_csrf_token": theirs})).status_code == 403
    assert (await gateway.client.post("/sign-in", data=form, headers={"X-CSRF-Token": mine})).status_code == 303


async def test_a_form_posted_from_another_site_is_refused_even_with_the_token(gateway: Gateway) -> None:
    token = csrf_of((await gateway.client.get("/sign-in")).text)
    form = {"email": "ada@example.org", "password": "a long walk", "_csrf_token": token}

    for site in ("cross-site", "same-site"):  # another port of this host is the same *site* to a browser
        refused = await gateway.client.post("/sign-in", data=form, headers={"Sec-Fetch-Site": site})
        assert refused.status_code == 403, site
    accepted = await gateway.client.post("/sign-in", data=form, headers={"Sec-Fetch-Site": "same-origin"})
    assert accepted.status_code == 303


async def test_signing_out_ends_the_session_here_and_at_membership(gateway: Gateway) -> None:
    await gateway.sign_in()
    cookie = gateway.session_cookie()
    token = csrf_of((await gateway.client.get("/my-data")).text)

    await gateway.client.post("/sign-out", data={"_csrf_token": token})

    assert gateway.recorder.seen[-1]["path"] == "/auth/logout"
    assert await sessions.load(gateway.pool, cookie, gateway.service.dependencies.clock()) is None
    assert (await gateway.client.get("/my-data")).status_code == 303


async def test_membership_facts_refresh_or_end_the_persons_sessions(gateway: Gateway) -> None:
    await gateway.sign_in()
    member_id = gateway.recorder.member_id
    refreshes = gateway.recorder.refreshes

    async with gateway.pool.acquire() as conn:  # as the consumer applies them, one transaction each
        await apply_session_fact(conn, SessionsRevoked(member_id=member_id, revoked_at=datetime.now(UTC)))
    assert (await gateway.client.get("/api/notifications/me/inbox")).status_code == 200
    assert gateway.recorder.refreshes == refreshes + 1, "a revoked access token is replaced before the next call"

    async with gateway.pool.acquire() as conn:
        await apply_session_fact(
            conn, MemberErased(member_id=member_id, association_id=gateway.recorder.association_id)
        )
    assert await gateway.pool.fetchval("SELECT count(*) FROM sessions WHERE member_id = $1", member_id) == 0
    assert (await gateway.client.get("/api/notifications/me/inbox")).status_code == 401


async def test_a_role_given_by_an_admin_reaches_the_persons_open_session(gateway: Gateway) -> None:
    await gateway.sign_in()
    before = gateway.session_cookie()
    recorder = gateway.recorder
    recorder.roles = ["member", "admin"]  # what membership's next token says, once the admin appointed them
    gained = RolesChanged(member_id=recorder.member_id, association_id=recorder.association_id, roles=recorder.roles)

    async with gateway.pool.acquire() as conn:
        await apply_session_fact(conn, gained)
    assert (await gateway.client.get("/api/notifications/me/inbox")).status_code == 200

    session = await sessions.load(gateway.pool, gateway.session_cookie(), gateway.service.dependencies.clock())
    assert session is not None and "admin" in session.roles["associations"][str(recorder.association_id)]
    assert gateway.session_cookie() != before, "a change of roles gives the session a new id"


async def test_each_member_has_their_own_rate_limit(gateway: Gateway) -> None:
    gateway.service.dependencies.rate_limits["page"] = 4
    await gateway.sign_in()
    async with gateway.browser() as other:
        await gateway.sign_in(f"{uuid4()}@example.org", other)
        statuses = [(await gateway.client.get("/api/notifications/me/inbox")).status_code for _ in range(6)]
        assert statuses[:4] == [200] * 4 and statuses[4:] == [429, 429], statuses
        assert (await other.get("/api/notifications/me/inbox")).status_code == 200, "another member is not held up"
    limited = await gateway.client.get("/api/notifications/me/inbox")
    assert limited.headers["retry-after"] == "60"


async def test_replicas_count_pages_together_within_a_flush(gateway: Gateway) -> None:
    one, other = PageCounter(gateway.pool), PageCounter(gateway.pool)  # two replicas' counters, one database
    key, now = f"page:member:{uuid4()}", datetime.now(UTC)
    for _ in range(3):
        one.hit(key, now)
    await one.flush()

    assert other.hit(key, now) == 1, "before its flush a replica knows only its own requests"
    await other.flush()
    assert other.hit(key, now) == 5, "after it, every replica's: 3 + 1 + this one"
    assert await gateway.pool.fetchval("SELECT hits FROM rate_counters WHERE key = $1", key) == 4


async def test_while_the_gateways_database_is_down_pages_say_so_and_then_work_again(gateway: Gateway) -> None:
    await gateway.sign_in()
    await gateway.database_link.cut()  # every connection dropped, new ones refused
    try:
        for path in ("/", "/my-data"):
            page = await gateway.client.get(path)
            assert page.status_code == 503, (path, page.status_code, page.text[:200])
            assert "not available right now" in page.text and "<main" in page.text, path
            assert page.headers["retry-after"], path
        missing = await gateway.client.get("/no-such-page")  # no route, so no session to load: still a page
        assert missing.status_code == 404 and "Page not found" in missing.text
        async with gateway.browser() as stranger:  # no session yet: the one its page needs cannot be stored
            assert (await stranger.get("/sign-in")).status_code == 503
    finally:
        await gateway.database_link.restore()

    assert (await gateway.client.get("/my-data")).status_code == 200, "the same session works once it is back"
