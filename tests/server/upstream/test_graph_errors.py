"""Graph failures become the domain errors both envelopes know how to render."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wanumbers.client._error_map import graph_error
from wanumbers.client._exceptions import APIConnectionError
from wanumbers.server.domain.errors import Reason
from wanumbers.server.upstream.graph_errors import to_domain


def graph_failure(status: int, **error: Any) -> Any:
    request = httpx.Request("POST", "http://graph.test/v23.0/1/verify_code")
    return graph_error(httpx.Response(status, json={"error": error}, request=request))


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [
        (400, {"code": 136025, "message": "(#136025) Verify code error"}, Reason.OTP_WRONG),
        (
            400,
            {"code": 136025, "message": "x", "error_data": {"details": "the code has expired"}},
            Reason.OTP_EXPIRED,
        ),
        (400, {"code": 136024, "message": "x", "error_data": {"details": "too many"}}, Reason.OTP_SEND_LIMIT),
        (400, {"code": 133016, "message": "x"}, Reason.REGISTRATION_LIMIT),
        (400, {"code": 133005, "message": "x"}, Reason.PIN_MISMATCH),
        (400, {"code": 100, "error_subcode": 33, "message": "Unsupported"}, Reason.NUMBER_NOT_FOUND),
        (400, {"code": 100, "message": "(#100) phone number already exists"}, Reason.NUMBER_EXISTS),
        (400, {"code": 100, "message": "(#100) Param x is bad"}, Reason.INVALID_PARAMETER),
        (500, {"code": 131000, "message": "Something went wrong", "is_transient": True}, Reason.TRANSIENT),
        (429, {"code": 4, "message": "throttled"}, Reason.TRANSIENT),
        (401, {"code": 190, "message": "Invalid OAuth access token"}, Reason.UPSTREAM),
    ],
)
def test_graph_errors_map_to_domain_reasons(status: int, error: dict[str, Any], reason: Reason) -> None:
    assert to_domain(graph_failure(status, **error), "verify_code").reason is reason


def test_a_connection_failure_is_transient() -> None:
    failure = APIConnectionError(httpx.Request("GET", "http://graph.test/"))
    assert to_domain(failure, "refresh").reason is Reason.TRANSIENT


def test_an_unknown_waba_on_create_is_waba_not_found() -> None:
    failure = graph_failure(400, code=100, error_subcode=33, message="Unsupported")
    assert to_domain(failure, "create_number", Reason.WABA_NOT_FOUND).reason is Reason.WABA_NOT_FOUND


def test_details_keep_metas_wording_without_the_code_prefix() -> None:
    failure = graph_failure(400, code=100, message="(#100) Param cc is bad")
    assert to_domain(failure, "create_number").detail == "Param cc is bad"
