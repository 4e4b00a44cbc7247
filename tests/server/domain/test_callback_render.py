"""A phone-number event as a callback profile sends it: the dynamic variables, the URL and body
templates, the headers, and the Standard Webhooks signature (the spec's own test vector, and the
``standardwebhooks`` package as an independent verifier)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from wanumbers.server.domain.callback_profiles import CallbackProfile
from wanumbers.server.domain.callback_render import (
    SECRET_PREFIX,
    message_id,
    profile_of,
    render_body,
    request_for,
    resign,
    secret_for,
    sign,
    substitute,
    value_variables,
    variables,
)
from wanumbers.server.domain.outbound import OutboundRequest, PhoneNumberChange

# Meta's phone_number_quality_update example (tests/fixtures/webhooks/meta/…_flagged.json).
CHANGE = PhoneNumberChange(
    waba_id=495709166956424,
    number_id=106540352242922,
    field="phone_number_quality_update",
    value={"display_phone_number": "124545784358810", "event": "FLAGGED", "current_limit": "TIER_10K"},
    time=1731617831,
)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks spec's example secret


def change(value: dict[str, Any], number_id: int | None = 7) -> PhoneNumberChange:
    return PhoneNumberChange(waba_id=1, number_id=number_id, field="f", value=value, time=2)


def profile(**fields: Any) -> CallbackProfile:
    base: dict[str, Any] = {"id": "p-1", "account_id": 1, "title": "Hook", "url": "https://r.test/cb"}
    return CallbackProfile(**{**base, "http_method": "POST", **fields})


def test_the_spec_test_vector() -> None:
    signed = sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_is_what_the_standardwebhooks_package_verifies() -> None:
    from standardwebhooks import Webhook

    body = b'{"event":"FLAGGED"}'
    now = int(datetime.now(UTC).timestamp())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign(SECRET, "msg_1", now, body),
    }
    assert Webhook(SECRET).verify(body, headers) == {"event": "FLAGGED"}


def test_an_empty_body_is_signed_too() -> None:
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, b"msg_2.5.", hashlib.sha256).digest()).decode()
    assert sign(SECRET, "msg_2", 5, b"") == "v1," + expected


def test_a_secret_is_derived_per_profile_per_generation_and_per_key() -> None:
    secret = secret_for(b"k" * 32, "p-1", 1)
    assert SECRET_PREFIX == "whsec_"
    assert secret.startswith("whsec_")
    digest = hmac.new(b"k" * 32, b"wanumbers/callback-profile-secret/v1\x00p-1:1", hashlib.sha256).digest()
    assert secret == "whsec_" + base64.b64encode(digest).decode()
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != secret_for(b"k" * 32, "p-2", 1)
    assert secret != secret_for(b"k" * 32, "p-1", 2)
    assert secret != secret_for(b"j" * 32, "p-1", 1)
    assert secret == secret_for(b"k" * 32, "p-1", 1)


def test_variables_of_a_quality_update() -> None:
    assert variables(CHANGE) == {
        "display_phone_number": "124545784358810",
        "event": "FLAGGED",
        "current_limit": "TIER_10K",
        "waba_id": "495709166956424",
        "phone_number_id": "106540352242922",
        "event_type": "phone_number_quality_update",
        "timestamp": "1731617831",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"a": "x", "b": 3, "c": 1.5}, {"a": "x", "b": "3", "c": "1.5"}),
        ({"yes": True, "no": False}, {"yes": "true", "no": "false"}),
        ({"nested": {"a": 1}, "list": [1], "none": None, "kept": "k"}, {"kept": "k"}),
        ({}, {}),
    ],
)
def test_only_the_scalars_of_the_value_are_variables(value: dict[str, Any], expected: dict[str, str]) -> None:
    assert value_variables(change(value)) == expected


def test_an_account_level_change_has_no_phone_number_id() -> None:
    assert variables(change({}, number_id=None))["phone_number_id"] == ""


@pytest.mark.parametrize(
    ("text", "in_url", "expected"),
    [
        ("<event>", False, "FLAGGED"),
        ("e=<event>&l=<current_limit>", False, "e=FLAGGED&l=TIER_10K"),
        ("<unknown>!", False, "!"),
        ("<event", False, "<event"),
        ("< event>", False, "< event>"),
        ("<_x1>", False, ""),
        ("<1x>", False, "<1x>"),
        ("no variables", False, "no variables"),
        ("?q=<v>", True, "?q=a%20b%26c%2Fd"),
        ("?q=<unknown>&e=<event>", True, "?q=&e=FLAGGED"),
        ("<v>", False, "a b&c/d"),
    ],
)
def test_substitution(text: str, in_url: bool, expected: str) -> None:
    values = {"event": "FLAGGED", "current_limit": "TIER_10K", "v": "a b&c/d"}
    assert substitute(text, values, in_url=in_url) == expected


def test_without_a_template_the_body_is_the_value_flat() -> None:
    body = render_body(None, CHANGE)
    assert body == b'{"display_phone_number":"124545784358810","event":"FLAGGED","current_limit":"TIER_10K"}'


def test_a_template_is_substituted_in_every_string_and_stays_json() -> None:
    template = orjson.dumps(
        {
            "number": "<display_phone_number>",
            "what": ["<event>", {"limit": "limit <current_limit>"}],
            "count": 3,
            "flag": True,
            "nothing": None,
            "<event>": "keys are kept",
        }
    ).decode()
    assert orjson.loads(render_body(template, CHANGE)) == {
        "number": "124545784358810",
        "what": ["FLAGGED", {"limit": "limit TIER_10K"}],
        "count": 3,
        "flag": True,
        "nothing": None,
        "<event>": "keys are kept",
    }


def test_a_value_with_quotes_cannot_break_the_body() -> None:
    hostile = change({"event": 'x","admin":true,"y":"'})
    assert orjson.loads(render_body('{"e":"<event>"}', hostile)) == {"e": 'x","admin":true,"y":"'}


def test_a_post_request_is_rendered_and_signed() -> None:
    hook = profile(
        headers={"Authorization": "Bearer t"}, body='{"q":"<event>"}', url="https://r.test/cb?w=<waba_id>"
    )
    request = request_for(hook, CHANGE, secret=SECRET, message_id="msg_1", timestamp=1700000000)
    assert request == OutboundRequest(
        "POST",
        "https://r.test/cb?w=495709166956424",
        (
            ("Authorization", "Bearer t"),
            ("Content-Type", "application/json"),
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1700000000"),
            ("webhook-signature", sign(SECRET, "msg_1", 1700000000, b'{"q":"FLAGGED"}')),
        ),
        b'{"q":"FLAGGED"}',
    )


def test_a_put_request_carries_the_default_body() -> None:
    request = request_for(profile(http_method="PUT"), CHANGE, secret=SECRET, message_id="m", timestamp=1)
    assert (request.method, request.body) == ("PUT", render_body(None, CHANGE))
    assert ("Content-Type", "application/json") in request.headers


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_get_and_delete_carry_the_variables_in_the_url_and_no_body(method: str) -> None:
    url = "https://r.test/cb?display_phone_number=<display_phone_number>&event=<event>&current_limit=<current_limit>"
    request = request_for(
        profile(http_method=method, url=url), CHANGE, secret=SECRET, message_id="m", timestamp=9
    )
    # Kaleyra's own quality webhook, as its page prints it (tests/fixtures/webhooks/kaleyra/).
    assert (
        request.url
        == "https://r.test/cb?display_phone_number=124545784358810&event=FLAGGED&current_limit=TIER_10K"
    )
    assert (request.method, request.body) == (method, b"")
    assert request.headers == (
        ("webhook-id", "m"),
        ("webhook-timestamp", "9"),
        ("webhook-signature", sign(SECRET, "m", 9, b"")),
    )


def test_values_are_percent_encoded_in_the_url() -> None:
    spaced = PhoneNumberChange(1, 2, "phone_number_quality_update", {"event": "A B/C"}, 3)
    request = request_for(
        profile(http_method="GET", url="https://r.test/?e=<event>"),
        spaced,
        secret=SECRET,
        message_id="m",
        timestamp=1,
    )
    assert request.url == "https://r.test/?e=A%20B%2FC"


PROFILE_ID = "e5a4f212-b0b0-4c77-9f04-7b0123456d34"


def test_a_message_id_names_its_profile() -> None:
    message = message_id(PROFILE_ID, "0123456789abcdef")
    assert message == "msg_e5a4f212b0b04c779f047b0123456d34_0123456789abcdef"
    assert profile_of(message) == PROFILE_ID


@pytest.mark.parametrize(
    "message",
    [
        "",
        "msg_1",
        "msg_e5a4f212b0b04c779f047b0123456d34",
        "msg_e5a4f212b0b04c779f047b0123456d34_0123456789abcde",
        "msg_e5a4f212b0b04c779f047b0123456d34_0123456789abcdef0",
        "msg_E5A4F212B0B04C779F047B0123456D34_0123456789abcdef",
        "msg_e5a4f212b0b04c779f047b0123456d3_0123456789abcdef0",
        "xmsg_e5a4f212b0b04c779f047b0123456d34_0123456789abcdef",
        "msg_e5a4f212b0b04c779f047b0123456d34_0123456789abcdef\n",
    ],
)
def test_other_ids_name_no_profile(message: str) -> None:
    assert profile_of(message) is None


def test_a_request_is_resigned_with_the_same_id_and_body() -> None:
    hook = profile(headers={"X-A": "1"}, body='{"q":"<event>"}')
    first = request_for(hook, CHANGE, secret=SECRET, message_id="msg_1", timestamp=100)
    again = resign(first, SECRET, 700)
    assert again == OutboundRequest(
        first.method,
        first.url,
        (
            ("X-A", "1"),
            ("Content-Type", "application/json"),
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "700"),
            ("webhook-signature", sign(SECRET, "msg_1", 700, first.body)),
        ),
        first.body,
    )
    assert request_for(hook, CHANGE, secret=SECRET, message_id="msg_1", timestamp=700) == again
