"""Response models tolerate what upstream adds: unknown fields and enum values."""

from __future__ import annotations

from wanumbers.client import (
    CanSendMessage,
    KaleyraEnvelope,
    NameStatus,
    Page,
    PhoneNumber,
    PhoneNumberDetails,
    QualityRating,
)

from ._support import load_seed


def test_unknown_enum_values_become_unknown() -> None:
    number = PhoneNumber.model_validate({"id": "1", "quality_rating": "PURPLE", "name_status": "NEW_ONE"})
    assert number.quality_rating is QualityRating.UNKNOWN
    assert number.name_status is NameStatus.UNKNOWN


def test_unknown_fields_are_kept() -> None:
    number = PhoneNumber.model_validate({"id": "1", "is_on_biz_app": False, "username": "shop"})
    assert number.model_extra == {"is_on_biz_app": False, "username": "shop"}


def test_seed_details_round_trip_without_loss() -> None:
    raw = load_seed("000")["details_v2"]
    details = PhoneNumberDetails.model_validate(raw)
    assert details.model_dump(mode="json", exclude_unset=True) == raw


def test_health_status_entity_lookup() -> None:
    details = PhoneNumberDetails.model_validate(load_seed("000")["details_v1"])
    assert details.health_status is not None
    app = details.health_status.entity("APP")
    assert app is not None and app.can_receive_call_sip is CanSendMessage.BLOCKED
    assert app.errors[0].error_code == 138025
    assert details.health_status.entity("MESSAGE_TEMPLATE") is None


def test_kaleyra_envelope_treats_empty_list_error_as_empty_dict() -> None:
    envelope = KaleyraEnvelope.model_validate(load_seed("001")["rbc001_auth"] | {"error": []})
    assert envelope.error == {}
    assert not envelope.ok
    assert KaleyraEnvelope.model_validate(load_seed("001")["add_ok"]).ok


def test_page_next_cursor_requires_a_next_link() -> None:
    last = Page[PhoneNumber].model_validate({"data": [{"id": "1"}], "paging": {"cursors": {"after": "A"}}})
    more = Page[PhoneNumber].model_validate(
        {"data": [{"id": "1"}], "paging": {"cursors": {"after": "A"}, "next": "https://n"}}
    )
    assert last.next_cursor is None
    assert more.next_cursor == "A"
    assert len(more) == 1
