"""The outbox: events, their deliveries, and the subscriptions that pick the receivers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from wanumbers.server.domain.delivery import Status
from wanumbers.server.domain.outbound import OutboundRequest, PhoneNumberChange
from wanumbers.server.storage.sql import SQL, Row, Session, from_json, maybe_timestamp, timestamp, to_json

_ADD_EVENT = SQL(
    """INSERT INTO events (waba_id, phone_number_id, field, value, time, created_at)
    VALUES (:waba_id, :number_id, :field, :value, :time, :now) RETURNING id"""
)
_ADD_DELIVERY = SQL(
    """INSERT INTO deliveries (event_id, producer, order_key, method, url, headers, body, status, attempts,
        next_attempt_at, created_at)
    VALUES (:event_id, :producer, :order_key, :method, :url, :headers, :body, :pending, 0, :now, :now)"""
)
_COLUMNS = """d.id, d.event_id, d.producer, d.order_key, d.method, d.url, d.headers, d.body, d.status,
    d.attempts, d.next_attempt_at, d.first_attempt_at, d.delivered_at, d.last_status, d.last_error,
    d.created_at, e.waba_id, e.phone_number_id, e.field, e.value, e.time"""
# The oldest due delivery of each order key whose predecessors are all done (delivered or dead), so a
# number's events reach each receiver in order. PostgreSQL skips rows another worker holds.
_CLAIM = SQL(
    f"""SELECT {_COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
    WHERE d.status = :pending AND d.next_attempt_at <= :now AND NOT EXISTS (
        SELECT 1 FROM deliveries p WHERE p.order_key = d.order_key AND p.status = :pending AND p.id < d.id)
    ORDER BY d.id LIMIT :limit"""
)
_CLAIM.postgres += " FOR UPDATE OF d SKIP LOCKED"  # SQLite: the write transaction holds the file
_LEASE = SQL("UPDATE deliveries SET next_attempt_at = :until WHERE id = :id")
_DELIVERED = SQL(
    """UPDATE deliveries SET status = :status, attempts = attempts + 1, delivered_at = :now,
    first_attempt_at = COALESCE(first_attempt_at, :first), last_status = :code, last_error = NULL
    WHERE id = :id"""
)
_FAILED = SQL(
    """UPDATE deliveries SET status = :status, attempts = attempts + 1, next_attempt_at = :retry_at,
    first_attempt_at = COALESCE(first_attempt_at, :first), last_status = :code, last_error = :error
    WHERE id = :id"""
)
_REPLAY = SQL(
    """UPDATE deliveries SET status = :pending, next_attempt_at = :now, attempts = 0,
    first_attempt_at = NULL, delivered_at = NULL WHERE id = :id"""
)
_LIST = SQL(
    f"""SELECT {_COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
    WHERE (:status = '' OR d.status = :status) ORDER BY d.id DESC LIMIT :limit"""
)
_GET = SQL(f"SELECT {_COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = :id")
_EVENTS = SQL(
    """SELECT id, waba_id, phone_number_id, field, value, time FROM events
    WHERE (:waba_id = 0 OR waba_id = :waba_id) ORDER BY id DESC LIMIT :limit"""
)
# One number's events, newest first: the console's timeline. Walks ``events (phone_number_id, id)``.
_NUMBER_EVENTS = (
    "SELECT id, waba_id, phone_number_id, field, value, time FROM events WHERE phone_number_id = :number_id"
)
_OF_NUMBER = SQL(f"{_NUMBER_EVENTS} ORDER BY id DESC LIMIT :limit")
_OF_NUMBER_BEFORE = SQL(f"{_NUMBER_EVENTS} AND id < :before ORDER BY id DESC LIMIT :limit")
# The deliveries of a run of one number's events (a timeline page: ids oldest..newest).
_BRIEFS = SQL(
    """SELECT d.id, d.event_id, d.producer, d.status FROM deliveries d JOIN events e ON e.id = d.event_id
    WHERE e.phone_number_id = :number_id AND e.id BETWEEN :oldest AND :newest ORDER BY d.id"""
)
_PURGE_ALL = [SQL("DELETE FROM deliveries"), SQL("DELETE FROM events")]
_OF_ACCOUNT = "SELECT e.id FROM events e JOIN wabas w ON w.id = e.waba_id WHERE w.account_id = :account_id"
_PURGE_ACCOUNT = [
    SQL(f"DELETE FROM deliveries WHERE event_id IN ({_OF_ACCOUNT})"),
    SQL(f"DELETE FROM events WHERE id IN ({_OF_ACCOUNT})"),
]
_DUE = SQL("SELECT MIN(next_attempt_at) FROM deliveries WHERE status = :pending")


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    change: PhoneNumberChange


@dataclass(frozen=True, slots=True)
class DeliveryBrief:
    """A delivery as a timeline lists it: which, to whom (the producer), how it stands."""

    id: int
    producer: str
    status: Status


@dataclass(frozen=True, slots=True)
class NumberEvent:
    """One of a number's events with its deliveries (none when no receiver wanted it)."""

    id: int
    change: PhoneNumberChange
    deliveries: tuple[DeliveryBrief, ...]


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: int
    event_id: int
    producer: str
    order_key: str
    request: OutboundRequest
    status: Status
    attempts: int
    next_attempt_at: datetime
    first_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    change: PhoneNumberChange


@dataclass(frozen=True, slots=True)
class Target:
    """One request a producer rendered, and the key its order is kept under."""

    producer: str
    order_key: str
    request: OutboundRequest


def _change(row: Row) -> PhoneNumberChange:
    value = row["value"]
    return PhoneNumberChange(
        waba_id=row["waba_id"],
        number_id=row["phone_number_id"],
        field=row["field"],
        value=from_json(value) if isinstance(value, (str, bytes)) else value,
        time=row["time"],
    )


def _delivery(row: Row) -> DeliveryRecord:
    headers = row["headers"]
    headers = from_json(headers) if isinstance(headers, (str, bytes)) else headers
    return DeliveryRecord(
        id=row["id"],
        event_id=row["event_id"],
        producer=row["producer"],
        order_key=row["order_key"],
        request=OutboundRequest(
            method=row["method"],
            url=row["url"],
            headers=tuple((str(name), str(value)) for name, value in headers),
            body=bytes(row["body"]),
        ),
        status=Status(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=timestamp(row["next_attempt_at"]),
        first_attempt_at=maybe_timestamp(row["first_attempt_at"]),
        delivered_at=maybe_timestamp(row["delivered_at"]),
        last_status=row["last_status"],
        last_error=row["last_error"],
        created_at=timestamp(row["created_at"]),
        change=_change(row),
    )


class EventRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def record(self, change: PhoneNumberChange, targets: Sequence[Target], now: datetime) -> int:
        """Store the event and one pending delivery per target, in the caller's transaction."""
        event_id: int = await self._s.fetchval(
            _ADD_EVENT,
            {
                "waba_id": change.waba_id,
                "number_id": change.number_id,
                "field": change.field,
                "value": to_json(dict(change.value)),
                "time": change.time,
                "now": now,
            },
        )
        for target in targets:
            request = target.request
            await self._s.execute(
                _ADD_DELIVERY,
                {
                    "event_id": event_id,
                    "producer": target.producer,
                    "order_key": target.order_key[:255],
                    "method": request.method,
                    "url": request.url,
                    "headers": to_json([list(pair) for pair in request.headers]),
                    "body": request.body,
                    "pending": Status.PENDING.value,
                    "now": now,
                },
            )
        return event_id

    async def claim(self, now: datetime, until: datetime, limit: int) -> list[DeliveryRecord]:
        """Due deliveries, each leased until ``until`` (retried then if its worker died)."""
        rows = await self._s.fetch(_CLAIM, {"pending": Status.PENDING.value, "now": now, "limit": limit})
        for row in rows:
            await self._s.execute(_LEASE, {"id": row["id"], "until": until})
        return [_delivery(row) for row in rows]

    async def delivered(self, delivery_id: int, code: int, now: datetime) -> None:
        params = {"id": delivery_id, "status": Status.DELIVERED.value, "code": code, "now": now, "first": now}
        await self._s.execute(_DELIVERED, params)

    async def failed(
        self,
        delivery_id: int,
        *,
        status: Status,
        code: int | None,
        error: str,
        retry_at: datetime,
        now: datetime,
    ) -> None:
        params = {
            "id": delivery_id,
            "status": status.value,
            "code": code,
            "error": error[:500],
            "retry_at": retry_at,
            "first": now,
        }
        await self._s.execute(_FAILED, params)

    async def replay(self, delivery_id: int, now: datetime) -> bool:
        return bool(
            await self._s.execute(_REPLAY, {"id": delivery_id, "now": now, "pending": Status.PENDING.value})
        )

    async def get(self, delivery_id: int) -> DeliveryRecord | None:
        row = await self._s.fetchrow(_GET, {"id": delivery_id})
        return None if row is None else _delivery(row)

    async def deliveries(self, status: Status | None = None, limit: int = 100) -> list[DeliveryRecord]:
        rows = await self._s.fetch(_LIST, {"status": status.value if status else "", "limit": limit})
        return [_delivery(row) for row in rows]

    async def events(self, waba_id: int | None = None, limit: int = 100) -> list[StoredEvent]:
        rows = await self._s.fetch(_EVENTS, {"waba_id": waba_id or 0, "limit": limit})
        return [StoredEvent(id=row["id"], change=_change(row)) for row in rows]

    async def of_number(
        self, number_id: int, before: int | None = None, limit: int = 50
    ) -> list[NumberEvent]:
        """Number ``number_id``'s events older than event ``before`` (else from the newest), newest
        first, each with its deliveries: two statements whatever the page holds."""
        params: dict[str, object] = {"number_id": number_id, "limit": limit}
        if before is None:
            rows = await self._s.fetch(_OF_NUMBER, params)
        else:
            rows = await self._s.fetch(_OF_NUMBER_BEFORE, {**params, "before": before})
        if not rows:
            return []
        briefs: dict[int, list[DeliveryBrief]] = {row["id"]: [] for row in rows}
        span = {"number_id": number_id, "oldest": rows[-1]["id"], "newest": rows[0]["id"]}
        for brief in await self._s.fetch(_BRIEFS, span):
            briefs[brief["event_id"]].append(
                DeliveryBrief(brief["id"], brief["producer"], Status(brief["status"]))
            )
        return [NumberEvent(row["id"], _change(row), tuple(briefs[row["id"]])) for row in rows]

    async def purge(self, account_id: int | None = None) -> None:
        """Forget events (of one account's WABAs, or all) with their deliveries: a control-plane reset."""
        statements, params = (
            (_PURGE_ALL, {}) if account_id is None else (_PURGE_ACCOUNT, {"account_id": account_id})
        )
        for statement in statements:
            await self._s.execute(statement, params)

    async def next_due(self) -> datetime | None:
        return maybe_timestamp(await self._s.fetchval(_DUE, {"pending": Status.PENDING.value}))


# --- subscriptions ---------------------------------------------------------------------------------

_APP_GENERATION = SQL("SELECT secret_generation FROM apps WHERE app_id = :app_id")
_ADD_APP = SQL(
    """INSERT INTO apps (app_id, account_id, secret_generation, created_at)
    VALUES (:app_id, :account_id, :generation, :now)"""
)
_ROTATE = SQL("UPDATE apps SET secret_generation = secret_generation + 1 WHERE app_id = :app_id")
_APP_ACCOUNT = SQL("SELECT id FROM accounts WHERE app_id = :app_id")
_DELETE_APP_SUB = SQL("DELETE FROM app_subscriptions WHERE app_id = :app_id AND object = :object")
_ADD_APP_SUB = SQL(
    """INSERT INTO app_subscriptions (app_id, object, callback_url, fields, created_at)
    VALUES (:app_id, :object, :url, :fields, :now)"""
)
_APP_SUBS = SQL(
    "SELECT object, callback_url, fields FROM app_subscriptions WHERE app_id = :app_id ORDER BY object"
)
_DELETE_WABA_SUB = SQL("DELETE FROM waba_subscriptions WHERE waba_id = :waba_id AND app_id = :app_id")
_DELETE_WABA_SUBS = SQL("DELETE FROM waba_subscriptions WHERE waba_id = :waba_id")
_ADD_WABA_SUB = SQL(
    """INSERT INTO waba_subscriptions (waba_id, app_id, override_callback_uri, created_at)
    VALUES (:waba_id, :app_id, :uri, :now)"""
)
_WABA_SUBS = SQL(
    """SELECT app_id, override_callback_uri FROM waba_subscriptions WHERE waba_id = :waba_id
    ORDER BY app_id"""
)
# What a change on one WABA needs to find its receivers: the subscribed apps, each app's callback for
# the WABA object and its fields, and the secret generation to sign with.
_RECEIVERS = SQL(
    """SELECT s.app_id, s.override_callback_uri, a.callback_url, a.fields,
        COALESCE(p.secret_generation, 0) AS generation
    FROM waba_subscriptions s
    LEFT JOIN app_subscriptions a ON a.app_id = s.app_id AND a.object = :object
    LEFT JOIN apps p ON p.app_id = s.app_id
    WHERE s.waba_id = :waba_id ORDER BY s.app_id"""
)


@dataclass(frozen=True, slots=True)
class AppSubscription:
    object: str
    callback_url: str
    fields: list[str]


@dataclass(frozen=True, slots=True)
class Receiver:
    app_id: int
    override_callback_uri: str | None
    callback_url: str | None
    fields: list[str] | None
    generation: int


def _fields(value: object) -> list[str]:
    loaded = from_json(value) if isinstance(value, (str, bytes)) else value
    return [str(item) for item in loaded] if isinstance(loaded, list) else []


class SubscriptionRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def generation(self, app_id: int) -> int:
        return int(await self._s.fetchval(_APP_GENERATION, {"app_id": app_id}) or 0)

    async def rotate(self, app_id: int, account_id: int, now: datetime) -> int:
        if not await self._s.execute(_ROTATE, {"app_id": app_id}):
            params = {"app_id": app_id, "account_id": account_id, "generation": 1, "now": now}
            await self._s.execute(_ADD_APP, params)
        return await self.generation(app_id)

    async def app_account(self, app_id: int) -> int | None:
        value = await self._s.fetchval(_APP_ACCOUNT, {"app_id": app_id})
        return None if value is None else int(value)

    async def subscribe_app(self, app_id: int, sub: AppSubscription, now: datetime) -> None:
        await self._s.execute(_DELETE_APP_SUB, {"app_id": app_id, "object": sub.object})
        params = {
            "app_id": app_id,
            "object": sub.object,
            "url": sub.callback_url,
            "fields": to_json(sub.fields),
        }
        await self._s.execute(_ADD_APP_SUB, {**params, "now": now})

    async def app_subscriptions(self, app_id: int) -> list[AppSubscription]:
        rows = await self._s.fetch(_APP_SUBS, {"app_id": app_id})
        return [AppSubscription(row["object"], row["callback_url"], _fields(row["fields"])) for row in rows]

    async def subscribe_waba(self, waba_id: int, app_id: int, override: str | None, now: datetime) -> None:
        await self._s.execute(_DELETE_WABA_SUB, {"waba_id": waba_id, "app_id": app_id})
        await self._s.execute(
            _ADD_WABA_SUB, {"waba_id": waba_id, "app_id": app_id, "uri": override, "now": now}
        )

    async def unsubscribe_waba(self, waba_id: int, app_id: int | None = None) -> int:
        if app_id is None:
            return await self._s.execute(_DELETE_WABA_SUBS, {"waba_id": waba_id})
        return await self._s.execute(_DELETE_WABA_SUB, {"waba_id": waba_id, "app_id": app_id})

    async def waba_subscriptions(self, waba_id: int) -> list[tuple[int, str | None]]:
        rows = await self._s.fetch(_WABA_SUBS, {"waba_id": waba_id})
        return [(int(row["app_id"]), row["override_callback_uri"]) for row in rows]

    async def receivers(self, waba_id: int, object_name: str) -> list[Receiver]:
        rows = await self._s.fetch(_RECEIVERS, {"waba_id": waba_id, "object": object_name})
        return [
            Receiver(
                app_id=int(row["app_id"]),
                override_callback_uri=row["override_callback_uri"],
                callback_url=row["callback_url"],
                fields=None if row["fields"] is None else _fields(row["fields"]),
                generation=int(row["generation"]),
            )
            for row in rows
        ]
