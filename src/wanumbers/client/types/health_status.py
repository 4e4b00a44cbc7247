"""``health_status`` of a phone number (Kaleyra seed 000; Meta health-status doc)."""

from __future__ import annotations

from pydantic import Field

from ._base import WanumbersModel
from .enums import CanSendMessage, HealthEntityType

__all__ = ["HealthEntity", "HealthError", "HealthStatus"]


class HealthError(WanumbersModel):
    """Why an entity is BLOCKED, e.g. 138024 "calling cannot use SIP because it is not enabled"."""

    error_code: int
    error_description: str | None = None
    possible_solution: str | None = None


class HealthEntity(WanumbersModel):
    """One node in the send path (phone number, WABA, business, app or template)."""

    entity_type: HealthEntityType
    id: str
    can_send_message: CanSendMessage
    can_receive_call_sip: CanSendMessage | None = None
    additional_info: list[str] = Field(default_factory=list)
    errors: list[HealthError] = Field(default_factory=list)


class HealthStatus(WanumbersModel):
    """Overall status (the worst of the entities) plus each entity's own status."""

    can_send_message: CanSendMessage
    entities: list[HealthEntity] = Field(default_factory=list)

    def entity(self, entity_type: HealthEntityType | str) -> HealthEntity | None:
        """The first entity of ``entity_type``, or ``None``."""
        return next((e for e in self.entities if e.entity_type == entity_type), None)
