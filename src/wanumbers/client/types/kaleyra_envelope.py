"""Kaleyra's response envelope ``{"code", "message", "data", "error"}`` (seeds 000-003)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from ._base import WanumbersModel

__all__ = ["KaleyraEnvelope"]

SUCCESS_CODES = frozenset({"WA200", "WA202", "RBC024"})  # RBC024: the callback-profile API


class KaleyraEnvelope(WanumbersModel):
    code: str
    message: str = ""
    data: Any = None
    error: dict[str, Any] | list[Any] = Field(default_factory=dict)

    @field_validator("error", mode="before")
    @classmethod
    def _empty_list_is_empty_dict(cls, value: Any) -> Any:
        # Kaleyra sends [] and {} interchangeably for "nothing".
        return {} if value in ([], None) else value

    @property
    def ok(self) -> bool:
        return self.code in SUCCESS_CODES
