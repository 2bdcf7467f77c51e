"""`fellowship-membership migrate | serve | seed-demo | create-federation-admin`."""

from __future__ import annotations

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from membership.bootstrap import SPEC, MembershipSettings, bootstrap, rotate_signing_key, seed_demo
from membership.domain.accounts import Registration
from membership.service_layer.federation import ensure_federation_admin
from shared.db.pool import create_pool
from shared.service import run_cli


class FederationAdminSettings(BaseSettings):
    """The operator's first federation admin, from FEDERATION_ADMIN_EMAIL and FEDERATION_ADMIN_PASSWORD."""

    model_config = SettingsConfigDict(env_prefix="FEDERATION_ADMIN_", extra="ignore")

    email: str
    password: SecretStr
    display_name: str = "Federation admin"


async def create_federation_admin(settings: MembershipSettings) -> None:
    """Create the account if it is missing (password rules apply) and grant it `federation_admin`."""
    try:
        wanted = FederationAdminSettings()  # type: ignore[call-arg]  # read from the environment
        registration = Registration.model_validate(
            {"email": wanted.email, "password": wanted.password, "display_name": wanted.display_name}
        )
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors())
        raise SystemExit(f"set FEDERATION_ADMIN_EMAIL and FEDERATION_ADMIN_PASSWORD: {problems}") from error
    pool = await create_pool(settings.database.url)
    try:
        admin = await ensure_federation_admin(pool, registration)
    finally:
        await pool.close()
    done = "created and granted" if admin.created else "granted to the existing account (password unchanged)"
    print(f"federation admin {registration.email}: {done}")


def main() -> None:
    run_cli(
        SPEC,
        bootstrap,
        settings_type=MembershipSettings,
        extra_commands={
            "seed-demo": seed_demo,
            "create-federation-admin": create_federation_admin,
            "rotate-signing-key": rotate_signing_key,
        },
    )
