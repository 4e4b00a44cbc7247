"""The state the rules read and write. Repositories load and save these; nothing here knows SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wanumbers.server.domain.lifecycle import (
    AccountMode,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)


@dataclass(slots=True)
class Account:
    id: int
    sid: str
    name: str
    pod: str
    business_id: int
    app_id: int
    business_restricted: bool = False


@dataclass(slots=True)
class Waba:
    id: int
    account_id: int
    api_version: str  # "v1" | "v2": Kaleyra routes v1 numbers by incoming_url, v2 by callback profile
    restricted: bool = False


@dataclass(slots=True)
class BusinessProfile:
    about: str | None = None
    address: str | None = None
    description: str | None = None
    email: str | None = None
    vertical: str | None = None
    websites: list[str] = field(default_factory=list)
    profile_picture_url: str | None = None


@dataclass(slots=True)
class Routing:
    incoming_url: str | None = None
    callback_profile_id: str | None = None
    outgoing_callback_profile_id: str | None = None


@dataclass(slots=True)
class Command:
    command_name: str
    command_description: str


@dataclass(slots=True)
class Automation:
    enable_welcome_message: bool = False
    prompts: list[str] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)


@dataclass(slots=True)
class GraphSettings:
    """What Graph's ``POST /{id}`` and ``POST /{id}/settings`` keep beyond the lifecycle.

    ``sections`` holds the stored settings sections (``calling``, ``sip_servers``,
    ``user_identity_change``, ``payload_encryption``, ``storage_configuration``) as Graph renders
    them; ``webhook_verify_token`` is kept as given: Meta sends it back on the override's
    verification request, so it cannot be a one-way digest."""

    new_verified_name: str | None = None
    new_name_status: NameStatus = NameStatus.NONE
    search_visibility: str | None = None  # None: derived from the lifecycle
    webhook_override_uri: str | None = None
    webhook_verify_token: str | None = None
    username: str | None = None
    data_localization_region: str | None = None
    sections: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PhoneNumber:
    id: int
    waba_id: int
    e164: str
    country_code: str
    dial_code: str
    verified_name: str
    state: NumberState = NumberState.UNVERIFIED
    name_status: NameStatus = NameStatus.PENDING_REVIEW
    quality: Quality = Quality.NA
    throughput: Throughput = Throughput.STANDARD
    tier: MessagingTier = MessagingTier.TIER_250
    account_mode: AccountMode = AccountMode.LIVE
    sip_enabled: bool = False
    sip_server_configured: bool = False
    is_official_business_account: bool = False
    pin_digest: str | None = None
    verification_failures: int = 0
    profile: BusinessProfile = field(default_factory=BusinessProfile)
    routing: Routing = field(default_factory=Routing)
    automation: Automation = field(default_factory=Automation)
    graph: GraphSettings = field(default_factory=GraphSettings)
    created_at: datetime | None = None
    last_onboarded_at: datetime | None = None
    display: str = ""  # international format, fixed at creation (formatting is costly)


@dataclass(slots=True)
class OtpCode:
    id: int
    phone_number_id: int
    digest: str
    channel: str
    language: str
    issued_at: datetime
    expires_at: datetime
    attempts: int = 0
    spent: bool = False


@dataclass(slots=True)
class Delivery:
    """A message the emulator "delivered" to the handset: the OTP outbox."""

    to: str
    channel: str
    code: str
    language: str
    sent_at: datetime
