"""The token signing keys: read from a file, or generated and kept in the database, encrypted at rest.

Keeping generated keys in the service's own database means every replica signs with the same key without
extra set-up; production deployments can mount a key file instead (a Kubernetes Secret). With
`TOKEN_KEY_ENCRYPTION_KEY` (a Fernet key from the environment, e.g. a Kubernetes Secret) the private keys
are stored encrypted; the database alone cannot sign a token.

Rotation without downtime (`fellowship-membership rotate-signing-key`): a new key is added and signs
after the next start; the previous one stays published (two keys in the JWKS) until its tokens expired.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from shared.sealing import Sealer

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class SigningKey:
    """A private key with its key id, JWS algorithm and public JWK."""

    def __init__(self, private_pem: bytes) -> None:
        key = serialization.load_pem_private_key(private_pem, password=None)
        if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError("the signing key must be Ed25519, EC P-256 or RSA")
        self.private_key: PrivateKey = key
        public_der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = hashlib.sha256(public_der).hexdigest()[:16]
        self.algorithm = _algorithm(key)

    def public_jwk(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        jwk: dict[str, Any] = algorithm.to_jwk(self.private_key.public_key(), as_dict=True)  # type: ignore[arg-type]
        return {**jwk, "kid": self.kid, "alg": self.algorithm, "use": "sig"}

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk()]}


def _algorithm(key: PrivateKey) -> str:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "EdDSA"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name != "secp256r1":
            raise ValueError("EC signing keys must use P-256 (ES256)")
        return "ES256"
    return "RS256"


def generate_pem() -> bytes:
    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_from_file(path: Path) -> SigningKey:
    return SigningKey(path.read_bytes())


class KeyRing:
    """The key that signs (the newest) and every key still published to verify tokens."""

    def __init__(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("a key ring needs a key")
        self.signing = keys[0]
        self.published = keys

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk() for key in self.published]}


async def _insert(conn: asyncpg.Connection, sealer: Sealer) -> None:
    pem = generate_pem()
    await conn.execute(
        "INSERT INTO signing_keys (kid, private_pem) VALUES ($1, $2)", SigningKey(pem).kid, sealer.seal(pem)
    )


async def load_or_create(pool: asyncpg.Pool, sealer: Sealer, *, keep: timedelta) -> KeyRing:
    """The database's keys, newest first (the first replica to start creates one; plaintext keys of an
    earlier version are sealed now when a key is configured). Keys replaced more than `keep` ago are no
    longer published."""
    async with pool.acquire() as conn, conn.transaction():
        # One generator at a time, so two replicas starting together agree on a single key.
        await conn.execute("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
        rows = await conn.fetch("SELECT kid, private_pem, created_at FROM signing_keys ORDER BY created_at DESC")
        if not rows:
            await _insert(conn, sealer)
            rows = await conn.fetch("SELECT kid, private_pem, created_at FROM signing_keys ORDER BY created_at DESC")
        keys = []
        for index, row in enumerate(rows):
            pem = sealer.open(row["private_pem"])
            if sealer.encrypts and not row["private_pem"].startswith(Sealer.PREFIX):
                await conn.execute(
                    "UPDATE signing_keys SET private_pem = $2 WHERE kid = $1", row["kid"], sealer.seal(pem)
                )
            # a key stays published while tokens it signed may live: until `keep` after its successor came
            if index == 0 or rows[index - 1]["created_at"] > datetime.now(UTC) - keep:
                keys.append(SigningKey(pem))
    return KeyRing(keys)


async def rotate(pool: asyncpg.Pool, sealer: Sealer) -> str:
    """Add a new key (it signs once the replicas start again); its key id."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
        await _insert(conn, sealer)
        kid: str = await conn.fetchval("SELECT kid FROM signing_keys ORDER BY created_at DESC LIMIT 1")
    return kid
