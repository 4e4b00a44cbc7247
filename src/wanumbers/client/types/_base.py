"""Shared base classes for response models.

Upstream APIs add fields and enum values without notice, so every model accepts unknown fields
(``extra="allow"``) and every string enum falls back to ``UNKNOWN`` instead of failing the call.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict


class WanumbersModel(BaseModel):
    """Base of every response model: unknown fields are kept and readable as attributes."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class OpenStrEnum(enum.StrEnum):
    """A string enum whose unknown values become ``UNKNOWN`` (new upstream values are no error)."""

    @classmethod
    def _missing_(cls, value: Any) -> OpenStrEnum:
        unknown: OpenStrEnum = cls["UNKNOWN"]
        return unknown
