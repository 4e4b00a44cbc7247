"""GET/POST /{id}/whatsapp_business_profile with Meta's limits; "" clears a field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error

FULL = {
    "messaging_product": "whatsapp",
    "about": "Fresh food, fast",
    "address": "1 Market Street, Bengaluru",
    "description": "We deliver groceries in under an hour.",
    "email": "hello@acme.example",
    "websites": ["https://acme.example", "http://shop.acme.example"],
    "vertical": "GROCERY",
}


def _profile(graph: Graph, number_id: str, **params: Any) -> Any:
    response = graph.get(f"/{number_id}/whatsapp_business_profile", **params)
    assert response.status_code == 200, response.text
    return response.json()


def test_fresh_profile_has_an_undefined_vertical_and_messaging_product(graph: Graph) -> None:
    # Graph answers "vertical": "UNDEFINED" for a profile that never set one; pywa's BusinessProfile
    # reads data["vertical"] unconditionally (KeyError without it).
    number_id = graph.create()
    assert _profile(graph, number_id) == {
        "data": [{"vertical": "UNDEFINED", "messaging_product": "whatsapp"}]
    }


def test_a_vertical_not_asked_for_is_not_rendered(graph: Graph) -> None:
    number_id = graph.create()
    assert _profile(graph, number_id, fields="about") == {"data": [{"messaging_product": "whatsapp"}]}


def test_write_then_read(graph: Graph) -> None:
    number_id = graph.create()
    assert graph.post(f"/{number_id}/whatsapp_business_profile", FULL).json() == {"success": True}
    assert _profile(graph, number_id) == {"data": [FULL]}


def test_fields_param_narrows(graph: Graph) -> None:
    number_id = graph.create()
    graph.post(f"/{number_id}/whatsapp_business_profile", FULL)
    body = _profile(graph, number_id, fields="about,websites")
    assert body == {
        "data": [{"about": FULL["about"], "websites": FULL["websites"], "messaging_product": "whatsapp"}]
    }


def test_unknown_profile_field(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.get(f"/{number_id}/whatsapp_business_profile", fields="about,colour")
    error = assert_graph_error(response, 400, 100)
    assert (
        error["message"]
        == "(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessProfile)"
    )


def test_empty_string_clears_and_absent_keeps(graph: Graph) -> None:
    number_id = graph.create()
    graph.post(f"/{number_id}/whatsapp_business_profile", FULL)
    clear = {"messaging_product": "whatsapp", "about": "", "websites": "", "vertical": ""}
    assert graph.post(f"/{number_id}/whatsapp_business_profile", clear).json() == {"success": True}
    body = _profile(graph, number_id)["data"][0]
    assert "about" not in body and "websites" not in body and body["vertical"] == "UNDEFINED"
    assert body["email"] == FULL["email"]


def test_form_body_with_websites_as_json_string(graph: Graph) -> None:
    number_id = graph.create()
    form = {"messaging_product": "whatsapp", "websites": json.dumps(["https://a.example"]), "about": "Hi"}
    response = graph.client.post(
        f"/v23.0/{number_id}/whatsapp_business_profile", data=form, headers=graph.headers
    )
    assert response.json() == {"success": True}
    assert _profile(graph, number_id)["data"][0]["websites"] == ["https://a.example"]


def test_profile_picture_handle_becomes_a_url(graph: Graph) -> None:
    number_id = graph.create()
    body = {"messaging_product": "whatsapp", "profile_picture_handle": "4::aW1hZ2U=:ARb"}
    assert graph.post(f"/{number_id}/whatsapp_business_profile", body).json() == {"success": True}
    url = _profile(graph, number_id)["data"][0]["profile_picture_url"]
    assert url.startswith("https://")


def test_limits_at_the_edge(graph: Graph) -> None:
    number_id = graph.create()
    body = {
        "messaging_product": "whatsapp",
        "about": "a" * 139,
        "address": "b" * 256,
        "description": "c" * 512,
        "email": "e" * 116 + "@example.com",
        "websites": ["https://" + "w" * 248, "https://x.example"],
    }
    assert graph.post(f"/{number_id}/whatsapp_business_profile", body).json() == {"success": True}


@pytest.mark.parametrize(
    "change",
    [
        {"about": "a" * 140},
        {"address": "b" * 257},
        {"description": "c" * 513},
        {"email": "not-an-email"},
        {"email": "e" * 117 + "@example.com"},
        {"websites": ["https://a.example", "https://b.example", "https://c.example"]},
        {"websites": ["ftp://a.example"]},
        {"websites": ["acme.example"]},
        {"websites": ["https://" + "w" * 249]},
        {"vertical": "SPACESHIPS"},
        {"about": ["list"]},
    ],
)
def test_violations_are_100(graph: Graph, change: dict[str, Any]) -> None:
    number_id = graph.create()
    response = graph.post(
        f"/{number_id}/whatsapp_business_profile", {"messaging_product": "whatsapp", **change}
    )
    assert_graph_error(response, 400, 100)


@pytest.mark.parametrize("product", [None, "sms"])
def test_messaging_product_required(graph: Graph, product: str | None) -> None:
    number_id = graph.create()
    body = {"about": "Hi"} if product is None else {"about": "Hi", "messaging_product": product}
    assert_graph_error(graph.post(f"/{number_id}/whatsapp_business_profile", body), 400, 100)


@pytest.mark.parametrize("vertical", ["UNDEFINED", "NOT_A_BIZ", "ALCOHOL", "PROF_SERVICES"])
def test_verticals_from_docs_and_openapi(graph: Graph, vertical: str) -> None:
    number_id = graph.create()
    body = {"messaging_product": "whatsapp", "vertical": vertical}
    assert graph.post(f"/{number_id}/whatsapp_business_profile", body).json() == {"success": True}


def test_foreign_number_is_100_33(graph: Graph, rival: Graph) -> None:
    number_id = rival.create()
    assert_graph_error(graph.get(f"/{number_id}/whatsapp_business_profile"), 400, 100, 33)
    body = {"messaging_product": "whatsapp", "about": "x"}
    assert_graph_error(graph.post(f"/{number_id}/whatsapp_business_profile", body), 400, 100, 33)
