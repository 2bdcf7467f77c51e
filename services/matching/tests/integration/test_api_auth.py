"""Every route of matching's API wants a valid access token from membership; anything else is a 401."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest

from shared.testing.token_rules import BAD_TOKEN_CASES, assert_refused

from .conftest import Api

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


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
async def test_bad_tokens_are_refused(api: Api, case: str) -> None:
    mentee = await api.member()

    await assert_refused(api.client, "/me/requests", case, api.tokens.signer(), mentee.member_id)


async def test_a_valid_token_is_accepted(api: Api) -> None:
    mentee = await api.member()

    response = await api.client.get("/me/requests", headers=mentee.headers)

    assert response.status_code == 200 and response.json() == []
