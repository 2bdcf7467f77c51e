"""Access tokens for tests of services that verify membership's tokens, without membership running."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519

from shared.testing.token_rules import Signer
from shared.web.auth import JwtSettings, JwtValidator, LocalKeys


@dataclass
class Tokens:
    """Signs access tokens the way membership does (EdDSA, with a key id); `jwks` is its public key set."""

    key: ed25519.Ed25519PrivateKey = field(default_factory=ed25519.Ed25519PrivateKey.generate)
    kid: str = "test-key"
    settings: JwtSettings = field(default_factory=JwtSettings)

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.get_algorithm_by_name("EdDSA").to_jwk(self.key.public_key(), as_dict=True)  # type: ignore[arg-type]
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def issue(
        self,
        subject: UUID | str,
        roles: dict[str, list[str]] | None = None,
        *,
        federation_roles: Sequence[str] = (),
        lifetime: timedelta = timedelta(minutes=5),
        **overrides: Any,
    ) -> str:
        """A token for `subject`; `overrides` replace claims (e.g. `aud=`), a negative lifetime makes it expired."""
        signer = self.signer()
        claims = signer.claims(
            subject,
            exp=datetime.now(UTC) + lifetime,
            roles=roles or {},
            federation_roles=list(federation_roles),
            **overrides,
        )
        return signer.sign(claims)

    def validator(self) -> JwtValidator:
        return JwtValidator(self.settings, jwks_client=LocalKeys(self.jwks()))

    def signer(self) -> Signer:
        """This issuer's key as the token-rules contract uses it."""
        return Signer(self.key, "EdDSA", self.kid, self.jwks()["keys"][0], self.settings)


@dataclass
class Member:
    """A test person with an access token holding roles in their association."""

    member_id: UUID
    association_id: UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}
