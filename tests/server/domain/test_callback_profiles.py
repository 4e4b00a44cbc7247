"""Callback-profile fields: what a create requires, what a PATCH may leave out, how each field is
normalised, and every refusal with its exact message and the field it names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.domain.refusals import invalid
from wanumbers.server.domain.callback_profiles import (
    EVENTS,
    FIELDS,
    HTTP_METHODS,
    MAX_CHANNEL,
    MAX_HEADERS,
    MAX_TITLE,
    MIN_TITLE,
    PHONE_NUMBER_EVENTS,
    RESERVED_HEADERS,
    WITH_BODY,
    CallbackProfile,
    check_method_and_body,
    parse,
)

REQUIRED = {"title": "Hook_1", "http_method": "POST", "url": "https://example.com/hook"}


def created(**given: Any) -> dict[str, Any]:
    return parse({**REQUIRED, **given}, partial=False)


def test_the_documented_constants() -> None:
    assert FIELDS == (
        "title",
        "http_method",
        "url",
        "body",
        "response_message",
        "headers",
        "enc",
        "channel",
        "events",
    )
    assert HTTP_METHODS == ("GET", "POST", "PUT", "DELETE")
    assert WITH_BODY == ("POST", "PUT")
    assert PHONE_NUMBER_EVENTS == ("phone_number_quality_update",)
    assert EVENTS == (
        "message_status",
        "incoming_message",
        "template_status",
        "payment_status",
        "phone_number_quality_update",
    )
    assert (MIN_TITLE, MAX_TITLE, MAX_CHANNEL, MAX_HEADERS) == (3, 255, 32, 20)
    assert (
        frozenset(
            {
                "webhook-id",
                "webhook-timestamp",
                "webhook-signature",
                "content-type",
                "content-length",
                "host",
                "transfer-encoding",
                "connection",
            }
        )
        == RESERVED_HEADERS
    )


def test_a_create_with_only_the_required_fields() -> None:
    assert created() == REQUIRED


@pytest.mark.parametrize("missing", ["title", "http_method", "url"])
def test_a_create_requires_title_method_and_url(missing: str) -> None:
    payload = {name: value for name, value in REQUIRED.items() if name != missing}
    with invalid(f"{missing} is required", missing):
        parse(payload, partial=False)


def test_a_patch_sets_only_what_it_is_given() -> None:
    assert parse({}, partial=True) == {}
    assert parse({"url": " https://example.com/x "}, partial=True) == {"url": "https://example.com/x"}


def test_an_unknown_field_is_refused_by_name_first_in_sort_order() -> None:
    with invalid("unknown field 'colour' in payload", "colour"):
        parse({**REQUIRED, "zebra": 1, "colour": "red"}, partial=False)


def test_the_first_failing_field_in_field_order_is_reported() -> None:
    with invalid("title must be at least 3 characters", "title"):
        parse({"title": "a", "http_method": "FETCH"}, partial=True)


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("abc", "abc"),
        ("  Hook_1  ", "Hook_1"),
        ("My hook-2 ok", "My hook-2 ok"),
        ("x" * MAX_TITLE, "x" * MAX_TITLE),
    ],
)
def test_titles_that_are_kept(title: str, kept: str) -> None:
    assert created(title=title)["title"] == kept


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("ab", "title must be at least 3 characters"),
        ("  ab  ", "title must be at least 3 characters"),
        ("", "title must be at least 3 characters"),
        ("x" * (MAX_TITLE + 1), "title exceeds 255 characters"),
        ("hook!", "title may contain only letters, numbers, spaces, hyphens and underscores"),
        ("héllo", "title may contain only letters, numbers, spaces, hyphens and underscores"),
        ("a\nbc", "title may contain only letters, numbers, spaces, hyphens and underscores"),
        (3, "title must be a string"),
        (None, "title must be a string"),
    ],
)
def test_titles_that_are_refused(title: Any, message: str) -> None:
    with invalid(message, "title"):
        created(title=title)


@pytest.mark.parametrize(
    ("given", "kept"), [("GET", "GET"), ("post", "POST"), (" Put ", "PUT"), ("DELETE", "DELETE")]
)
def test_methods_in_any_case(given: str, kept: str) -> None:
    assert created(http_method=given)["http_method"] == kept


def test_a_method_must_be_text() -> None:
    with invalid("http_method must be a string", "http_method"):
        created(http_method=5)


@pytest.mark.parametrize("method", ["PATCH", "", "HEAD"])
def test_other_methods_are_refused(method: str) -> None:
    with invalid("http_method must be one of GET, POST, PUT, DELETE", "http_method"):
        created(http_method=method)


def test_an_empty_url_is_refused() -> None:
    with invalid("url is required", "url"):
        created(url="   ")
    with invalid("url must be a string", "url"):
        created(url=["https://example.com"])


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ({"event": "<event>"}, '{"event":"<event>"}'),
        ('{"a": {"b": ["<x>"]}}', '{"a":{"b":["<x>"]}}'),
        ({}, None),
        ("{}", None),
        ("", None),
        (None, None),
    ],
)
def test_bodies_as_json_or_as_json_text(body: Any, kept: str | None) -> None:
    assert created(body=body)["body"] == kept


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "body is not valid JSON"),
        ("[1, 2]", "body must be a JSON object"),
        ([1, 2], "body must be a JSON object"),
        ('"text"', "body must be a JSON object"),
        (5, "body must be a JSON object"),
    ],
)
def test_bodies_that_are_refused(body: Any, message: str) -> None:
    with invalid(message, "body"):
        created(body=body)


@pytest.mark.parametrize(
    ("given", "kept"),
    [("Thanks", "Thanks"), ("  ok ", "ok"), ("", None), ("   ", None), (None, None)],
)
def test_response_message(given: str | None, kept: str | None) -> None:
    assert created(response_message=given)["response_message"] == kept


def test_a_response_message_must_be_text() -> None:
    with invalid("response_message must be a string", "response_message"):
        created(response_message=1)


@pytest.mark.parametrize(
    ("headers", "kept"),
    [
        ({"Authorization": "Bearer x", "X-Env": "test"}, {"Authorization": "Bearer x", "X-Env": "test"}),
        ('{"X-Key": "k"}', {"X-Key": "k"}),
        ("{}", {}),
        ("", {}),
        (None, {}),
        ({f"X-{n}": "v" for n in range(MAX_HEADERS)}, {f"X-{n}": "v" for n in range(MAX_HEADERS)}),
    ],
)
def test_headers_as_json_or_as_json_text(headers: Any, kept: dict[str, str]) -> None:
    assert created(headers=headers)["headers"] == kept


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ("{oops", "headers is not valid JSON"),
        ('["a"]', "headers must be a JSON object of strings"),
        ({"X-Count": 1}, "headers must be a JSON object of strings"),
        ({"X-A": "1", "X-B": None}, "headers must be a JSON object of strings"),
        (
            {f"X-{n}": "v" for n in range(MAX_HEADERS + 1)},
            "headers may name at most 20 headers",
        ),
        ({"Bad Name": "v"}, "header name 'Bad Name' is not a valid HTTP header name"),
        ({"": "v"}, "header name '' is not a valid HTTP header name"),
        (
            {"Webhook-Signature": "v1,x"},
            "header Webhook-Signature is set by the sender and cannot be configured",
        ),
        ({"content-type": "text/plain"}, "header content-type is set by the sender and cannot be configured"),
        ({"Host": "evil"}, "header Host is set by the sender and cannot be configured"),
        ({"X-A": "one\r\nX-B: two"}, "header X-A must not contain line breaks"),
        ({"X-A": "one\ntwo"}, "header X-A must not contain line breaks"),
        ({"X-A": "one\rtwo"}, "header X-A must not contain line breaks"),
    ],
)
def test_headers_that_are_refused(headers: Any, message: str) -> None:
    with invalid(message, "headers"):
        created(headers=headers)


@pytest.mark.parametrize("enc", [None, "", {}])
def test_no_encryption_is_accepted_and_not_kept(enc: Any) -> None:
    assert "enc" not in created(enc=enc)


@pytest.mark.parametrize("enc", [{"algo": "AES-128-CFB", "key": "k", "IV": "i"}, "AES", 1])
def test_encryption_is_refused(enc: Any) -> None:
    message = "enc (payload encryption) is not supported; verify the webhook-signature header instead"
    with invalid(message, "enc"):
        created(enc=enc)


@pytest.mark.parametrize(
    ("channel", "kept"),
    [("whatsapp", "whatsapp"), (" WhatsApp ", "whatsapp"), ("", None), (None, None), ("x" * 32, "x" * 32)],
)
def test_channel(channel: str | None, kept: str | None) -> None:
    assert created(channel=channel)["channel"] == kept


def test_channels_that_are_refused() -> None:
    with invalid("channel exceeds 32 characters", "channel"):
        created(channel="x" * 33)
    with invalid("channel must be a string", "channel"):
        created(channel=7)


@pytest.mark.parametrize(
    ("events", "kept"),
    [
        (["phone_number_quality_update"], ("phone_number_quality_update",)),
        (
            '["message_status", "phone_number_quality_update"]',
            ("message_status", "phone_number_quality_update"),
        ),
        (["incoming_message", "incoming_message", "payment_status"], ("incoming_message", "payment_status")),
        (list(EVENTS), EVENTS),
        ([], ()),
        ("[]", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_events_as_json_or_as_json_text(events: Any, kept: tuple[str, ...]) -> None:
    assert created(events=events)["events"] == kept


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("[oops", "events is not valid JSON"),
        ({"a": 1}, "events must be a JSON array of strings"),
        ('"phone_number_quality_update"', "events must be a JSON array of strings"),
        ([1], "events must be a JSON array of strings"),
        (["message_status", None], "events must be a JSON array of strings"),
        (
            ["message_status", "account_update"],
            "unknown event 'account_update'; known events: message_status, incoming_message, "
            "template_status, payment_status, phone_number_quality_update",
        ),
    ],
)
def test_events_that_are_refused(events: Any, message: str) -> None:
    with invalid(message, "events"):
        created(events=events)


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_a_body_goes_with_post_and_put(method: str) -> None:
    check_method_and_body(method, '{"a":"b"}')
    check_method_and_body(method, None)


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_body_with_get_or_delete_is_refused(method: str) -> None:
    check_method_and_body(method, None)
    with invalid(f"body applies only to POST and PUT, not {method}", "body"):
        check_method_and_body(method, '{"a":"b"}')


def test_a_profile_is_subscribed_to_the_events_it_lists() -> None:
    profile = CallbackProfile("id", 1, "Hook", "https://example.com", "POST", events=("message_status",))
    assert profile.subscribed("message_status")
    assert not profile.subscribed("phone_number_quality_update")
    bare = CallbackProfile("id", 1, "Hook", "https://example.com", "POST")
    assert (bare.headers, bare.body, bare.response_message, bare.channel, bare.events) == (
        {},
        None,
        None,
        None,
        (),
    )
    assert (bare.created_at, bare.modified_at) == (None, None)
