"""Table definitions. Constraint names follow one convention so migrations stay reversible on both
SQLite (batch mode) and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AccountRow(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sid: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    pod: Mapped[str] = mapped_column(String(2))
    business_id: Mapped[int] = mapped_column(BigInteger)
    app_id: Mapped[int] = mapped_column(BigInteger)
    business_restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class CredentialRow(Base):
    """API keys, Graph access tokens and admin tokens: only the SHA-256 digest is kept."""

    __tablename__ = "credentials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    expires_at: Mapped[datetime | None] = mapped_column(Timestamp)


class WabaRow(Base):
    __tablename__ = "wabas"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    api_version: Mapped[str] = mapped_column(String(2))
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class PhoneNumberRow(Base):
    __tablename__ = "phone_numbers"
    __table_args__ = (
        Index("ix_phone_numbers_waba_created", "waba_id", "created_at", "id"),
        Index("ix_phone_numbers_waba_onboarded", "waba_id", "last_onboarded_at", "id"),
        # the console's fleet pages (migration 0012)
        Index("ix_phone_numbers_fleet_name", "verified_name", "id"),
        Index("ix_phone_numbers_fleet_state", "state", "id"),
        Index("ix_phone_numbers_fleet_name_status", "name_status", "id"),
        Index("ix_phone_numbers_fleet_quality", "quality", "id"),
        Index("ix_phone_numbers_fleet_tier", "tier", "id"),
        Index("ix_phone_numbers_fleet_throughput", "throughput", "id"),
        # one account's fleet pages (migration 0014)
        Index("ix_phone_numbers_account_e164", "account_id", "e164"),
        Index("ix_phone_numbers_account_name", "account_id", "verified_name", "id"),
        Index("ix_phone_numbers_account_state", "account_id", "state", "id"),
        Index("ix_phone_numbers_account_name_status", "account_id", "name_status", "id"),
        Index("ix_phone_numbers_account_quality", "account_id", "quality", "id"),
        Index("ix_phone_numbers_account_tier", "account_id", "tier", "id"),
        Index("ix_phone_numbers_account_throughput", "account_id", "throughput", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    waba_id: Mapped[int] = mapped_column(ForeignKey("wabas.id", ondelete="CASCADE"))
    # the WABA's account, copied at insert (a WABA never changes account, a number never changes WABA)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(20), unique=True)
    country_code: Mapped[str] = mapped_column(String(2))
    dial_code: Mapped[str] = mapped_column(String(4))
    display: Mapped[str | None] = mapped_column(String(32))
    verified_name: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16))
    name_status: Mapped[str] = mapped_column(String(32))
    quality: Mapped[str] = mapped_column(String(8))
    throughput: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16))
    account_mode: Mapped[str] = mapped_column(String(8))
    sip_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    sip_server_configured: Mapped[bool] = mapped_column(Boolean, default=False)
    is_official_business_account: Mapped[bool] = mapped_column(Boolean, default=False)
    pin_digest: Mapped[str | None] = mapped_column(String(64))
    verification_failures: Mapped[int] = mapped_column(Integer, default=0)
    about: Mapped[str | None] = mapped_column(String(139))
    address: Mapped[str | None] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(String(512))
    email: Mapped[str | None] = mapped_column(String(128))
    vertical: Mapped[str | None] = mapped_column(String(32))
    websites: Mapped[list[str]] = mapped_column(JSON, default=list)
    profile_picture_url: Mapped[str | None] = mapped_column(Text)
    incoming_url: Mapped[str | None] = mapped_column(Text)
    callback_profile_id: Mapped[str | None] = mapped_column(String(64))
    outgoing_callback_profile_id: Mapped[str | None] = mapped_column(String(64))
    enable_welcome_message: Mapped[bool] = mapped_column(Boolean, default=False)
    prompts: Mapped[list[str]] = mapped_column(JSON, default=list)
    commands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    last_onboarded_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Graph's per-number settings (migration 0010)
    new_name_status: Mapped[str] = mapped_column(String(32), server_default="NONE")
    new_verified_name: Mapped[str | None] = mapped_column(String(75))
    search_visibility: Mapped[str | None] = mapped_column(String(8))
    webhook_override_uri: Mapped[str | None] = mapped_column(Text)
    webhook_verify_token: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(35))
    data_localization_region: Mapped[str | None] = mapped_column(String(2))
    graph_settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OtpCodeRow(Base):
    __tablename__ = "otp_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_number_id: Mapped[int] = mapped_column(
        ForeignKey("phone_numbers.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(Timestamp)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    spent: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxRow(Base):
    """What the embedded emulator "delivered" by SMS or voice. Live mode never writes here."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_number_id: Mapped[int] = mapped_column(
        ForeignKey("phone_numbers.id", ondelete="CASCADE"), index=True
    )
    to_e164: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(6))
    language: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(Timestamp)


