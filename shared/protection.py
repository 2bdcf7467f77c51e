"""Personal and health fields of messages, sealed with a key per person that erasure destroys (crypto-shredding).

A payload model names its protected fields (`MessageData.protected`: names, e-mail, ICD-10 codes, diagnosis
years, availability, birth year, gender). When membership stages such a message (`seal`), those fields leave
the payload and travel as one `sealed` value: their JSON, encrypted with Fernet (AES-128-CBC with
HMAC-SHA256) under the person's own data key, kept in membership's `member_keys` table. A consumer
(`open_payload`) fetches the key from membership (`GET /internal/member-keys/{member_id}`, with the
service token `MEMBER_KEYS_TOKEN`), keeps it in memory for `cache_seconds` at most, and decrypts before the
payload is validated.

Erasure deletes the key with the account. Every copy of the person's messages, on every topic (the member
topic for its retention, the contact topic before compaction, dead-letter topics) and in every outbox or
dead-letter table, is then unreadable: once consumers' caches expire (minutes), no one can open them. A
consumer that meets a sealed message of an erased person skips it.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from typing import Any, Protocol
from uuid import UUID

import asyncpg
import httpx
from cryptography.fernet import Fernet, InvalidToken
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.contracts.envelope import Envelope, MessageData

log = logging.getLogger(__name__)

SEALED = "sealed"


class MemberKeysSettings(BaseSettings):
    """Where consumers fetch people's data keys, and the token membership and its callers share."""

    model_config = SettingsConfigDict(env_prefix="MEMBER_KEYS_", extra="ignore")

    url: str | None = Field(
        default=None,
        description="membership's key endpoint; unset: derived from JWT_JWKS_URL (membership's own address)",
    )
    token: SecretStr | None = Field(
        default=None, description="the service token (a Kubernetes Secret) membership asks of key readers"
    )
    timeout_seconds: float = 3.0
    cache_seconds: float = Field(default=300.0, ge=0, le=1800, description="how long a fetched key is kept in memory")


class UnknownKey(Exception):
    """No key for the person: they were erased (or never had sealed data)."""


class KeySource(Protocol):
    async def key_for(self, member_id: UUID) -> bytes:
        """The person's data key; UnknownKey when there is none."""
        ...


# -- sealing (membership) -----------------------------------------------------------------------------


async def member_key(conn: asyncpg.Connection, member_id: UUID) -> bytes:
    """The person's data key from membership's `member_keys`, made on first use (in the caller's transaction)."""
    read = "SELECT data_key FROM member_keys WHERE member_id = $1"
    key: bytes | None = await conn.fetchval(read, member_id)
    if key is None:  # the first sealed message of this person; a concurrent first one may win the insert
        await conn.execute(
            "INSERT INTO member_keys (member_id, data_key) VALUES ($1, $2) ON CONFLICT (member_id) DO NOTHING",
            member_id,
            Fernet.generate_key(),
        )
        key = await conn.fetchval(read, member_id)
    assert key is not None
    return bytes(key)


async def seal(conn: asyncpg.Connection, data: MessageData) -> dict[str, Any]:
    """The payload as it travels: protected fields encrypted under the person's key as one `sealed` value."""
    payload = data.model_dump(mode="json")
    if not data.protected:
        return payload
    hidden = {name: payload.pop(name) for name in sorted(data.protected) if name in payload}
    key = await member_key(conn, UUID(payload["member_id"]))
    payload[SEALED] = Fernet(key).encrypt(json.dumps(hidden, separators=(",", ":")).encode()).decode()
    return payload


# -- opening (consumers) ------------------------------------------------------------------------------


class RemoteMemberKeys:
    """Keys fetched from membership over HTTP, kept in memory (least recently used first out) for minutes."""

    def __init__(self, settings: MemberKeysSettings, jwks_url: str, *, max_entries: int = 10_000) -> None:
        base = jwks_url.split("/.well-known/", 1)[0]
        self.url = (settings.url or f"{base}/internal/member-keys").rstrip("/")
        self.token = settings.token.get_secret_value() if settings.token else None
        self.timeout = settings.timeout_seconds
        self.cache_seconds = settings.cache_seconds
        self.max_entries = max_entries
        self._cache: OrderedDict[UUID, tuple[float, bytes]] = OrderedDict()

    async def key_for(self, member_id: UUID) -> bytes:
        cached = self._cache.get(member_id)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            self._cache.move_to_end(member_id)
            return cached[1]
        if self.token is None:
            raise RuntimeError("MEMBER_KEYS_TOKEN is not set: sealed messages cannot be opened")
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            response = await client.get(f"{self.url}/{member_id}", headers={"Authorization": f"Bearer {self.token}"})
        if response.status_code == 404:
            self._cache.pop(member_id, None)
            raise UnknownKey(str(member_id))
        if response.status_code in (401, 403):  # a setting to fix, not a bad message: it waits, retried
            log.error("membership refused this service's MEMBER_KEYS_TOKEN; set the same token on both")
            raise ConnectionError("membership refused the service token for data keys")
        if response.status_code >= 500:
            raise ConnectionError(f"membership's key endpoint answered {response.status_code}")  # retried
        response.raise_for_status()
        key = str(response.json()["key"]).encode()
        self._cache[member_id] = (time.monotonic(), key)
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)
        return key


_source: KeySource | None = None


def use_key_source(source: KeySource | None) -> None:
    """Where this process's consumers fetch keys (set when a service with consumers is built)."""
    global _source  # one source per process, like its logging configuration
    _source = source


async def open_payload(
    envelope: Envelope, model: type[MessageData], *, leave_sealed: bool = False
) -> MessageData | None:
    """The typed payload, its sealed fields opened; None when the person's key is gone (they were erased).

    `leave_sealed`: for a consumer that never reads people's protected fields (the gateway wants only who a
    fact is about) and so holds no key: the payload without them, each at its default (never the person's).
    """
    if SEALED not in envelope.data:
        return envelope.payload(model)
    if leave_sealed:
        return model.model_validate({k: v for k, v in envelope.data.items() if k != SEALED})
    if _source is None:
        raise RuntimeError("a sealed message arrived but this process has no key source")
    data = dict(envelope.data)
    member_id = UUID(str(data["member_id"]))
    try:
        key = await _source.key_for(member_id)
    except UnknownKey:
        log.info("sealed message of an erased person skipped", extra={"event_id": str(envelope.event_id)})
        return None
    try:
        hidden = json.loads(Fernet(key).decrypt(data.pop(SEALED).encode()))
    except InvalidToken as error:
        raise ValueError("the sealed fields do not open with the person's key") from error
    return model.model_validate({**data, **hidden})
