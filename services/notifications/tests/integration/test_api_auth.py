"""Every route of notifications' API wants a valid access token from membership, except the unsubscribe
link (its signed token is its own proof); anything else is a 401."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest

from shared.testing.token_rules import BAD_TOKEN_CASES, assert_refused

from .conftest import Api

UNPROTECTED = {"/health", "/ready", "/metrics", "/unsubscribe"}
OPERATIONS = {
    "list_inbox",
    "count_unread_inbox",
    "mark_inbox_entry_read",
    "mark_inbox_read",
    "stream_inbox",
    "get_preferences",
    "set_preferences",
    "set_quiet_hours",
    "clear_quiet_hours",
    "list_association_deliveries",
    "retry_failed_deliveries",
}


async def test_every_route_but_unsubscribe_needs_a_token_and_names_its_operation(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()
    operations = [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        if path not in UNPROTECTED
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]
    assert {operation["operationId"] for _, _, operation in operations} == OPERATIONS

    for method, path, operation in operations:
        assert operation["security"] == [{"bearer": []}], (method, path)
        concrete = re.sub(r"\{[^}]+\}", str(uuid4()), path)
        response = await api.client.request(method, concrete, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


async def test_unsubscribe_names_its_operations_and_wants_no_token(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()

    unsubscribe = schema["paths"]["/unsubscribe"]

    assert {unsubscribe["get"]["operationId"], unsubscribe["post"]["operationId"]} == {
        "show_unsubscribe",
        "unsubscribe",
    }
    assert "security" not in unsubscribe["get"] and "security" not in unsubscribe["post"]


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
async def test_bad_tokens_are_refused(api: Api, case: str) -> None:
    await assert_refused(api.client, "/me/inbox", case, api.tokens.signer(), uuid4())


async def test_only_the_stream_takes_the_token_in_the_query(api: Api) -> None:
    member = api.member()

    inbox = await api.client.get("/me/inbox", params={"access_token": member.token})
    stream = await api.client.get("/me/inbox/stream", params={"access_token": "not-a-jwt"})

    assert inbox.status_code == 401
    assert stream.status_code == 401 and "not valid" in stream.json()["detail"]
