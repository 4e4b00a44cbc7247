from __future__ import annotations

from datetime import datetime

from wanumbers.server.domain.records import Delivery, OtpCode
from wanumbers.server.domain.timeline import Kind, Milestone
from wanumbers.server.storage.sql import SQL, Session, timestamp

_RETIRE = SQL("UPDATE otp_codes SET spent = :spent WHERE phone_number_id = :number_id AND spent = :live")
_ISSUE = SQL(
    """INSERT INTO otp_codes
        (phone_number_id, digest, channel, language, issued_at, expires_at, attempts, spent)
    VALUES (:number_id, :digest, :channel, :language, :issued_at, :expires_at, 0, :spent) RETURNING id"""
)
_CURRENT = SQL(
    """SELECT id, phone_number_id, digest, channel, language, issued_at, expires_at, attempts, spent
    FROM otp_codes WHERE phone_number_id = :number_id ORDER BY id DESC LIMIT 1"""
)
_ISSUED_SINCE = SQL(
    """SELECT issued_at FROM otp_codes WHERE phone_number_id = :number_id AND issued_at >= :since
    ORDER BY issued_at"""
)
# The codes requested for one number, newest first, older than (:at, :id): the console's timeline.
_REQUESTED = SQL(
    """SELECT id, channel, language, issued_at FROM otp_codes WHERE phone_number_id = :number_id
    AND (issued_at < :at OR (issued_at = :at AND id < :id)) ORDER BY issued_at DESC, id DESC LIMIT :limit"""
)
_ATTEMPT = SQL("UPDATE otp_codes SET attempts = attempts + 1 WHERE id = :id")
_SPEND = SQL("UPDATE otp_codes SET spent = :spent WHERE id = :id AND spent = :live")


class OtpRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def issue(self, otp: OtpCode, *, retire: bool = True) -> OtpCode:
        """Store a new code; any older live code of the number stops working (``retire=False``: the
        caller knows there is none)."""
        if retire:
            await self._s.execute(_RETIRE, {"number_id": otp.phone_number_id, "spent": True, "live": False})
        otp.id = await self._s.fetchval(
            _ISSUE,
            {
                "number_id": otp.phone_number_id,
                "digest": otp.digest,
                "channel": otp.channel,
                "language": otp.language,
                "issued_at": otp.issued_at,
                "expires_at": otp.expires_at,
                "spent": False,
            },
        )
        return otp

    async def current(self, phone_number_id: int) -> OtpCode | None:
        row = await self._s.fetchrow(_CURRENT, {"number_id": phone_number_id})
        if row is None:
            return None
        return OtpCode(
            id=row["id"],
            phone_number_id=row["phone_number_id"],
            digest=row["digest"],
            channel=row["channel"],
            language=row["language"],
            issued_at=timestamp(row["issued_at"]),
            expires_at=timestamp(row["expires_at"]),
            attempts=row["attempts"],
            spent=bool(row["spent"]),
        )

    async def issued_since(self, phone_number_id: int, since: datetime) -> list[datetime]:
        rows = await self._s.fetch(_ISSUED_SINCE, {"number_id": phone_number_id, "since": since})
        return [timestamp(row["issued_at"]) for row in rows]

    async def requested(self, phone_number_id: int, at: datetime, row_id: int, limit: int) -> list[Milestone]:
        """Codes requested for the number before (``at``, ``row_id``), newest first, as milestones (no
        digest: a milestone says when and by which channel)."""
        params = {"number_id": phone_number_id, "at": at, "id": row_id, "limit": limit}
        return [
            Milestone(
                Kind.CODE_REQUESTED,
                timestamp(row["issued_at"]),
                row["id"],
                f"{row['channel']}, {row['language']}",
            )
            for row in await self._s.fetch(_REQUESTED, params)
        ]

    async def record_attempt(self, otp: OtpCode) -> None:
        otp.attempts += 1
        await self._s.execute(_ATTEMPT, {"id": otp.id})

    async def spend(self, otp: OtpCode) -> bool:
        """Single use even under concurrency: only the caller whose UPDATE flips ``spent`` wins."""
        return await self._s.execute(_SPEND, {"id": otp.id, "spent": True, "live": False}) == 1


_DELIVER = SQL(
    """INSERT INTO outbox (phone_number_id, to_e164, channel, code, language, sent_at)
    VALUES (:number_id, :to, :channel, :code, :language, :sent_at)"""
)
_RECENT = "SELECT to_e164, channel, code, language, sent_at FROM outbox"
_RECENT_ALL = SQL(f"{_RECENT} ORDER BY id DESC LIMIT :limit")
_RECENT_TO = SQL(f"{_RECENT} WHERE to_e164 = :to ORDER BY id DESC LIMIT :limit")


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def deliver(self, phone_number_id: int, delivery: Delivery) -> None:
        await self._s.execute(
            _DELIVER,
            {
                "number_id": phone_number_id,
                "to": delivery.to,
                "channel": delivery.channel,
                "code": delivery.code,
                "language": delivery.language,
                "sent_at": delivery.sent_at,
            },
        )

    async def recent(self, to: str | None = None, limit: int = 100) -> list[Delivery]:
        if to is None:
            rows = await self._s.fetch(_RECENT_ALL, {"limit": limit})
        else:
            rows = await self._s.fetch(_RECENT_TO, {"to": to, "limit": limit})
        return [
            Delivery(
                to=row["to_e164"],
                channel=row["channel"],
                code=row["code"],
                language=row["language"],
                sent_at=timestamp(row["sent_at"]),
            )
            for row in rows
        ]
