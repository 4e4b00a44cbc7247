from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import (
    AccountMode,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)
from wanumbers.server.domain.listing import Cursor, Filter, Sort
from wanumbers.server.domain.number_update import WebhookOverride
from wanumbers.server.domain.records import (
    Automation,
    BusinessProfile,
    Command,
    GraphSettings,
    PhoneNumber,
    Routing,
    Waba,
)
from wanumbers.server.storage.repositories.wabas import WABA_FIELDS, to_waba
from wanumbers.server.storage.sql import SQL, Row, Session, from_json, maybe_timestamp, timestamp, to_json

_PROFILE = (
    "about",
    "address",
    "description",
    "email",
    "vertical",
    "websites",
    "profile_picture_url",
)
_ROUTING = ("incoming_url", "callback_profile_id", "outgoing_callback_profile_id")
_GRAPH = (
    "new_verified_name",
    "search_visibility",
    "webhook_override_uri",
    "webhook_verify_token",
    "username",
    "data_localization_region",
)
_JSON = ("websites", "prompts", "commands", "graph_settings")

# Plain dict lookups: calling an Enum class to convert a value costs ~0.5 µs each on the hot path.
_STATES = {member.value: member for member in NumberState}
_NAMES = {member.value: member for member in NameStatus}
_QUALITIES = {member.value: member for member in Quality}
_THROUGHPUTS = {member.value: member for member in Throughput}
_TIERS = {member.value: member for member in MessagingTier}
_MODES = {member.value: member for member in AccountMode}


def to_number(row: Row, at: int = 0) -> PhoneNumber:
    """The number whose ``NUMBER_COLUMNS`` start at column ``at`` of ``row``. Columns by position
    (``_AT``): a Graph list page maps 26 rows, and building a dict per row cost a fifth of that."""
    v, c = row[at : at + len(NUMBER_FIELDS)], _AT
    return PhoneNumber(
        id=v[c["id"]],
        waba_id=v[c["waba_id"]],
        e164=v[c["e164"]],
        country_code=v[c["country_code"]],
        dial_code=v[c["dial_code"]],
        verified_name=v[c["verified_name"]],
        state=_STATES[v[c["state"]]],
        name_status=_NAMES[v[c["name_status"]]],
        quality=_QUALITIES[v[c["quality"]]],
        throughput=_THROUGHPUTS[v[c["throughput"]]],
        tier=_TIERS[v[c["tier"]]],
        account_mode=_MODES[v[c["account_mode"]]],
        sip_enabled=bool(v[c["sip_enabled"]]),
        sip_server_configured=bool(v[c["sip_server_configured"]]),
        is_official_business_account=bool(v[c["is_official_business_account"]]),
        pin_digest=v[c["pin_digest"]],
        verification_failures=v[c["verification_failures"]],
        profile=BusinessProfile(
            about=v[c["about"]],
            address=v[c["address"]],
            description=v[c["description"]],
            email=v[c["email"]],
            vertical=v[c["vertical"]],
            websites=_list(v[c["websites"]]),
            profile_picture_url=v[c["profile_picture_url"]],
        ),
        routing=Routing(
            incoming_url=v[c["incoming_url"]],
            callback_profile_id=v[c["callback_profile_id"]],
            outgoing_callback_profile_id=v[c["outgoing_callback_profile_id"]],
        ),
        automation=Automation(
            enable_welcome_message=bool(v[c["enable_welcome_message"]]),
            prompts=_list(v[c["prompts"]]),
            commands=[Command(**command) for command in _list(v[c["commands"]])],
        ),
        graph=GraphSettings(
            new_verified_name=v[c["new_verified_name"]],
            new_name_status=_NAMES[v[c["new_name_status"]]],
            search_visibility=v[c["search_visibility"]],
            webhook_override_uri=v[c["webhook_override_uri"]],
            webhook_verify_token=v[c["webhook_verify_token"]],
            username=v[c["username"]],
            data_localization_region=v[c["data_localization_region"]],
            sections=dict(from_json(v[c["graph_settings"]]) or {}),
        ),
        created_at=timestamp(v[c["created_at"]]),
        last_onboarded_at=maybe_timestamp(v[c["last_onboarded_at"]]),
        display=v[c["display"]] or "",
    )


def _list(stored: str | None) -> list[Any]:
    return list(from_json(stored) or [])


