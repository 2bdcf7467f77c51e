"""Use cases: a federation admin creates associations; their admins (or a federation admin) edit the settings."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
from pydantic import ValidationError

from membership.adapters import associations
from membership.domain.access import Actor
from membership.domain.associations import (
    Association,
    AssociationSettings,
    AssociationUpdate,
    NewAssociation,
    SlugTaken,
)
from membership.service_layer.memberships import existing_association
from shared.errors import Conflict, InvalidInput


async def create(
    pool: asyncpg.Pool, actor: Actor, new: NewAssociation, *, association_id: UUID | None = None
) -> Association:
    """A new association (Conflict when the slug is taken). It has no admin until a federation admin appoints one."""
    actor.require_federation_admin()
    async with pool.acquire() as conn:
        try:
            return await associations.insert_association(conn, association_id or uuid4(), new)
        except SlugTaken as error:
            raise Conflict(f"an association with the slug {new.slug!r} already exists; choose another") from error


async def list_all(pool: asyncpg.Pool) -> list[Association]:
    async with pool.acquire() as conn:
        return await associations.list_associations(conn)


async def get(pool: asyncpg.Pool, association_id: UUID) -> Association:
    async with pool.acquire() as conn:
        return await existing_association(conn, association_id)


async def update(pool: asyncpg.Pool, actor: Actor, association_id: UUID, changes: AssociationUpdate) -> Association:
    """Change the fields given; the others stay as they are."""
    actor.require_admin_or_federation_admin(association_id)
    async with pool.acquire() as conn, conn.transaction():
        current = await existing_association(conn, association_id)
        settings = _apply(current, changes)
        return await associations.update_association(conn, association_id, settings)


def _apply(current: Association, changes: AssociationUpdate) -> AssociationSettings:
    values = current.model_dump(include=set(AssociationSettings.model_fields)) | changes.model_dump(exclude_unset=True)
    try:
        return AssociationSettings.model_validate(values)
    except ValidationError as error:
        problems = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in error.errors()]
        raise InvalidInput(
            "some settings cannot be empty; leave out the ones you do not change", extra=problems
        ) from error
