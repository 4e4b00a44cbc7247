"""A phone-number event as a callback profile sends it: dynamic variables substituted, signed with
Standard Webhooks (https://www.standardwebhooks.com/).

Variables: every scalar of the Meta change's ``value`` under its own name (``<display_phone_number>``,
``<event>``, ``<current_limit>``, ``<old_limit>``, …, the names Kaleyra's own quality webhook uses), plus
``<waba_id>``, ``<phone_number_id>``, ``<event_type>`` (the Meta field) and ``<timestamp>`` (Unix
seconds). A ``<name>`` that is no variable of the event renders empty, as Kaleyra fills a variable with
what the event has.

- URL: variables substituted percent-encoded (Kaleyra's GET profiles carry them in the query string).
- Body (POST and PUT): the template's JSON is walked and every string in it substituted, so a value can
  never break the JSON; without a template, the variables of the Meta value as one flat object (the
  shape of Kaleyra's quality webhook: ``display_phone_number``, ``event``, ``current_limit``).
- Headers: the profile's, then ``Content-Type`` when there is a body, then ``webhook-id``,
  ``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``
  keyed with the profile's ``whsec_`` secret (base64 after the prefix).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import orjson

from wanumbers.server.domain.callback_profiles import WITH_BODY, CallbackProfile
from wanumbers.server.domain.outbound import OutboundRequest, PhoneNumberChange

SECRET_PREFIX = "whsec_"
_VARIABLE = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>")
_MESSAGE_ID = re.compile(r"msg_([0-9a-f]{32})_[0-9a-f]{16}")
_DERIVATION = b"wanumbers/callback-profile-secret/v1\x00"


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def value_variables(change: PhoneNumberChange) -> dict[str, str]:
    """The scalars of the Meta value, in its order: the default body."""
    found = {name: _scalar(value) for name, value in change.value.items()}
    return {name: text for name, text in found.items() if text is not None}


def variables(change: PhoneNumberChange) -> dict[str, str]:
    return {
        **value_variables(change),
        "waba_id": str(change.waba_id),
        "phone_number_id": "" if change.number_id is None else str(change.number_id),
        "event_type": change.field,
        "timestamp": str(change.time),
    }


def substitute(text: str, values: Mapping[str, str], *, in_url: bool = False) -> str:
    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "")
        return quote(value, safe="") if in_url else value

    return _VARIABLE.sub(replace, text)


def _walk(node: Any, values: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return substitute(node, values)
    if isinstance(node, dict):
        return {key: _walk(item, values) for key, item in node.items()}
    if isinstance(node, list):
        return [_walk(item, values) for item in node]
    return node


def render_body(template: str | None, change: PhoneNumberChange) -> bytes:
    if template is None:
        return orjson.dumps(value_variables(change))
    return orjson.dumps(_walk(orjson.loads(template), variables(change)))


def secret_for(server_key: bytes, profile_id: str, generation: int) -> str:
    """The profile's signing secret, derived from the server's key (kept outside the store) and the
    profile's secret generation, which a rotation bumps: nothing secret is stored."""
    message = _DERIVATION + f"{profile_id}:{generation}".encode()
    digest = hmac.new(server_key, message, hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(digest).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one message."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def message_id(profile_id: str, nonce: str) -> str:
    """``msg_<profile uuid, 32 hex>_<16 hex>``: unique per request, and names the profile whose secret
    signs it, so a request can be re-signed later from itself alone."""
    return f"msg_{uuid.UUID(profile_id).hex}_{nonce}"


def profile_of(message: str) -> str | None:
    """The profile id a ``message_id`` names, ``None`` for any other id."""
    match = _MESSAGE_ID.fullmatch(message)
    return str(uuid.UUID(match.group(1))) if match else None


def resign(request: OutboundRequest, secret: str, timestamp: int) -> OutboundRequest:
    """The same request (same ``webhook-id``, same body) signed again at ``timestamp``: receivers refuse
    a timestamp more than 5 minutes off their clock, so a resend after that needs a fresh one."""
    headers = dict(request.headers)
    message = headers["webhook-id"]
    headers["webhook-timestamp"] = str(timestamp)
    headers["webhook-signature"] = sign(secret, message, timestamp, request.body)
    return OutboundRequest(request.method, request.url, tuple(headers.items()), request.body)


def request_for(
    profile: CallbackProfile, change: PhoneNumberChange, *, secret: str, message_id: str, timestamp: int
) -> OutboundRequest:
    """The signed request ``profile`` sends for ``change``."""
    url = substitute(profile.url, variables(change), in_url=True)
    body = render_body(profile.body, change) if profile.http_method in WITH_BODY else b""
    headers = list(profile.headers.items())
    if body:
        headers.append(("Content-Type", "application/json"))
    headers += [
        ("webhook-id", message_id),
        ("webhook-timestamp", str(timestamp)),
        ("webhook-signature", sign(secret, message_id, timestamp, body)),
    ]
    return OutboundRequest(profile.http_method, url, tuple(headers), body)
