"""Phone-number settings (``/{PHONE_NUMBER_ID}/settings``): calling/SIP, encryption, storage.

Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/calling/call-settings
"""

from __future__ import annotations

from pydantic import Field

from ._base import WanumbersModel

__all__ = [
    "CallingSettings",
    "PayloadEncryptionSettings",
    "PhoneNumberSettings",
    "SipServer",
    "SipSettings",
    "StorageConfiguration",
]


class SipServer(WanumbersModel):
    hostname: str | None = None
    port: int | None = None
    app_id: str | None = None


class SipSettings(WanumbersModel):
    status: str | None = None
    servers: list[SipServer] = Field(default_factory=list)


class CallingSettings(WanumbersModel):
    """Calling settings; Meta writes ``status`` and friends in upper case ("ENABLED"/"DISABLED"), its
    OpenAPI file in lower case: compare without regard to case."""

    status: str | None = None
    call_icon_visibility: str | None = None
    callback_permission_status: str | None = None
    srtp_key_exchange_protocol: str | None = None
    sip: SipSettings | None = None


class PayloadEncryptionSettings(WanumbersModel):
    status: str | None = None


class StorageConfiguration(WanumbersModel):
    status: str | None = None
    data_localization_region: str | None = None


class PhoneNumberSettings(WanumbersModel):
    calling: CallingSettings | None = None
    payload_encryption: PayloadEncryptionSettings | None = None
    storage_configuration: StorageConfiguration | None = None
