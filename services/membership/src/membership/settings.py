"""Membership's own settings, each group from its own environment prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class TokenSettings(BaseSettings):
    """Access and refresh tokens. Issuer and audience come from the shared `JWT_*` settings."""

    model_config = SettingsConfigDict(env_prefix="TOKEN_", extra="ignore")

    signing_key_path: Path | None = Field(
        default=None,
        description="PEM private key (Ed25519, EC P-256 or RSA); without it a key is generated once and kept in"
        " the database, shared by every replica",
    )
    key_encryption_key: SecretStr | None = Field(
        default=None,
        description="a Fernet key (from a Kubernetes Secret) that encrypts the signing keys kept in the database",
    )
    access_ttl_seconds: int = Field(default=300, ge=60, le=3600, description="the web client refreshes them")
    refresh_ttl_days: int = Field(default=30, ge=1, le=365)


class LoginThrottleSettings(BaseSettings):
    """Failed logins allowed per account and per client address within the window, before 429."""

    model_config = SettingsConfigDict(env_prefix="LOGIN_THROTTLE_", extra="ignore")

    window_seconds: int = 900
    per_account: int = 5
    per_address: int = 20


class EmailChallengeSettings(BaseSettings):
    """One-time secrets sent by e-mail: how long each lives, and how often one may be asked for."""

    model_config = SettingsConfigDict(env_prefix="EMAIL_CHALLENGE_", extra="ignore")

    sign_in_code_minutes: int = Field(default=15, ge=1, le=60)
    sign_in_code_attempts: int = Field(default=5, ge=1, le=10, description="wrong tries before a code is dead")
    password_reset_minutes: int = Field(default=30, ge=5, le=240)
    invitation_days: int = Field(default=14, ge=1, le=60)
    requests_per_window: int = Field(
        default=5, ge=1, description="e-mails of one kind per address in the login throttle's window"
    )
