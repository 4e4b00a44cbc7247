"""create → request_code → verify_code → register → deregister, with Meta's codes for each failure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests._sync import sync
from tests.server.surfaces.graph.conftest import CC, PHONE, Graph, assert_graph_error
from wanumbers.server.domain import otp
from wanumbers.server.services import sim

E164 = f"+{CC}{PHONE}"
REGISTER = {"messaging_product": "whatsapp", "pin": "123456"}


def _status(graph: Graph, number_id: str) -> Any:
    return graph.get(f"/{number_id}", fields="status,code_verification_status").json()


def _advance(graph: Graph, delta: timedelta) -> None:
    sync(sim.advance_clock(graph.rt, int(delta.total_seconds())))


# -- create ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"cc": "91", "phone_number": PHONE, "verified_name": "Acme Foods"},
        {"cc": "+91", "phone_number": PHONE, "verified_name": "Acme Foods"},
        {"country_code": "91", "phone_number": PHONE, "verified_name": "Acme Foods"},
        {"cc": "91", "phone_number": CC + PHONE, "verified_name": "Acme Foods"},
        {"cc": "91", "phone_number": E164, "verified_name": "Acme Foods"},
    ],
)
def test_create_accepts_metas_and_pywas_spellings(graph: Graph, body: dict[str, str]) -> None:
    response = graph.post(f"/{graph.tenant.waba_id}/phone_numbers", body)
    assert response.status_code == 200, response.text
    number_id = response.json()["id"]
    assert list(response.json()) == ["id"] and number_id.isdigit()
    node = graph.get(f"/{number_id}", fields="display_phone_number,status,verified_name").json()
    assert node == {
        "display_phone_number": "+91 98765 43210",
        "status": "PENDING",
        "verified_name": "Acme Foods",
        "id": number_id,
    }


def test_create_does_not_send_a_code(graph: Graph) -> None:
    from wanumbers.server.services import sim

    graph.create()
    assert sync(sim.outbox(graph.rt, E164)) == []


def test_create_as_form_and_query(graph: Graph) -> None:
    path = f"/v23.0/{graph.tenant.waba_id}/phone_numbers"
    form = graph.client.post(
        path, data={"cc": "91", "phone_number": PHONE, "verified_name": "Acme"}, headers=graph.headers
    )
    assert form.status_code == 200, form.text
    query = graph.client.post(
        path,
        params={
            "cc": "91",
            "phone_number": "9876500002",
            "verified_name": "Acme",
            "access_token": graph.token,
        },
    )
    assert query.status_code == 200, query.text


@pytest.mark.parametrize(
    "body",
    [
        {"phone_number": PHONE, "verified_name": "Acme"},
        {"cc": "91", "verified_name": "Acme"},
        {"cc": "91", "phone_number": PHONE},
        {"cc": "9123", "phone_number": PHONE, "verified_name": "Acme"},
        {"cc": "91", "phone_number": PHONE, "verified_name": "A"},
        {"cc": "91", "phone_number": PHONE, "verified_name": "A" * 76},
        {"cc": "91", "phone_number": "12", "verified_name": "Acme"},
        {"cc": "91", "phone_number": "0000000000", "verified_name": "Acme"},
        {"cc": "1", "phone_number": E164, "verified_name": "Acme"},
        {"cc": 91, "phone_number": ["x"], "verified_name": "Acme"},
    ],
)
def test_create_invalid_parameters_are_100(graph: Graph, body: dict[str, Any]) -> None:
    response = graph.post(f"/{graph.tenant.waba_id}/phone_numbers", body)
    error = assert_graph_error(response, 400, 100)
    assert error["message"].startswith("(#100) ")


def test_create_duplicate_is_100(graph: Graph) -> None:
    graph.create()
    body = {"cc": CC, "phone_number": PHONE, "verified_name": "Again"}
    assert_graph_error(graph.post(f"/{graph.tenant.waba_id}/phone_numbers", body), 400, 100)


def test_create_in_foreign_waba_is_100_33(graph: Graph, rival: Graph) -> None:
    body = {"cc": CC, "phone_number": PHONE, "verified_name": "Acme"}
    error = assert_graph_error(graph.post(f"/{rival.tenant.waba_id}/phone_numbers", body), 400, 100, 33)
    assert error["message"].startswith("Unsupported post request.")


def test_malformed_json_body_is_100(graph: Graph) -> None:
    response = graph.client.post(
        f"/v23.0/{graph.tenant.waba_id}/phone_numbers",
        content=b"{not json",
        headers={**graph.headers, "Content-Type": "application/json"},
    )
    assert_graph_error(response, 400, 100)


# -- request_code / verify_code ----------------------------------------------------------------


def test_full_lifecycle(graph: Graph) -> None:
    number_id = graph.create()
    assert _status(graph, number_id)["code_verification_status"] == "NOT_VERIFIED"
    graph.verify(number_id, E164)
    assert _status(graph, number_id) == {
        "status": "PENDING",
        "code_verification_status": "VERIFIED",
        "id": number_id,
    }
    assert graph.post(f"/{number_id}/register", REGISTER).json() == {"success": True}
    assert _status(graph, number_id)["status"] == "CONNECTED"
    assert graph.post(f"/{number_id}/deregister").json() == {"success": True}
    node = graph.get(f"/{number_id}", fields="status,platform_type,throughput").json()
    assert node["status"] == "DISCONNECTED" and node["platform_type"] == "NOT_APPLICABLE"
    assert node["throughput"] == {"level": "NOT_APPLICABLE"}
    assert graph.post(f"/{number_id}/register", REGISTER).json() == {"success": True}
    assert _status(graph, number_id)["status"] == "CONNECTED"


@pytest.mark.parametrize("method", ["SMS", "VOICE", "sms"])
def test_request_code_channels(graph: Graph, method: str) -> None:
    from wanumbers.server.services import sim

    number_id = graph.create()
    response = graph.post(f"/{number_id}/request_code", {"code_method": method, "language": "en"})
    assert response.json() == {"success": True}
    assert sync(sim.outbox(graph.rt, E164))[0].channel == method.upper()


def test_request_code_as_query_string_and_multipart(graph: Graph) -> None:
    number_id = graph.create()
    query = graph.client.post(
        f"/v23.0/{number_id}/request_code",
        params={"code_method": "SMS", "language": "en_US"},
        headers=graph.headers,
    )
    assert query.json() == {"success": True}
    multipart = graph.client.post(
        f"/v23.0/{number_id}/request_code",
        files={"code_method": (None, "VOICE"), "language": (None, "pt_BR")},
        headers=graph.headers,
    )
    assert multipart.json() == {"success": True}, multipart.text


@pytest.mark.parametrize(
    "body",
    [
        {"language": "en_US"},
        {"code_method": "EMAIL", "language": "en_US"},
        {"code_method": "SMS"},
        {"code_method": "SMS", "language": "english"},
    ],
)
def test_request_code_bad_params_are_100(graph: Graph, body: dict[str, str]) -> None:
    number_id = graph.create()
    assert_graph_error(graph.post(f"/{number_id}/request_code", body), 400, 100)


def test_request_code_send_limit_is_136024_with_429(graph: Graph) -> None:
    number_id = graph.create()
    body = {"code_method": "SMS", "language": "en_US"}
    for _ in range(otp.MAX_SENDS_PER_WINDOW):
        assert graph.post(f"/{number_id}/request_code", body).status_code == 200
    response = graph.post(f"/{number_id}/request_code", body)
    error = assert_graph_error(response, 429, 136024)
    assert error["message"] == "(#136024) Request code error"
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert int(response.headers["retry-after"]) > 0


def test_request_code_on_verified_number_is_136024(graph: Graph) -> None:
    number_id = graph.create()
    graph.verify(number_id, E164)
    body = {"code_method": "SMS", "language": "en_US"}
    assert_graph_error(graph.post(f"/{number_id}/request_code", body), 400, 136024)


def test_wrong_code_is_136025(graph: Graph) -> None:
    number_id = graph.create()
    graph.post(f"/{number_id}/request_code", {"code_method": "SMS", "language": "en_US"})
    wrong = "000000" if graph.last_code(E164) != "000000" else "111111"
    error = assert_graph_error(graph.post(f"/{number_id}/verify_code", {"code": wrong}), 400, 136025)
    assert error["message"] == "(#136025) Verify code error"


def test_expired_code_is_136025(graph: Graph) -> None:
    number_id = graph.create()
    graph.post(f"/{number_id}/request_code", {"code_method": "SMS", "language": "en_US"})
    code = graph.last_code(E164)
    _advance(graph, otp.CODE_TTL + timedelta(seconds=1))
    assert_graph_error(graph.post(f"/{number_id}/verify_code", {"code": code}), 400, 136025)


def test_verify_without_request_is_136025(graph: Graph) -> None:
    number_id = graph.create()
    assert_graph_error(graph.post(f"/{number_id}/verify_code", {"code": "123456"}), 400, 136025)


@pytest.mark.parametrize("code", ["12345", "abcdef", "", "١٢٣٤٥٦"])
def test_malformed_code_is_100(graph: Graph, code: str) -> None:
    number_id = graph.create()
    assert_graph_error(graph.post(f"/{number_id}/verify_code", {"code": code}), 400, 100)


def test_pin_as_json_number(graph: Graph) -> None:
    number_id = graph.create()
    graph.verify(number_id, E164)
    body = {"messaging_product": "whatsapp", "pin": 123456}
    assert graph.post(f"/{number_id}/register", body).json() == {"success": True}


# -- register / deregister ---------------------------------------------------------------------


def test_register_unverified_is_133006(graph: Graph) -> None:
    number_id = graph.create()
    assert_graph_error(graph.post(f"/{number_id}/register", REGISTER), 400, 133006)


@pytest.mark.parametrize(
    "body",
    [
        {"pin": "123456"},
        {"messaging_product": "sms", "pin": "123456"},
        {"messaging_product": "whatsapp"},
        {"messaging_product": "whatsapp", "pin": "12345"},
        {"messaging_product": "whatsapp", "pin": "12345a"},
        {"messaging_product": "whatsapp", "pin": "123456", "data_localization_region": "XX"},
    ],
)
def test_register_bad_params_are_100(graph: Graph, body: dict[str, str]) -> None:
    number_id = graph.create()
    graph.verify(number_id, E164)
    assert_graph_error(graph.post(f"/{number_id}/register", body), 400, 100)


def test_register_with_localization_region(graph: Graph) -> None:
    number_id = graph.create()
    graph.verify(number_id, E164)
    body = {**REGISTER, "data_localization_region": "IN"}
    assert graph.post(f"/{number_id}/register", body).json() == {"success": True}


def test_register_again_is_accepted(graph: Graph) -> None:
    number_id = graph.onboard()
    assert graph.post(f"/{number_id}/register", REGISTER).json() == {"success": True}
    assert _status(graph, number_id)["status"] == "CONNECTED"


def test_pin_mismatch_is_133005(graph: Graph) -> None:
    number_id = graph.onboard(pin="123456")
    graph.post(f"/{number_id}/deregister")
    body = {"messaging_product": "whatsapp", "pin": "654321"}
    error = assert_graph_error(graph.post(f"/{number_id}/register", body), 400, 133005)
    assert error["message"] == "(#133005) Two step verification PIN Mismatch"


def test_weekly_register_limit_is_133016(graph: Graph) -> None:
    number_id = graph.onboard()  # 1st register
    for _ in range(9):
        assert graph.post(f"/{number_id}/register", REGISTER).status_code == 200
    error = assert_graph_error(graph.post(f"/{number_id}/register", REGISTER), 400, 133016)
    assert error["message"] == "(#133016) Account register deregister rate limit exceeded"
    _advance(graph, timedelta(days=7, seconds=1))
    assert graph.post(f"/{number_id}/register", REGISTER).status_code == 200


def test_weekly_deregister_limit_is_133016(graph: Graph) -> None:
    number_id = graph.onboard()

    # Ten deregistrations this week already (re-registering between them would spend the register
    # budget first, which the test above covers).
    async def deregistered_ten_times() -> None:
        async with graph.rt.uow(write=True) as uow:
            for _ in range(10):
                await uow.registrations.record(int(number_id), "deregister", graph.rt.clock.now())
            await uow.commit()

    sync(deregistered_ten_times())
    error = assert_graph_error(graph.post(f"/{number_id}/deregister"), 400, 133016)
    assert error["message"] == "(#133016) Account register deregister rate limit exceeded"
    assert _status(graph, number_id)["status"] == "CONNECTED"


def test_deregister_unregistered_is_100_2207051(graph: Graph) -> None:
    number_id = graph.create()
    assert_graph_error(graph.post(f"/{number_id}/deregister"), 400, 100, 2207051)


@pytest.mark.parametrize(
    ("edge", "body"),
    [
        ("request_code", {"code_method": "SMS", "language": "en_US"}),
        ("verify_code", {"code": "123456"}),
        ("register", REGISTER),
        ("deregister", None),
    ],
)
def test_foreign_number_is_100_33_on_every_action(graph: Graph, rival: Graph, edge: str, body: Any) -> None:
    number_id = rival.create()
    assert_graph_error(graph.post(f"/{number_id}/{edge}", body), 400, 100, 33)
