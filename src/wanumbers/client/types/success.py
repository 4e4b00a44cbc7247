"""``{"success": true}``, the answer of Graph's action endpoints (verify_code, register, ...)."""

from __future__ import annotations

from ._base import WanumbersModel

__all__ = ["SuccessResponse"]


class SuccessResponse(WanumbersModel):
    success: bool
    id: str | None = None
