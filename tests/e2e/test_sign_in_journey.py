"""A person who forgot their password gets back in through their mailbox, against `make run`: a reset link
and a one-time code arrive by e-mail (membership → Kafka → notifications → SMTP), each works once, and
registering their address again tells them instead of the visitor. No copy of a secret stays in
membership's outbox."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx

from .conftest import Platform, psql_count
from .test_matching_journey import DEMO_PASSWORD, bearer, ok, soon
from .web import mails_to

PASSWORD = "a long walk on the coast"
NEW_PASSWORD = "the lighthouse keeps its watch"


def test_a_forgotten_password_is_reset_by_e_mail_and_a_code_signs_in(platform: Platform) -> None:
    ports = platform.ports
    membership = httpx.Client(base_url=f"http://127.0.0.1:{ports['membership']}", timeout=15)
    mail_dir = platform.data_dir / "mail"
    email = "noor@example.org"
    ok(membership.post("/auth/register", json={"email": email, "password": PASSWORD, "display_name": "Noor"}), 202)

    def mail(subject: str) -> object:
        found = [m for m in mails_to(mail_dir, email) if str(m["Subject"]) == subject]
        return found[-1] if found else None

    # forgotten password: a link by e-mail, though Noor has joined nothing and consented to nothing
    ok(membership.post("/auth/password-reset", json={"email": email}), 202)
    reset = soon("the reset e-mail", lambda: mail("Choose a new Fellowship password"))
    text = reset.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    link = next(word for word in text.split() if "/password-reset/new?" in word)
    assert link.startswith(f"http://127.0.0.1:{ports['gateway']}/"), link
    token = parse_qs(urlparse(link).query)["token"][0]
    ok(membership.post("/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD}), 204)
    ok(membership.post("/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD}), 401)
    ok(membership.post("/auth/login", json={"email": email, "password": NEW_PASSWORD}))

    # a one-time code instead of the password
    ok(membership.post("/auth/sign-in-code", json={"email": email}), 202)
    code_mail = soon("the sign-in code", lambda: mail("Your Fellowship sign-in code"))
    assert code_mail["List-Unsubscribe"] is None  # type: ignore[index]
    code = re.search(r"\b(\d{6})\b", code_mail.get_body(("plain",)).get_content()).group(1)  # type: ignore[attr-defined, union-attr]
    ok(membership.post("/auth/sign-in-code/login", json={"email": email, "code": code}))
    ok(membership.post("/auth/sign-in-code/login", json={"email": email, "code": code}), 401)

    # someone registers the address again: the same answer, and Noor is told
    again = {"email": email, "password": "someone else's idea", "display_name": "Not Noor"}
    ok(membership.post("/auth/register", json=again), 202)
    soon("the warning", lambda: mail("You already have a Fellowship account"))

    kept = psql_count(ports, "membership", "SELECT count(*) FROM outbox WHERE topic = 'membership.account.v1'")
    assert kept == 0, "published secrets must not stay in membership's outbox"


def test_a_demoted_admin_is_refused_everywhere_within_five_seconds(platform: Platform) -> None:
    ports = platform.ports
    membership, matching, notifications = (
        httpx.Client(base_url=f"http://127.0.0.1:{ports[name]}", timeout=15)
        for name in ("membership", "matching", "notifications")
    )
    email = "rosa@example.org"
    ok(membership.post("/auth/register", json={"email": email, "password": PASSWORD, "display_name": "Rosa"}), 202)
    rosa = bearer(membership, email, PASSWORD)
    associations = ok(membership.get("/associations", headers=rosa))
    chronic_pain = next(a["association_id"] for a in associations if a["slug"] == "chronic-pain")
    ok(membership.post(f"/associations/{chronic_pain}/join", headers=rosa), 201)
    nadia = bearer(membership, "nadia@example.org", DEMO_PASSWORD)
    ok(membership.post(f"/associations/{chronic_pain}/admins", json={"email": email}, headers=nadia))
    as_admin = bearer(membership, email, PASSWORD)
    rosa_id = ok(membership.get("/me", headers=as_admin))["member_id"]
    statistics, deliveries = f"/associations/{chronic_pain}/statistics", f"/associations/{chronic_pain}/deliveries"
    ok(matching.get(statistics, headers=as_admin))
    ok(notifications.get(deliveries, headers=as_admin))

    ok(
        membership.put(
            f"/associations/{chronic_pain}/members/{rosa_id}/roles", json={"roles": ["member"]}, headers=nadia
        )
    )

    def refused() -> object:
        codes = (
            matching.get(statistics, headers=as_admin).status_code,
            notifications.get(deliveries, headers=as_admin).status_code,
        )
        return codes if codes == (401, 401) else None

    soon("the demoted admin's token refused by matching and notifications", refused, timeout=5)
    as_member = bearer(membership, email, PASSWORD)
    assert matching.get(statistics, headers=as_member).status_code == 403
    assert notifications.get(deliveries, headers=as_member).status_code == 403
