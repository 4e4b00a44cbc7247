"""A Kaleyra callback profile as ``/v1/{sid}/callback/profiles`` answers it. Kaleyra sends ``headers``,
``body`` and ``events`` as JSON text; the model reads them as values."""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, field_validator

from ._base import WanumbersModel

__all__ = ["CallbackProfile"]


def _json_text(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value) if value else None
    return value


class CallbackProfile(WanumbersModel):
    profile_id: str
    title: str
    url: str
    http_method: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, Any] | None = None
    events: list[str] = Field(default_factory=list)
    response_message: str | None = None
    channel: str | None = None
    status: int | None = None  # 1 active, 2 auto-disabled, 3 disabled
    created_at: str | None = None
    modified_at: str | None = None

    @field_validator("body", mode="before")
    @classmethod
    def _body_from_json_text(cls, value: Any) -> Any:
        return _json_text(value)

    @field_validator("headers", mode="before")
    @classmethod
    def _headers_from_json_text(cls, value: Any) -> Any:
        return _json_text(value) or {}

    @field_validator("events", mode="before")
    @classmethod
    def _events_from_json_text(cls, value: Any) -> Any:
        return _json_text(value) or []