class RegistrationEventRow(Base):
    """Register/deregister calls, counted against Meta's weekly per-number limit."""

    __tablename__ = "registration_events"
    __table_args__ = (Index("ix_registration_events_number_at", "phone_number_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_number_id: Mapped[int] = mapped_column(ForeignKey("phone_numbers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(Timestamp)


class SimSettingRow(Base):
    """Emulator-wide settings the control plane moves (e.g. the clock offset), shared by all workers."""

    __tablename__ = "sim_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FaultRow(Base):
    """A fault the control plane injected: the next ``remaining`` calls of ``route`` fail or stall."""

    __tablename__ = "faults"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route: Mapped[str] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(8))
    remaining: Mapped[int] = mapped_column(Integer)
    delay_ms: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class IdempotencyKeyRow(Base):
    """A remembered ``Idempotency-Key``: the first request's fingerprint and, once done, its answer."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))  # sha256 of credential digest + method + path
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)  # NULL while the first request is in flight
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    expires_at: Mapped[datetime] = mapped_column(Timestamp, index=True)


class RateLimitBucketRow(Base):
    """One credential's shared token bucket (GCRA): ``tat`` in epoch seconds, ``granted`` by the last
    take (0 when it was refused)."""

    __tablename__ = "rate_limit_buckets"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tat: Mapped[float] = mapped_column(Double)
    granted: Mapped[int] = mapped_column(Integer)


class EventRow(Base):
    """A change Meta reports by webhook, written in the transaction of the change (the outbox)."""

    __tablename__ = "events"
    # one number's timeline, newest first (migration 0014)
    __table_args__ = (Index("ix_events_phone_number_id_id", "phone_number_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    waba_id: Mapped[int] = mapped_column(BigInteger)
    phone_number_id: Mapped[int | None] = mapped_column(BigInteger)
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    time: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class DeliveryRow(Base):
    """One rendered request of an event to one receiver, sent (and resent unchanged) by the worker."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_deliveries_order_key_id", "order_key", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    producer: Mapped[str] = mapped_column(String(32))
    order_key: Mapped[str] = mapped_column(String(255))  # deliveries with one key go out in id order
    method: Mapped[str] = mapped_column(String(8))
    url: Mapped[str] = mapped_column(Text)
    headers: Mapped[list[list[str]]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(Timestamp)
    first_attempt_at: Mapped[datetime | None] = mapped_column(Timestamp)
    delivered_at: Mapped[datetime | None] = mapped_column(Timestamp)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class AppRow(Base):
    """An account's app: only the generation of its secret (the secret is derived, never stored)."""

    __tablename__ = "apps"
    app_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    secret_generation: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class AppSubscriptionRow(Base):
    """``POST /{app-id}/subscriptions``: the app's callback and fields for one object."""

    __tablename__ = "app_subscriptions"
    app_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    object: Mapped[str] = mapped_column(String(64), primary_key=True)
    callback_url: Mapped[str] = mapped_column(Text)
    fields: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class WabaSubscriptionRow(Base):
    """``POST /{waba-id}/subscribed_apps``: the WABA sends its webhooks to the app (or the override)."""

    __tablename__ = "waba_subscriptions"
    waba_id: Mapped[int] = mapped_column(
        ForeignKey("wabas.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    app_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    override_callback_uri: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class CallbackProfileRow(Base):
    """A Kaleyra callback profile. Its signing secret is derived from the server's key (kept outside the
    store) and ``secret_generation``, never stored."""

    __tablename__ = "callback_profiles"
    __table_args__ = (Index("ix_callback_profiles_account_id_created_at", "account_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text)
    http_method: Mapped[str] = mapped_column(String(8))
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[str | None] = mapped_column(Text)
    response_message: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(32))
    events: Mapped[list[str]] = mapped_column(JSON)
    secret_generation: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    modified_at: Mapped[datetime | None] = mapped_column(Timestamp)


accounts = cast(Table, AccountRow.__table__)
credentials = cast(Table, CredentialRow.__table__)
wabas = cast(Table, WabaRow.__table__)
phone_numbers = cast(Table, PhoneNumberRow.__table__)
otp_codes = cast(Table, OtpCodeRow.__table__)
outbox = cast(Table, OutboxRow.__table__)
registration_events = cast(Table, RegistrationEventRow.__table__)
sim_settings = cast(Table, SimSettingRow.__table__)
faults = cast(Table, FaultRow.__table__)
idempotency_keys = cast(Table, IdempotencyKeyRow.__table__)
rate_limit_buckets = cast(Table, RateLimitBucketRow.__table__)
callback_profiles = cast(Table, CallbackProfileRow.__table__)
