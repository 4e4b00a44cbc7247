"""POST /{phone-number-id}: two-step PIN, display-name change, search visibility, webhook override
and username, and what each refuses (changing nothing)."""

from __future__ import annotations

import logging

import pytest

from tests._sync import resolving_to, sync
from tests.server.surfaces.graph.conftest import Graph, assert_graph_error
from wanumbers.server.services import sim
from wanumbers.server.services import urls as url_service

PUBLIC = "93.184.216.34"


@pytest.fixture(autouse=True)
def _public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        url_service, "resolve", resolving_to(PUBLIC, **{"hooks.internal.example": ["10.0.0.7"]})
    )


def test_a_two_step_pin_is_set_and_then_checked_by_register(graph: Graph) -> None:
    number_id = graph.onboard(pin="123456")
    assert graph.post(f"/{number_id}", {"pin": "654321"}).json() == {"success": True}
    response = graph.post(f"/{number_id}/register", {"messaging_product": "whatsapp", "pin": "123456"})
    error = assert_graph_error(response, 400, 133005)
    assert error["message"] == "(#133005) Two step verification PIN Mismatch"
    again = graph.post(f"/{number_id}/register", {"messaging_product": "whatsapp", "pin": "654321"})
    assert again.json() == {"success": True}


def test_a_pin_set_before_register_is_the_one_register_checks(graph: Graph) -> None:
    number_id = graph.create()
    graph.verify(number_id, "+919876543210")
    assert graph.post(f"/{number_id}", {"pin": 135790}).json() == {"success": True}  # a JSON number
    assert graph.get(f"/{number_id}", fields="is_pin_enabled").json()["is_pin_enabled"] is True
    wrong = graph.post(f"/{number_id}/register", {"messaging_product": "whatsapp", "pin": "111111"})
    assert_graph_error(wrong, 400, 133005)
    right = graph.post(f"/{number_id}/register", {"messaging_product": "whatsapp", "pin": "135790"})
    assert right.json() == {"success": True}


def test_the_pin_is_stored_as_a_digest(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}", {"pin": "654321"})
    view = sync(sim.show_number(graph.rt, number_id))
    assert view.number.pin_digest and "654321" not in view.number.pin_digest
    assert len(view.number.pin_digest) == 64


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"pin": "12ab"}, "(#100) Param pin must be a 6-digit number"),
        ({"pin": "1234567"}, "(#100) Param pin must be a 6-digit number"),
        ({"pin": ""}, "(#100) Param pin must be a 6-digit number"),
        ({"new_display_name": "A"}, "(#100) Param new_display_name must be 2 to 75 characters"),
        ({"search_visibility": "SHOWN"}, "(#100) Param search_visibility must be one of {VISIBLE, HIDDEN}"),
        (
            {"webhook_configuration": {"override_callback_uri": "https://hooks.acme.example/wa"}},
            "(#100) The parameter webhook_configuration.verify_token is required",
        ),
        (
            {
                "webhook_configuration": {
                    "override_callback_uri": "ftp://hooks.acme.example/",
                    "verify_token": "t",
                }
            },
            "(#100) webhook_configuration.override_callback_uri must be an http or https URL with a host",
        ),
        (
            {"webhook_url": "https://hooks.acme.example/"},
            "(#100) Invalid parameter: webhook_url cannot be set on a phone number",
        ),
        (
            {},
            "(#100) One of the parameters pin, new_display_name, search_visibility, webhook_configuration, "
            "whatsapp_business_api_data, username must be specified",
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    graph: Graph, body: dict[str, object], message: str
) -> None:
    number_id = graph.onboard()
    fields = "verified_name,new_name_status,search_visibility,webhook_configuration,is_pin_enabled"
    before = graph.get(f"/{number_id}", fields=fields).json()
    error = assert_graph_error(graph.post(f"/{number_id}", body), 400, 100)
    assert error["message"] == message
    assert graph.get(f"/{number_id}", fields=fields).json() == before


@pytest.mark.parametrize(("private_receivers", "accepted"), [(False, False), (True, True)])
def test_a_private_override_needs_the_emulator_or_the_operators_leave(
    graph: Graph, monkeypatch: pytest.MonkeyPatch, private_receivers: bool, accepted: bool
) -> None:
    """Live mode refuses a receiver on a private address unless WANUMBERS_ALLOW_PRIVATE_URLS; the emulator
    (bootstrap.py: ``private_receivers``) takes it, as loopback receivers are its normal case."""
    number_id = graph.onboard()
    before = graph.get(f"/{number_id}", fields="webhook_configuration").json()
    monkeypatch.setattr(graph.rt, "private_receivers", private_receivers)
    private = {"override_callback_uri": "https://hooks.internal.example/", "verify_token": "t"}
    answer = graph.post(f"/{number_id}", {"webhook_configuration": private})
    if accepted:
        assert answer.json() == {"success": True}
        return
    error = assert_graph_error(answer, 400, 100)
    assert error["message"] == (
        "(#100) webhook_configuration.override_callback_uri must not point to a private, loopback or "
        "link-local address"
    )
    assert graph.get(f"/{number_id}", fields="webhook_configuration").json() == before


