"""The composition root of membership: settings, pool, signing key, HTTP routes, relay."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import asyncpg

from membership.adapters import signing_keys
from membership.adapters.tokens import AccessTokenIssuer
from membership.demo import DEMO_EMAILS, DEMO_PASSWORD, load_demo_data
from membership.entrypoints.http import ROUTES
from membership.entrypoints.http.dependencies import DEPENDENCIES, MembershipDependencies
from membership.service_layer.auth import AuthConfig
from membership.settings import EmailChallengeSettings, LoginThrottleSettings, TokenSettings
from shared.contracts import Topic
from shared.db.pool import create_pool
from shared.sealing import Sealer
from shared.service import Service, ServiceSettings, ServiceSpec, build_service, open_pool
from shared.web.auth import JwtValidator, LocalKeys

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SPEC = ServiceSpec(
    name="membership",
    migrations=MIGRATIONS,
    route_handlers=ROUTES,
    dependencies=DEPENDENCIES,
    publishes=[Topic.MEMBER, Topic.CONTACT, Topic.ACCOUNT],
    description="People, associations, roles, condition profiles, availability and consent; issues access tokens.",
)
NAME = SPEC.name


@dataclass
class MembershipSettings(ServiceSettings):
    tokens: TokenSettings = field(default_factory=TokenSettings)
    login_throttle: LoginThrottleSettings = field(default_factory=LoginThrottleSettings)
    email_challenges: EmailChallengeSettings = field(default_factory=EmailChallengeSettings)


def sealer(settings: MembershipSettings) -> Sealer:
    configured = settings.tokens.key_encryption_key
    return Sealer(None if configured is None else configured.get_secret_value(), setting="TOKEN_KEY_ENCRYPTION_KEY")


async def auth_config(pool: asyncpg.Pool, settings: MembershipSettings) -> AuthConfig:
    """The token issuer with its key (from the file given, else the database's own, newest first)."""
    path = settings.tokens.signing_key_path
    keep = timedelta(seconds=settings.tokens.access_ttl_seconds + settings.jwt.leeway_seconds + 60)
    if path:
        ring = signing_keys.KeyRing([signing_keys.load_from_file(path)])
    else:
        ring = await signing_keys.load_or_create(pool, sealer(settings), keep=keep)
    return AuthConfig(
        issuer=AccessTokenIssuer(ring.signing, settings.jwt, settings.tokens.access_ttl_seconds),
        keys=ring,
        refresh_ttl=timedelta(days=settings.tokens.refresh_ttl_days),
        throttle=settings.login_throttle,
        challenges=settings.email_challenges,
    )


async def bootstrap(settings: MembershipSettings) -> Service[MembershipDependencies]:
    pool = await open_pool(settings, SPEC)
    try:
        config = await auth_config(pool, settings)
    except BaseException:
        await pool.close()
        raise
    # Membership checks the tokens it signs with its own key set: no HTTP call to itself.
    validator = JwtValidator(settings.jwt, jwks_client=LocalKeys(config.keys.jwks()))
    token = settings.member_keys.token
    dependencies = MembershipDependencies(
        pool=pool,
        jwt_validator=validator,
        auth=config,
        member_keys_token=None if token is None else token.get_secret_value(),
    )
    return build_service(SPEC, settings, dependencies)


async def rotate_signing_key(settings: MembershipSettings) -> None:
    """Add a new signing key: it signs once the replicas start again, the previous one stays published."""
    pool = await create_pool(settings.database.url)
    try:
        kid = await signing_keys.rotate(pool, sealer(settings))
    finally:
        await pool.close()
    print(f"new signing key {kid}: restart the membership replicas (one by one) to sign with it")


async def seed_demo(settings: ServiceSettings) -> None:
    """Load the demo data set; safe to run on every start."""
    pool = await create_pool(settings.database.url)
    try:
        created = await load_demo_data(pool)
    finally:
        await pool.close()
    print(f"demo data: {created} people created")
    print(f"demo accounts: {', '.join(DEMO_EMAILS)} — password {DEMO_PASSWORD}")
