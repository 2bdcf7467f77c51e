"""SQL for associations."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.domain.associations import Association, AssociationSettings, NewAssociation, SlugTaken

_COLUMNS = "association_id, name, slug, default_locale, time_zone, languages, requires_approval, federation_matching"


def _association(row: asyncpg.Record) -> Association:
    return Association.model_validate({**dict(row), "languages": list(row["languages"])})


async def insert_association(conn: asyncpg.Connection, association_id: UUID, new: NewAssociation) -> Association:
    try:
        row = await conn.fetchrow(
            f"INSERT INTO associations ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}",
            association_id,
            new.name,
            new.slug,
            new.default_locale,
            new.time_zone,
            new.languages,
            new.requires_approval,
            new.federation_matching,
        )
    except asyncpg.UniqueViolationError as error:
        raise SlugTaken(new.slug) from error
    assert row is not None
    return _association(row)


async def get_association(conn: asyncpg.Connection, association_id: UUID) -> Association | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM associations WHERE association_id = $1", association_id)
    return None if row is None else _association(row)


async def list_associations(conn: asyncpg.Connection) -> list[Association]:
    return [_association(row) for row in await conn.fetch(f"SELECT {_COLUMNS} FROM associations ORDER BY name")]


async def update_association(
    conn: asyncpg.Connection, association_id: UUID, values: AssociationSettings
) -> Association:
    row = await conn.fetchrow(
        "UPDATE associations SET name = $2, default_locale = $3, time_zone = $4, languages = $5,"
        f" requires_approval = $6, federation_matching = $7, updated_at = now() WHERE association_id = $1"
        f" RETURNING {_COLUMNS}",
        association_id,
        values.name,
        values.default_locale,
        values.time_zone,
        values.languages,
        values.requires_approval,
        values.federation_matching,
    )
    assert row is not None
    return _association(row)
