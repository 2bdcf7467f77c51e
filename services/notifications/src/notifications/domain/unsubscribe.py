"""One-click unsubscribe tokens: a member id and a category, signed with HMAC-SHA256.

A token is `<payload>.<signature>`, both unpadded URL-safe base64: the payload is the member id's 16
bytes followed by the category, the signature the HMAC-SHA256 of the payload under the service's
secret. It does not expire: an unsubscribe link in an old e-mail must keep working (RFC 8058).

The secret comes from `NOTIFICATIONS_UNSUBSCRIBE_SECRET`, or is generated once and kept in the
service's database (`adapters.unsubscribe_secret.load_or_create`), so every replica agrees. The
running service keeps it in `app.state.unsubscribe_secret`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from uuid import UUID

from notifications.domain.categories import Category, is_category

Secret = str | bytes


class InvalidUnsubscribeToken(ValueError):
    """The token is malformed, or was not signed with this secret."""


def sign(member_id: UUID, category: Category, secret: Secret) -> str:
    """The token that unsubscribes `member_id` from e-mails of `category`."""
    if not is_category(category):
        raise ValueError(f"unknown category {category!r}")
    payload = member_id.bytes + category.encode()
    return f"{_encode(payload)}.{_encode(_mac(payload, secret))}"


def verify(token: str, secret: Secret) -> tuple[UUID, Category]:
    """(member id, category) of a token signed with `secret`; raises InvalidUnsubscribeToken otherwise."""
    encoded_payload, dot, encoded_signature = token.partition(".")
    if not dot:
        raise InvalidUnsubscribeToken("not an unsubscribe token")
    payload, signature = _decode(encoded_payload), _decode(encoded_signature)
    if not hmac.compare_digest(signature, _mac(payload, secret)):
        raise InvalidUnsubscribeToken("bad signature")
    category = payload[16:].decode(errors="replace")
    if len(payload) <= 16 or not is_category(category):
        raise InvalidUnsubscribeToken("unknown category")
    return UUID(bytes=payload[:16]), category


def _mac(payload: bytes, secret: Secret) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, payload, hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidUnsubscribeToken("not an unsubscribe token") from error
