"""One parameter map from wherever a client put it: query string, form body (urlencoded or multipart)
or JSON body. Meta's docs show all three for the same endpoints (curl ``-F``, ``-d`` JSON, query
strings), and Graph treats them alike; a body value wins over the query string.

Values from forms and query strings are text, so structured ones (``commands``, ``prompts``,
``filtering``, ``websites``, ``calling``) may arrive as JSON-encoded strings; ``structured`` decodes
them. Graph's parser also takes single-quoted strings (Meta's own ``filtering`` example quotes that way,
and real clients send it), so those are rewritten as JSON strings; nothing else beyond JSON is taken.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import orjson

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.surfaces.graph import multipart

Params = dict[str, Any]
SCOPE_KEY = "wanumbers.params"  # the pipeline's parse of a request: its Params, or the DomainError why not


def _invalid(detail: str, name: str | None = None) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=name)


def parse(query: bytes, body: bytes, content_type: str) -> Params:
    """The request's parameters: the query string's, then the body's over them (read once, by the
    pipeline, which hands them to the endpoint)."""
    params: Params = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    if body.strip():
        params.update(_body(body, content_type))
    return params


def query_values(query: bytes, name: str) -> list[str]:
    """Every value ``name`` has in the query string (a parameter may be repeated)."""
    if name.encode() not in query and b"%" not in query:  # nor spelled with escapes: not there
        return []
    return [value for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if key == name]


def _body(body: bytes, content_type: str) -> Params:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return _multipart(body, content_type)
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        if kind.endswith("json"):
            raise _invalid("The request body is not valid JSON") from None
        # Clients that omit the content type often still send a form (curl -d "a=b").
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if not isinstance(decoded, dict):
        raise _invalid("The request body must be a JSON object")
    return decoded


def _multipart(body: bytes, content_type: str) -> Params:
    """Plain form fields of a multipart body: one flat, bounded pass (``multipart.py``)."""
    return dict(multipart.form_fields(body, content_type))


# Parameters every Graph call may carry, whatever the operation.
GRAPH_PARAMS = frozenset({"access_token", "appsecret_proof", "appsecret_time", "fields", "pretty"})


def text(params: Params, name: str, *, required: bool = False) -> str | None:
    """A scalar as text: JSON numbers are taken too (a PIN or code sent as ``123456``)."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _invalid(f"The parameter {name} is required", name)
        return None if value is None else ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _invalid(f"Param {name} must be a string", name)
    return str(value).strip()


def flag(params: Params, name: str) -> bool | None:
    value = params.get(name)
    if value is None or isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise _invalid(f"Param {name} must be a boolean", name)


# A JSON string (kept as it is) or a single-quoted one (group 1: its content), escapes included.
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'((?:[^\'\\]|\\.)*)\'', re.DOTALL)
_IN_SINGLE = re.compile(r'\\\'|"')


def _as_json_string(match: re.Match[str]) -> str:
    content = match.group(1)
    if content is None:
        return match.group(0)
    # \' is a quote in a single-quoted string; a bare " must be escaped in a JSON one.
    return '"' + _IN_SINGLE.sub(lambda m: "'" if m.group(0) == "\\'" else '\\"', content) + '"'


def parse_json(value: str) -> Any:
    """JSON, or JSON whose strings are single-quoted; raises ``ValueError`` otherwise."""
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        if "'" not in value:
            raise ValueError("not JSON") from None
    try:
        return orjson.loads(_STRINGS.sub(_as_json_string, value))
    except orjson.JSONDecodeError:
        raise ValueError("not JSON") from None


def structured(params: Params, name: str, shape: str = "array") -> Any:
    """A list or object, given natively (JSON body) or JSON-encoded in a string. Text that does not
    parse gets Graph's own message: ``(#100) param filtering must be an array.``"""
    value = params.get(name)
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    try:
        return parse_json(value)
    except ValueError:
        raise _invalid(f"param {name} must be an {shape}.", name) from None


def array(params: Params, name: str) -> list[Any] | None:
    """A parameter that must be a JSON array, refused in Graph's words otherwise."""
    value = structured(params, name)
    if value is not None and not isinstance(value, list):
        raise _invalid(f"param {name} must be an array.", name)
    return value
