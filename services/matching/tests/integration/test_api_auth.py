"""Every route of matching's API wants a valid access token from membership; anything else is a 401."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import uuid4

import jwt
import pytest

from .conftest import Api, Tokens

UNPROTECTED = {"/health", "/ready", "/metrics"}
OPERATIONS = {
    "create_request",
    "list_my_requests",
    "cancel_request",
    "list_my_proposals",
    "accept_proposal",
    "decline_proposal",
    "list_my_mentorships",
    "end_mentorship",
    "give_mentorship_feedback",
    "get_matching_weights",
    "set_matching_weights",
    "get_matching_statistics",
}


async def test_every_route_needs_a_token_and_names_its_operation(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()
    operations = [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        if path not in UNPROTECTED
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]
    assert {operation["operationId"] for _, _, operation in operations} >= OPERATIONS

    for method, path, operation in operations:
        assert operation["operationId"] and operation["security"] == [{"bearer": []}], (method, path)
        concrete = re.sub(r"\{[^}]+\}", str(uuid4()), path)
        response = await api.client.request(method, concrete, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("claims", "detail"),
    [
        ({"lifetime": timedelta(minutes=-5)}, "expired"),
        ({"aud": "somebody-else"}, "audience"),
        ({"iss": "https://impostor.example"}, "issuer"),
    ],
)
async def test_expired_or_foreign_tokens_are_refused(api: Api, claims: dict[str, object], detail: str) -> None:
    mentee = await api.member()

    response = await api.client.get("/me/requests", headers=api.headers(mentee.member_id, **claims))

    assert response.status_code == 401
    assert detail in response.json()["detail"].lower()


async def test_tokens_not_signed_by_membership_are_refused(api: Api) -> None:
    mentee = await api.member()
    forged = Tokens().issue(mentee.member_id)  # same key id, another key
    unknown_key = Tokens(kid="another").issue(mentee.member_id)
    symmetric = jwt.encode(
        {"sub": str(mentee.member_id), "aud": "fellowship", "iss": "http://127.0.0.1:8001", "exp": 9999999999},
        "a shared secret that nobody should accept",
        algorithm="HS256",
        headers={"kid": "test-key"},
    )

    for token in (forged, unknown_key, symmetric, "not-a-jwt"):
        response = await api.client.get("/me/requests", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
    basic = await api.client.get("/me/requests", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401 and "Bearer" in basic.json()["detail"]


async def test_a_subject_that_is_no_member_id_is_refused(api: Api) -> None:
    response = await api.client.get("/me/requests", headers=api.headers("not-a-uuid"))

    assert response.status_code == 401
    assert response.json()["detail"] == "the access token's subject is not a member id"


async def test_a_valid_token_is_accepted(api: Api) -> None:
    mentee = await api.member()

    response = await api.client.get("/me/requests", headers=mentee.headers)

    assert response.status_code == 200 and response.json() == []
