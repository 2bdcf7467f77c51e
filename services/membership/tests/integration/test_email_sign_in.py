"""Secrets sent by e-mail: a one-time sign-in code (the owner's way in when others' wrong passwords locked
the password path), a single-use password-reset link, and registration that reveals no one's account."""

from __future__ import annotations

from typing import Any

from ..conftest import PASSWORD, Api

NEW_PASSWORD = "a brand new passphrase for winter"


async def _mailed(api: Api, event_type: str, email: str) -> list[dict[str, Any]]:
    return [m["data"] for m in await api.messages(event_type) if m["data"]["email"] == email]


async def _code_for(api: Api, email: str) -> str:
    assert (await api.client.post("/auth/sign-in-code", json={"email": email})).status_code == 202
    code: str = (await _mailed(api, "account.sign_in_code_issued", email))[-1]["code"]
    return code


async def _reset_token_for(api: Api, email: str) -> str:
    assert (await api.client.post("/auth/password-reset", json={"email": email})).status_code == 202
    token: str = (await _mailed(api, "account.password_reset_requested", email))[-1]["token"]
    return token


async def test_registering_a_known_address_answers_the_same_and_tells_its_owner(api: Api) -> None:
    body = {"email": "camille@example.org", "password": PASSWORD, "display_name": "Camille"}
    first = await api.client.post("/auth/register", json=body)
    again = await api.client.post(
        "/auth/register", json={**body, "email": "Camille@Example.org", "password": "another passphrase entirely"}
    )

    assert (first.status_code, first.json()) == (again.status_code, again.json()) == (202, first.json())
    assert await api.pool.fetchval("SELECT count(*) FROM accounts") == 1
    warned = await _mailed(api, "account.registration_attempted", "camille@example.org")
    assert len(warned) == 1 and warned[0]["locale"] == "en"
    refused = await api.client.post(
        "/auth/login", json={"email": "camille@example.org", "password": "another passphrase entirely"}
    )
    assert refused.status_code == 401, "the second registration must not change the owner's password"


async def test_the_owner_signs_in_with_an_emailed_code_when_others_locked_the_password_out(api: Api) -> None:
    person = await api.person()
    for _ in range(5):
        await api.client.post("/auth/login", json={"email": person.email, "password": "a wrong guess by someone"})
    locked = await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})
    assert locked.status_code == 429 and "code" in locked.json()["detail"]

    code = await _code_for(api, person.email)
    signed_in = await api.client.post("/auth/sign-in-code/login", json={"email": person.email, "code": f" {code} "})

    assert signed_in.status_code == 200, signed_in.text
    me = await api.client.get("/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"})
    assert me.status_code == 200 and me.json()["member_id"] == str(person.member_id)
    # getting in by code ends the lock-out: the password works again at once
    assert (await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})).status_code == 200


async def test_a_code_works_once_and_dies_after_five_wrong_tries(api: Api) -> None:
    person = await api.person()
    code = await _code_for(api, person.email)
    login = {"email": person.email}
    assert (await api.client.post("/auth/sign-in-code/login", json={**login, "code": code})).status_code == 200
    assert (await api.client.post("/auth/sign-in-code/login", json={**login, "code": code})).status_code == 401

    code = await _code_for(api, person.email)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = await api.client.post("/auth/sign-in-code/login", json={**login, "code": wrong})
        assert response.status_code == 401
    assert (await api.client.post("/auth/sign-in-code/login", json={**login, "code": code})).status_code == 401

    newer, older = await _code_for(api, person.email), await _code_for(api, person.email)
    assert (await api.client.post("/auth/sign-in-code/login", json={**login, "code": older})).status_code == 200
    if newer != older:  # a new code replaces the one before it
        assert (await api.client.post("/auth/sign-in-code/login", json={**login, "code": newer})).status_code == 401


