"""HTTP: register, log in (by password or an e-mailed code), reset a password, refresh, log out, and the public
keys other services verify tokens with."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from pydantic import BaseModel, ConfigDict, Field

from membership.adapters.tokens import TokenPair
from membership.domain.accounts import Registration
from membership.entrypoints.http.dependencies import Auth
from membership.service_layer import auth, email_sign_in, member_import
from shared.web.dependencies import Pool


class Accepted(BaseModel):
    """The same answer whether or not the address has an account: what happens next comes by e-mail."""

    message: str


REGISTERED = Accepted(
    message="thank you; if this address already has an account we e-mailed its owner, otherwise you can log in now"
)
MAILED = Accepted(message="if this address has an account, we sent an e-mail to it; it may take a few minutes")


class EmailAddress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)


class CodeCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    code: str = Field(min_length=1, max_length=32, description="the code from the e-mail (paste is fine)")


class NewPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=256, description="the token of the e-mailed link")
    password: str = Field(min_length=1, max_length=1024)


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

    @post("/register", operation_id="register", status_code=HTTP_202_ACCEPTED)
    async def register(self, data: JSONBody[Registration], pool: Pool, auth_config: Auth) -> Accepted:
        """Create an account with e-mail and password; then log in and join an association. An address that
        already has an account gets the same answer, and its owner an e-mail."""
        await auth.register(pool, auth_config, data)
        return REGISTERED

    @post("/login", operation_id="login", status_code=HTTP_200_OK)
    async def login(
        self, data: JSONBody[Credentials], pool: Pool, auth_config: Auth, request: Request[Any, Any, Any]
    ) -> Tokens:
        """A short-lived access token and a refresh token."""
        address = request.client.host if request.client else "unknown"
        return _tokens(await auth.login(pool, auth_config, data.email, data.password, address))

    @post("/sign-in-code", operation_id="request_sign_in_code", status_code=HTTP_202_ACCEPTED)
    async def request_sign_in_code(self, data: JSONBody[EmailAddress], pool: Pool, auth_config: Auth) -> Accepted:
        """E-mail a one-time sign-in code (instead of the password), if the address has an account."""
        await email_sign_in.request_sign_in_code(pool, auth_config, data.email)
        return MAILED

    @post("/sign-in-code/login", operation_id="login_with_code", status_code=HTTP_200_OK)
    async def login_with_code(
        self, data: JSONBody[CodeCredentials], pool: Pool, auth_config: Auth, request: Request[Any, Any, Any]
    ) -> Tokens:
        """Tokens for the e-mailed code; a code works once, for a few minutes."""
        address = request.client.host if request.client else "unknown"
        return _tokens(await email_sign_in.sign_in_with_code(pool, auth_config, data.email, data.code, address))

    @post("/password-reset", operation_id="request_password_reset", status_code=HTTP_202_ACCEPTED)
    async def request_password_reset(self, data: JSONBody[EmailAddress], pool: Pool, auth_config: Auth) -> Accepted:
        """E-mail a single-use link to choose a new password, if the address has an account."""
        await email_sign_in.request_password_reset(pool, auth_config, data.email)
        return MAILED

    @post("/password-reset/complete", operation_id="reset_password", status_code=HTTP_204_NO_CONTENT)
    async def reset_password(self, data: JSONBody[NewPassword], pool: Pool) -> None:
        """Choose a new password with the link's token; every session of the account ends."""
        await email_sign_in.reset_password(pool, data.token, data.password)

    @post("/refresh", operation_id="refresh", status_code=HTTP_200_OK)
    async def refresh(self, data: JSONBody[RefreshTokenBody], pool: Pool, auth_config: Auth) -> Tokens:
        """A new token pair; the refresh token sent is used up."""
        return _tokens(await auth.refresh(pool, auth_config, data.refresh_token))

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, data: JSONBody[RefreshTokenBody], pool: Pool) -> None:
        """Revoke the refresh token."""
        await auth.logout(pool, data.refresh_token)


class InvitationAcceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=256, description="the token of the e-mailed invitation link")
    password: str | None = Field(
        default=None, min_length=1, max_length=1024, description="required when the address has no account yet"
    )


class JoinedByInvitation(BaseModel):
    association_id: UUID
    new_account: bool = Field(description="whether accepting created the account (log in with the new password)")


class InvitationController(Controller):
    path = "/invitations"
    tags = ["accounts"]

    @post("/accept", operation_id="accept_invitation", status_code=HTTP_200_OK)
    async def accept(self, data: JSONBody[InvitationAcceptance], pool: Pool) -> JoinedByInvitation:
        """Join the association that invited this address, once; a new account also chooses its password."""
        accepted = await member_import.accept_invitation(pool, data.token, data.password)
        return JoinedByInvitation(association_id=accepted.association_id, new_account=accepted.new_account)


class JwksController(Controller):
    path = "/.well-known"
    tags = ["accounts"]

    @get("/jwks.json", operation_id="jwks", sync_to_thread=False, cache=60)
    def jwks(self, auth_config: Auth) -> dict[str, Any]:
        """The public keys that verify access tokens."""
        return auth_config.keys.jwks()
