"""What ``CloudAPI.get_throughput`` returns: throughput level and messaging tier together."""

from __future__ import annotations

from ._base import WanumbersModel
from .enums import MessagingLimitTier, ThroughputLevel

__all__ = ["ThroughputInfo"]


class ThroughputInfo(WanumbersModel):
    """Seed 004 mixes these up: ``level`` is STANDARD/HIGH; TIER_* is the messaging limit."""

    level: ThroughputLevel
    messaging_limit_tier: MessagingLimitTier | None = None
