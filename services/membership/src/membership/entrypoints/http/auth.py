"""HTTP: register, log in, refresh, log out, and the public keys other services verify tokens with."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from pydantic import BaseModel, ConfigDict, Field

from membership.adapters.tokens import TokenPair
from membership.domain.accounts import Registration
from membership.entrypoints.http.dependencies import Auth
from membership.service_layer import auth
from shared.web.dependencies import Pool


class Registered(BaseModel):
    member_id: UUID


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class RefreshTokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=256)


class Tokens(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int = Field(description="seconds until the access token expires")
    refresh_token: str


def _tokens(pair: TokenPair) -> Tokens:
    return Tokens(access_token=pair.access_token, expires_in=pair.expires_in, refresh_token=pair.refresh_token)


class AuthController(Controller):
    path = "/auth"
    tags = ["accounts"]

    @post("/register", operation_id="register")
    async def register(self, data: JSONBody[Registration], pool: Pool) -> Registered:
        """Create an account with e-mail and password; then log in and join an association."""
        return Registered(member_id=await auth.register(pool, data))

    @post("/login", operation_id="login", status_code=HTTP_200_OK)
    async def login(
        self, data: JSONBody[Credentials], pool: Pool, auth_config: Auth, request: Request[Any, Any, Any]
    ) -> Tokens:
        """A short-lived access token and a refresh token."""
        address = request.client.host if request.client else "unknown"
        return _tokens(await auth.login(pool, auth_config, data.email, data.password, address))

    @post("/refresh", operation_id="refresh", status_code=HTTP_200_OK)
    async def refresh(self, data: JSONBody[RefreshTokenBody], pool: Pool, auth_config: Auth) -> Tokens:
        """A new token pair; the refresh token sent is used up."""
        return _tokens(await auth.refresh(pool, auth_config, data.refresh_token))

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, data: JSONBody[RefreshTokenBody], pool: Pool) -> None:
        """Revoke the refresh token."""
        await auth.logout(pool, data.refresh_token)


class JwksController(Controller):
    path = "/.well-known"
    tags = ["accounts"]

    @get("/jwks.json", operation_id="jwks", sync_to_thread=False, cache=60)
    def jwks(self, auth_config: Auth) -> dict[str, Any]:
        """The public keys that verify access tokens."""
        return auth_config.keys.jwks()