def to_values(number: PhoneNumber) -> dict[str, Any]:
    """Everything but the identity columns, as Python values (JSON columns as lists)."""
    profile, routing, automation = number.profile, number.routing, number.automation
    return {
        "verified_name": number.verified_name,
        "state": number.state.value,
        "name_status": number.name_status.value,
        "quality": number.quality.value,
        "throughput": number.throughput.value,
        "tier": number.tier.value,
        "account_mode": number.account_mode.value,
        "sip_enabled": number.sip_enabled,
        "sip_server_configured": number.sip_server_configured,
        "is_official_business_account": number.is_official_business_account,
        "pin_digest": number.pin_digest,
        "verification_failures": number.verification_failures,
        **{key: getattr(profile, key) for key in _PROFILE},
        **{key: getattr(routing, key) for key in _ROUTING},
        "enable_welcome_message": automation.enable_welcome_message,
        "prompts": list(automation.prompts),
        "commands": [
            {"command_name": c.command_name, "command_description": c.command_description}
            for c in automation.commands
        ],
        "last_onboarded_at": number.last_onboarded_at,
        "display": number.display or None,
        "new_name_status": number.graph.new_name_status.value,
        **{key: getattr(number.graph, key) for key in _GRAPH},
        "graph_settings": number.graph.sections or None,
    }


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON:
        values[key] = to_json(values[key])
    return values


_MUTABLE = tuple(
    to_values(PhoneNumber(id=0, waba_id=0, e164="", country_code="", dial_code="", verified_name=""))
)
_IDENTITY = ("id", "waba_id", "e164", "country_code", "dial_code", "created_at")
NUMBER_FIELDS = (*_IDENTITY, *_MUTABLE)
NUMBER_COLUMNS = ", ".join(f"n.{name}" for name in NUMBER_FIELDS)
WABA_COLUMNS = ", ".join(f"w.{name}" for name in WABA_FIELDS)


# The columns ``to_number_status`` maps: a read of ``STATUS_FIELDS`` selects these alone (a third of the
# row: on SQLite the details statement costs 15 µs instead of 20, and fewer values cross either driver).
NUMBER_STATUS_FIELDS = (
    *_IDENTITY,
    "verified_name",
    "state",
    "name_status",
    "quality",
    "throughput",
    "tier",
    "sip_enabled",
    "sip_server_configured",
    "last_onboarded_at",
    "display",
)
NUMBER_STATUS_COLUMNS = ", ".join(f"n.{name}" for name in NUMBER_STATUS_FIELDS)
_STATUS_WIDTH = len(NUMBER_STATUS_FIELDS)


def to_number_status(row: Row, at: int = 0) -> PhoneNumber:
    """The number whose ``NUMBER_STATUS_COLUMNS`` start at column ``at`` of ``row``: its identity, status and
    dates (profile, routing, automation and Graph settings left at their defaults), what
    ``STATUS_FIELDS`` of the Graph node read. The details read, the hottest path, and a Graph page
    asking for no other field map no more: unpacked in one step (a Graph page maps 26 rows, and a
    lookup per column cost a third of each row's mapping)."""
    (
        id_, waba_id, e164, country_code, dial_code, created_at, verified_name, state, name_status,
        quality, throughput, tier, sip_enabled, sip_server_configured, last_onboarded_at, display,
    ) = row[at : at + _STATUS_WIDTH]  # fmt: skip
    return PhoneNumber(
        id=id_,
        waba_id=waba_id,
        e164=e164,
        country_code=country_code,
        dial_code=dial_code,
        verified_name=verified_name,
        state=_STATES[state],
        name_status=_NAMES[name_status],
        quality=_QUALITIES[quality],
        throughput=_THROUGHPUTS[throughput],
        tier=_TIERS[tier],
        sip_enabled=bool(sip_enabled),
        sip_server_configured=bool(sip_server_configured),
        created_at=timestamp(created_at),
        last_onboarded_at=None if last_onboarded_at is None else timestamp(last_onboarded_at),
        display=display or "",
    )


_AT = {name: i for i, name in enumerate(NUMBER_FIELDS)}
_WITH_WABA = f"SELECT {NUMBER_COLUMNS}, {WABA_COLUMNS} FROM phone_numbers n JOIN wabas w ON w.id = n.waba_id"

# The number's account is its WABA's, copied in the same statement (migration 0014: the console's
# account-scoped fleet indexes); a WABA never changes account and a number never changes WABA.
_ADD = SQL(
    f"""INSERT INTO phone_numbers ({", ".join((*_IDENTITY, *_MUTABLE))}, account_id)
    VALUES ({", ".join(":" + name for name in (*_IDENTITY, *_MUTABLE))},
    (SELECT w.account_id FROM wabas w WHERE w.id = :waba_id))
    ON CONFLICT (e164) DO NOTHING RETURNING id"""
)


