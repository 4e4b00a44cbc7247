from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from wanumbers.server.domain.clock import utc
from wanumbers.server.domain.records import Delivery, OtpCode
from wanumbers.server.storage.models import otp_codes, outbox


class OtpRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def issue(self, otp: OtpCode) -> OtpCode:
        """Store a new code; any older live code of the number stops working."""
        self._c.execute(
            update(otp_codes)
            .where(otp_codes.c.phone_number_id == otp.phone_number_id, otp_codes.c.spent.is_(False))
            .values(spent=True)
        )
        otp.id = self._c.execute(
            insert(otp_codes).values(
                phone_number_id=otp.phone_number_id,
                digest=otp.digest,
                channel=otp.channel,
                language=otp.language,
                issued_at=otp.issued_at,
                expires_at=otp.expires_at,
                attempts=0,
                spent=False,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        return otp

    def current(self, phone_number_id: int) -> OtpCode | None:
        query = (
            select(otp_codes)
            .where(otp_codes.c.phone_number_id == phone_number_id)
            .order_by(otp_codes.c.id.desc())
            .limit(1)
        )
        row = self._c.execute(query).first()
        if row is None:
            return None
        m = row._mapping
        return OtpCode(
            id=m["id"],
            phone_number_id=m["phone_number_id"],
            digest=m["digest"],
            channel=m["channel"],
            language=m["language"],
            issued_at=utc(m["issued_at"]),
            expires_at=utc(m["expires_at"]),
            attempts=m["attempts"],
            spent=m["spent"],
        )

    def issued_since(self, phone_number_id: int, since: datetime) -> list[datetime]:
        query = (
            select(otp_codes.c.issued_at)
            .where(otp_codes.c.phone_number_id == phone_number_id, otp_codes.c.issued_at >= since)
            .order_by(otp_codes.c.issued_at)
        )
        return [utc(moment) for moment in self._c.execute(query).scalars()]

    def record_attempt(self, otp: OtpCode) -> None:
        otp.attempts += 1
        self._c.execute(
            update(otp_codes).where(otp_codes.c.id == otp.id).values(attempts=otp_codes.c.attempts + 1)
        )

    def spend(self, otp: OtpCode) -> bool:
        """Single use even under concurrency: only the caller whose UPDATE flips ``spent`` wins."""
        result = self._c.execute(
            update(otp_codes).where(otp_codes.c.id == otp.id, otp_codes.c.spent.is_(False)).values(spent=True)
        )
        return result.rowcount == 1


class OutboxRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def deliver(self, phone_number_id: int, delivery: Delivery) -> None:
        self._c.execute(
            insert(outbox).values(
                phone_number_id=phone_number_id,
                to_e164=delivery.to,
                channel=delivery.channel,
                code=delivery.code,
                language=delivery.language,
                sent_at=delivery.sent_at,
            )
        )

    def recent(self, to: str | None = None, limit: int = 100) -> list[Delivery]:
        query = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
        if to is not None:
            query = query.where(outbox.c.to_e164 == to)
        return [
            Delivery(
                to=m["to_e164"],
                channel=m["channel"],
                code=m["code"],
                language=m["language"],
                sent_at=utc(m["sent_at"]),
            )
            for m in (row._mapping for row in self._c.execute(query))
        ]
