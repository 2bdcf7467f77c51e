"""HTTP for the other services only: a person's data key, to open the sealed fields of their messages.

Guarded by the service token `MEMBER_KEYS_TOKEN` (a Kubernetes Secret shared with the consumers); without
one configured, no key is served. An erased person has no key: 404.
"""

from __future__ import annotations

import hmac
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.params import FromPath
from pydantic import BaseModel

from membership.entrypoints.http.dependencies import MemberKeysToken
from shared.errors import NotFound, Unauthorized
from shared.web.dependencies import Pool


class MemberKey(BaseModel):
    key: str  # a Fernet key: URL-safe base64 of 32 bytes


class MemberKeysController(Controller):
    path = "/internal/member-keys"
    include_in_schema = False  # not part of the public API: for the services' consumers

    @get("/{member_id:uuid}", operation_id="get_member_key", cache=False)
    async def key(
        self, member_id: FromPath[UUID], pool: Pool, member_keys_token: MemberKeysToken, request: Request[Any, Any, Any]
    ) -> MemberKey:
        """The person's data key; 404 when they have none (erased)."""
        given = request.headers.get("authorization", "").removeprefix("Bearer ")
        if member_keys_token is None or not hmac.compare_digest(given.encode(), member_keys_token.encode()):
            raise Unauthorized("this endpoint is for Fellowship's services: send the service token")
        key: bytes | None = await pool.fetchval("SELECT data_key FROM member_keys WHERE member_id = $1", member_id)
        if key is None:
            raise NotFound("no key for this person (erased, or nothing of theirs was ever sealed)")
        return MemberKey(key=bytes(key).decode())
