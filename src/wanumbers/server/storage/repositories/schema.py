"""The schema's revision as Alembic recorded it (readiness: migrations at head)."""

from __future__ import annotations

from wanumbers.server.storage.sql import SQL, Session

_REVISION = SQL("SELECT version_num FROM alembic_version")


async def revision(session: Session) -> str | None:
    value = await session.fetchval(_REVISION)
    return None if value is None else str(value)
