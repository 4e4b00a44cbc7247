"""Error mapping: every failure body of the seeds, and Graph's documented codes, land in the
right catchable category with their wire details kept."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wanumbers.client import (
    APIError,
    APIResponseValidationError,
    AuthenticationError,
    CloudAPI,
    GraphError,
    GraphNotFoundError,
    Kaleyra,
    KaleyraError,
    NotFoundError,
    RateLimitError,
    TransientError,
    ValidationError,
    VerificationError,
)
from wanumbers.client._error_map import graph_error, kaleyra_error

from ._support import Recorder, load_seed, reply

# (seed, fixture name, HTTP status, expected category, retryable)
KALEYRA_CASES = [
    ("000", "rbc201_auth", 401, AuthenticationError, False),
    ("000", "wa401_phone_not_owned", 401, NotFoundError, False),
    ("001", "rbc001_auth", 401, AuthenticationError, False),
    ("001", "wa401_waba_not_owned", 401, NotFoundError, False),
    ("001", "wa400_payload_format", 400, ValidationError, False),
    ("001", "wa400_phone_exists", 400, ValidationError, False),
    ("001", "wa400_verification_type_required", 400, ValidationError, False),
    ("001", "wa400_name_required", 400, ValidationError, False),
    ("001", "wa400_waba_id_required", 400, ValidationError, False),
    ("001", "wa400_name_too_long", 400, ValidationError, False),
    ("001", "wa500_too_short", 500, ValidationError, False),
    ("001", "wa500_try_again", 500, TransientError, True),
    ("002", "wa400_otp_format", 400, VerificationError, False),
    ("002", "wa400_invalid_phone", 400, ValidationError, False),
    ("002", "wa500_already_approved", 500, ValidationError, False),
    ("002", "wa500_try_again", 500, TransientError, True),
    ("003", "e112_phone_not_found", 400, NotFoundError, False),
    ("003", "wa400_invalid_email", 400, ValidationError, False),
    ("003", "wa400_description_too_long", 400, ValidationError, False),
    ("003", "wa400_address_too_long", 400, ValidationError, False),
    ("003", "wa400_about_too_long", 400, ValidationError, False),
    ("003", "wa400_invalid_category", 400, ValidationError, False),
    ("003", "wa500_try_again", 500, TransientError, True),
]


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://example.test/x")
    if isinstance(body, str):
        return httpx.Response(status, text=body, headers=headers, request=request)
    return httpx.Response(status, json=body, headers=headers, request=request)


@pytest.mark.parametrize(
    ("seed", "name", "status", "category", "retryable"),
    KALEYRA_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in KALEYRA_CASES],
)
def test_kaleyra_seed_failures_map_to_categories(
    seed: str, name: str, status: int, category: type, retryable: bool
) -> None:
    body = load_seed(seed)[name]
    error = kaleyra_error(_response(status, body))
    assert isinstance(error, KaleyraError)
    assert isinstance(error, category)
    assert error.code == body["code"]
    assert error.message == body["message"].strip()
    assert error.error == (body["error"] or {})
    assert error.body == body
    assert error.status_code == status
    assert error.retryable is retryable


def test_verification_is_also_a_validation_error() -> None:
    error = kaleyra_error(_response(400, load_seed("002")["wa400_otp_format"]))
    assert isinstance(error, ValidationError)
    assert isinstance(error, VerificationError)


def test_kaleyra_error_in_a_200_envelope_is_still_an_error() -> None:
    # The envelope's code is authoritative: HTTP 200 with WA400 is a failure.
    recorder = Recorder([reply(200, load_seed("001")["wa400_phone_exists"])])
    client = Kaleyra("SID", "KEY", transport=recorder.transport)
    with pytest.raises(ValidationError) as caught:
        client.add_number("766", "976XXXXXXX", "KALEYRA", "SMS", "+91")
    assert caught.value.request is recorder.last
    assert str(caught.value) == "WA400 (200): phone number already exists"


def test_kaleyra_bare_http_errors_fall_back_to_status() -> None:
    assert isinstance(kaleyra_error(_response(502, "<html>bad gateway</html>")), TransientError)
    assert isinstance(kaleyra_error(_response(404, "")), NotFoundError)
    limited = kaleyra_error(_response(429, "", {"Retry-After": "3"}))
    assert isinstance(limited, RateLimitError)
    assert limited.retry_after == 3.0 and limited.retryable
    assert limited.code is None


def _graph(code: int, subcode: int | None = None, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"message": f"(#{code}) x", "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(fbtrace_id="AbCdEf", **extra)
    return {"error": error}


GRAPH_CASES = [
    (401, _graph(190, 463), AuthenticationError, False),
    (400, _graph(104), AuthenticationError, False),
    (400, _graph(100, 33), NotFoundError, False),
    (404, _graph(803), NotFoundError, False),
    (400, _graph(100), ValidationError, False),
    (400, _graph(136025), VerificationError, False),
    (400, _graph(133016), RateLimitError, False),
    (400, _graph(4), RateLimitError, False),
    (400, _graph(80007), RateLimitError, False),
    (429, _graph(130429), RateLimitError, True),
    (500, _graph(131000), TransientError, True),
    (400, _graph(2, is_transient=True), TransientError, True),
    (503, _graph(133004), TransientError, True),
    (500, _graph(3), TransientError, True),
    (403, _graph(200), AuthenticationError, False),
    (400, _graph(133010), ValidationError, False),
]


@pytest.mark.parametrize(("status", "body", "category", "retryable"), GRAPH_CASES)
def test_graph_codes_map_to_categories(
    status: int, body: dict[str, Any], category: type, retryable: bool
) -> None:
    error = graph_error(_response(status, body))
    assert isinstance(error, GraphError) and isinstance(error, category)
    assert error.code == body["error"]["code"]
    assert error.error_subcode == body["error"].get("error_subcode")
    assert error.type == "OAuthException"
    assert error.fbtrace_id == "AbCdEf"
    assert error.retryable is retryable


def test_graph_not_found_keeps_the_real_message() -> None:
    body = {
        "error": {
            "message": "Unsupported get request. Object with ID '123' does not exist, cannot be loaded "
            "due to missing permissions, or does not support this operation.",
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "fbtrace_id": "A1",
        }
    }
    recorder = Recorder([reply(400, body)])
    client = CloudAPI("TOKEN", phone_number_id="123", transport=recorder.transport)
    with pytest.raises(GraphNotFoundError) as caught:
        client.get_phone_number_by_id()
    assert caught.value.type == "GraphMethodException"
    assert str(caught.value).startswith("100/33 (400): Unsupported get request.")


def test_graph_error_data_and_transient_flag_are_kept() -> None:
    body = _graph(131000, is_transient=True, error_data={"messaging_product": "whatsapp", "details": "d"})
    error = graph_error(_response(500, body))
    assert error.is_transient is True
    assert error.error_data == {"messaging_product": "whatsapp", "details": "d"}


def test_undecodable_success_body_raises_response_validation_error() -> None:
    recorder = Recorder([httpx.Response(200, text="not json")])
    client = Kaleyra("SID", "KEY", transport=recorder.transport)
    with pytest.raises(APIResponseValidationError):
        client.get_number_details("1")


def test_success_body_of_the_wrong_shape_raises_response_validation_error() -> None:
    recorder = Recorder([reply(200, {"code": "WA200", "message": "ok", "data": {}, "error": {}})])
    client = Kaleyra("SID", "KEY", transport=recorder.transport)
    with pytest.raises(APIResponseValidationError, match="phone number id"):
        client.add_number("766", "976", "K", "SMS", "+91")


def test_hierarchy_lets_callers_catch_by_contract_or_category() -> None:
    error = graph_error(_response(400, _graph(136025)))
    for base in (APIError, GraphError, ValidationError, VerificationError):
        assert isinstance(error, base)
    assert not isinstance(error, KaleyraError)
    assert issubclass(RateLimitError, TransientError)
