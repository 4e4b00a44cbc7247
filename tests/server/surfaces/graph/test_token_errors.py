"""Graph's 190 answers: each kind of bad token with its subcode and the WWW-Authenticate header Graph
sends (spec: notes/graph-fidelity-spec.md)."""

from __future__ import annotations

import re

from tests._sync import sync
from tests.server.surfaces.graph.conftest import Graph, assert_graph_error
from wanumbers.server.services import admin, sim


def test_no_token_is_104_with_graphs_header(graph: Graph) -> None:
    response = graph.client.get(f"/v23.0/{graph.tenant.waba_id}/phone_numbers")
    error = assert_graph_error(response, 401, 104)
    assert error["message"] == "An access token is required to request this resource."
    assert response.headers["www-authenticate"].startswith('OAuth "Facebook Platform" "invalid_request"')


def test_a_token_that_cannot_be_parsed_is_190(graph: Graph) -> None:
    response = graph.client.get(
        f"/v23.0/{graph.tenant.waba_id}/phone_numbers", headers={"Authorization": "Bearer garbage"}
    )
    error = assert_graph_error(response, 401, 190)
    assert error["message"] == "Invalid OAuth access token - Cannot parse access token"
    assert response.headers["www-authenticate"] == (
        'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"'
    )


def test_a_revoked_token_is_190_with_its_subcode(graph: Graph) -> None:
    token = sync(admin.create_access_token(graph.rt, graph.tenant.sid))
    assert sync(admin.revoke_secret(graph.rt, "access_token", token))
    response = graph.client.get(
        f"/v23.0/{graph.tenant.waba_id}/phone_numbers", headers={"Authorization": f"Bearer {token}"}
    )
    error = assert_graph_error(response, 401, 190, 460)
    assert error["message"].startswith("Error validating access token: The session has been invalidated")


def test_an_expired_token_is_190_463(graph: Graph) -> None:
    token = sync(admin.create_access_token(graph.rt, graph.tenant.sid, expires_in=60))
    path, headers = f"/v23.0/{graph.tenant.waba_id}/phone_numbers", {"Authorization": f"Bearer {token}"}
    assert graph.client.get(path, headers=headers).status_code == 200
    sync(sim.advance_clock(graph.rt, 60))  # the control plane's clock: expiry at exactly 60 s
    response = graph.client.get(path, headers=headers)
    error = assert_graph_error(response, 401, 190, 463)
    assert re.fullmatch(
        r"Error validating access token: Session has expired on \w+day, \d\d-\w{3}-\d\d \d\d:\d\d:\d\d "
        r"P[SD]T\. The current time is \w+day, \d\d-\w{3}-\d\d \d\d:\d\d:\d\d P[SD]T\.",
        error["message"],
    ), error["message"]
    assert response.headers["www-authenticate"].startswith('OAuth "Facebook Platform" "invalid_token"')


def test_a_token_that_has_not_expired_yet_works(graph: Graph) -> None:
    token = sync(admin.create_access_token(graph.rt, graph.tenant.sid, expires_in=60))
    sync(sim.advance_clock(graph.rt, 59))
    response = graph.client.get(
        f"/v23.0/{graph.tenant.waba_id}/phone_numbers", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_the_missing_token_header_carries_the_message(graph: Graph) -> None:
    response = graph.client.get(f"/v23.0/{graph.tenant.waba_id}/phone_numbers")
    assert response.headers["www-authenticate"] == (
        'OAuth "Facebook Platform" "invalid_request" "An access token is required to request this resource."'
    )


def test_an_unknown_object_header_repeats_graphs_message(graph: Graph) -> None:
    # As seen on real answers: the third part is the error message itself.
    response = graph.get("/999999")
    message = response.json()["error"]["message"]
    assert response.headers["www-authenticate"] == f'OAuth "Facebook Platform" "invalid_request" "{message}"'


def test_every_graph_error_carries_the_header(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.post(f"/{number_id}/request_code", {"code_method": "FAX", "language": "en_US"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert response.headers["www-authenticate"] == f'OAuth "Facebook Platform" "invalid_request" "{message}"'


def test_the_header_stays_latin_1_whatever_the_message(graph: Graph) -> None:
    number_id = graph.create()
    body = {"messaging_product": "whatsapp", "vertical": 'ÉPICERIE "x"'}
    response = graph.post(f"/{number_id}/whatsapp_business_profile", body)
    assert response.status_code == 400
    header = response.headers["www-authenticate"]
    assert header.isascii() and header.count('"') == 6
