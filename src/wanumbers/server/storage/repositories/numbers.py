from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from wanumbers.server.domain.clock import utc
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
from wanumbers.server.domain.records import (
    Automation,
    BusinessProfile,
    Command,
    PhoneNumber,
    Routing,
    Waba,
)
from wanumbers.server.storage.models import phone_numbers, wabas
from wanumbers.server.storage.repositories.wabas import to_waba

_PROFILE = (
    "about",
    "address",
    "description",
    "email",
    "vertical",
    "websites",
    "profile_picture_url",
)
_WABA = "waba__"  # label prefix for the joined WABA's columns
_ROUTING = ("incoming_url", "callback_profile_id", "outgoing_callback_profile_id")


def to_number(m: Mapping[Any, Any]) -> PhoneNumber:
    return PhoneNumber(
        id=m["id"],
        waba_id=m["waba_id"],
        e164=m["e164"],
        country_code=m["country_code"],
        dial_code=m["dial_code"],
        verified_name=m["verified_name"],
        state=NumberState(m["state"]),
        name_status=NameStatus(m["name_status"]),
        quality=Quality(m["quality"]),
        throughput=Throughput(m["throughput"]),
        tier=MessagingTier(m["tier"]),
        account_mode=AccountMode(m["account_mode"]),
        sip_enabled=m["sip_enabled"],
        sip_server_configured=m["sip_server_configured"],
        is_official_business_account=m["is_official_business_account"],
        pin_digest=m["pin_digest"],
        verification_failures=m["verification_failures"],
        profile=BusinessProfile(**{key: m[key] for key in _PROFILE}),
        routing=Routing(**{key: m[key] for key in _ROUTING}),
        automation=Automation(
            enable_welcome_message=m["enable_welcome_message"],
            prompts=list(m["prompts"] or []),
            commands=[Command(**command) for command in m["commands"] or []],
        ),
        created_at=utc(m["created_at"]),
        last_onboarded_at=utc(m["last_onboarded_at"]) if m["last_onboarded_at"] else None,
        display=m["display"] or "",
    )


def to_values(number: PhoneNumber) -> dict[str, Any]:
    """Everything but the identity columns, as stored."""
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
    }


class NumberRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, number: PhoneNumber, now: datetime) -> PhoneNumber:
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
            **to_values(number),
        }
        try:
            with self._c.begin_nested():
                self._c.execute(insert(phone_numbers).values(values))
        except IntegrityError as exc:
            if self.e164_taken(number.e164):
                raise DomainError(Reason.NUMBER_EXISTS, "phone number already exists") from exc
            raise
        return number

    def save(self, number: PhoneNumber) -> None:
        self._c.execute(
            update(phone_numbers).where(phone_numbers.c.id == number.id).values(to_values(number))
        )

    def e164_taken(self, e164: str) -> bool:
        return bool(self._c.execute(select(exists().where(phone_numbers.c.e164 == e164))).scalar())

    def get(self, number_id: int, *, for_update: bool = False) -> PhoneNumber | None:
        query = select(phone_numbers).where(phone_numbers.c.id == number_id)
        if for_update:
            query = query.with_for_update()
        row = self._c.execute(query).first()
        return to_number(row._mapping) if row else None

    def walk(
        self,
        waba_id: int,
        sort: Sort,
        filters: Sequence[Filter],
        start: Cursor | None,
        *,
        backwards: bool,
        limit: int,
    ) -> list[PhoneNumber]:
        """Keyset paging (see ``number_pages``): up to ``limit`` numbers just past ``start``."""
        from wanumbers.server.storage.repositories import number_pages  # it builds on this module

        return number_pages.walk(self._c, waba_id, sort, filters, start, backwards=backwards, limit=limit)

    def owned_by(
        self,
        account_id: int,
        *,
        number_id: int | None = None,
        e164: str | None = None,
        for_update: bool = False,
    ) -> tuple[PhoneNumber, Waba] | None:
        """The number (by id or E.164) with its WABA, if ``account_id`` owns it."""
        query = (
            select(phone_numbers, *[column.label(_WABA + column.name) for column in wabas.c])
            .join(wabas, wabas.c.id == phone_numbers.c.waba_id)
            .where(wabas.c.account_id == account_id)
        )
        if number_id is not None:
            query = query.where(phone_numbers.c.id == number_id)
        if e164 is not None:
            query = query.where(phone_numbers.c.e164 == e164)
        if for_update:
            query = query.with_for_update()
        row = self._c.execute(query).first()
        return _number_and_waba(row) if row else None

    def locate(
        self, *, number_id: int | None = None, e164: str | None = None, for_update: bool = False
    ) -> tuple[PhoneNumber, Waba] | None:
        """The number by id, else by E.164, whoever owns it: the control plane acts as Meta, not as
        an account."""
        for column, value in ((phone_numbers.c.id, number_id), (phone_numbers.c.e164, e164)):
            if value is None:
                continue
            query = (
                select(phone_numbers, *[c.label(_WABA + c.name) for c in wabas.c])
                .join(wabas, wabas.c.id == phone_numbers.c.waba_id)
                .where(column == value)
            )
            if for_update:
                query = query.with_for_update()
            row = self._c.execute(query).first()
            if row is not None:
                return _number_and_waba(row)
        return None


def _number_and_waba(row: Row[tuple[object, ...]]) -> tuple[PhoneNumber, Waba]:
    m = row._mapping
    waba = {key[len(_WABA) :]: m[key] for key in m if isinstance(key, str) and key.startswith(_WABA)}
    return to_number(m), to_waba(waba)