@functools.lru_cache(maxsize=256)  # one per combination of changed columns a code path makes: a few dozen
def _save(columns: tuple[str, ...]) -> SQL:
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    return SQL(f"UPDATE phone_numbers SET {assignments} WHERE id = :id")


_WEBHOOK_OVERRIDE = SQL(
    "SELECT webhook_override_uri, webhook_verify_token FROM phone_numbers"
    " WHERE id = :id AND webhook_override_uri IS NOT NULL"
)
_TAKEN = SQL("SELECT 1 FROM phone_numbers WHERE e164 = :e164")
_CALLBACK_ROUTING = SQL(
    "SELECT n.callback_profile_id, n.outgoing_callback_profile_id, w.account_id"
    " FROM phone_numbers n JOIN wabas w ON w.id = n.waba_id WHERE n.id = :id"
)
# The account's own column (migration 0014) and its (account_id, state, id) index: through the WABA join
# the planner walked every account's unverified numbers (the fleet's state index) on every add.
_CLAIMS_HELD = SQL(
    """SELECT count(*) FROM phone_numbers n
    WHERE n.account_id = :account_id AND n.state = :state AND n.created_at >= :since"""
)
# Children first, so a delete does not depend on SQLite's foreign-key pragma.
_DELETE = [
    SQL(f"DELETE FROM {table} WHERE phone_number_id = :id")
    for table in ("otp_codes", "outbox", "registration_events")
] + [SQL("DELETE FROM phone_numbers WHERE id = :id")]
_GET = SQL(f"SELECT {NUMBER_COLUMNS} FROM phone_numbers n WHERE n.id = :id")
_GET_LOCKED = SQL(f"SELECT {NUMBER_COLUMNS} FROM phone_numbers n WHERE n.id = :id", lock=True)
# A number read to be changed locks its own row; its WABA's row only against change (FOR SHARE), so
# changes to two numbers of one WABA do not wait on each other (PostgreSQL; found by bench S10).
_NUMBER_LOCK = "FOR UPDATE OF n FOR SHARE OF w"
_OWNED_BY_ID = f"{_WITH_WABA} WHERE w.account_id = :account_id AND n.id = :id"
_OWNED_BY_E164 = f"{_WITH_WABA} WHERE w.account_id = :account_id AND n.e164 = :e164"
_OWNED = {
    ("id", False): SQL(_OWNED_BY_ID),
    ("id", True): SQL(_OWNED_BY_ID, lock=_NUMBER_LOCK),
    ("e164", False): SQL(_OWNED_BY_E164),
    ("e164", True): SQL(_OWNED_BY_E164, lock=_NUMBER_LOCK),
}
_LOCATE = {
    ("id", False): SQL(f"{_WITH_WABA} WHERE n.id = :value"),
    ("id", True): SQL(f"{_WITH_WABA} WHERE n.id = :value", lock=_NUMBER_LOCK),
    ("e164", False): SQL(f"{_WITH_WABA} WHERE n.e164 = :value"),
    ("e164", True): SQL(f"{_WITH_WABA} WHERE n.e164 = :value", lock=_NUMBER_LOCK),
}


class NumberRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
        # What the store holds for each number this unit of work added, wrote or read to change (read
        # ``for_update``), as stored (JSON columns as text, so a list changed in place still differs):
        # ``save`` sets only the columns that differ. SQLite rewrites every index over a column an UPDATE
        # sets, changed or not, and this table has 17 (the console's fleet): setting them all wrote 13
        # pages per save instead of 1-2.
        self._held: dict[int, dict[str, Any]] = {}

    def _read(self, number: PhoneNumber, *, for_update: bool) -> PhoneNumber:
        if for_update:
            self._held[number.id] = _stored(to_values(number))
        return number

    async def add(self, number: PhoneNumber, now: datetime) -> PhoneNumber:
        """Insert; the unique index on ``e164`` decides races, so two concurrent adds of one number
        give exactly one success."""
        number.created_at = now
        values = {
            "id": number.id,
            "waba_id": number.waba_id,
            "e164": number.e164,
            "country_code": number.country_code,
            "dial_code": number.dial_code,
            "created_at": now,
            **_stored(to_values(number)),
        }
        if await self._s.fetchval(_ADD, values) is None:
            raise DomainError(Reason.NUMBER_EXISTS, "phone number already exists")
        return self._read(number, for_update=True)

    async def save(self, number: PhoneNumber) -> None:
        """Write the columns that differ from what this unit of work last added, wrote or read to change
        (all of them for a number it did not); nothing when none does."""
        values = _stored(to_values(number))
        held = self._held.get(number.id)
        changed = values if held is None else {k: v for k, v in values.items() if held[k] != v}
        if changed:
            await self._s.execute(_save(tuple(changed)), {"id": number.id, **changed})
        self._held[number.id] = values

    async def claims_held(self, account_id: int, since: datetime) -> int:
        """Unverified numbers of the account's WABAs created at or after ``since`` (domain/claims.py)."""
        params = {"account_id": account_id, "state": NumberState.UNVERIFIED.value, "since": since}
        return int(await self._s.fetchval(_CLAIMS_HELD, params) or 0)

    async def delete(self, number_id: int) -> None:
        """The number and what hangs on it (codes, deliveries, registration events)."""
        for statement in _DELETE:
            await self._s.execute(statement, {"id": number_id})

    async def webhook_override(self, number_id: int) -> WebhookOverride | None:
        """The callback URL Graph's ``POST /{id}`` ``webhook_configuration`` set for the number (with
        its verify token), or ``None``: events for the number go there instead of the app's URL."""
        row = await self._s.fetchrow(_WEBHOOK_OVERRIDE, {"id": number_id})
        if row is None:
            return None
        return WebhookOverride(row["webhook_override_uri"], row["webhook_verify_token"])

    async def callback_routing(self, number_id: int) -> tuple[tuple[str, ...], int] | None:
        """The callback profiles the number names (incoming, then outgoing; each once) and its
        account's id, or ``None`` for a number that is gone: what Kaleyra's callbacks need, in one
        statement rather than the whole number and its WABA."""
        row = await self._s.fetchrow(_CALLBACK_ROUTING, {"id": number_id})
        if row is None:
            return None
        return tuple(dict.fromkeys(profile for profile in (row[0], row[1]) if profile)), row[2]

    async def e164_taken(self, e164: str) -> bool:
        return await self._s.fetchrow(_TAKEN, {"e164": e164}) is not None

    async def get(self, number_id: int, *, for_update: bool = False) -> PhoneNumber | None:
        row = await self._s.fetchrow(_GET_LOCKED if for_update else _GET, {"id": number_id})
        return self._read(to_number(row), for_update=for_update) if row else None

    async def walk(
        self,
        waba_id: int,
        sort: Sort,
        filters: Sequence[Filter],
        start: Cursor | None,
        *,
        backwards: bool,
        limit: int,
        status_only: bool = False,
        inclusive: bool = False,
    ) -> list[PhoneNumber]:
        """Keyset paging (see ``number_pages``): up to ``limit`` numbers just past ``start`` (from
        ``start``'s own row on when ``inclusive``), mapped as ``to_number_status`` does when
        ``status_only``."""
        from wanumbers.server.storage.repositories import number_pages  # it builds on this module

        return await number_pages.walk(
            self._s, waba_id, sort, filters, start, backwards=backwards, limit=limit,
            status_only=status_only, inclusive=inclusive,
        )  # fmt: skip

    async def owned_by(
        self,
        account_id: int,
        *,
        number_id: int | None = None,
        e164: str | None = None,
        for_update: bool = False,
    ) -> tuple[PhoneNumber, Waba] | None:
        """The number (by id or E.164) with its WABA, if ``account_id`` owns it."""
        params: dict[str, Any] = {"account_id": account_id}
        if number_id is not None:
            sql, params["id"] = _OWNED["id", for_update], number_id
        else:
            sql, params["e164"] = _OWNED["e164", for_update], e164
        row = await self._s.fetchrow(sql, params)
        if row is None:
            return None
        return self._read(to_number(row), for_update=for_update), to_waba(row, len(NUMBER_FIELDS))

    async def locate(
        self, *, number_id: int | None = None, e164: str | None = None, for_update: bool = False
    ) -> tuple[PhoneNumber, Waba] | None:
        """The number by id, else by E.164, whoever owns it: the control plane acts as Meta, not as
        an account."""
        for key, value in (("id", number_id), ("e164", e164)):
            if value is None:
                continue
            row = await self._s.fetchrow(_LOCATE[key, for_update], {"value": value})
            if row is not None:
                return self._read(to_number(row), for_update=for_update), to_waba(row, len(NUMBER_FIELDS))
        return None