def test_a_new_display_name_goes_to_review(graph: Graph) -> None:
    number_id = graph.onboard()
    body = {"messaging_product": "whatsapp", "new_display_name": "Acme Fresh"}
    assert graph.post(f"/{number_id}", body).json() == {"success": True}
    node = graph.get(f"/{number_id}", fields="verified_name,new_name_status").json()
    assert node["verified_name"] == "Acme Foods" and node["new_name_status"] == "PENDING_REVIEW"


def test_an_approved_name_is_read_by_both_contracts(graph: Graph) -> None:
    number_id = graph.onboard()
    sync(sim.review_name(graph.rt, number_id, "APPROVED"))  # the name the number was created with
    graph.post(f"/{number_id}", {"new_display_name": "Acme Fresh"})
    view = sync(sim.review_name(graph.rt, number_id, "APPROVED"))  # now the requested one
    assert view.number.verified_name == "Acme Fresh"
    node = graph.get(f"/{number_id}", fields="verified_name,name_status,new_name_status").json()
    assert (node["verified_name"], node["name_status"], node["new_name_status"]) == (
        "Acme Fresh",
        "APPROVED",
        "APPROVED",
    )
    details = graph.client.get(
        f"/v2/{graph.tenant.sid}/whatsapp/919876543210/phone_number_details",
        headers={"api-key": graph.tenant.api_key},
    )
    assert details.status_code == 200, details.text
    assert "Acme Fresh" in details.text


def test_a_declined_name_leaves_the_number_its_name(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}", {"new_display_name": "Acme Fresh"})
    sync(sim.review_name(graph.rt, number_id, "DECLINED"))
    node = graph.get(f"/{number_id}", fields="verified_name,name_status,new_name_status").json()
    assert (node["verified_name"], node["name_status"], node["new_name_status"]) == (
        "Acme Foods",
        "PENDING_REVIEW",
        "DECLINED",
    )


def test_search_visibility_is_set(graph: Graph) -> None:
    number_id = graph.onboard()
    assert graph.post(f"/{number_id}", {"search_visibility": "HIDDEN"}).json() == {"success": True}
    assert graph.get(f"/{number_id}", fields="search_visibility").json()["search_visibility"] == "HIDDEN"


def test_username_is_set(graph: Graph) -> None:
    number_id = graph.onboard()
    assert graph.post(f"/{number_id}", {"username": "acme.foods"}).json() == {"success": True}
    assert graph.get(f"/{number_id}", fields="username").json()["username"] == "acme.foods"


def test_the_nested_pin_of_the_openapi_file_is_taken(graph: Graph) -> None:
    number_id = graph.onboard(pin="123456")
    body = {"whatsapp_business_api_data": {"pin": "222222", "show_security_notifications": True}}
    assert graph.post(f"/{number_id}", body).json() == {"success": True}
    again = graph.post(f"/{number_id}/register", {"messaging_product": "whatsapp", "pin": "222222"})
    assert again.json() == {"success": True}


def test_a_webhook_override_is_kept_and_cleared(graph: Graph) -> None:
    number_id = graph.onboard()
    override = {"override_callback_uri": "https://hooks.acme.example/wa", "verify_token": "t0k"}
    assert graph.post(f"/{number_id}", {"webhook_configuration": override}).json() == {"success": True}
    node = graph.get(f"/{number_id}", fields="webhook_configuration").json()
    assert node["webhook_configuration"] == {"override_callback_uri": "https://hooks.acme.example/wa"}
    assert sync(_override(graph, number_id)) == ("https://hooks.acme.example/wa", "t0k")
    clear = {"webhook_configuration": {"override_callback_uri": ""}}
    assert graph.post(f"/{number_id}", clear).json() == {"success": True}
    node = graph.get(f"/{number_id}", fields="webhook_configuration").json()
    assert node["webhook_configuration"] == {"override_callback_uri": ""}
    assert sync(_override(graph, number_id)) is None


def test_a_form_body_with_json_encoded_configuration_works(graph: Graph) -> None:
    number_id = graph.onboard()
    form = {
        "webhook_configuration": '{"override_callback_uri": "https://hooks.acme.example/f", '
        '"verify_token": "v"}'
    }
    response = graph.client.post(f"/v23.0/{number_id}", data=form, headers=graph.headers)
    assert response.json() == {"success": True}, response.text
    assert sync(_override(graph, number_id)) == ("https://hooks.acme.example/f", "v")


def test_another_accounts_number_is_not_found(graph: Graph, rival: Graph) -> None:
    number_id = rival.onboard()
    assert_graph_error(graph.post(f"/{number_id}", {"pin": "654321"}), 400, 100, 33)


async def _override(graph: Graph, number_id: str) -> tuple[str, str | None] | None:
    async with graph.rt.uow() as uow:
        found = await uow.numbers.webhook_override(int(number_id))
    return None if found is None else (found.uri, found.verify_token)


def test_the_pin_is_never_logged(graph: Graph, caplog: pytest.LogCaptureFixture) -> None:
    number_id = graph.onboard()
    with caplog.at_level(logging.DEBUG):
        assert graph.post(f"/{number_id}", {"pin": "864209"}).json() == {"success": True}
        graph.post(f"/{number_id}/register", {"messaging_product": "whatsapp", "pin": "864209"})
    assert caplog.records  # SQL statements are logged at DEBUG: the check has something to look at
    assert "864209" not in caplog.text
