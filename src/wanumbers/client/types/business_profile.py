"""WhatsApp Business profile (``/{PHONE_NUMBER_ID}/whatsapp_business_profile``).

Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/business-profiles
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ._base import WanumbersModel
from .enums import BusinessVertical

__all__ = ["BusinessProfile"]


class BusinessProfile(WanumbersModel):
    about: str | None = None
    address: str | None = None
    description: str | None = None
    email: str | None = None
    messaging_product: str | None = None
    profile_picture_url: str | None = None
    websites: list[str] = Field(default_factory=list)
    vertical: BusinessVertical | None = None

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, value: Any) -> Any:
        # Meta's docs return the profile flat; its OpenAPI wraps it in {"business_profile": {...}}.
        if isinstance(value, dict) and isinstance(value.get("business_profile"), dict):
            return value["business_profile"]
        return value
