"""The ``WhatsAppBusinessAccount`` node: every field of the table, what is left out, the default set,
the namespace's shape and stability, and the WABA's own health."""

from __future__ import annotations

import re

import pytest

from wanumbers.server.domain.health import BUSINESS_BLOCKED, WABA_LOCKED, derive_waba_health
from wanumbers.server.domain.records import Account, Waba
from wanumbers.server.domain.waba_node import (
    CURRENCY,
    DEFAULT,
    FIELDS,
    NODE_TYPE,
    TIMEZONE_ID,
    project,
    template_namespace,
)

WABA = Waba(22, 1, "v2")
ACCOUNT = Account(1, "HX", "Acme", "IN", business_id=33, app_id=44)


def test_the_constants_and_the_default_set() -> None:
    assert (NODE_TYPE, CURRENCY, TIMEZONE_ID) == ("WhatsAppBusinessAccount", "USD", "1")
    assert DEFAULT == ("id", "name", "timezone_id", "message_template_namespace")


def test_every_field_with_a_value() -> None:
    assert project(WABA, ACCOUNT, FIELDS) == {
        "id": "22",
        "name": "Acme",
        "currency": "USD",
        "timezone_id": "1",
        "message_template_namespace": template_namespace(WABA),
        "account_review_status": "APPROVED",
        "business_verification_status": "VERIFIED",
        "status": "ACTIVE",
        "ownership_type": "SELF_OWNED",
        "owner_business_info": {"id": "33", "name": "Acme"},
        "health_status": derive_waba_health(WABA, ACCOUNT),
        "is_enabled_for_insights": False,
        "marketing_messages_lite_api_status": "INELIGIBLE",
        "disable_marketing_messages_on_cloud_api": False,
        "subscribed_apps": {"data": []},
    }


@pytest.mark.parametrize(
    "name",
    [
        "on_behalf_of_business_info",
        "marketing_messages_onboarding_status",
        "country",
        "primary_business_location",
        "purchase_order_number",
    ],
)
def test_fields_without_a_value_are_left_out(name: str) -> None:
    assert name in FIELDS
    assert project(WABA, ACCOUNT, [name, "id"]) == {"id": "22"}


def test_fields_come_in_the_order_asked() -> None:
    assert list(project(WABA, ACCOUNT, ["currency", "name", "id"])) == ["currency", "name", "id"]


def test_an_unknown_field_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        project(WABA, ACCOUNT, ["colour"])


def test_the_namespace_is_metas_shape_and_stable_per_waba() -> None:
    namespace = template_namespace(WABA)
    assert re.fullmatch(r"[0-9a-f]{8}_[0-9a-f]{4}_5[0-9a-f]{3}_[0-9a-f]{4}_[0-9a-f]{12}", namespace)
    assert namespace == template_namespace(Waba(22, 9, "v1"))
    assert namespace != template_namespace(Waba(23, 1, "v2"))
    assert namespace == "78c37707_4da4_5d31_a5df_297a36dcde58"  # pinned: a changed seed would move every WABA


@pytest.mark.parametrize(
    ("waba_restricted", "business_restricted", "overall", "waba", "business"),
    [
        (False, False, "AVAILABLE", ("AVAILABLE", []), ("AVAILABLE", [])),
        (True, False, "BLOCKED", ("BLOCKED", [WABA_LOCKED]), ("AVAILABLE", [])),
        (False, True, "BLOCKED", ("AVAILABLE", []), ("BLOCKED", [BUSINESS_BLOCKED])),
        (True, True, "BLOCKED", ("BLOCKED", [WABA_LOCKED]), ("BLOCKED", [BUSINESS_BLOCKED])),
    ],
)
def test_the_wabas_health(
    waba_restricted: bool,
    business_restricted: bool,
    overall: str,
    waba: tuple[str, list[object]],
    business: tuple[str, list[object]],
) -> None:
    account = Account(
        1, "HX", "Acme", "IN", business_id=33, app_id=44, business_restricted=business_restricted
    )
    health = derive_waba_health(Waba(22, 1, "v2", restricted=waba_restricted), account)

    def entity(kind: str, entity_id: str, expected: tuple[str, list[object]]) -> dict[str, object]:
        status, errors = expected
        body: dict[str, object] = {"can_send_message": status, "entity_type": kind}
        if errors:
            body["errors"] = errors
        body["id"] = entity_id
        return body

    assert health == {
        "can_send_message": overall,
        "entities": [entity("WABA", "22", waba), entity("BUSINESS", "33", business)],
    }
