"""Callback profiles, each owned by one account: every read names the owner, so another account's
profile id is simply not found."""

from __future__ import annotations

from wanumbers.server.domain.callback_profiles import CallbackProfile
from wanumbers.server.storage.sql import SQL, Row, Session, from_json, maybe_timestamp, to_json

_COLUMNS = (
    "id, account_id, title, url, http_method, headers, body, response_message, channel, events,"
    " created_at, modified_at, secret_generation"
)
_INSERT = SQL(
    """INSERT INTO callback_profiles (id, account_id, title, url, http_method, headers, body,
    response_message, channel, events, created_at, modified_at)
    VALUES (:id, :account_id, :title, :url, :http_method, :headers, :body, :response_message, :channel,
    :events, :created_at, :modified_at)"""
)
_UPDATE = SQL(
    """UPDATE callback_profiles SET title = :title, url = :url, http_method = :http_method,
    headers = :headers, body = :body, response_message = :response_message, channel = :channel,
    events = :events, modified_at = :modified_at WHERE id = :id AND account_id = :account_id"""
)
_OWNED = SQL(f"SELECT {_COLUMNS} FROM callback_profiles WHERE id = :id AND account_id = :account_id")
_OWNED_MANY = SQL(
    f"""SELECT {_COLUMNS} FROM callback_profiles WHERE account_id = :account_id AND id IN (:first, :second)"""
)
_PAGE = SQL(
    f"""SELECT {_COLUMNS} FROM callback_profiles WHERE account_id = :account_id
    ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset"""
)
_PAGE_TITLED = SQL(
    f"""SELECT {_COLUMNS} FROM callback_profiles WHERE account_id = :account_id
    AND LOWER(title) LIKE :pattern ESCAPE '!' ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset"""
)
_GENERATION = SQL("SELECT secret_generation FROM callback_profiles WHERE id = :id")
_ROTATE = SQL(
    """UPDATE callback_profiles SET secret_generation = secret_generation + 1
    WHERE id = :id AND account_id = :account_id RETURNING secret_generation"""
)
_DELETE = SQL("DELETE FROM callback_profiles WHERE id = :id AND account_id = :account_id")


def to_profile(row: Row) -> CallbackProfile:
    return CallbackProfile(
        id=row["id"],
        account_id=row["account_id"],
        title=row["title"],
        url=row["url"],
        http_method=row["http_method"],
        headers=from_json(row["headers"]) or {},
        body=row["body"],
        response_message=row["response_message"],
        channel=row["channel"],
        events=tuple(from_json(row["events"]) or ()),
        created_at=maybe_timestamp(row["created_at"]),
        modified_at=maybe_timestamp(row["modified_at"]),
        secret_generation=row["secret_generation"],
    )


def _params(profile: CallbackProfile) -> dict[str, object]:
    return {
        "id": profile.id,
        "account_id": profile.account_id,
        "title": profile.title,
        "url": profile.url,
        "http_method": profile.http_method,
        "headers": to_json(profile.headers),
        "body": profile.body,
        "response_message": profile.response_message,
        "channel": profile.channel,
        "events": to_json(list(profile.events)),
        "modified_at": profile.modified_at,
    }


def _like(text: str) -> str:
    escaped = text.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


class CallbackProfileRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def add(self, profile: CallbackProfile) -> None:
        await self._s.execute(_INSERT, {**_params(profile), "created_at": profile.created_at})

    async def save(self, profile: CallbackProfile) -> None:
        await self._s.execute(_UPDATE, _params(profile))

    async def owned(self, profile_id: str, account_id: int) -> CallbackProfile | None:
        row = await self._s.fetchrow(_OWNED, {"id": profile_id, "account_id": account_id})
        return to_profile(row) if row else None

    async def owned_of(self, account_id: int, ids: tuple[str, ...]) -> list[CallbackProfile]:
        """The account's profiles among ``ids`` (one or two: a number's incoming and outgoing)."""
        if not ids:
            return []
        first, second = ids[0], ids[-1]
        params = {"account_id": account_id, "first": first, "second": second}
        return [to_profile(row) for row in await self._s.fetch(_OWNED_MANY, params)]

    async def page(self, account_id: int, limit: int, offset: int, title: str = "") -> list[CallbackProfile]:
        params: dict[str, object] = {"account_id": account_id, "limit": limit, "offset": offset}
        if title:
            rows = await self._s.fetch(_PAGE_TITLED, {**params, "pattern": _like(title)})
        else:
            rows = await self._s.fetch(_PAGE, params)
        return [to_profile(row) for row in rows]

    async def secret_generation(self, profile_id: str) -> int | None:
        """The generation of the profile's secret; ``None`` when there is no such profile (any more)."""
        value: int | None = await self._s.fetchval(_GENERATION, {"id": profile_id})
        return value

    async def rotate_secret(self, profile_id: str, account_id: int) -> int | None:
        """The account's profile's next secret generation; ``None`` when it has no such profile."""
        value: int | None = await self._s.fetchval(_ROTATE, {"id": profile_id, "account_id": account_id})
        return value

    async def delete(self, profile_id: str, account_id: int) -> bool:
        return await self._s.execute(_DELETE, {"id": profile_id, "account_id": account_id}) > 0