async def test_asking_by_e_mail_reveals_no_account_and_floods_no_mailbox(api: Api) -> None:
    person = await api.person()
    unknown = await api.client.post("/auth/sign-in-code", json={"email": "nobody@example.org"})
    known = [await api.client.post("/auth/sign-in-code", json={"email": person.email}) for _ in range(8)]
    reset_unknown = await api.client.post("/auth/password-reset", json={"email": "nobody@example.org"})

    assert {(r.status_code, r.text) for r in [unknown, *known, reset_unknown]} == {(202, unknown.text)}
    assert await _mailed(api, "account.sign_in_code_issued", "nobody@example.org") == []
    assert len(await _mailed(api, "account.sign_in_code_issued", person.email)) == 5, "five per window, no more"


async def test_a_password_reset_link_works_once_and_ends_every_session(api: Api) -> None:
    person = await api.person()
    old_tokens = await api.login(person.email)
    token = await _reset_token_for(api, person.email)

    weak = await api.client.post("/auth/password-reset/complete", json={"token": token, "password": "password123"})
    assert weak.status_code == 422 and "guess" in weak.json()["detail"], "refused, and the link stays usable"
    done = await api.client.post("/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD})
    again = await api.client.post("/auth/password-reset/complete", json={"token": token, "password": NEW_PASSWORD})

    assert done.status_code == 204, done.text
    assert again.status_code == 401 and "used already" in again.json()["detail"]
    assert (await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})).status_code == 401
    assert (
        await api.client.post("/auth/login", json={"email": person.email, "password": NEW_PASSWORD})
    ).status_code == 200
    refreshed = await api.client.post("/auth/refresh", json={"refresh_token": old_tokens["refresh_token"]})
    assert refreshed.status_code == 401, "the reset ends the sessions opened before it"
    me = await api.client.get("/me", headers={"Authorization": f"Bearer {old_tokens['access_token']}"})
    assert me.status_code == 401


async def test_a_reset_link_expires_and_a_newer_one_replaces_it(api: Api) -> None:
    person = await api.person()
    older = await _reset_token_for(api, person.email)
    newer = await _reset_token_for(api, person.email)
    body = {"password": NEW_PASSWORD}
    assert (await api.client.post("/auth/password-reset/complete", json={**body, "token": older})).status_code == 401

    await api.pool.execute("UPDATE email_challenges SET expires_at = now() - interval '1 second'")
    expired = await api.client.post("/auth/password-reset/complete", json={**body, "token": newer})
    assert expired.status_code == 401
    assert (await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})).status_code == 200


async def test_only_digests_of_the_secrets_are_kept(api: Api) -> None:
    person = await api.person()
    code = await _code_for(api, person.email)
    token = await _reset_token_for(api, person.email)
    dumped = await api.pool.fetchval("SELECT string_agg(t::text, ' ') FROM email_challenges t")
    assert code not in dumped and token not in dumped


async def test_password_guesses_from_a_shared_address_leave_the_code_path_open(api: Api) -> None:
    person = await api.person()
    for n in range(20):  # someone on the same network guesses passwords across many accounts
        await api.client.post("/auth/login", json={"email": f"guess{n}@example.org", "password": "x" * 12})
    assert (await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})).status_code == 429

    code = await _code_for(api, person.email)
    signed_in = await api.client.post("/auth/sign-in-code/login", json={"email": person.email, "code": code})

    assert signed_in.status_code == 200, signed_in.text


async def test_codes_sprayed_across_accounts_from_one_address_are_stopped(api: Api) -> None:
    people = [await api.person() for _ in range(3)]
    for person in people:
        await _code_for(api, person.email)
    statuses = [
        (await api.client.post("/auth/sign-in-code/login", json={"email": p.email, "code": f"{n:06d}"})).status_code
        for n in range(8)
        for p in people
    ]
    assert statuses.count(429) >= 4 and statuses.count(401) == 20, "twenty wrong codes per address, then 429"
