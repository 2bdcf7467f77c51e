"""The token signing key: read from a file, or generated once and kept in the database.

Keeping a generated key in the service's own database means every replica signs with the same key
without extra set-up; production deployments can mount a key file instead (a Kubernetes Secret).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import asyncpg
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

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


async def load_or_create(pool: asyncpg.Pool) -> SigningKey:
    """The database's key; the first replica to start creates it, the others read the same one."""
    async with pool.acquire() as conn, conn.transaction():
        # One generator at a time, so two replicas starting together agree on a single key.
        await conn.execute("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
        pem: str | None = await conn.fetchval("SELECT private_pem FROM signing_keys ORDER BY created_at DESC LIMIT 1")
        if pem is None:
            pem = generate_pem().decode()
            await conn.execute(
                "INSERT INTO signing_keys (kid, private_pem) VALUES ($1, $2)", SigningKey(pem.encode()).kid, pem
            )
    return SigningKey(pem.encode())
