"""Secrets kept in a service's own database (token signing keys, the unsubscribe secret), encrypted at rest
with a key from the environment (a Kubernetes Secret), so the database alone gives none of them away."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class Sealer:
    """Encrypts secrets at rest with a Fernet key from the environment (none: stored as they are)."""

    PREFIX = "fernet:"

    def __init__(self, key: str | None, *, setting: str) -> None:
        self._fernet = None if not key else Fernet(key.encode())
        self.setting = setting  # the environment variable that holds the key, for error messages

    @property
    def encrypts(self) -> bool:
        return self._fernet is not None

    def seal(self, secret: bytes) -> str:
        return secret.decode() if self._fernet is None else self.PREFIX + self._fernet.encrypt(secret).decode()

    def open(self, stored: str) -> bytes:
        if not stored.startswith(self.PREFIX):
            return stored.encode()
        if self._fernet is None:
            raise RuntimeError(
                "the signing keys are encrypted: set TOKEN_KEY_ENCRYPTION_KEY to the key that sealed them"
            )
        try:
            return self._fernet.decrypt(stored[len(self.PREFIX) :].encode())
        except InvalidToken as error:
            raise RuntimeError(f"{self.setting} is not the key that sealed the stored secrets") from error
