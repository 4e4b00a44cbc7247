"""Kaleyra callback profiles: what a profile holds and the rules its fields follow.

A profile says where, how and what to send when an event happens: ``title``, ``url``, ``http_method``,
``headers``, a ``body`` template with dynamic variables (``<display_phone_number>``), and the
``events`` it is subscribed to. Kaleyra takes ``body``, ``headers`` and ``events`` either as JSON values or
as JSON text (its own read answers them as text), so both are accepted here.

Pure: the URL is checked for reachability (the SSRF rule) by the service, which resolves its host.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from wanumbers.server.domain.errors import DomainError, Reason

FIELDS = ("title", "http_method", "url", "body", "response_message", "headers", "enc", "channel", "events")
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE")
WITH_BODY = ("POST", "PUT")
# The WhatsApp events Kaleyra's profiles subscribe to. Only the phone-number event is produced here:
# wanumbers sends no messages, so the other four are accepted and stored for clients that set them.
PHONE_NUMBER_EVENTS = ("phone_number_quality_update",)
EVENTS = ("message_status", "incoming_message", "template_status", "payment_status", *PHONE_NUMBER_EVENTS)
MIN_TITLE, MAX_TITLE = 3, 255
MAX_CHANNEL = 32
MAX_HEADERS = 20
_TITLE = re.compile(r"[A-Za-z0-9 _-]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an RFC 9110 token
# Set by the sender on every delivery: a profile may not override them.
RESERVED_HEADERS = frozenset(
    {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host"}
    | {"transfer-encoding", "connection"}
)


@dataclass(frozen=True, slots=True)
class CallbackProfile:
    id: str
    account_id: int
    title: str
    url: str
    http_method: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # the template, as JSON text of an object
    response_message: str | None = None
    channel: str | None = None
    events: tuple[str, ...] = ()
    created_at: datetime | None = None
    modified_at: datetime | None = None
    secret_generation: int = 1  # which of the profile's secrets signs (``callback_render.secret_for``)

    def subscribed(self, event: str) -> bool:
        return event in self.events


def _invalid(name: str, message: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, message, field=name)


def parse(payload: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """The fields a create (``partial=False``: title, http_method and url required) or a PATCH
    (``partial=True``: only what is given) sets, normalised; raises INVALID_PARAMETER naming the first
    failing field, in the order of ``FIELDS``."""
    unknown = sorted(set(payload) - set(FIELDS))
    if unknown:
        raise _invalid(unknown[0], f"unknown field '{unknown[0]}' in payload")
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name not in payload:
            if not partial and name in ("title", "http_method", "url"):
                raise _invalid(name, f"{name} is required")
            continue
        parsed = _PARSERS[name](payload[name])
        if name != "enc":
            values[name] = parsed
    return values


def check_method_and_body(http_method: str, body: str | None) -> None:
    """A body template only goes with the methods that send one (Kaleyra: "for POST and PUT")."""
    if body is not None and http_method not in WITH_BODY:
        raise _invalid("body", f"body applies only to POST and PUT, not {http_method}")


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _invalid(name, f"{name} must be a string")
    return value.strip()


def _title(value: Any) -> str:
    title = _text("title", value)
    if len(title) < MIN_TITLE:
        raise _invalid("title", f"title must be at least {MIN_TITLE} characters")
    if len(title) > MAX_TITLE:
        raise _invalid("title", f"title exceeds {MAX_TITLE} characters")
    if not _TITLE.fullmatch(title):
        raise _invalid("title", "title may contain only letters, numbers, spaces, hyphens and underscores")
    return title


def _http_method(value: Any) -> str:
    method = _text("http_method", value).upper()
    if method not in HTTP_METHODS:
        raise _invalid("http_method", "http_method must be one of " + ", ".join(HTTP_METHODS))
    return method


def _url(value: Any) -> str:
    url = _text("url", value)
    if not url:
        raise _invalid("url", "url is required")
    return url


def _json_value(name: str, value: Any) -> Any:
    """A JSON value given as itself or as JSON text."""
    if not isinstance(value, str):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        raise _invalid(name, f"{name} is not valid JSON") from None


def _body(value: Any) -> str | None:
    if value is None or value == "":
        return None
    template = _json_value("body", value)
    if not isinstance(template, dict):
        raise _invalid("body", "body must be a JSON object")
    return orjson.dumps(template).decode() if template else None


def _response_message(value: Any) -> str | None:
    if value is None:
        return None
    return _text("response_message", value) or None


def _headers(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    headers = _json_value("headers", value)
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise _invalid("headers", "headers must be a JSON object of strings")
    if len(headers) > MAX_HEADERS:
        raise _invalid("headers", f"headers may name at most {MAX_HEADERS} headers")
    for name, header_value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise _invalid("headers", f"header name {name!r} is not a valid HTTP header name")
        if name.lower() in RESERVED_HEADERS:
            raise _invalid("headers", f"header {name} is set by the sender and cannot be configured")
        if "\r" in header_value or "\n" in header_value:
            raise _invalid("headers", f"header {name} must not contain line breaks")
    return dict(headers)


def _enc(value: Any) -> None:
    if value not in (None, "", {}):
        raise _invalid(
            "enc", "enc (payload encryption) is not supported; verify the webhook-signature header instead"
        )


def _channel(value: Any) -> str | None:
    if value is None:
        return None
    channel = _text("channel", value).lower()
    if len(channel) > MAX_CHANNEL:
        raise _invalid("channel", f"channel exceeds {MAX_CHANNEL} characters")
    return channel or None


def _events(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    events = _json_value("events", value)
    if not isinstance(events, list) or not all(isinstance(event, str) for event in events):
        raise _invalid("events", "events must be a JSON array of strings")
    for event in events:
        if event not in EVENTS:
            raise _invalid("events", f"unknown event '{event}'; known events: " + ", ".join(EVENTS))
    return tuple(dict.fromkeys(events))


_PARSERS = {
    "title": _title,
    "http_method": _http_method,
    "url": _url,
    "body": _body,
    "response_message": _response_message,
    "headers": _headers,
    "enc": _enc,
    "channel": _channel,
    "events": _events,
}
